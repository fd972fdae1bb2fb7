// Settlement over HTTP, section "QR Codes": /api/v1/qr-codes and its sub-resources, and the
// public location of dynamic codes (/qr/{unique_id}).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/auth/principal.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "settlement/routes.hpp"

namespace dictra::settlement {
namespace brcode = formats::brcode;
namespace {

Result<GenerateQrCodeCommand> ParseGenerate(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    GenerateQrCodeCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.type, body.RequiredString("type"));
    DICTRA_ASSIGN_OR_RETURN(command.merchant_name, body.RequiredString("merchant_name"));
    DICTRA_ASSIGN_OR_RETURN(command.merchant_city, body.RequiredString("merchant_city"));
    DICTRA_ASSIGN_OR_RETURN(command.merchant_category_code,
                            body.OptionalString("merchant_category_code"));
    DICTRA_ASSIGN_OR_RETURN(command.pix_key, body.OptionalString("pix_key"));
    DICTRA_ASSIGN_OR_RETURN(command.tx_id, body.OptionalString("tx_id"));
    DICTRA_ASSIGN_OR_RETURN(command.amount_centavos, body.OptionalInt("amount"));
    DICTRA_ASSIGN_OR_RETURN(command.currency, body.OptionalString("currency"));
    DICTRA_ASSIGN_OR_RETURN(command.expires_at, body.OptionalString("expires_at"));
    DICTRA_ASSIGN_OR_RETURN(command.description, body.OptionalString("description"));
    return command;
}

Result<std::string> ParsePayload(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    return json::ObjectReader(object).RequiredString("payload");
}

void PutOptional(boost::json::object& object, std::string_view key,
                 const std::optional<std::string>& text) {
    if (text) object[key] = *text;
}

void PutOptionalTime(boost::json::object& object, std::string_view key,
                     const std::optional<SystemTimePoint>& at) {
    if (at) object[key] = FormatRfc3339(*at);
}

// The full resource (generate, get, get by txid). Absent optional fields are left out.
boost::json::object ToJson(const QrCode& code, SystemTimePoint now) {
    boost::json::object object;
    object["id"] = code.id;
    object["unique_id"] = code.unique_id;
    object["type"] = ToString(code.type);
    object["payload"] = code.payload;
    object["emv_data"] = EmvData(code.payload);
    object["merchant_name"] = code.merchant_name;
    object["merchant_city"] = code.merchant_city;
    object["merchant_category_code"] = code.merchant_category_code;
    object["pix_key"] = code.pix_key;
    PutOptional(object, "tx_id", code.tx_id);
    if (code.amount_centavos) object["amount"] = *code.amount_centavos;
    object["currency"] = code.currency;
    PutOptionalTime(object, "expires_at", code.expires_at);
    PutOptional(object, "description", code.description);
    object["status"] = QrCodeState(code, now);
    object["is_valid"] = IsQrCodeValid(code, now);
    PutOptionalTime(object, "validated_at", code.validated_at);
    object["used_count"] = code.used_count;
    PutOptionalTime(object, "used_at", code.used_at);
    object["created_at"] = FormatRfc3339(code.created_at);
    object["updated_at"] = FormatRfc3339(code.updated_at);
    return object;
}

boost::json::object ToDeactivatedJson(const QrCode& code, SystemTimePoint now) {
    boost::json::object object;
    object["id"] = code.id;
    object["status"] = QrCodeState(code, now);
    PutOptionalTime(object, "used_at", code.used_at);
    object["used_count"] = code.used_count;
    return object;
}

boost::json::object ToJson(const QrValidation& validation) {
    boost::json::object qr_code;
    if (validation.stored) qr_code["id"] = validation.stored->id;
    if (validation.type) qr_code["type"] = ToString(*validation.type);
    if (!validation.pix_key.empty()) qr_code["pix_key"] = validation.pix_key;
    if (validation.amount_centavos) qr_code["amount"] = *validation.amount_centavos;
    qr_code["is_valid"] = validation.valid;
    qr_code["validation_errors"] = validation.validation_errors;
    boost::json::object object;
    object["valid"] = validation.valid;
    if (!validation.valid) object["error"] = validation.error;
    object["qr_code"] = std::move(qr_code);
    return object;
}

// The document's decode answer. Fields that could not be read are left out.
boost::json::object ToJson(const brcode::Decoded& decoded) {
    const brcode::BrCode& fields = decoded.fields;
    boost::json::object object;
    object["valid"] = decoded.ok();
    // A recurrence-only code (Pix Automatico) also points at a URL: reported as DYNAMIC.
    object["type"] = decoded.kind == brcode::BrCodeKind::kStatic ? "STATIC" : "DYNAMIC";
    if (!fields.pix_key.empty()) object["pix_key"] = fields.pix_key;
    if (!fields.url.empty()) object["url"] = fields.url;
    if (!fields.txid.empty()) object["tx_id"] = fields.txid;
    if (!fields.merchant_name.empty()) object["merchant_name"] = fields.merchant_name;
    if (!fields.merchant_city.empty()) object["merchant_city"] = fields.merchant_city;
    object["merchant_category_code"] = fields.merchant_category_code;
    if (fields.amount) {
        object["amount"] = fields.amount->centavos();
        object["amount_formatted"] = FormatAmountBrl(fields.amount->centavos());
    }
    boost::json::object raw_fields;
    for (const brcode::RawField& raw : decoded.raw) {
        if (raw.tag == "53" && raw.value == "986") object["currency"] = "BRL";
        if (raw.tag == "58") object["country_code"] = raw.value;
        // A duplicated tag is an error of its own; the first one is what the decoder read.
        if (!raw_fields.contains(raw.tag)) raw_fields[raw.tag] = raw.value;
    }
    if (!decoded.crc.empty()) object["crc"] = decoded.crc;
    object["crc_valid"] = !decoded.crc.empty() && decoded.crc == decoded.crc_computed;
    if (!fields.info.empty()) object["description"] = fields.info;
    if (!fields.postal_code.empty()) object["postal_code"] = fields.postal_code;
    object["single_use"] = fields.single_use;
    object["raw_fields"] = std::move(raw_fields);
    boost::json::array errors;
    for (const brcode::DecodeError& error : decoded.errors) {
        errors.push_back(boost::json::object{{"tag", error.tag},
                                             {"problem", brcode::ToString(error.problem)},
                                             {"message", error.message}});
    }
    object["errors"] = std::move(errors);
    return object;
}

// What the payer's PSP reads at a dynamic code's URL: the charge.
boost::json::object ToChargeJson(const QrCode& code, SystemTimePoint now) {
    boost::json::object object;
    object["unique_id"] = code.unique_id;
    object["type"] = ToString(code.type);
    PutOptional(object, "tx_id", code.tx_id);
    object["pix_key"] = code.pix_key;
    if (code.amount_centavos) {
        object["amount"] = *code.amount_centavos;
        object["amount_formatted"] = FormatAmountBrl(*code.amount_centavos);
    }
    object["currency"] = code.currency;
    object["merchant_name"] = code.merchant_name;
    object["merchant_city"] = code.merchant_city;
    object["merchant_category_code"] = code.merchant_category_code;
    PutOptional(object, "description", code.description);
    object["status"] = QrCodeState(code, now);
    object["is_valid"] = IsQrCodeValid(code, now);
    PutOptionalTime(object, "expires_at", code.expires_at);
    object["created_at"] = FormatRfc3339(code.created_at);
    return object;
}

http::Response Json(http::Status status, const boost::json::object& body) {
    return http::JsonText(status, json::Serialize(body));
}

}  // namespace

