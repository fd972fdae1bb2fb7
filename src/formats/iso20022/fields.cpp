#include "formats/iso20022/fields.hpp"

#include <cstdint>
#include <limits>

#include "core/time.hpp"

namespace dictra::formats::iso20022::internal {
namespace {

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsUpper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool IsUpperAlnum(char c) {
    return IsDigit(c) || IsUpper(c);
}
bool IsAlnum(char c) {
    return IsUpperAlnum(c) || (c >= 'a' && c <= 'z');
}
bool IsXmlSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

template <typename Predicate>
bool AllOf(std::string_view text, Predicate predicate) {
    for (char c : text) {
        if (!predicate(c)) return false;
    }
    return true;
}

template <typename Predicate>
bool RunOf(std::string_view text, std::size_t min_length, std::size_t max_length,
           Predicate predicate) {
    return text.size() >= min_length && text.size() <= max_length && AllOf(text, predicate);
}

std::string_view Collapse(std::string_view text) {
    while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
    return text;
}

bool ValidIspb(std::string_view text) {
    return RunOf(text, 8, 8, IsUpperAlnum);
}
bool ValidIspbLegacy(std::string_view text) {
    return RunOf(text, 8, 8, IsDigit);
}
bool ValidMsgId(std::string_view text) {
    return text.size() == 32 && text[0] == 'M' && RunOf(text.substr(1, 8), 8, 8, IsUpperAlnum) &&
           AllOf(text.substr(9), IsAlnum);
}
bool ValidMsgIdLegacy(std::string_view text) {
    return ValidMsgId(text) && AllOf(text.substr(1, 8), IsDigit);
}

// [0-9]{4}[0-1][0-9][0-3][0-9][0-2][0-9][0-5][0-9] after the prefix and ISPB, then 11 alnum.
bool ValidSpiIdTail(std::string_view text) {
    if (text.size() != 31) return false;
    if (!RunOf(text.substr(0, 8), 8, 8, IsUpperAlnum)) return false;
    const std::string_view stamp = text.substr(8, 12);
    if (!AllOf(stamp, IsDigit)) return false;
    if (stamp[4] > '1' || stamp[6] > '3' || stamp[8] > '2' || stamp[10] > '5') return false;
    return AllOf(text.substr(20), IsAlnum);
}
bool ValidEndToEndId(std::string_view text) {
    return !text.empty() && text[0] == 'E' && ValidSpiIdTail(text.substr(1));
}
bool ValidInstrId(std::string_view text) {
    // The XSD's class [E|D] matches 'E', '|' and 'D'. We accept exactly what the XSD accepts.
    return !text.empty() && (text[0] == 'E' || text[0] == 'D' || text[0] == '|') &&
           ValidSpiIdTail(text.substr(1));
}
bool ValidTxId(std::string_view text) {
    return RunOf(text, 1, 35, IsAlnum);
}
bool ValidContaUsuario(std::string_view text) {
    return RunOf(text, 1, 20, IsUpperAlnum);
}
bool ValidMax4Numeric(std::string_view text) {
    return RunOf(text, 1, 4, IsDigit);
}
bool ValidMax15Numeric(std::string_view text) {
    return RunOf(text, 1, 15, IsDigit);
}
bool ValidCnpj(std::string_view text) {
    return text.size() == 14 && AllOf(text.substr(0, 12), IsUpperAlnum) &&
           AllOf(text.substr(12), IsDigit);
}
bool ValidCpfCnpj(std::string_view text) {
    return RunOf(text, 11, 11, IsDigit) || ValidCnpj(text);
}
bool ValidDocFiscal(std::string_view text) {
    return RunOf(text, 1, 50, IsAlnum);
}

template <std::size_t kMax>
bool ValidMaxText(std::string_view text) {
    auto count = CountXmlCharacters(text);
    return count.ok() && *count >= 1 && *count <= kMax;
}

int DigitCount(std::int64_t value) {
    int digits = 1;
    while (value >= 10) {
        value /= 10;
        ++digits;
    }
    return digits;
}

// totalDigits of the decimal value centavos/100: the digits of the smallest integer i with
// value = i * 10^-n.
int TotalDigits(AmountCentavos amount) {
    std::int64_t significant = amount.centavos();
    if (significant % 100 == 0) {
        significant /= 100;
    } else if (significant % 10 == 0) {
        significant /= 10;
    }
    return DigitCount(significant);
}

constexpr int kAmountTotalDigitsMax = 18;
constexpr int kAmountFractionDigitsMax = 2;

constexpr std::string_view kDateTimeDescription =
    "ISONormalisedDateTime (YYYY-MM-DDThh:mm:ss.sssZ, UTC)";

bool MatchesDateTimePattern(std::string_view text) {
    // [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z
    constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (text.size() != kShape.size()) return false;
    for (std::size_t char_idx = 0; char_idx < kShape.size(); ++char_idx) {
        const bool ok =
            kShape[char_idx] == 'd' ? IsDigit(text[char_idx]) : text[char_idx] == kShape[char_idx];
        if (!ok) return false;
    }
    return true;
}

bool YearInXsdRange(std::chrono::year year) {
    // XSD 1.0 has no year 0000; FormatRfc3339 stops at 9999.
    return year >= std::chrono::year(1) && year <= std::chrono::year(9999);
}

}  // namespace

const TextType kIspbType{"ISPBType ([0-9A-Z]{8})", &ValidIspb};
const TextType kIspbTypeLegacy{"ISPBType ([0-9]{8})", &ValidIspbLegacy};
const TextType kMsgIdType{"MsgIdType ([M][0-9A-Z]{8}[a-zA-Z0-9]{23})", &ValidMsgId};
const TextType kMsgIdTypeLegacy{"MsgIdType ([M][0-9]{8}[a-zA-Z0-9]{23})", &ValidMsgIdLegacy};
const TextType kEndToEndIdType{
    "EndToEndIdType (E, ISPB, yyyyMMddHHmm, 11 letters or digits; 32 characters)",
    &ValidEndToEndId};
const TextType kInstrIdType{
    "InstrId2Type ([E|D], ISPB, yyyyMMddHHmm, 11 letters or digits; 32 characters)", &ValidInstrId};
const TextType kTxIdType{"TxIdType ([a-zA-Z0-9]{1,35})", &ValidTxId};
const TextType kContaUsuarioType{"ContaUsuarioType ([0-9A-Z]{1,20})", &ValidContaUsuario};
const TextType kMax4Numeric{"Max4Numeric ([0-9]{1,4})", &ValidMax4Numeric, true};
const TextType kMax15Numeric{"Max15Numeric ([0-9]{1,15})", &ValidMax15Numeric, true};
const TextType kPiCpfCnpj{"PICpfCnpj (CPF [0-9]{11} or CNPJ [0-9A-Z]{12}[0-9]{2})", &ValidCpfCnpj};
const TextType kPiCnpj{"PICnpj ([0-9A-Z]{12}[0-9]{2})", &ValidCnpj};
const TextType kDocFiscalType{"DocFiscalType ([a-zA-Z0-9]{1,50})", &ValidDocFiscal};
const TextType kMax35Text{"Max35Text (1 to 35 characters)", &ValidMaxText<35>};
const TextType kMax77Text{"Max77Text (1 to 77 characters)", &ValidMaxText<77>};
const TextType kMax105Text{"Max105Text (1 to 105 characters)", &ValidMaxText<105>};
const TextType kMax140Text{"Max140Text (1 to 140 characters)", &ValidMaxText<140>};

Status CheckText(const TextType& type, std::string_view value, const std::string& path) {
    if (type.valid(value)) return Ok();
    return Error::InvalidArgument(
        path + ": " + Quote(value) + " is not " + std::string(type.description), path);
}

Result<std::string> ReadText(const Element& element, const TextType& type) {
    DICTRA_ASSIGN_OR_RETURN(std::string text, element.Text());
    if (type.collapse_whitespace) text = std::string(Collapse(text));
    if (!type.valid(text)) {
        return element.Fail(Quote(text) + " is not " + std::string(type.description));
    }
    return text;
}

Result<std::size_t> CountXmlCharacters(std::string_view text) {
    std::size_t count = 0;
    std::size_t byte_idx = 0;
    while (byte_idx < text.size()) {
        const auto lead = static_cast<unsigned char>(text[byte_idx]);
        std::uint32_t code_point = 0;
        std::size_t length = 0;
        if (lead < 0x80) {
            code_point = lead;
            length = 1;
        } else if ((lead & 0xE0) == 0xC0) {
            code_point = lead & 0x1F;
            length = 2;
        } else if ((lead & 0xF0) == 0xE0) {
            code_point = lead & 0x0F;
            length = 3;
        } else if ((lead & 0xF8) == 0xF0) {
            code_point = lead & 0x07;
            length = 4;
        } else {
            return Error::InvalidArgument("invalid UTF-8");
        }
        if (byte_idx + length > text.size()) return Error::InvalidArgument("invalid UTF-8");
        for (std::size_t continuation = 1; continuation < length; ++continuation) {
            const auto next = static_cast<unsigned char>(text[byte_idx + continuation]);
            if ((next & 0xC0) != 0x80) return Error::InvalidArgument("invalid UTF-8");
            code_point = (code_point << 6) | (next & 0x3F);
        }
        constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < kMinForLength[length]) return Error::InvalidArgument("invalid UTF-8");
        const bool xml_char = code_point == 0x9 || code_point == 0xA || code_point == 0xD ||
                              (code_point >= 0x20 && code_point <= 0xD7FF) ||
                              (code_point >= 0xE000 && code_point <= 0xFFFD) ||
                              (code_point >= 0x10000 && code_point <= 0x10FFFF);
        if (!xml_char) return Error::InvalidArgument("a character XML does not allow");
        byte_idx += length;
        ++count;
    }
    return count;
}

