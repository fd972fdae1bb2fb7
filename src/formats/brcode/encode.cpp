// Canonicalize(), Encode() and EncodeTo(): from fields to a payload. The payload is built in a
// PayloadBuffer, so a valid code is written without touching the heap.
#include <algorithm>
#include <cstring>
#include <optional>

#include "formats/brcode/ascii.hpp"
#include "formats/brcode/brcode.hpp"
#include "formats/brcode/crc16.hpp"
#include "formats/brcode/rules.hpp"
#include "formats/brcode/text.hpp"
#include "formats/brcode/tlv.hpp"

namespace dictra::formats::brcode {
namespace {

Error ToError(std::string_view tag, const rules::Issue& issue) {
    return Error::InvalidArgument(issue.message, std::string(tag));
}

#define DICTRA_BRCODE_CHECK_(tag, check)                           \
    do {                                                           \
        if (auto issue_ = (check)) return ToError((tag), *issue_); \
    } while (0)

// Free text as given, then as it will be written (folded to ASCII) against the field's limit.
// The folded copy is only made to word an error.
Status CheckFoldedText(std::string_view tag, std::string_view name, std::string_view value,
                       std::size_t chars_max) {
    DICTRA_BRCODE_CHECK_(tag, rules::CheckFreeText(tag, name, value, /*chars_max=*/0));
    if (chars_max != 0 && FoldToAsciiInto(value, nullptr) > chars_max) {
        DICTRA_BRCODE_CHECK_(tag, rules::CheckFreeText(tag, name, FoldToAscii(value), chars_max));
    }
    return Ok();
}

// The fast lane's rules on the fields' bytes: lengths, digits, letters, no scheme, as ascii.hpp
// decides them for printable ASCII. Whether the bytes are printable ASCII is checked afterwards,
// once, over the whole written payload (EncodeTo). Both together imply the worded checks below.
bool PassesAsciiLaneShape(const BrCode& code) {
    const bool has_key = !code.pix_key.empty();
    const bool has_url = !code.url.empty();
    if (has_key == has_url && (has_key || code.recurrence_url.empty())) return false;
    if (has_key && !ascii::PixKeyOk(code.pix_key)) return false;
    if (!code.fss_ispb.empty() && !ascii::DigitsOk(code.fss_ispb, kIspbDigits)) return false;
    if (has_url && !ascii::UrlOk(code.url)) return false;
    if (!ascii::DigitsOk(code.merchant_category_code, 4)) return false;
    if (code.amount && rules::CheckAmount(*code.amount)) return false;
    if (!ascii::FreeTextOk(code.merchant_name, kMerchantNameCharsMax)) return false;
    if (!ascii::FreeTextOk(code.merchant_city, kMerchantCityCharsMax)) return false;
    if (!code.postal_code.empty() && !ascii::PostalCodeOk(code.postal_code)) return false;
    if (!code.txid.empty() && code.txid != kNoTxId && (has_url || !ascii::TxIdOk(code.txid))) {
        return false;
    }
    if (!code.recurrence_url.empty() && !ascii::UrlOk(code.recurrence_url)) return false;
    return true;
}

// Every rule a field must meet before it is written, in the order Canonicalize() reports them.
Status CheckFields(const BrCode& code) {
    const bool has_key = !code.pix_key.empty();
    const bool has_url = !code.url.empty();
    if (has_key && has_url) {
        return Error::InvalidArgument(
            "26-25 URL: a BR Code carries a Pix key (26-01, static) or a URL (26-25, dynamic), "
            "not both",
            "26-25");
    }
    if (!has_key && !has_url && code.recurrence_url.empty()) {
        return Error::InvalidArgument(
            "26-01 Pix key: missing; give a Pix key (static), a URL (dynamic) or a recurrence "
            "URL (Pix Automatico)",
            "26-01");
    }
    if (has_key) DICTRA_BRCODE_CHECK_("26-01", rules::CheckPixKey(code.pix_key));
    if (!code.info.empty()) DICTRA_RETURN_IF_ERROR(CheckFoldedText("26-02", "info", code.info, 0));
    if (!code.fss_ispb.empty()) DICTRA_BRCODE_CHECK_("26-03", rules::CheckFssIspb(code.fss_ispb));
    if (has_url) DICTRA_BRCODE_CHECK_("26-25", rules::CheckUrl("26-25", code.url));
    DICTRA_BRCODE_CHECK_("52", rules::CheckMerchantCategoryCode(code.merchant_category_code));
    if (code.amount) DICTRA_BRCODE_CHECK_("54", rules::CheckAmount(*code.amount));
    DICTRA_RETURN_IF_ERROR(
        CheckFoldedText("59", "merchant name", code.merchant_name, kMerchantNameCharsMax));
    DICTRA_RETURN_IF_ERROR(
        CheckFoldedText("60", "merchant city", code.merchant_city, kMerchantCityCharsMax));
    if (!code.postal_code.empty()) {
        DICTRA_BRCODE_CHECK_("61", rules::CheckPostalCode(code.postal_code));
    }
    if (!code.txid.empty() && code.txid != kNoTxId) {
        DICTRA_BRCODE_CHECK_("62-05", rules::CheckTxId(code.txid));
        if (has_url) {
            return Error::InvalidArgument(
                "62-05 txid: a dynamic BR Code carries *** (the charge at its URL carries the "
                "txid); leave the txid out",
                "62-05");
        }
    }
    if (!code.recurrence_url.empty()) {
        DICTRA_BRCODE_CHECK_("80-25", rules::CheckUrl("80-25", code.recurrence_url));
    }
    return Ok();
}

// "150.00": exact centavos with 2 decimals. REQUIRES: amount > 0 (CheckAmount); `out` holds 20.
std::size_t WriteAmount(AmountCentavos amount, char* out) {
    char reversed[24];
    std::size_t count = 0;
    auto centavos = static_cast<std::uint64_t>(amount.centavos());
    for (int decimal_idx = 0; decimal_idx < 2; ++decimal_idx) {
        reversed[count++] = static_cast<char>('0' + centavos % 10);
        centavos /= 10;
    }
    reversed[count++] = '.';
    do {
        reversed[count++] = static_cast<char>('0' + centavos % 10);
        centavos /= 10;
    } while (centavos != 0);
    std::reverse_copy(reversed, reversed + count, out);
    return count;
}

// How free text (26-02, 59, 60) is written: folded to ASCII, or as is (the fast lane, which
// checks afterwards that it was printable ASCII, where the two agree).
enum class TextMode { kFold, kAsIs };

// Appends data objects to a PayloadBuffer. Values are ASCII once written (identifiers are
// checked ASCII, free text is folded), so a length in characters is a length in bytes. The first
// problem is kept and everything after it ignored; WriteFields() returns it.
class Writer {
 public:
    Writer(PayloadBuffer& out, TextMode text_mode) : out_(out), text_mode_(text_mode) {}

