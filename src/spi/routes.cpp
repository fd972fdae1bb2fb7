#include "spi/routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>

#include "core/auth/principal.hpp"
#include "core/ids.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"

namespace dictra::spi {
namespace {

std::string_view CodeFor(http::Status status, const Error& error) {
    switch (status) {
        case http::Status::kMethodNotAllowed: return "method_not_allowed";
        case http::Status::kRequestTimeout: return "request_timeout";
        case http::Status::kRequestHeaderFieldsTooLarge: return "header_too_large";
        default: break;
    }
    switch (error.code) {
        case ErrorCode::kInvalidArgument: return "validation_failed";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kAlreadyExists:
        case ErrorCode::kConflict: return "conflict";
        case ErrorCode::kFailedPrecondition: return "invalid_state";
        case ErrorCode::kUnauthenticated: return "unauthorized";
        case ErrorCode::kPermissionDenied: return "forbidden";
        case ErrorCode::kResourceExhausted: return "rate_limited";
        case ErrorCode::kUnavailable: return "service_unavailable";
        case ErrorCode::kPayloadTooLarge: return "payload_too_large";
        case ErrorCode::kInternal: return "internal_error";
    }
    return "internal_error";
}

Result<Party> ParseParty(const json::ObjectReader& body, std::string_view side, bool creditor) {
    DICTRA_ASSIGN_OR_RETURN(json::ObjectReader reader, body.RequiredObject(side));
    Party party;
    DICTRA_ASSIGN_OR_RETURN(party.ispb, reader.RequiredString("ispb"));
    DICTRA_ASSIGN_OR_RETURN(auto name, reader.OptionalString("name"));
    party.name = name.value_or("");
    DICTRA_ASSIGN_OR_RETURN(party.document, reader.RequiredString("document"));
    DICTRA_ASSIGN_OR_RETURN(party.account_no, reader.RequiredString("account_no"));
    DICTRA_ASSIGN_OR_RETURN(party.account_type, reader.RequiredString("account_type"));
    DICTRA_ASSIGN_OR_RETURN(auto branch, reader.OptionalString("branch"));
    party.branch = branch.value_or("");
    if (creditor) {
        DICTRA_ASSIGN_OR_RETURN(auto proxy, reader.OptionalString("proxy"));
        party.proxy = proxy.value_or("");
    }
    return party;
}

// The JSON shapes of POST /api/v1/payments; the rules are the service's (ValidateNewPayment).
Result<NewPayment> ParseNewPayment(std::string_view text) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(text));
    json::ObjectReader body(object);
    NewPayment r;
    DICTRA_ASSIGN_OR_RETURN(r.local_instrument, body.RequiredString("local_instrument"));
    DICTRA_ASSIGN_OR_RETURN(r.priority_type, body.RequiredString("priority_type"));
    DICTRA_ASSIGN_OR_RETURN(r.priority_id, body.RequiredInt("priority_id"));
    DICTRA_ASSIGN_OR_RETURN(r.purpose, body.RequiredString("purpose"));
    DICTRA_ASSIGN_OR_RETURN(r.amount_centavos, body.RequiredInt("amount"));
    DICTRA_ASSIGN_OR_RETURN(r.currency, body.RequiredString("currency"));
    DICTRA_ASSIGN_OR_RETURN(r.debtor, ParseParty(body, "debtor", false));
    DICTRA_ASSIGN_OR_RETURN(r.creditor, ParseParty(body, "creditor", true));
    DICTRA_ASSIGN_OR_RETURN(auto tx_id, body.OptionalString("tx_id"));
    r.tx_id = tx_id.value_or("");
    DICTRA_ASSIGN_OR_RETURN(auto initiating_party, body.OptionalString("initiating_party"));
    r.initiating_party = initiating_party.value_or("");
    DICTRA_ASSIGN_OR_RETURN(auto description, body.OptionalString("description"));
    r.description = description.value_or("");
    DICTRA_ASSIGN_OR_RETURN(auto dict_end_to_end_id, body.OptionalString("dict_end_to_end_id"));
    r.dict_end_to_end_id = dict_end_to_end_id.value_or("");
    DICTRA_ASSIGN_OR_RETURN(auto dict_correlation_id, body.OptionalString("dict_correlation_id"));
    r.dict_correlation_id = dict_correlation_id.value_or("");
    DICTRA_ASSIGN_OR_RETURN(r.origin_system, body.RequiredInt("origin_system"));
    return r;
}

boost::json::object PartyJson(const Party& party, bool creditor) {
    boost::json::object out;
    out["ispb"] = party.ispb;
    if (!party.name.empty()) out["name"] = party.name;
    out["document"] = party.document;
    out["account_no"] = party.account_no;
    out["account_type"] = party.account_type;
    if (!party.branch.empty()) out["branch"] = party.branch;
    if (creditor && !party.proxy.empty()) out["proxy"] = party.proxy;
    return out;
}