void AddQrRoutes(http::Router& router, SettlementService& service) {
    router.Add(http::Method::kPost, "/api/v1/qr-codes",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(GenerateQrCodeCommand command, ParseGenerate(request));
                   DICTRA_ASSIGN_OR_RETURN(QrCode code,
                                           service.GenerateQrCode(command, *request.principal));
                   return Json(http::Status::kCreated, ToJson(code, service.Now()));
               });
    router.Add(http::Method::kPost, "/api/v1/qr-codes/validate",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::string payload, ParsePayload(request));
                   DICTRA_ASSIGN_OR_RETURN(QrValidation validation,
                                           service.ValidateQrPayload(payload));
                   return Json(http::Status::kOk, ToJson(validation));
               });
    router.Add(http::Method::kPost, "/api/v1/qr-codes/decode",
               [](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::string payload, ParsePayload(request));
                   DICTRA_ASSIGN_OR_RETURN(brcode::Decoded decoded, DecodeQrPayload(payload));
                   return Json(http::Status::kOk, ToJson(decoded));
               });
    router.Add(http::Method::kGet, "/api/v1/qr-codes/txid/{txId}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(QrCode code,
                                           service.GetQrCodeByTxId(request.PathParam("txId")));
                   return Json(http::Status::kOk, ToJson(code, service.Now()));
               });
    router.Add(http::Method::kGet, "/api/v1/qr-codes/{id}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_ASSIGN_OR_RETURN(QrCode code, service.GetQrCode(id));
                   return Json(http::Status::kOk, ToJson(code, service.Now()));
               });
    router.Add(
        http::Method::kGet, "/api/v1/qr-codes/{id}/image",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(std::int64_t id, ParsePaymentId(request.PathParam("id")));
            DICTRA_ASSIGN_OR_RETURN(
                QrImage image,
                service.QrCodeImage(id, request.QueryParam("format"), request.QueryParam("size")));
            return http::Text(http::Status::kOk, std::move(image.content_type),
                              std::move(image.bytes));
        });
    router.Add(http::Method::kPut, "/api/v1/qr-codes/{id}/deactivate",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_ASSIGN_OR_RETURN(QrCode code, service.DeactivateQrCode(id));
                   return Json(http::Status::kOk, ToDeactivatedJson(code, service.Now()));
               });
    // The location a dynamic code's URL names. Public: the payer's PSP fetches it without our
    // tokens, as BCB's model has it (docs/settlement.md, "QR codes").
    router.Add(
        http::Method::kGet, "/qr/{unique_id}",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(QrCode code,
                                    service.QrLocation(request.PathParam("unique_id")));
            return Json(http::Status::kOk, ToChargeJson(code, service.Now()));
        },
        http::RouteOptions{.is_public = true});
}

}  // namespace dictra::settlement
