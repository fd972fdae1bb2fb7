#include "core/money.hpp"

#include <limits>

namespace dictra {
namespace {

constexpr std::uint64_t kInt64MaxMagnitude =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
// |INT64_MIN| is one more than INT64_MAX; only a negative amount may reach it.
constexpr std::uint64_t kInt64MinMagnitude = kInt64MaxMagnitude + 1;
// A JSON exponent beyond this cannot produce an in-range non-zero amount from at most
// kAmountTextBytesMax digits, so the exponent is clamped here instead of overflowing an int.
constexpr int kJsonExponentAbsMax = 1000;

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

Error Invalid(std::string message) {
    return Error::InvalidArgument(std::move(message));
}

// magnitude = magnitude * 10 + digit, refusing to exceed `limit`.
bool AppendDigit(std::uint64_t& magnitude, char digit, std::uint64_t limit) {
    const auto value = static_cast<std::uint64_t>(digit - '0');
    if (magnitude > (limit - value) / 10) return false;
    magnitude = magnitude * 10 + value;
    return true;
}

AmountCentavos FromMagnitude(std::uint64_t magnitude, bool negative) {
    if (!negative) return AmountCentavos(static_cast<std::int64_t>(magnitude));
    if (magnitude == kInt64MinMagnitude)
        return AmountCentavos(std::numeric_limits<std::int64_t>::min());
    return AmountCentavos(-static_cast<std::int64_t>(magnitude));
}

Result<AmountCentavos> ParseStrict(std::string_view text, bool allow_negative) {
    if (text.empty()) return Invalid("amount is empty");
    if (text.size() > kAmountTextBytesMax) return Invalid("amount text is too long");
    bool negative = false;
    std::size_t pos = 0;
    if (text[0] == '-') {
        if (!allow_negative) return Invalid("amount must not be negative");
        negative = true;
        pos = 1;
    }
    const std::size_t integer_begin = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    const std::size_t integer_digits = pos - integer_begin;
    if (integer_digits == 0) return Invalid("amount must start with a digit");
    if (integer_digits > 1 && text[integer_begin] == '0')
        return Invalid("amount has leading zeros");

    const std::uint64_t limit = negative ? kInt64MinMagnitude : kInt64MaxMagnitude;
    std::uint64_t magnitude = 0;
    for (std::size_t idx = integer_begin; idx < pos; ++idx) {
        if (!AppendDigit(magnitude, text[idx], limit)) return Invalid("amount is too large");
    }
    std::size_t fraction_digits = 0;
    if (pos < text.size()) {
        if (text[pos] != '.')
            return Invalid("amount must be digits with an optional '.' and up to 2 decimals");
        ++pos;
        const std::size_t fraction_begin = pos;
        while (pos < text.size() && IsDigit(text[pos])) ++pos;
        if (pos != text.size())
            return Invalid("amount must be digits with an optional '.' and up to 2 decimals");
        fraction_digits = pos - fraction_begin;
        if (fraction_digits == 0) return Invalid("amount has a '.' without decimals");
        if (fraction_digits > 2) return Invalid("amount has more than 2 decimals");
        for (std::size_t idx = fraction_begin; idx < pos; ++idx) {
            if (!AppendDigit(magnitude, text[idx], limit)) return Invalid("amount is too large");
        }
    }
    for (std::size_t pad = fraction_digits; pad < 2; ++pad) {
        if (!AppendDigit(magnitude, '0', limit)) return Invalid("amount is too large");
    }
    return FromMagnitude(magnitude, negative);
}

}  // namespace

Result<AmountCentavos> ParseAmount(std::string_view text) {
    return ParseStrict(text, /*allow_negative=*/false);
}

Result<AmountCentavos> ParseSignedAmount(std::string_view text) {
    return ParseStrict(text, /*allow_negative=*/true);
}

Result<AmountCentavos> ParseAmountJsonNumber(std::string_view raw_number) {
    const std::string_view text = raw_number;
    if (text.empty()) return Invalid("amount is empty");
    if (text.size() > kAmountTextBytesMax) return Invalid("amount text is too long");
    std::size_t pos = 0;
    if (text[0] == '-') return Invalid("amount must not be negative");

    // Significant digits of integer and fraction parts together, and how many came after the point.
    std::string digits;
    digits.reserve(text.size());
    const std::size_t integer_begin = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    if (pos == integer_begin) return Invalid("amount is not a JSON number");
    if (pos - integer_begin > 1 && text[integer_begin] == '0')
        return Invalid("amount has leading zeros");
    digits.append(text.substr(integer_begin, pos - integer_begin));

    int fraction_digits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t fraction_begin = pos;
        while (pos < text.size() && IsDigit(text[pos])) ++pos;
        if (pos == fraction_begin) return Invalid("amount is not a JSON number");
        fraction_digits = static_cast<int>(pos - fraction_begin);
        digits.append(text.substr(fraction_begin, pos - fraction_begin));
    }

