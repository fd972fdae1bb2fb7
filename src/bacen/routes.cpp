#include "bacen/routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cctype>
#include <utility>

#include "bacen/multipart.hpp"
#include "core/auth/principal.hpp"
#include "core/ids.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"

namespace dictra::bacen {
namespace {

constexpr std::string_view kXmlContentType = "application/xml; charset=utf-8";
constexpr std::size_t kBoundaryRandomLength = 24;

// ICOM authenticates participants by mTLS; here a bearer token stands in for the certificate:
// its `ispb` must be the path's ISPB (or it carries the `admin` scope). See docs/bacen.md.
Result<std::string> IcomIspb(const http::Request& request) {
    std::string ispb(request.PathParam("ispb"));
    if (!IsIspb(ispb)) return Error::InvalidArgument("the ISPB must be 8 digits", "ispb");
    const auth::Principal* principal = request.principal.get();
    if (principal == nullptr) return Error::Unauthenticated("a bearer token is required");
    if (!principal->IsAdmin() && principal->ispb != ispb) {
        return Error::PermissionDenied("the token does not act for ISPB " + ispb);
    }
    return ispb;
}

Status RequireAdmin(const http::Request& request) {
    const auth::Principal* principal = request.principal.get();
    if (principal == nullptr || !principal->IsAdmin()) {
        return Error::PermissionDenied("the admin scope is required");
    }
    return Ok();
}

http::Response UnsupportedMediaType(const http::Request& request, std::string message) {
    return RenderError(
        http::Status::kUnsupportedMediaType,
        Error::InvalidArgument(std::move(message)).WithReason("UNSUPPORTED_MEDIA_TYPE"),
        request.request_id);
}

std::string PullNextLocation(std::string_view ispb, std::string_view stream_id) {
    return "/api/v1/out/" + std::string(ispb) + "/stream/" + std::string(stream_id);
}

Result<http::Response> RenderPull(const std::string& ispb, Result<PullResult> pulled) {
    if (!pulled.ok()) return std::move(pulled).error();
    http::Response response;
    const std::vector<OutboundMessage>& messages = pulled->messages;
    if (messages.empty()) {
        response = http::Empty(http::Status::kNoContent);
    } else if (messages.size() == 1) {
        response = http::Text(http::Status::kOk, std::string(kXmlContentType), messages[0].xml);
    } else {
        std::vector<std::string_view> bodies;
        for (const OutboundMessage& message : messages) bodies.push_back(message.xml);
        const std::string boundary = "dictra-" + RandomAlphanumeric(kBoundaryRandomLength);
        response = http::Text(http::Status::kOk, "multipart/mixed; boundary=" + boundary,
                              BuildMultipart(bodies, boundary));
    }
    response.headers.Set("PI-Pull-Next", PullNextLocation(ispb, pulled->stream_id));
    return response;
}

boost::json::object ToJson(const Account& account) {
    return boost::json::object{
        {"ispb", account.ispb},
        {"balance_centavos", account.balance.centavos()},
        {"balance", FormatAmount(account.balance)},
        {"updated_at", FormatRfc3339(account.updated_at)},
    };
}

Result<http::Response> ReceiveMessages(BacenService& service, http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(std::string ispb, IcomIspb(request));
    if (auto encoding = request.Header("Content-Encoding");
        encoding && !http::EqualsIgnoreCase(*encoding, "identity")) {
        return UnsupportedMediaType(request, "Content-Encoding " + std::string(*encoding) +
                                                 " is not supported (send the XML uncompressed)");
    }
    const std::string content_type(request.Header("Content-Type").value_or(""));
    std::vector<std::string_view> messages;
    if (IsXmlContentType(content_type)) {
        messages.push_back(request.body);
    } else if (Result<std::string> boundary = MultipartBoundary(content_type); boundary.ok()) {
        Result<std::vector<std::string_view>> parts =
            SplitMultipart(request.body, *boundary, kMessagesPerRequestMax);
        if (!parts.ok()) return std::move(parts).error().WithReason("INVALID_MESSAGE");
        messages = std::move(parts).value();
    } else {
        return UnsupportedMediaType(
            request, "Content-Type must be application/xml or multipart/mixed with a boundary");
    }
    DICTRA_ASSIGN_OR_RETURN(InboundReceipt receipt, service.Receive(ispb, messages));
    http::Response response = http::Empty(http::Status::kCreated);
    response.headers.Set("PI-ResourceId", receipt.resource_id);
    return response;
}

}  // namespace

http::Response RenderError(http::Status status, const Error& error,
                           std::string_view /*request_id*/) {
    boost::json::object body;
    std::string code = error.reason;
    if (code.empty()) {
        code = ToString(error.code);
        for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    body["error"] = {{"code", code}, {"message", error.message}};
    return http::JsonText(status, json::Serialize(body));
}

void AddRoutes(http::Router& router, BacenService& service) {
    router.Add(
        http::Method::kGet, "/health",
        [](http::Request&) -> Result<http::Response> {
            boost::json::object body{{"status", "ok"}, {"service", kServiceName}};
            return http::JsonText(http::Status::kOk, json::Serialize(body));
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
    router.Add(
        http::Method::kGet, "/ready",
        [&service](http::Request&) -> Result<http::Response> {
            const bool ok = service.CheckReadiness().database_connected;
            boost::json::object body{{"status", ok ? "ready" : "unavailable"},
                                     {"database", ok ? "connected" : "disconnected"}};
            return http::JsonText(ok ? http::Status::kOk : http::Status::kServiceUnavailable,
                                  json::Serialize(body));
        },
        http::RouteOptions{.is_public = true});

    // ICOM: the inbox.
    router.Add(
        http::Method::kPost, "/api/v1/in/{ispb}/msgs",
        [&service](http::Request& request) { return ReceiveMessages(service, request); },
        http::RouteOptions{.body_bytes_max = kInboundBodyBytesMax});

    // ICOM: the outbox streams. Registered before "/stream/{stream_id}" so "start" wins.
    router.AddAsync(http::Method::kGet, "/api/v1/out/{ispb}/stream/start",
                    [&service](http::Request& request, http::Responder respond) {
                        Result<std::string> ispb = IcomIspb(request);
                        if (!ispb.ok()) return respond(std::move(ispb).error());
                        Result<std::string> stream_id = service.OpenStream(*ispb);
                        if (!stream_id.ok()) return respond(std::move(stream_id).error());
                        service.Pull(*ispb, *stream_id,
                                     [respond, ispb = *ispb](Result<PullResult> pulled) {
                                         respond(RenderPull(ispb, std::move(pulled)));
                                     });
                    });
    router.AddAsync(http::Method::kGet, "/api/v1/out/{ispb}/stream/{stream_id}",
                    [&service](http::Request& request, http::Responder respond) {
                        Result<std::string> ispb = IcomIspb(request);
                        if (!ispb.ok()) return respond(std::move(ispb).error());
                        service.Pull(*ispb, std::string(request.PathParam("stream_id")),
                                     [respond, ispb = *ispb](Result<PullResult> pulled) {
                                         respond(RenderPull(ispb, std::move(pulled)));
                                     });
                    });
    router.Add(
        http::Method::kDelete, "/api/v1/out/{ispb}/stream/{stream_id}",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(std::string ispb, IcomIspb(request));
            DICTRA_RETURN_IF_ERROR(service.CloseStream(ispb, request.PathParam("stream_id")));
            return http::Empty(http::Status::kNoContent);
        });

    // Administration of the reserve accounts.
    router.Add(http::Method::kGet, "/api/v1/admin/accounts",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   DICTRA_ASSIGN_OR_RETURN(std::vector<Account> accounts, service.ListAccounts());
                   boost::json::array items;
                   for (const Account& account : accounts) items.push_back(ToJson(account));
                   boost::json::object body{{"accounts", std::move(items)}};
                   return http::JsonText(http::Status::kOk, json::Serialize(body));
               });
    router.Add(http::Method::kGet, "/api/v1/admin/accounts/{ispb}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   DICTRA_ASSIGN_OR_RETURN(Account account,
                                           service.GetAccount(request.PathParam("ispb")));
                   return http::JsonText(http::Status::kOk, json::Serialize(ToJson(account)));
               });
    router.Add(
        http::Method::kPost, "/api/v1/admin/accounts/{ispb}/fund",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
            DICTRA_ASSIGN_OR_RETURN(boost::json::object body, json::ParseObject(request.body));
            json::ObjectReader reader(body);
            DICTRA_ASSIGN_OR_RETURN(std::int64_t amount, reader.RequiredInt("amount_centavos"));
            DICTRA_ASSIGN_OR_RETURN(
                Account account, service.Fund(request.PathParam("ispb"), AmountCentavos(amount)));
            return http::JsonText(http::Status::kOk, json::Serialize(ToJson(account)));
        });
}

}  // namespace dictra::bacen
