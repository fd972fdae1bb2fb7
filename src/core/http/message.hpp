// The project's own small HTTP request/response types.
//
// Services see only these, never Beast or Asio: that keeps service headers cheap to compile and
// lets handlers be tested without a socket.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dictra::auth {
struct Principal;
}

namespace dictra::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view ToString(Method method);
Method MethodFromString(std::string_view text);

// Status codes by name. The numeric value is the HTTP status code.
enum class Status : int {
    kOk = 200,
    kCreated = 201,
    kAccepted = 202,
    kNoContent = 204,
    kBadRequest = 400,
    kUnauthorized = 401,
    kForbidden = 403,
    kNotFound = 404,
    kMethodNotAllowed = 405,
    kRequestTimeout = 408,
    kConflict = 409,
    kGone = 410,
    kPayloadTooLarge = 413,
    kUnsupportedMediaType = 415,
    kUnprocessableEntity = 422,
    kTooManyRequests = 429,
    kRequestHeaderFieldsTooLarge = 431,
    kInternalServerError = 500,
    kNotImplemented = 501,
    kBadGateway = 502,
    kServiceUnavailable = 503,
    kGatewayTimeout = 504,
};

inline int Code(Status status) {
    return static_cast<int>(status);
}

// Header fields in arrival order. Lookup is case-insensitive (RFC 9110 field names).
class Headers {
 public:
    void Add(std::string name, std::string value) {
        fields_.emplace_back(std::move(name), std::move(value));
    }
    // Replaces every field of that name with one field.
    void Set(std::string_view name, std::string value);
    // The first value of the field, or nullopt.
    std::optional<std::string_view> Get(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

bool EqualsIgnoreCase(std::string_view left, std::string_view right);

struct Request {
    Method method = Method::kGet;
    std::string target;                                            // as received: path and query
    std::string path;                                              // percent-decoded path
    std::vector<std::pair<std::string, std::string>> query;        // decoded, in order
    std::vector<std::pair<std::string, std::string>> path_params;  // from the route pattern
    Headers headers;
    std::string body;                 // empty for streamed routes
    std::filesystem::path body_file;  // set for streamed routes: the body on disk
    std::uint64_t body_bytes = 0;     // bytes received, for both kinds
    std::string request_id;
    std::string remote_address;
    // The authenticated caller; null on public routes.
    std::shared_ptr<const auth::Principal> principal;

    // Path parameter by name ("" if the route has none of that name).
    std::string_view PathParam(std::string_view name) const;
    // First query parameter by name.
    std::optional<std::string_view> QueryParam(std::string_view name) const;
    std::optional<std::string_view> Header(std::string_view name) const {
        return headers.Get(name);
    }
};

struct Response {
    Status status = Status::kOk;
    Headers headers;
    std::string content_type;  // empty: no Content-Type (e.g. 204)
    std::string body;
};

// A response with a JSON body already serialized.
Response JsonText(Status status, std::string json);
Response Text(Status status, std::string content_type, std::string body);
Response Empty(Status status);

}  // namespace dictra::http
