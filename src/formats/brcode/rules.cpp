#include "formats/brcode/rules.hpp"

#include <cstdint>

#include "formats/brcode/text.hpp"

namespace dictra::formats::brcode::rules {
namespace {

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

bool IsAlphanumeric(char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

char ToLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t idx = 0; idx < prefix.size(); ++idx) {
        if (ToLower(text[idx]) != ToLower(prefix[idx])) return false;
    }
    return true;
}

std::string Prefix(std::string_view tag, std::string_view name) {
    return std::string(tag) + " " + std::string(name) + ": ";
}

Issue Make(DecodeProblem problem, std::string_view tag, std::string_view name, std::string detail) {
    return Issue{problem, Prefix(tag, name) + detail};
}

Check TextIssueToCheck(std::string_view tag, std::string_view name, const TextIssue& issue,
                       std::string_view expected) {
    if (issue.kind == TextIssue::Kind::kUnrepresentable) {
        return Make(DecodeProblem::kInvalid, tag, name,
                    Describe(issue) + " cannot be represented; expected " + std::string(expected));
    }
    return Make(DecodeProblem::kNotPrintable, tag, name, Describe(issue));
}

Check CheckLength(std::string_view tag, std::string_view name, std::string_view value,
                  std::size_t chars_max) {
    const std::size_t characters = CountCharacters(value);
    if (value.empty()) return Make(DecodeProblem::kEmpty, tag, name, "is empty");
    if (chars_max != 0 && characters > chars_max) {
        return Make(
            DecodeProblem::kTooLong, tag, name,
            std::to_string(characters) + " characters; at most " + std::to_string(chars_max));
    }
    return std::nullopt;
}

Check CheckAscii(std::string_view tag, std::string_view name, std::string_view value,
                 std::size_t chars_max, bool spaces_allowed) {
    if (auto issue = FindAsciiIssue(value)) {
        return TextIssueToCheck(tag, name, *issue, "printable ASCII");
    }
    if (auto length = CheckLength(tag, name, value, chars_max)) return length;
    if (!spaces_allowed && value.find(' ') != std::string_view::npos) {
        return Make(
            DecodeProblem::kInvalid, tag, name,
            "contains a space at byte " + std::to_string(value.find(' ')) + " of the value");
    }
    return std::nullopt;
}

Check CheckDigits(std::string_view tag, std::string_view name, std::string_view value,
                  std::size_t digits) {
    if (auto issue = FindAsciiIssue(value)) {
        return TextIssueToCheck(tag, name, *issue, std::to_string(digits) + " digits");
    }
    bool all_digits = value.size() == digits;
    for (const char c : value) all_digits = all_digits && IsDigit(c);
    if (!all_digits) {
        return Make(DecodeProblem::kInvalid, tag, name,
                    "'" + std::string(value) + "' is not " + std::to_string(digits) + " digits");
    }
    return std::nullopt;
}

// The largest amount kAmountCharsMax characters can write: "9999999999.99".
constexpr std::int64_t kAmountCentavosMax = 999'999'999'999;
static_assert(kAmountCharsMax == 13);

}  // namespace

Check CheckFreeText(std::string_view tag, std::string_view name, std::string_view value,
                    std::size_t chars_max) {
    if (auto issue = FindFreeTextIssue(value)) {
        return TextIssueToCheck(tag, name, *issue,
                                "printable ASCII or an accented Latin letter (folded to ASCII)");
    }
    if (auto length = CheckLength(tag, name, value, chars_max)) return length;
    if (FoldToAsciiInto(value, nullptr) == 0) {
        return Make(DecodeProblem::kInvalid, tag, name,
                    "only combining marks; nothing is left once folded to ASCII");
    }
    return std::nullopt;
}

Check CheckPixKey(std::string_view value) {
    return CheckAscii("26-01", "Pix key", value, kPixKeyCharsMax, /*spaces_allowed=*/false);
}

Check CheckFssIspb(std::string_view value) {
    return CheckDigits("26-03", "FSS ISPB", value, kIspbDigits);
}

