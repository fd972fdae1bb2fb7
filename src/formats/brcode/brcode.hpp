// BR Code: the Pix payment payload behind a QR code or "Pix copia e cola".
//
// A BR Code is a sequence of EMV data objects (tlv.hpp) defined by BCB's "Manual de Padroes para
// Iniciacao do Pix" on top of EMV QRCPS-MPM, closed by a CRC-16 (crc16.hpp):
//   00 payload format "01"             01 point of initiation: absent or "11" reusable, "12" once
//   26 merchant account information:  00 GUI "br.gov.bcb.pix", 01 Pix key (static),
//      02 additional info, 03 FSS (ISPB of the withdrawal/change facilitator), 25 URL (dynamic)
//   52 merchant category code          53 currency "986"      54 amount ("150.00"), optional
//   58 country "BR"                    59 merchant name <= 25 60 merchant city <= 15
//   61 postal code, optional           62 additional data: 05 txid (<= 25 alphanumerics, or "***")
//   80 Pix Automatico: 00 GUI, 25 URL of the recurrence       63 CRC, always last
// Fields appear in ascending ID order, each at most once, except that 63 is last (after 80).
//
// Decode() never fails: it reports every field it could read, the raw data objects and a list of
// errors that each name the tag ("26-01") and what is wrong; a payload is valid when that list is
// empty. Encode() writes a canonical payload (printable ASCII, ascending IDs, uppercase CRC) or
// refuses with the tag at fault. Whatever Decode() accepts, Encode() can write again, and
// Decode(Encode(code)) gives back Canonicalize(code). Choices where the manual is silent (lowercase
// CRC refused, accents read leniently, 62 optional on read, ...) are listed in
// docs/formats/brcode.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"
#include "core/result.hpp"

namespace dictra::formats::brcode {

// Limits. EMV caps a payload at 512 characters; we count bytes, which is never fewer.
inline constexpr std::size_t kPayloadBytesMax = 512;
inline constexpr std::size_t kMerchantNameCharsMax = 25;
inline constexpr std::size_t kMerchantCityCharsMax = 15;
inline constexpr std::size_t kTxIdCharsMax = 25;
// The longest DICT key is an e-mail address of 77 characters.
inline constexpr std::size_t kPixKeyCharsMax = 77;
// A template holds at most 99 characters; its GUI takes 18 and the URL's own ID and length 4.
inline constexpr std::size_t kUrlCharsMax = 77;
// EMV: "up to 13 characters including the decimal mark": at most 9999999999.99.
inline constexpr std::size_t kAmountCharsMax = 13;
inline constexpr std::size_t kPostalCodeCharsMax = 10;
inline constexpr std::size_t kIspbDigits = 8;

inline constexpr std::string_view kPixGui = "br.gov.bcb.pix";
inline constexpr std::string_view kNoTxId = "***";
inline constexpr std::string_view kDefaultMerchantCategoryCode = "0000";

enum class BrCodeKind {
    kStatic,      // carries a Pix key (26-01)
    kDynamic,     // carries a URL (26-25) where the payer's app fetches the charge
    kRecurrence,  // neither: only a Pix Automatico recurrence (80-25)
};

std::string_view ToString(BrCodeKind kind);  // "static", "dynamic", "recurrence"

// The fields of a BR Code. Empty strings mean "absent". The same struct is what Decode() reads
// and what Encode() writes.
struct BrCode {
    bool single_use = false;  // 01 == "12"
    std::string pix_key;      // 26-01
    std::string info;         // 26-02, free text for the payer
    std::string fss_ispb;     // 26-03, 8 digits
    std::string url;          // 26-25, without "https://"
    std::string merchant_category_code{kDefaultMerchantCategoryCode};  // 52, 4 digits
    std::optional<AmountCentavos> amount;  // 54; absent: the payer types the amount
    std::string merchant_name;             // 59
    std::string merchant_city;             // 60
    std::string postal_code;               // 61
    std::string txid;                      // 62-05; empty means "***" (no txid)
    std::string recurrence_url;            // 80-25, without "https://"