Status CheckAmount(AmountCentavos amount, const std::string& path) {
    if (amount.IsNegative()) {
        return Error::InvalidArgument(path + ": amount " + FormatAmount(amount) + " is negative",
                                      path);
    }
    if (TotalDigits(amount) > kAmountTotalDigitsMax) {
        return Error::InvalidArgument(
            path + ": amount " + FormatAmount(amount) + " has more than 18 digits", path);
    }
    return Ok();
}

Result<AmountCentavos> ParseXsdAmount(std::string_view raw) {
    const std::string_view text = Collapse(raw);
    std::string_view rest = text;
    bool negative = false;
    if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
        negative = rest.front() == '-';
        rest.remove_prefix(1);
    }
    const std::size_t point = rest.find('.');
    std::string_view integer_part = rest.substr(0, point);
    std::string_view fraction_part =
        point == std::string_view::npos ? std::string_view() : rest.substr(point + 1);
    if ((integer_part.empty() && fraction_part.empty()) || !AllOf(integer_part, IsDigit) ||
        !AllOf(fraction_part, IsDigit)) {
        return Error::InvalidArgument(Quote(text) + " is not a decimal number");
    }
    while (!integer_part.empty() && integer_part.front() == '0') integer_part.remove_prefix(1);
    while (!fraction_part.empty() && fraction_part.back() == '0') fraction_part.remove_suffix(1);
    if (fraction_part.size() > kAmountFractionDigitsMax) {
        return Error::InvalidArgument(Quote(text) + " has more than 2 fraction digits");
    }
    if (integer_part.size() + fraction_part.size() > kAmountTotalDigitsMax) {
        return Error::InvalidArgument(Quote(text) + " has more than 18 digits");
    }
    std::int64_t centavos = 0;
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    auto push_digit = [&](char digit) {
        const int value = digit - '0';
        if (centavos > (kMax - value) / 10) return false;
        centavos = centavos * 10 + value;
        return true;
    };
    bool fits = true;
    for (char digit : integer_part) fits = fits && push_digit(digit);
    for (std::size_t frac_idx = 0; frac_idx < kAmountFractionDigitsMax; ++frac_idx) {
        fits = fits && push_digit(frac_idx < fraction_part.size() ? fraction_part[frac_idx] : '0');
    }
    if (!fits) return Error::InvalidArgument(Quote(text) + " is beyond the largest amount");
    if (negative && centavos != 0) {
        return Error::InvalidArgument(Quote(text) + " is negative");
    }
    return AmountCentavos(centavos);
}