boost::json::object PaymentJson(const Payment& payment) {
    const NewPayment& r = payment.request;
    boost::json::object out;
    out["id"] = payment.id;
    out["end_to_end_id"] = payment.end_to_end_id;
    out["message_id"] = payment.message_id;
    out["direction"] = ToString(payment.direction);
    if (!r.tx_id.empty()) out["tx_id"] = r.tx_id;
    out["local_instrument"] = r.local_instrument;
    out["priority_type"] = r.priority_type;
    out["priority_id"] = r.priority_id;
    out["purpose"] = r.purpose;
    out["amount"] = r.amount_centavos;
    out["currency"] = r.currency;
    out["debtor"] = PartyJson(r.debtor, false);
    out["creditor"] = PartyJson(r.creditor, true);
    if (!r.initiating_party.empty()) out["initiating_party"] = r.initiating_party;
    if (!r.description.empty()) out["description"] = r.description;
    out["origin_system"] = r.origin_system;
    out["status"] = ToString(payment.status);
    if (!payment.reason_code.empty()) out["reason_code"] = payment.reason_code;
    out["operation_datetime"] = FormatRfc3339(payment.operation_datetime);
    if (payment.acceptance_datetime) {
        out["acceptance_datetime"] = FormatRfc3339(*payment.acceptance_datetime);
    }
    out["created_at"] = FormatRfc3339(payment.created_at);
    out["updated_at"] = FormatRfc3339(payment.updated_at);
    if (!r.dict_correlation_id.empty()) out["dict_correlation_id"] = r.dict_correlation_id;
    out["token_refunded"] = payment.token_refunded;
    return out;
}

boost::json::object PaymentSummaryJson(const Payment& payment) {
    boost::json::object out;
    out["id"] = payment.id;
    out["end_to_end_id"] = payment.end_to_end_id;
    out["message_id"] = payment.message_id;
    out["direction"] = ToString(payment.direction);
    out["local_instrument"] = payment.request.local_instrument;
    out["amount"] = payment.request.amount_centavos;
    out["currency"] = payment.request.currency;
    out["status"] = ToString(payment.status);
    if (!payment.reason_code.empty()) out["reason_code"] = payment.reason_code;
    out["operation_datetime"] = FormatRfc3339(payment.operation_datetime);
    out["created_at"] = FormatRfc3339(payment.created_at);
    return out;
}

Result<std::int64_t> QueryInt(const http::Request& request, std::string_view name,
                              std::int64_t fallback) {
    auto text = request.QueryParam(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size()) {
        return Error::InvalidArgument(std::string(name) + " must be an integer");
    }
    return value;
}

http::Response EchoFailed(std::string_view ispb, std::string_view error, SystemTimePoint now) {
    boost::json::object body;
    body["ispb"] = ispb;
    body["status"] = "failed";
    body["error"] = error;
    body["timestamp"] = FormatRfc3339(now);
    return http::JsonText(http::Status::kServiceUnavailable, json::Serialize(body));
}