    int exponent = 0;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        bool exponent_negative = false;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            exponent_negative = text[pos] == '-';
            ++pos;
        }
        const std::size_t exponent_begin = pos;
        while (pos < text.size() && IsDigit(text[pos])) {
            if (exponent < kJsonExponentAbsMax) exponent = exponent * 10 + (text[pos] - '0');
            ++pos;
        }
        if (pos == exponent_begin) return Invalid("amount is not a JSON number");
        if (exponent > kJsonExponentAbsMax) exponent = kJsonExponentAbsMax;
        if (exponent_negative) exponent = -exponent;
    }
    if (pos != text.size()) return Invalid("amount is not a JSON number");

    // Drop leading zeros; an all-zero number is zero whatever its exponent.
    const std::size_t first_non_zero = digits.find_first_not_of('0');
    if (first_non_zero == std::string::npos) return AmountCentavos(0);
    digits.erase(0, first_non_zero);

    // value in centavos = digits * 10^shift
    const int shift = 2 - fraction_digits + exponent;
    if (shift < 0) {
        const auto drop = static_cast<std::size_t>(-shift);
        if (drop >= digits.size() ||
            digits.find_first_not_of('0', digits.size() - drop) != std::string::npos) {
            return Invalid("amount has more than 2 decimals");
        }
        digits.resize(digits.size() - drop);
    }
    std::uint64_t magnitude = 0;
    for (char digit : digits) {
        if (!AppendDigit(magnitude, digit, kInt64MaxMagnitude))
            return Invalid("amount is too large");
    }
    for (int pad = 0; pad < shift; ++pad) {
        if (!AppendDigit(magnitude, '0', kInt64MaxMagnitude)) return Invalid("amount is too large");
    }
    return AmountCentavos(static_cast<std::int64_t>(magnitude));
}

std::string FormatAmount(AmountCentavos amount) {
    const std::int64_t centavos = amount.centavos();
    // Work on the unsigned magnitude so INT64_MIN does not overflow on negation.
    const std::uint64_t magnitude = centavos < 0 ? 0 - static_cast<std::uint64_t>(centavos)
                                                 : static_cast<std::uint64_t>(centavos);
    std::string out = std::to_string(magnitude / 100);
    const auto cents = static_cast<char>(magnitude % 100);
    out.push_back('.');
    out.push_back(static_cast<char>('0' + cents / 10));
    out.push_back(static_cast<char>('0' + cents % 10));
    if (centavos < 0) out.insert(out.begin(), '-');
    return out;
}

Result<AmountCentavos> CheckedAdd(AmountCentavos lhs, AmountCentavos rhs) {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(lhs.centavos(), rhs.centavos(), &sum))
        return Invalid("amount sum overflows");
    return AmountCentavos(sum);
}

Result<AmountCentavos> CheckedSubtract(AmountCentavos lhs, AmountCentavos rhs) {
    std::int64_t difference = 0;
    if (__builtin_sub_overflow(lhs.centavos(), rhs.centavos(), &difference)) {
        return Invalid("amount difference overflows");
    }
    return AmountCentavos(difference);
}

}  // namespace dictra