Check CheckUrl(std::string_view tag, std::string_view value) {
    const std::string_view name = tag == "80-25" ? "recurrence URL" : "URL";
    if (auto ascii = CheckAscii(tag, name, value, kUrlCharsMax, /*spaces_allowed=*/false)) {
        return ascii;
    }
    // The payer's app prepends "https://"; a URL that brings its own scheme cannot be fetched.
    if (StartsWithIgnoringCase(value, "https://") || StartsWithIgnoringCase(value, "http://") ||
        value.find("://") != std::string_view::npos) {
        return Make(DecodeProblem::kInvalid, tag, name,
                    "'" + std::string(value) +
                        "' must not include a scheme (the payer's app adds https://)");
    }
    return std::nullopt;
}

Check CheckMerchantCategoryCode(std::string_view value) {
    return CheckDigits("52", "merchant category code", value, 4);
}

Check CheckPostalCode(std::string_view value) {
    return CheckAscii("61", "postal code", value, kPostalCodeCharsMax, /*spaces_allowed=*/true);
}

Check CheckTxId(std::string_view value) {
    if (value == kNoTxId) return std::nullopt;
    if (auto issue = FindAsciiIssue(value)) {
        return TextIssueToCheck("62-05", "txid", *issue, "letters and digits");
    }
    if (auto length = CheckLength("62-05", "txid", value, kTxIdCharsMax)) return length;
    for (std::size_t idx = 0; idx < value.size(); ++idx) {
        if (!IsAlphanumeric(value[idx])) {
            return Make(DecodeProblem::kInvalid, "62-05", "txid",
                        "'" + std::string(1, value[idx]) + "' at byte " + std::to_string(idx) +
                            " of the value is not a letter or digit (A-Z, a-z, 0-9; or *** "
                            "for none)");
        }
    }
    return std::nullopt;
}

AmountOrIssue ParseAmountField(std::string_view value) {
    auto fail = [](std::string detail) {
        return AmountOrIssue{std::nullopt,
                             Make(DecodeProblem::kInvalid, "54", "amount", std::move(detail))};
    };
    if (auto issue = FindAsciiIssue(value)) {
        return AmountOrIssue{std::nullopt,
                             TextIssueToCheck("54", "amount", *issue, "digits and '.'")};
    }
    if (auto length = CheckLength("54", "amount", value, kAmountCharsMax)) {
        return AmountOrIssue{std::nullopt, length};
    }
    // Built only on the way out: a valid amount allocates nothing.
    auto quoted = [value] { return "'" + std::string(value) + "'"; };
    if (value.front() == '-') return fail(quoted() + " is negative");
    if (value.find(',') != std::string_view::npos) {
        return fail(quoted() + " uses a comma; the decimal mark is '.'");
    }
    const std::size_t point = value.find('.');
    if (point != std::string_view::npos && value.size() - point - 1 > 2) {
        return fail(quoted() + " has more than 2 decimals");
    }
    auto parsed = ParseAmount(value);
    if (!parsed.ok()) return fail(quoted() + ": " + parsed.error().message);
    if (auto issue = CheckAmount(*parsed)) return AmountOrIssue{std::nullopt, issue};
    return AmountOrIssue{*parsed, std::nullopt};
}

Check CheckAmount(AmountCentavos amount) {
    if (amount.IsNegative()) return Make(DecodeProblem::kInvalid, "54", "amount", "is negative");
    if (amount.IsZero()) {
        return Make(DecodeProblem::kInvalid, "54", "amount",
                    "must be greater than zero (leave it out to let the payer type the amount)");
    }
    if (amount.centavos() > kAmountCentavosMax) {
        return Make(DecodeProblem::kTooLong, "54", "amount",
                    FormatAmount(amount) + " is over " + std::to_string(kAmountCharsMax) +
                        " characters (at most 9999999999.99)");
    }
    return std::nullopt;
}

bool IsPixGui(std::string_view value) {
    return value.size() == kPixGui.size() && StartsWithIgnoringCase(value, kPixGui);
}

}  // namespace dictra::formats::brcode::rules