Result<std::string> ParseEchoRequest(const http::Request& request, SpiService& service) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    DICTRA_ASSIGN_OR_RETURN(std::string ispb, body.RequiredString("ispb"));
    if (!IsIspb(ispb)) return Error::InvalidArgument("ispb must be 8 digits");
    if (ispb != service.options().ispb) {
        return Error::InvalidArgument("ispb must be " + service.options().ispb +
                                      ", the participant this SPI serves");
    }
    const auth::Principal& principal = *request.principal;
    if (principal.ispb && !principal.IsAdmin() && *principal.ispb != ispb) {
        return Error::PermissionDenied("a token for ISPB " + *principal.ispb +
                                       " may only test its own connection");
    }
    return ispb;
}

}  // namespace

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    body["error"] = error.reason.empty() ? CodeFor(status, error) : std::string_view(error.reason);
    body["message"] = error.message;
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, SpiService& service, BacenLink* link) {
    router.Add(
        http::Method::kGet, "/health",
        [&service](http::Request&) -> Result<http::Response> {
            const SystemTimePoint now = service.clock().Now();
            boost::json::object body;
            body["status"] = "healthy";
            body["uptime"] = FormatGoDuration(
                std::chrono::duration_cast<std::chrono::seconds>(now - service.started_at()));
            body["timestamp"] = FormatRfc3339(now);
            return http::JsonText(http::Status::kOk, json::Serialize(body));
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    // Asynchronous: the BACEN probe is an HTTP request that, in the embedded process, the same
    // I/O thread may have to serve.
    router.AddAsync(
        http::Method::kGet, "/ready",
        [&service, link](http::Request&, http::Responder respond) {
            auto answer = [&service, respond](bool bacen_reachable) {
                const Readiness readiness = service.CheckReadiness(bacen_reachable);
                boost::json::object body;
                body["status"] = readiness.AllHealthy() ? "healthy" : "unhealthy";
                body["services"] = {{"database", ToString(readiness.database)},
                                    {"bacen", ToString(readiness.bacen)},
                                    {"nats", ToString(readiness.nats)}};
                respond(http::JsonText(
                    readiness.AllHealthy() ? http::Status::kOk : http::Status::kServiceUnavailable,
                    json::Serialize(body)));
            };
            if (link == nullptr) return answer(false);
            link->ProbeAsync(std::move(answer));
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    router.Add(
        http::Method::kPost, "/api/v1/payments",
        [&service, link](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(NewPayment command, ParseNewPayment(request.body));
            DICTRA_ASSIGN_OR_RETURN(Payment payment, service.Create(command, *request.principal));
            if (link != nullptr) link->Notify();
            return http::JsonText(http::Status::kCreated, json::Serialize(PaymentJson(payment)));
        });
    router.Add(http::Method::kGet, "/api/v1/payments",
               [&service](http::Request& request) -> Result<http::Response> {
                   std::optional<PaymentStatus> status;
                   if (auto text = request.QueryParam("status")) {
                       status = ParsePaymentStatus(*text);
                       if (!status) {
                           return Error::InvalidArgument(
                               "status must be one of ENTRY_RECEIVED, VALIDATED, PENDING_BACEN, "
                               "SENT_TO_BACEN, ACSP, ACCC, RJCT, PDNG, CANC");
                       }
                   }
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t limit,
                                           QueryInt(request, "limit", kListLimitDefault));
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t offset, QueryInt(request, "offset", 0));
                   DICTRA_ASSIGN_OR_RETURN(PaymentPage page,
                                           service.List(status, limit, offset, *request.principal));
                   boost::json::array payments;
                   for (const Payment& payment : page.payments) {
                       payments.push_back(PaymentSummaryJson(payment));
                   }
                   boost::json::object body;
                   body["payments"] = std::move(payments);
                   body["total"] = page.total;
                   body["limit"] = page.limit;
                   body["offset"] = page.offset;
                   return http::JsonText(http::Status::kOk, json::Serialize(body));
               });
    router.Add(http::Method::kGet, "/api/v1/payments/{id}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(
                       Payment payment, service.Get(request.PathParam("id"), *request.principal));
                   return http::JsonText(http::Status::kOk, json::Serialize(PaymentJson(payment)));
               });
    router.Add(
        http::Method::kGet, "/api/v1/payments/{id}/history",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(PaymentHistory result,
                                    service.History(request.PathParam("id"), *request.principal));
            boost::json::array history;
            for (const HistoryEntry& entry : result.history) {
                boost::json::object item;
                item["status"] = ToString(entry.status);
                if (!entry.reason_code.empty()) item["reason_code"] = entry.reason_code;
                if (!entry.detail.empty()) item["detail"] = entry.detail;
                item["changed_at"] = FormatRfc3339(entry.changed_at, TimePrecision::kMilliseconds);
                history.push_back(std::move(item));
            }
            boost::json::object body;
            body["payment_id"] = result.payment.id;
            body["end_to_end_id"] = result.payment.end_to_end_id;
            body["history"] = std::move(history);
            return http::JsonText(http::Status::kOk, json::Serialize(body));
        });
    router.Add(http::Method::kGet, "/api/v1/payments/{id}/messages",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(
                       PaymentMessages result,
                       service.Messages(request.PathParam("id"), *request.principal));
                   boost::json::array messages;
                   for (const StoredMessage& message : result.messages) {
                       boost::json::object item;
                       item["id"] = message.id;
                       item["direction"] = ToString(message.direction);
                       item["message_type"] = message.message_type;
                       item["business_message_id"] = message.business_message_id;
                       if (!message.resource_id.empty()) item["resource_id"] = message.resource_id;
                       item["at"] = FormatRfc3339(message.at, TimePrecision::kMilliseconds);
                       item["xml"] = message.xml;
                       messages.push_back(std::move(item));
                   }
                   boost::json::object body;
                   body["payment_id"] = result.payment.id;
                   body["end_to_end_id"] = result.payment.end_to_end_id;
                   body["messages"] = std::move(messages);
                   return http::JsonText(http::Status::kOk, json::Serialize(body));
               });
    // Asynchronous: the echo waits up to 5 s for BACEN's pibr.002 on a thread of the link, not on
    // the connection's thread.
    router.AddAsync(
        http::Method::kPost, "/api/v1/echo",
        [&service, link](http::Request& request, http::Responder respond) {
            Result<std::string> ispb = ParseEchoRequest(request, service);
            if (!ispb.ok()) return respond(std::move(ispb).error());
            const SystemTimePoint now = service.clock().Now();
            if (link == nullptr)
                return respond(EchoFailed(*ispb, "BACEN service unavailable", now));
            link->EchoAsync([respond, ispb = *ispb, now](Result<EchoResult> echo) {
                if (!echo.ok()) return respond(EchoFailed(ispb, "BACEN service unavailable", now));
                boost::json::object out;
                out["ispb"] = ispb;
                out["status"] = "success";
                out["message_id"] = echo->message_id;
                out["resource_id"] = echo->resource_id;
                out["latency_ms"] = echo->latency_ms;
                out["timestamp"] = FormatRfc3339(now);
                respond(http::JsonText(http::Status::kOk, json::Serialize(out)));
            });
        },
        http::RouteOptions{.execution = http::Execution::kInline});
}

}  // namespace dictra::spi
