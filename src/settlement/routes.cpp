#include "settlement/routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/auth/principal.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "settlement/file_json.hpp"

namespace dictra::settlement {
namespace {

std::string_view CodeFor(http::Status status, const Error& error) {
    switch (status) {
        case http::Status::kMethodNotAllowed: return "METHOD_NOT_ALLOWED";
        case http::Status::kRequestTimeout: return "REQUEST_TIMEOUT";
        case http::Status::kRequestHeaderFieldsTooLarge: return "HEADER_TOO_LARGE";
        default: break;
    }
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return "VALIDATION_ERROR";
        case ErrorCode::kNotFound: return "NOT_FOUND";
        case ErrorCode::kAlreadyExists:
        case ErrorCode::kConflict: return "CONFLICT";
        case ErrorCode::kFailedPrecondition: return "INVALID_TRANSITION";
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

Result<CreatePaymentCommand> ParseCreatePayment(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    DICTRA_ASSIGN_OR_RETURN(CreatePaymentCommand command, CreatePaymentCommandFromJson(object));
    if (auto key = request.Header("Idempotency-Key")) command.idempotency_key = std::string(*key);
    return command;
}

Result<StatusUpdateCommand> ParseStatusUpdate(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    StatusUpdateCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.status, body.RequiredString("status"));
    DICTRA_ASSIGN_OR_RETURN(command.end_to_end_id, body.OptionalString("end_to_end_id"));
    return command;
}

Result<ConfirmCreditCommand> ParseConfirmCredit(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    ConfirmCreditCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.amount_centavos, body.RequiredInt("amount"));
    DICTRA_ASSIGN_OR_RETURN(command.notes, body.OptionalString("notes"));
    return command;
}

std::optional<std::string> Query(const http::Request& request, std::string_view name) {
    auto value = request.QueryParam(name);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

ListQuery ParseListQuery(const http::Request& request) {
    return ListQuery{.status = Query(request, "status"),
                     .debtor_ispb = Query(request, "debtor_ispb"),
                     .creditor_ispb = Query(request, "creditor_ispb"),
                     .min_amount = Query(request, "min_amount"),
                     .max_amount = Query(request, "max_amount"),
                     .limit = Query(request, "limit"),
                     .offset = Query(request, "offset")};
}

// ---- model -> JSON ----

void PutOptional(boost::json::object& object, std::string_view key,
                 const std::optional<std::string>& text) {
    if (text) object[key] = *text;
}

void PutOptionalTime(boost::json::object& object, std::string_view key,
                     const std::optional<SystemTimePoint>& at) {
    if (at) object[key] = FormatRfc3339(*at);
}

// The full resource (create, get). Absent optional fields are left out, as the document does.
boost::json::object ToJson(const PaymentRequest& payment) {
    return PaymentRequestJson(payment);
}

// The list item of the document: the request without its parties' details.
boost::json::object ToSummaryJson(const PaymentRequest& payment) {
    boost::json::object object;
    object["id"] = payment.id;
    object["unique_id"] = payment.unique_id;
    PutOptional(object, "external_id", payment.external_id);
    object["status"] = ToString(payment.status);
    object["amount"] = payment.amount_centavos;
    object["currency"] = payment.currency;
    object["debtor_ispb"] = payment.debtor.ispb;
    object["creditor_ispb"] = payment.creditor.ispb;
    PutOptional(object, "end_to_end_id", payment.end_to_end_id);
    PutOptionalTime(object, "scheduled_date", payment.scheduled_date);
    object["created_at"] = FormatRfc3339(payment.created_at);
    PutOptionalTime(object, "processed_at", payment.processed_at);
    return object;
}

boost::json::object ToPageJson(const PaymentPage& page) {
    boost::json::array data;
    for (const PaymentRequest& payment : page.data) data.push_back(ToSummaryJson(payment));
    return {{"data", std::move(data)},
            {"pagination", PaginationJson(page.total, page.limit, page.offset)}};
}

boost::json::object ToStatusJson(const PaymentRequest& payment) {
    boost::json::object object;
    object["id"] = payment.id;
    object["status"] = ToString(payment.status);
    PutOptional(object, "end_to_end_id", payment.end_to_end_id);
    PutOptionalTime(object, "processed_at", payment.processed_at);
    object["updated_at"] = FormatRfc3339(payment.updated_at);
    return object;
}

boost::json::object ToJson(const CreditConfirmation& confirmation) {
    boost::json::object object;
    object["id"] = confirmation.id;
    object["unique_id"] = confirmation.unique_id;
    object["payment_request_id"] = confirmation.payment_request_id;
    object["status"] = confirmation.status;
    object["confirmed_at"] = FormatRfc3339(confirmation.confirmed_at);
    object["confirmed_by"] = confirmation.confirmed_by;
    object["confirmed_amount"] = confirmation.confirmed_amount_centavos;
    PutOptional(object, "notes", confirmation.notes);
    object["created_at"] = FormatRfc3339(confirmation.created_at);
    object["updated_at"] = FormatRfc3339(confirmation.updated_at);
    return object;
}

http::Response Json(http::Status status, const boost::json::object& body) {
    return http::JsonText(status, json::Serialize(body));
}

}  // namespace

boost::json::object PaginationJson(std::int64_t total, std::int64_t limit, std::int64_t offset) {
    return {{"total", total},
            {"page", offset / limit},
            {"page_size", limit},
            {"total_pages", (total + limit - 1) / limit}};
}

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    body["error"] = {
        {"code", error.reason.empty() ? CodeFor(status, error) : std::string_view(error.reason)},
        {"message", error.message}};
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, SettlementService& service) {
    http::RouteOptions probe{.is_public = true, .execution = http::Execution::kInline};
    router.Add(
        http::Method::kGet, "/health",
        [](http::Request&) -> Result<http::Response> {
            return http::JsonText(http::Status::kOk, R"({"status":"ok"})");
        },
        probe);
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            const Readiness readiness = service.CheckReadiness();
            if (readiness.database_connected) {
                return http::JsonText(http::Status::kOk,
                                      R"({"status":"ready","database":"connected"})");
            }
            return http::JsonText(http::Status::kServiceUnavailable,
                                  R"({"status":"unavailable","database":"disconnected"})");
        },
        http::RouteOptions{.is_public = true});

    // The hot path: parsed and checked on the I/O thread, answered from the database's commit
    // without holding a worker thread while the group commits (docs/performance.md).
    router.AddAsync(
        http::Method::kPost, "/api/v1/payments",
        [&service](http::Request& request, http::Responder respond) {
            auto command = ParseCreatePayment(request);
            if (!command.ok()) return respond(std::move(command).error());
            service.CreateAsync(
                *command, *request.principal,
                [respond = std::move(respond)](Result<CreateOutcome> outcome) {
                    if (!outcome.ok()) return respond(std::move(outcome).error());
                    // A replayed create answers 200 with the first request
                    // (docs/settlement.md).
                    respond(Json(outcome->created ? http::Status::kCreated : http::Status::kOk,
                                 ToJson(outcome->payment)));
                });
        },
        http::RouteOptions{.execution = http::Execution::kInline});
    router.Add(http::Method::kGet, "/api/v1/payments",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(
                       PaymentPage page, service.List(ParseListQuery(request), *request.principal));
                   return Json(http::Status::kOk, ToPageJson(page));
               });
    router.Add(
        http::Method::kGet, "/api/v1/payments/{id}",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(std::int64_t id, ParsePaymentId(request.PathParam("id")));
            DICTRA_ASSIGN_OR_RETURN(PaymentRequest payment, service.Get(id, *request.principal));
            return Json(http::Status::kOk, ToJson(payment));
        });
    router.Add(http::Method::kDelete, "/api/v1/payments/{id}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_RETURN_IF_ERROR(service.Cancel(id, *request.principal));
                   return http::Empty(http::Status::kNoContent);
               });
    router.Add(http::Method::kPut, "/api/v1/payments/{id}/status",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_ASSIGN_OR_RETURN(StatusUpdateCommand command, ParseStatusUpdate(request));
                   DICTRA_ASSIGN_OR_RETURN(PaymentRequest payment,
                                           service.UpdateStatus(id, command, *request.principal));
                   return Json(http::Status::kOk, ToStatusJson(payment));
               });
    // The document answers 200 (not 201) to a confirmation; the row is durable before it.
    router.Add(
        http::Method::kPost, "/api/v1/payments/{id}/confirm-credit",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(std::int64_t id, ParsePaymentId(request.PathParam("id")));
            DICTRA_ASSIGN_OR_RETURN(ConfirmCreditCommand command, ParseConfirmCredit(request));
            DICTRA_ASSIGN_OR_RETURN(CreditConfirmation confirmation,
                                    service.ConfirmCredit(id, command, *request.principal));
            return Json(http::Status::kOk, ToJson(confirmation));
        });
    router.Add(http::Method::kGet, "/api/v1/payments/{id}/confirm-credit",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_ASSIGN_OR_RETURN(CreditConfirmation confirmation,
                                           service.GetCreditConfirmation(id, *request.principal));
                   return Json(http::Status::kOk, ToJson(confirmation));
               });
    AddScheduleRoutes(router, service);
    AddQrRoutes(router, service);
    AddFileRoutes(router, service);
}

}  // namespace dictra::settlement
