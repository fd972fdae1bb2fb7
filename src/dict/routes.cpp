#include "dict/routes.hpp"

#include <boost/json/object.hpp>

#include "core/auth/principal.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"

namespace dictra::dict {
namespace {

std::string_view CodeFor(http::Status status, const Error& error) {
    switch (status) {
        case http::Status::kMethodNotAllowed: return "METHOD_NOT_ALLOWED";
        case http::Status::kRequestTimeout: return "REQUEST_TIMEOUT";
        case http::Status::kRequestHeaderFieldsTooLarge: return "HEADER_TOO_LARGE";
        default: break;
    }
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return "INVALID_REQUEST";
        case ErrorCode::kNotFound: return "NOT_FOUND";
        case ErrorCode::kAlreadyExists:
        case ErrorCode::kConflict: return "CONFLICT";
        case ErrorCode::kFailedPrecondition: return "INVALID_STATE";
        case ErrorCode::kUnauthenticated: return "UNAUTHORIZED";
        case ErrorCode::kPermissionDenied: return "FORBIDDEN";
        case ErrorCode::kResourceExhausted: return "RATE_LIMITED";
        case ErrorCode::kUnavailable: return "SERVICE_UNAVAILABLE";
        case ErrorCode::kPayloadTooLarge: return "PAYLOAD_TOO_LARGE";
        case ErrorCode::kInternal: return "INTERNAL_ERROR";
    }
    return "INTERNAL_ERROR";
}

// ---- JSON -> command ----

Result<CreateEntryCommand> ParseCreateEntry(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    CreateEntryCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.key_type, body.RequiredString("keyType"));
    DICTRA_ASSIGN_OR_RETURN(command.key, body.OptionalString("key"));
    DICTRA_ASSIGN_OR_RETURN(command.owner_type, body.RequiredString("ownerType"));
    DICTRA_ASSIGN_OR_RETURN(command.owner_tax_id, body.RequiredString("ownerTaxId"));
    DICTRA_ASSIGN_OR_RETURN(command.owner_name, body.RequiredString("ownerName"));
    DICTRA_ASSIGN_OR_RETURN(command.trade_name, body.OptionalString("tradeName"));
    DICTRA_ASSIGN_OR_RETURN(command.branch, body.RequiredString("branch"));
    DICTRA_ASSIGN_OR_RETURN(command.account_number, body.RequiredString("accountNumber"));
    DICTRA_ASSIGN_OR_RETURN(command.account_type, body.RequiredString("accountType"));
    DICTRA_ASSIGN_OR_RETURN(command.opening_date, body.OptionalString("openingDate"));
    return command;
}

Result<Ispb> Participant(const http::Request& request) {
    return ActingParticipant(*request.principal, request.Header("X-Participant-ISPB"));
}

// The `keyType` query parameter the key paths require.
Result<std::string_view> KeyTypeParam(const http::Request& request) {
    auto key_type = request.QueryParam("keyType");
    if (!key_type) {
        return Error::InvalidArgument("keyType query parameter is required", "keyType")
            .WithReason("INVALID_KEY_TYPE");
    }
    return *key_type;
}

// ---- model -> JSON ----

// The document's entry object, plus tradeName and openingDate when set.
boost::json::object ToJson(const Entry& entry) {
    boost::json::object object;
    object["id"] = entry.id;
    object["keyType"] = ToString(entry.key_type);
    object["key"] = entry.key;
    object["cid"] = entry.cid;
    object["ownerType"] = ToLetter(entry.owner_type);
    object["ownerTaxId"] = entry.owner_tax_id;
    object["ownerName"] = entry.owner_name;
    if (entry.trade_name) object["tradeName"] = *entry.trade_name;
    object["participantIspb"] = entry.participant_ispb;
    object["branch"] = entry.branch;
    object["accountNumber"] = entry.account_number;
    object["accountType"] = ToString(entry.account_type);
    if (entry.opening_date) object["openingDate"] = *entry.opening_date;
    object["status"] = ToString(entry.status);
    object["ownershipDate"] = FormatRfc3339(entry.ownership_date);
    object["ownershipConfirmed"] = entry.ownership_confirmed;
    object["createdAt"] = FormatRfc3339(entry.created_at);
    return object;
}

http::Response Json(http::Status status, const boost::json::object& body) {
    return http::JsonText(status, json::Serialize(body));
}

http::Response Probe(bool ok, std::string_view good, std::string_view bad) {
    boost::json::object body;
    body["status"] = ok ? good : bad;
    body["service"] = kServiceName;
    return http::JsonText(ok ? http::Status::kOk : http::Status::kServiceUnavailable,
                          json::Serialize(body));
}

}  // namespace

std::string RenderEntryJson(const Entry& entry) {
    return json::Serialize(ToJson(entry));
}

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    body["code"] = error.reason.empty() ? CodeFor(status, error) : std::string_view(error.reason);
    body["error"] = error.message;
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, DictService& service) {
    router.Add(
        http::Method::kGet, "/health",
        [](http::Request&) -> Result<http::Response> {
            return Probe(true, "healthy", "unhealthy");
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            return Probe(service.CheckReadiness().database_connected, "ready", "unavailable");
        },
        http::RouteOptions{.is_public = true});

    router.Add(http::Method::kPost, "/api/v2/entries",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(CreateEntryCommand command, ParseCreateEntry(request));
                   DICTRA_ASSIGN_OR_RETURN(Entry entry, service.Create(command, participant));
                   return Json(http::Status::kCreated, ToJson(entry));
               });
    // GET /api/v2/entries/{key} (the rate-limited lookup) is in lookup_routes.cpp.
    router.Add(
        http::Method::kDelete, "/api/v2/entries/{key}",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
            DICTRA_ASSIGN_OR_RETURN(std::string_view key_type, KeyTypeParam(request));
            DICTRA_RETURN_IF_ERROR(service.Delete(request.PathParam("key"), key_type,
                                                  request.QueryParam("reason"), participant));
            return http::Empty(http::Status::kNoContent);
        });
    router.Add(http::Method::kGet, "/api/v2/entries/cid/{cid}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(Entry entry,
                                           service.GetByCid(request.PathParam("cid"), participant));
                   return Json(http::Status::kOk, ToJson(entry));
               });
}

}  // namespace dictra::dict