    const std::optional<Error>& error() const { return error_; }

    // REQUIRES: id is 2 characters.
    void Field(std::string_view id, std::string_view value) {
        if (value.empty() || value.size() > kTlvValueCharsMax) [[unlikely]] {
            FailLength(id, value.size());
            return;
        }
        // One reservation for ID, length and value: this runs a dozen times per code.
        if (char* place = out_.Extend(kTlvIdDigits + kTlvLengthDigits + value.size())) {
            place[0] = id[0];
            place[1] = id[1];
            WriteTwoDigits(value.size(), place + kTlvIdDigits);
            std::memcpy(place + kTlvIdDigits + kTlvLengthDigits, value.data(), value.size());
        }
    }

    void FreeText(std::string_view id, std::string_view text) {
        if (text_mode_ == TextMode::kAsIs || ascii::IsPrintable(text)) {
            Field(id, text);  // folding changes nothing
            return;
        }
        const std::size_t folded = FoldToAsciiInto(text, nullptr);
        if (folded == 0 || folded > kTlvValueCharsMax) {
            FailLength(id, folded);
            return;
        }
        WriteHeader(id, folded);
        if (char* place = out_.Extend(folded)) FoldToAsciiInto(text, place);
    }

    void AmountField(std::string_view id, AmountCentavos amount) {
        char digits[24];
        Field(id, std::string_view(digits, WriteAmount(amount, digits)));
    }

    // A template: Open() writes its ID, Close() its length once the data objects are in.
    struct Open {
        std::string_view id;
        char* length = nullptr;  // nullptr past the capacity
        std::size_t value_begin = 0;
    };
    Open OpenTemplate(std::string_view id) {
        out_.Append(id);
        char* length = out_.Extend(kTlvLengthDigits);
        return Open{id, length, out_.size()};
    }
    void CloseTemplate(const Open& open, std::string_view name, std::string_view hint) {
        const std::size_t value_size = out_.size() - open.value_begin;
        if (value_size > kTlvValueCharsMax) [[unlikely]] {
            FailTemplate(open.id, name, hint, value_size);
            return;
        }
        if (open.length != nullptr) WriteTwoDigits(value_size, open.length);
    }

 private:
    // The errors are built out of line: the hot path only tests the length.
    [[gnu::cold, gnu::noinline]] void FailLength(std::string_view id, std::size_t characters) {
        if (characters == 0) {
            Fail(Error::InvalidArgument(std::string(id) + ": value is empty"));
        } else {
            Fail(Error::InvalidArgument(std::string(id) + ": value is " +
                                        std::to_string(characters) + " characters; at most " +
                                        std::to_string(kTlvValueCharsMax) + " fit a data object"));
        }
    }
    [[gnu::cold, gnu::noinline]] void FailTemplate(std::string_view id, std::string_view name,
                                                   std::string_view hint, std::size_t characters) {
        Fail(Error::InvalidArgument(std::string(id) + " " + std::string(name) + ": " +
                                        std::to_string(characters) + " characters; at most " +
                                        std::to_string(kTlvValueCharsMax) + " (" +
                                        std::string(hint) + ")",
                                    std::string(id)));
    }
    void Fail(Error error) {
        if (!error_) error_ = std::move(error);
    }
    static void WriteTwoDigits(std::size_t value, char* out) {
        out[0] = static_cast<char>('0' + value / 10);
        out[1] = static_cast<char>('0' + value % 10);
    }
    void WriteHeader(std::string_view id, std::size_t length) {
        out_.Append(id);
        if (char* place = out_.Extend(kTlvLengthDigits)) WriteTwoDigits(length, place);
    }