Result<AmountCentavos> ReadAmount(const Element& element) {
    const std::optional<std::string> currency = element.Attribute("Ccy");
    if (!currency) return element.Fail("missing attribute 'Ccy'");
    if (*currency != "BRL") return element.Fail("currency " + Quote(*currency) + " is not BRL");
    DICTRA_ASSIGN_OR_RETURN(std::string text, element.Text());
    auto amount = ParseXsdAmount(text);
    if (!amount.ok()) return element.Fail("amount " + amount.error().message);
    return *amount;
}

Status CheckDateTime(SystemTimePoint at, const std::string& path) {
    if (YearInXsdRange(UtcDate(at).year())) return Ok();
    return Error::InvalidArgument(path + ": time is outside the years 0001 to 9999", path);
}

std::string FormatDateTime(SystemTimePoint at) {
    return FormatRfc3339(at, TimePrecision::kMilliseconds);
}

Result<SystemTimePoint> ReadDateTime(const Element& element) {
    DICTRA_ASSIGN_OR_RETURN(std::string raw, element.Text());
    const std::string_view text = Collapse(raw);
    if (!MatchesDateTimePattern(text) || text.substr(0, 4) == "0000") {
        return element.Fail(Quote(text) + " is not " + std::string(kDateTimeDescription));
    }
    auto at = ParseRfc3339(text);
    if (!at.ok()) {
        return element.Fail(Quote(text) + " is not " + std::string(kDateTimeDescription) +
                            ": not a real date and time");
    }
    return *at;
}

Status CheckDate(std::chrono::year_month_day date, const std::string& path) {
    if (date.ok() && YearInXsdRange(date.year())) return Ok();
    return Error::InvalidArgument(path + ": not a date in the years 0001 to 9999", path);
}

Result<std::chrono::year_month_day> ReadDate(const Element& element) {
    DICTRA_ASSIGN_OR_RETURN(std::string raw, element.Text());
    const std::string_view text = Collapse(raw);
    auto date = ParseIsoDate(text);
    if (!date.ok() || !YearInXsdRange(date->year())) {
        return element.Fail(Quote(text) + " is not ISODate (YYYY-MM-DD)");
    }
    return *date;
}

}  // namespace dictra::formats::iso20022::internal
