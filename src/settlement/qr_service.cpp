// SettlementService's QR codes (spec "QR Codes"). The payload is written and read by
// formats/brcode; this file holds the rules of the document's types and a code's life.
#include <algorithm>
#include <charconv>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "settlement/qr_image.hpp"
#include "settlement/service.hpp"

namespace dictra::settlement {
namespace brcode = formats::brcode;
namespace {

Error Invalid(const std::string& field, const std::string& message) {
    return Error::InvalidArgument(field + " " + message, field);
}

Error InvalidTransition(std::string message) {
    return Error::FailedPrecondition(std::move(message)).WithReason("INVALID_TRANSITION");
}

Error QrNotFound() {
    return Error::NotFound("QR code not found");
}

std::size_t Utf8Length(std::string_view text) {
    std::size_t chars = 0;
    for (unsigned char byte : text)
        if ((byte & 0xC0) != 0x80) ++chars;
    return chars;
}

bool IsDigits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAlphanumeric(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    });
}

// Printable ASCII without spaces: what BR Code keys and URLs may hold.
bool IsPrintableToken(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

// The request field behind a BR Code tag, so that a refusal of the encoder names what the
// caller sent.
std::string FieldOfTag(std::string_view tag) {
    if (tag == "59") return "merchant_name";
    if (tag == "60") return "merchant_city";
    if (tag == "52") return "merchant_category_code";
    if (tag == "54") return "amount";
    if (tag == "26-01") return "pix_key";
    if (tag == "26-02") return "description";
    if (tag == "62-05") return "tx_id";
    return "payload";
}

Status CheckTxId(QrCodeType type, const std::optional<std::string>& tx_id) {
    const bool required = type == QrCodeType::kImmediate || type == QrCodeType::kDueDate;
    if (!tx_id) {
        if (required)
            return Invalid("tx_id", "is required for a " + std::string(ToString(type)) + " code");
        return Ok();
    }
    if (tx_id->empty() || !IsAlphanumeric(*tx_id))
        return Invalid("tx_id", "must be letters and digits only (A-Z, a-z, 0-9)");
    const std::size_t length = tx_id->size();
    switch (type) {
        case QrCodeType::kStatic:
        case QrCodeType::kImmediate:
            if (length > kQrTxIdCharsMaxImmediate)
                return Invalid("tx_id", "must be at most 25 characters for a " +
                                            std::string(ToString(type)) + " code");
            break;
        case QrCodeType::kDueDate:
            if (length < kQrTxIdCharsMinDueDate || length > kQrTxIdCharsMaxDueDate)
                return Invalid("tx_id", "must be 26 to 35 characters for a DUE_DATE code");
            break;
        case QrCodeType::kDynamic:
            if (length > kQrTxIdCharsMaxDueDate)
                return Invalid("tx_id", "must be at most 35 characters for a DYNAMIC code");
            break;
    }
    return Ok();
}

// Every rule of a generate request but the payload's own (those come from the encoder).
Result<QrCode> ValidatedQrCode(const GenerateQrCodeCommand& command, SystemTimePoint now) {
    std::optional<QrCodeType> type = QrCodeTypeFromString(command.type);
    if (!type) return Invalid("type", "must be one of STATIC, DYNAMIC, IMMEDIATE, DUE_DATE");
    QrCode code;
    code.type = *type;
    if (command.merchant_name.empty()) return Invalid("merchant_name", "must not be empty");
    if (command.merchant_city.empty()) return Invalid("merchant_city", "must not be empty");
    code.merchant_name = command.merchant_name;
    code.merchant_city = command.merchant_city;
    code.merchant_category_code =
        command.merchant_category_code.value_or(std::string(brcode::kDefaultMerchantCategoryCode));
    if (code.merchant_category_code.size() != kQrMerchantCategoryCodeDigits ||
        !IsDigits(code.merchant_category_code))
        return Invalid("merchant_category_code", "must be 4 digits");
    if (!command.pix_key || command.pix_key->empty()) return Invalid("pix_key", "is required");
    if (command.pix_key->size() > brcode::kPixKeyCharsMax || !IsPrintableToken(*command.pix_key))
        return Invalid("pix_key", "must be 1 to 77 printable ASCII characters without spaces");
    code.pix_key = *command.pix_key;
    code.currency = command.currency.value_or(std::string(kCurrencyBrl));
    if (code.currency != kCurrencyBrl) return Invalid("currency", "must be BRL");
    if (command.amount_centavos) {
        if (*command.amount_centavos < 1 || *command.amount_centavos > kQrAmountCentavosMax)
            return Invalid("amount", "must be between 1 and 999999999999 centavos");
    } else if (IsDynamic(code.type)) {
        return Invalid("amount", "is required for a " + std::string(ToString(code.type)) + " code");
    }
    code.amount_centavos = command.amount_centavos;
    DICTRA_RETURN_IF_ERROR(CheckTxId(code.type, command.tx_id));
    code.tx_id = command.tx_id;
    if (code.type == QrCodeType::kStatic) {
        if (command.expires_at)
            return Invalid("expires_at", "is not allowed for a STATIC code (it never expires)");
    } else if (command.expires_at) {
        auto expires_at = ParseRfc3339(*command.expires_at);
        if (!expires_at.ok())
            return Invalid("expires_at", "must be an RFC 3339 date-time (2026-01-24T23:59:59Z)");
        if (*expires_at <= now) return Invalid("expires_at", "must be in the future");
        code.expires_at = *expires_at;
    } else {
        code.expires_at = now + kQrDynamicLifetimeDefault;
    }
    if (command.description && Utf8Length(*command.description) > kQrDescriptionCharsMax)
        return Invalid("description", "must be at most 140 characters");
    code.description = command.description;
    return code;
}

Status CheckLocationBase(std::string_view base) {
    // The URL is base + "/" + a 36-character UUID, and a BR Code URL holds 77 characters.
    constexpr std::size_t kUuidChars = 36;
    if (base.empty() || !IsPrintableToken(base))
        return Error::InvalidArgument("QR location base must be printable ASCII without spaces");
    if (base.find("://") != std::string_view::npos)
        return Error::InvalidArgument("QR location base must not have a scheme (BR Code 26-25)");
    if (base.size() + 1 + kUuidChars > brcode::kUrlCharsMax)
        return Error::InvalidArgument("QR location base must be at most 40 characters");
    return Ok();
}

std::string JoinMessages(const std::vector<brcode::DecodeError>& errors) {
    std::string joined;
    for (const brcode::DecodeError& error : errors) {
        if (!joined.empty()) joined += "; ";
        joined += error.message;
    }
    return joined;
}

Status CheckPayloadRequest(std::string_view payload) {
    if (payload.empty()) return Invalid("payload", "must not be empty");
    if (payload.size() > kQrPayloadRequestBytesMax)
        return Invalid("payload", "must be at most 4096 bytes");
    return Ok();
}

}  // namespace