    PayloadBuffer& out_;
    TextMode text_mode_;
    std::optional<Error> error_;
};

// Writes `code` up to and including "6304", without the CRC. REQUIRES: CheckFields(code) passed,
// or `text_mode` is kAsIs (the fast lane). Errors: a template over 99 characters or a leaf over
// its data object (free text without a limit of its own).
Status WriteFields(const BrCode& code, PayloadBuffer& out, TextMode text_mode) {
    out.clear();
    Writer writer(out, text_mode);
    writer.Field("00", "01");
    if (code.single_use) writer.Field("01", "12");

    const Writer::Open account = writer.OpenTemplate("26");
    writer.Field("00", kPixGui);
    if (!code.pix_key.empty()) writer.Field("01", code.pix_key);
    if (!code.info.empty()) writer.FreeText("02", code.info);
    if (!code.fss_ispb.empty()) writer.Field("03", code.fss_ispb);
    if (!code.url.empty()) writer.Field("25", code.url);
    writer.CloseTemplate(account, "merchant account information",
                         "shorten the info 26-02, the key or the URL");

    writer.Field("52", code.merchant_category_code);
    writer.Field("53", "986");
    if (code.amount) writer.AmountField("54", *code.amount);
    writer.Field("58", "BR");
    writer.FreeText("59", code.merchant_name);
    writer.FreeText("60", code.merchant_city);
    if (!code.postal_code.empty()) writer.Field("61", code.postal_code);

    const Writer::Open additional = writer.OpenTemplate("62");
    const bool no_txid = code.txid.empty() || code.txid == kNoTxId;
    writer.Field("05", no_txid ? kNoTxId : std::string_view(code.txid));
    writer.CloseTemplate(additional, "additional data", "shorten the txid");

    if (!code.recurrence_url.empty()) {
        const Writer::Open recurrence = writer.OpenTemplate("80");
        writer.Field("00", kPixGui);
        writer.Field("25", code.recurrence_url);
        writer.CloseTemplate(recurrence, "Pix Automatico", "shorten the recurrence URL");
    }
    if (writer.error()) return *writer.error();
    out.Append("6304");
    return Ok();
}

// Appends the CRC of everything written so far. Errors: the payload is over kPayloadBytesMax.
Status Seal(PayloadBuffer& out) {
    const std::size_t covered = out.size();
    char* crc = out.Extend(4);
    if (crc == nullptr) {
        return Error::InvalidArgument("payload would be " + std::to_string(out.size()) +
                                      " bytes; at most " + std::to_string(kPayloadBytesMax));
    }
    WriteCrc16(Crc16CcittFalse(std::string_view(out.view().data(), covered)), crc);
    return Ok();
}

}  // namespace

Result<BrCode> Canonicalize(const BrCode& code) {
    DICTRA_RETURN_IF_ERROR(CheckFields(code));
    PayloadBuffer payload;  // the template and payload limits
    DICTRA_RETURN_IF_ERROR(WriteFields(code, payload, TextMode::kFold));
    DICTRA_RETURN_IF_ERROR(Seal(payload));
    BrCode canonical = code;
    canonical.info = FoldToAscii(code.info);
    canonical.merchant_name = FoldToAscii(code.merchant_name);
    canonical.merchant_city = FoldToAscii(code.merchant_city);
    if (canonical.txid == kNoTxId) canonical.txid.clear();
    return canonical;
}

Status EncodeTo(const BrCode& code, PayloadBuffer& out) {
    // Fast lane: write the bytes as given, then one pass shows they were printable ASCII.
    if (PassesAsciiLaneShape(code) && WriteFields(code, out, TextMode::kAsIs).ok() &&
        !out.overflowed() && ascii::IsPrintable(out.view())) {
        return Seal(out);
    }
    DICTRA_RETURN_IF_ERROR(CheckFields(code));
    DICTRA_RETURN_IF_ERROR(WriteFields(code, out, TextMode::kFold));
    return Seal(out);
}

Result<std::string> Encode(const BrCode& code) {
    PayloadBuffer payload;
    DICTRA_RETURN_IF_ERROR(EncodeTo(code, payload));
    return std::string(payload.view());
}

#undef DICTRA_BRCODE_CHECK_

}  // namespace dictra::formats::brcode
