// Canonicalize() and Encode(): from fields to a payload.
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

// Free text as written: folded to ASCII, then held to the field's limit.
Result<std::string> CanonicalText(std::string_view tag, std::string_view name,
                                  std::string_view value, std::size_t chars_max) {
    DICTRA_BRCODE_CHECK_(tag, rules::CheckFreeText(tag, name, value, /*chars_max=*/0));
    std::string folded = FoldToAscii(value);
    DICTRA_BRCODE_CHECK_(tag, rules::CheckFreeText(tag, name, folded, chars_max));
    return folded;
}

Status AppendTemplate(std::string& out, std::string_view id, std::string_view name,
                      std::string_view value, std::string_view hint) {
    if (value.size() > kTlvValueCharsMax) {
        return Error::InvalidArgument(std::string(id) + " " + std::string(name) + ": " +
                                          std::to_string(value.size()) + " characters; at most " +
                                          std::to_string(kTlvValueCharsMax) + " (" +
                                          std::string(hint) + ")",
                                      std::string(id));
    }
    return AppendTlv(out, id, value);
}

// Writes canonical fields. REQUIRES: `code` came out of the checks in Canonicalize().
Result<std::string> Write(const BrCode& code) {
    std::string out;
    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "00", "01"));
    if (code.single_use) DICTRA_RETURN_IF_ERROR(AppendTlv(out, "01", "12"));

    std::string account;
    DICTRA_RETURN_IF_ERROR(AppendTlv(account, "00", kPixGui));
    if (!code.pix_key.empty()) DICTRA_RETURN_IF_ERROR(AppendTlv(account, "01", code.pix_key));
    if (!code.info.empty()) DICTRA_RETURN_IF_ERROR(AppendTlv(account, "02", code.info));
    if (!code.fss_ispb.empty()) DICTRA_RETURN_IF_ERROR(AppendTlv(account, "03", code.fss_ispb));
    if (!code.url.empty()) DICTRA_RETURN_IF_ERROR(AppendTlv(account, "25", code.url));
    DICTRA_RETURN_IF_ERROR(AppendTemplate(out, "26", "merchant account information", account,
                                          "shorten the info 26-02, the key or the URL"));

    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "52", code.merchant_category_code));
    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "53", "986"));
    if (code.amount) DICTRA_RETURN_IF_ERROR(AppendTlv(out, "54", FormatAmount(*code.amount)));
    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "58", "BR"));
    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "59", code.merchant_name));
    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "60", code.merchant_city));
    if (!code.postal_code.empty()) DICTRA_RETURN_IF_ERROR(AppendTlv(out, "61", code.postal_code));

    std::string additional;
    DICTRA_RETURN_IF_ERROR(
        AppendTlv(additional, "05", code.txid.empty() ? kNoTxId : std::string_view(code.txid)));
    DICTRA_RETURN_IF_ERROR(AppendTlv(out, "62", additional));

    if (!code.recurrence_url.empty()) {
        std::string recurrence;
        DICTRA_RETURN_IF_ERROR(AppendTlv(recurrence, "00", kPixGui));
        DICTRA_RETURN_IF_ERROR(AppendTlv(recurrence, "25", code.recurrence_url));
        DICTRA_RETURN_IF_ERROR(
            AppendTemplate(out, "80", "Pix Automatico", recurrence, "shorten the recurrence URL"));
    }

    out += "6304";
    out += FormatCrc16(Crc16CcittFalse(out));
    if (out.size() > kPayloadBytesMax) {
        return Error::InvalidArgument("payload would be " + std::to_string(out.size()) +
                                      " bytes; at most " + std::to_string(kPayloadBytesMax));
    }
    return out;
}

}  // namespace

Result<BrCode> Canonicalize(const BrCode& code) {
    BrCode canonical = code;
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
    if (!code.info.empty()) {
        DICTRA_ASSIGN_OR_RETURN(canonical.info, CanonicalText("26-02", "info", code.info, 0));
    }
    if (!code.fss_ispb.empty()) DICTRA_BRCODE_CHECK_("26-03", rules::CheckFssIspb(code.fss_ispb));
    if (has_url) DICTRA_BRCODE_CHECK_("26-25", rules::CheckUrl("26-25", code.url));
    DICTRA_BRCODE_CHECK_("52", rules::CheckMerchantCategoryCode(code.merchant_category_code));
    if (code.amount) DICTRA_BRCODE_CHECK_("54", rules::CheckAmount(*code.amount));
    DICTRA_ASSIGN_OR_RETURN(
        canonical.merchant_name,
        CanonicalText("59", "merchant name", code.merchant_name, kMerchantNameCharsMax));
    DICTRA_ASSIGN_OR_RETURN(
        canonical.merchant_city,
        CanonicalText("60", "merchant city", code.merchant_city, kMerchantCityCharsMax));
    if (!code.postal_code.empty()) {
        DICTRA_BRCODE_CHECK_("61", rules::CheckPostalCode(code.postal_code));
    }
    if (code.txid == kNoTxId) canonical.txid.clear();
    if (!canonical.txid.empty()) {
        DICTRA_BRCODE_CHECK_("62-05", rules::CheckTxId(canonical.txid));
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
    DICTRA_RETURN_IF_ERROR(Write(canonical));  // the template and payload limits
    return canonical;
}

Result<std::string> Encode(const BrCode& code) {
    DICTRA_ASSIGN_OR_RETURN(BrCode canonical, Canonicalize(code));
    return Write(canonical);
}

#undef DICTRA_BRCODE_CHECK_

}  // namespace dictra::formats::brcode