Status SettlementService::SetQrLocationBase(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    DICTRA_RETURN_IF_ERROR(CheckLocationBase(base));
    qr_location_base_ = std::move(base);
    return Ok();
}

Result<QrCode> SettlementService::GenerateQrCode(const GenerateQrCodeCommand& command,
                                                 const auth::Principal& principal) {
    const SystemTimePoint now = clock_.Now();
    DICTRA_ASSIGN_OR_RETURN(QrCode code, ValidatedQrCode(command, now));
    code.unique_id = NewUuidV7(now);
    brcode::BrCode fields;
    fields.merchant_name = code.merchant_name;
    fields.merchant_city = code.merchant_city;
    fields.merchant_category_code = code.merchant_category_code;
    fields.amount = code.amount_centavos
                        ? std::optional<AmountCentavos>(AmountCentavos{*code.amount_centavos})
                        : std::nullopt;
    if (code.type == QrCodeType::kStatic) {
        fields.pix_key = code.pix_key;
        fields.txid = code.tx_id.value_or("");
        fields.info = code.description.value_or("");
    } else {
        // The charge behind the URL carries the key, the txid and the description.
        fields.single_use = true;
        fields.url = qr_location_base_ + "/" + code.unique_id;
        if (!code.tx_id) {
            std::string minted = code.unique_id;
            std::erase(minted, '-');
            code.tx_id = minted.substr(0, kQrTxIdCharsMinted);
        }
    }
    auto payload = brcode::Encode(fields);
    if (!payload.ok()) {
        const std::string field = FieldOfTag(payload.error().field);
        return Error::InvalidArgument(field + ": " + payload.error().message, field);
    }
    code.payload = std::move(*payload);
    code.status = QrCodeStatus::kActive;
    code.created_by = principal.sub;
    code.created_at = now;
    code.updated_at = now;
    auto inserted = store_.InsertQrCode(code);
    if (!inserted.ok() && inserted.error().code == ErrorCode::kAlreadyExists)
        return Error::Conflict("tx_id is already used by another QR code");
    return inserted;
}

Result<QrCode> SettlementService::GetQrCode(std::int64_t id) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<QrCode> code, store_.GetQrCode(id));
    if (!code) return QrNotFound();
    return std::move(*code);
}