    friend bool operator==(const BrCode&, const BrCode&) = default;
};

// kDynamic when `url` is set, else kStatic when `pix_key` is set, else kRecurrence.
BrCodeKind KindOf(const BrCode& code);

// What is wrong with a payload, at one tag.
enum class DecodeProblem {
    kTooLarge,       // over kPayloadBytesMax
    kNotPrintable,   // malformed UTF-8 or a control character
    kTruncated,      // the text ends inside a data object's ID or length
    kBadId,          // an ID that is not 2 digits
    kBadLength,      // a length that is not 2 digits
    kLengthOverrun,  // a length that runs past the end of the text or template
    kEmpty,          // length "00"
    kDuplicate,      // the same ID twice in one list
    kOutOfOrder,     // IDs not ascending, 00 not first or 63 not last
    kMissing,        // a mandatory field is absent
    kInvalid,        // a value that breaks the field's rules
    kTooLong,        // a value over the field's limit
    kCrcMismatch,    // the CRC does not match the payload
    kNotAllowed,     // a field Pix does not use (tip and convenience fee, 55-57)
};

std::string_view ToString(DecodeProblem problem);  // "crc_mismatch", ...

struct DecodeError {
    std::string tag;  // "63", "26-01"; empty when the whole payload is at fault
    DecodeProblem problem = DecodeProblem::kInvalid;
    std::string message;  // starts with the tag, says what was expected and what was found

    friend bool operator==(const DecodeError&, const DecodeError&) = default;
};

// One data object as read: path "26" for a top-level field, "26-01" inside a template.
struct RawField {
    std::string tag;
    std::string value;

    friend bool operator==(const RawField&, const RawField&) = default;
};

struct Decoded {
    BrCode fields;  // what could be read; a field with an error keeps its default
    BrCodeKind kind = BrCodeKind::kStatic;
    std::string crc;            // the 63 value as found, empty if absent
    std::string crc_computed;   // over the payload up to and including "6304"; empty if no 6304
    std::vector<RawField> raw;  // every data object read, in payload order, templates expanded
    std::vector<DecodeError> errors;

    bool ok() const { return errors.empty(); }
};

// The fields of a valid payload as views into it: what Decode() puts in Decoded::fields, without
// copying. Empty views mean "absent"; `txid` is empty for "***".
struct BrCodeView {
    bool single_use = false;
    std::string_view pix_key;
    std::string_view info;
    std::string_view fss_ispb;
    std::string_view url;
    std::string_view merchant_category_code;
    std::optional<AmountCentavos> amount;
    std::string_view merchant_name;
    std::string_view merchant_city;
    std::string_view postal_code;
    std::string_view txid;
    std::string_view recurrence_url;
    BrCodeKind kind = BrCodeKind::kStatic;
    std::string_view crc;

    BrCode ToBrCode() const;  // the owning copy, equal to Decode(payload).fields
};

// The hot path of validation: true exactly when Decode(payload).ok(), with `out` filled; false
// (and `out` unspecified) otherwise, without saying why: Decode() gives the errors. Never
// allocates.
bool DecodeValid(std::string_view payload, BrCodeView& out);

// Reads a payload. Never fails and never reads past `payload`; see Decoded::errors. Structural
// errors (truncation, a bad length) stop the reading; field errors are all reported.
Decoded Decode(std::string_view payload);

// Decode() for callers that only want a valid code: the first error becomes InvalidArgument with
// `field` set to its tag.
Result<BrCode> Parse(std::string_view payload);

// The form Encode() writes `code` in: free text folded to ASCII, "***" as an empty txid. Errors
// (InvalidArgument, `field` = the tag at fault) for anything a BR Code cannot carry: a missing
// name or city, a name over 25 or city over 15 characters after folding, a character folding
// cannot handle, a key and a URL together (or neither without a recurrence URL), a txid that is
// not 1..25 alphanumerics or that comes with a URL (dynamic codes carry "***"), a zero or too
// large amount, a URL with a scheme, a template or payload over its limit.
Result<BrCode> Canonicalize(const BrCode& code);

// The payload for `code`, ending in "6304" and the CRC. Errors: those of Canonicalize().
Result<std::string> Encode(const BrCode& code);

// A payload built without touching the heap. Bytes written past kPayloadBytesMax are counted
// but not kept, so the encoder can say how long the payload would have been.
class PayloadBuffer {
 public:
    std::string_view view() const { return {bytes_.data(), overflowed() ? 0 : size_}; }
    std::size_t size() const { return size_; }
    bool overflowed() const { return size_ > bytes_.size(); }
    void clear() { size_ = 0; }

    void Append(std::string_view bytes) {
        if (char* place = Extend(bytes.size())) std::memcpy(place, bytes.data(), bytes.size());
    }
    // `count` bytes to write at the end, or nullptr when they would pass the capacity (they
    // are counted either way).
    char* Extend(std::size_t count) {
        const std::size_t begin = size_;
        size_ += count;
        return size_ <= bytes_.size() ? bytes_.data() + begin : nullptr;
    }

 private:
    std::array<char, kPayloadBytesMax> bytes_;
    std::size_t size_ = 0;
};

// Encode() into `out` (cleared first), with no heap allocation when `code` is accepted.
// Errors: those of Encode().
Status EncodeTo(const BrCode& code, PayloadBuffer& out);

}  // namespace dictra::formats::brcode
