// Internal to dictra_iso20022: the XSD simple types of the SPI catalog, checked the same way when
// building (values from our structs) and when parsing (text from a message), so that whatever
// parses also builds, and whatever we build also parses.
//
// Text types derived from xs:string keep their whitespace (XSD whiteSpace "preserve"): the
// pattern applies to the raw text. Types derived from xs:integer, xs:decimal, xs:dateTime and
// xs:date collapse whitespace first, so leading and trailing blanks are ignored there. Lengths
// count Unicode characters, not bytes. Text must be valid UTF-8 made of XML 1.0 characters.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "core/result.hpp"
#include "formats/iso20022/xml_reader.hpp"

namespace dictra::formats::iso20022::internal {

// A text type of the XSDs: its name and pattern for messages, and its check.
struct TextType {
    std::string_view description;  // "ISPBType [0-9A-Z]{8}"
    bool (*valid)(std::string_view value);
    bool collapse_whitespace = false;  // derived from xs:integer
};

extern const TextType kIspbType;          // [0-9A-Z]{8}
extern const TextType kIspbTypeLegacy;    // [0-9]{8} (catalog 1.0)
extern const TextType kMsgIdType;         // M[0-9A-Z]{8}[a-zA-Z0-9]{23}
extern const TextType kMsgIdTypeLegacy;   // M[0-9]{8}[a-zA-Z0-9]{23} (catalog 1.0)
extern const TextType kEndToEndIdType;    // E + ISPB + yyyyMMddHHmm-like digits + 11 alnum
extern const TextType kInstrIdType;       // same with [E|D] (which also admits '|')
extern const TextType kTxIdType;          // [a-zA-Z0-9]{1,35}
extern const TextType kContaUsuarioType;  // [0-9A-Z]{1,20}
extern const TextType kMax4Numeric;       // xs:integer, [0-9]{1,4}
extern const TextType kMax15Numeric;      // xs:integer, [0-9]{1,15}
extern const TextType kPiCpfCnpj;         // [0-9]{11}|[0-9A-Z]{12}[0-9]{2}
extern const TextType kPiCnpj;            // [0-9A-Z]{12}[0-9]{2}
extern const TextType kDocFiscalType;     // [a-zA-Z0-9]{1,50}
extern const TextType kMax35Text;         // 1..35 characters
extern const TextType kMax77Text;
extern const TextType kMax105Text;
extern const TextType kMax140Text;

// Build side: kInvalidArgument "<path>: '<value>' is not <description>", field = path.
Status CheckText(const TextType& type, std::string_view value, const std::string& path);
// Parse side: the element's text, checked (collapsed first where the type says so).
Result<std::string> ReadText(const Element& element, const TextType& type);

// Number of characters of valid UTF-8 made of XML 1.0 characters, or an error message.
Result<std::size_t> CountXmlCharacters(std::string_view text);

// An enumeration of the XSDs mapped to an enum class.
template <typename Enum>
struct EnumCode {
    Enum value;
    std::string_view code;
};

template <typename Enum, std::size_t N>
std::string_view CodeOf(const std::array<EnumCode<Enum>, N>& codes, Enum value) {
    for (const auto& entry : codes) {
        if (entry.value == value) return entry.code;
    }
    return {};
}

// Empty result: `value` is not one of the enum's values (a programmer error at build time).
template <typename Enum, std::size_t N>
Status CheckEnum(const std::array<EnumCode<Enum>, N>& codes, Enum value, const std::string& path) {
    if (!CodeOf(codes, value).empty()) return Ok();
    return Error::InvalidArgument(path + ": value " + std::to_string(static_cast<int>(value)) +
                                      " is not a code of this element",
                                  path);
}

// Parses an enumeration value (xs:string based: no whitespace trimming).
template <typename Enum, std::size_t N>
Result<Enum> ReadEnum(const Element& element, const std::array<EnumCode<Enum>, N>& codes,
                      std::string_view type_name) {
    DICTRA_ASSIGN_OR_RETURN(std::string text, element.Text());
    for (const auto& entry : codes) {
        if (entry.code == text) return entry.value;
    }
    std::string allowed;
    for (const auto& entry : codes) {
        if (!allowed.empty()) allowed += ", ";
        allowed += entry.code;
    }
    return element.Fail(Quote(text) + " is not " + std::string(type_name) + " (" + allowed + ")");
}

// ActiveCurrencyAndAmount: xs:decimal, at most 2 fraction digits and 18 total digits, >= 0, with
// Ccy="BRL". Parsing accepts every xs:decimal spelling ("+1.5", "001.50", "1.500", ".5");
// values beyond int64 centavos are refused.
Status CheckAmount(AmountCentavos amount, const std::string& path);
Result<AmountCentavos> ParseXsdAmount(std::string_view text);
// Reads <X Ccy="BRL">amount</X>. REQUIRES: the element was taken with attribute "Ccy" allowed.
Result<AmountCentavos> ReadAmount(const Element& element);

// ISONormalisedDateTime: "YYYY-MM-DDThh:mm:ss.sssZ", a valid xs:dateTime (year 0001..9999, a real
// date, hour 00..23). Building truncates below milliseconds.
Status CheckDateTime(SystemTimePoint at, const std::string& path);
std::string FormatDateTime(SystemTimePoint at);
Result<SystemTimePoint> ReadDateTime(const Element& element);

// ISODate (xs:date): "YYYY-MM-DD" only; the time zone suffixes xs:date allows are refused.
Status CheckDate(std::chrono::year_month_day date, const std::string& path);
Result<std::chrono::year_month_day> ReadDate(const Element& element);

}  // namespace dictra::formats::iso20022::internal