Result<QrCode> SettlementService::GetQrCodeByTxId(std::string_view tx_id) {
    if (tx_id.empty() || tx_id.size() > kQrTxIdCharsMaxDueDate || !IsAlphanumeric(tx_id))
        return Invalid("txId", "must be 1 to 35 letters and digits");
    DICTRA_ASSIGN_OR_RETURN(std::optional<QrCode> code, store_.GetQrCodeByTxId(tx_id));
    if (!code) return QrNotFound();
    return std::move(*code);
}

Result<QrCode> SettlementService::DeactivateQrCode(std::int64_t id) {
    const SystemTimePoint now = clock_.Now();
    return store_.ChangeQrCode(id, [&](const QrCode& current) -> Result<QrCode> {
        const std::string_view state = QrCodeState(current, now);
        if (state != "active") return InvalidTransition("QR code is " + std::string(state));
        QrCode next = current;
        if (IsDynamic(current.type)) {
            next.status = QrCodeStatus::kUsed;
            next.used_count += 1;
            next.used_at = now;
        } else {
            next.status = QrCodeStatus::kInactive;
        }
        next.updated_at = now;
        return next;
    });
}

Result<QrValidation> SettlementService::ValidateQrPayload(std::string_view payload) {
    DICTRA_RETURN_IF_ERROR(CheckPayloadRequest(payload));
    const brcode::Decoded decoded = brcode::Decode(payload);
    QrValidation validation;
    if (!decoded.ok()) {
        const bool crc_failed = std::any_of(
            decoded.errors.begin(), decoded.errors.end(),
            [](const auto& error) { return error.problem == brcode::DecodeProblem::kCrcMismatch; });
        validation.error = crc_failed ? "CRC validation failed" : "BR Code structure is invalid";
        validation.validation_errors = JoinMessages(decoded.errors);
        return validation;
    }
    validation.type =
        decoded.kind == brcode::BrCodeKind::kStatic ? QrCodeType::kStatic : QrCodeType::kDynamic;
    validation.pix_key = decoded.fields.pix_key;
    if (decoded.fields.amount) validation.amount_centavos = decoded.fields.amount->centavos();
    DICTRA_ASSIGN_OR_RETURN(std::optional<QrCode> stored, store_.GetQrCodeByPayload(payload));
    validation.valid = true;
    if (stored) {
        const SystemTimePoint now = clock_.Now();
        DICTRA_ASSIGN_OR_RETURN(QrCode touched,
                                store_.ChangeQrCode(stored->id, [&](const QrCode& current) {
                                    QrCode next = current;
                                    next.validated_at = now;
                                    return Result<QrCode>(next);
                                }));
        validation.type = touched.type;
        validation.pix_key = touched.pix_key;
        validation.amount_centavos = touched.amount_centavos;
        const std::string_view state = QrCodeState(touched, now);
        if (state != "active") {
            validation.valid = false;
            validation.error = "QR code is " + std::string(state);
            validation.validation_errors = validation.error;
        }
        validation.stored = std::move(touched);
    }
    return validation;
}

Result<QrCode> SettlementService::QrLocation(std::string_view unique_id) {
    if (!IsUuid(unique_id)) return QrNotFound();
    DICTRA_ASSIGN_OR_RETURN(std::optional<QrCode> code, store_.GetQrCodeByUniqueId(unique_id));
    if (!code || !IsDynamic(code->type)) return QrNotFound();
    return std::move(*code);
}

Result<QrImage> SettlementService::QrCodeImage(std::int64_t id,
                                               std::optional<std::string_view> format,
                                               std::optional<std::string_view> size) {
    QrImageFormat image_format = QrImageFormat::kPng;
    if (format && *format == "svg") {
        image_format = QrImageFormat::kSvg;
    } else if (format && *format != "png") {
        return Invalid("format", "must be png or svg");
    }
    int size_pixels = kQrImageSizePixelsDefault;
    if (size) {
        const char* end = size->data() + size->size();
        auto [ptr, ec] = std::from_chars(size->data(), end, size_pixels);
        if (size->empty() || ec != std::errc() || ptr != end)
            return Invalid("size", "must be an integer number of pixels (64 to 2048)");
    }
    DICTRA_ASSIGN_OR_RETURN(QrCode code, GetQrCode(id));
    return RenderQrImage(code.payload, image_format, size_pixels);
}

Result<brcode::Decoded> DecodeQrPayload(std::string_view payload) {
    DICTRA_RETURN_IF_ERROR(CheckPayloadRequest(payload));
    return brcode::Decode(payload);
}

}  // namespace dictra::settlement
