// Expected failures as values.
//
// Every operation that can fail for a reason the caller should handle (bad input, not found,
// conflict, a peer that said no, a busy database) returns Result<T>: either a T or an Error whose
// code tells the caller what it may do next (fix the input, retry later, give up). Exceptions
// never cross a module boundary on the request path; adapters that call throwing libraries catch
// and convert at the call site.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace dictra {

// What the caller may do about a failure. Kept small on purpose: services map these to their
// own documented HTTP status and error body.
enum class ErrorCode {
    kInvalidArgument,     // the input is wrong; retrying the same input fails again
    kNotFound,            // the addressed resource does not exist
    kAlreadyExists,       // a create collided with an existing resource
    kFailedPrecondition,  // the resource is in a state that forbids the operation
    kConflict,            // same idempotency key, different request; or a concurrent change
    kUnauthenticated,     // no or bad credentials
    kPermissionDenied,    // valid credentials, not allowed
    kResourceExhausted,   // a limit or rate was hit; retry after a while
    kUnavailable,         // a dependency is down or busy; safe to retry
    kPayloadTooLarge,     // the body is over the route's limit
    kInternal,            // a bug or an impossible state; not the caller's fault
};

std::string_view ToString(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;
    // The input field the error is about (JSON path like "creditor.ispb"), empty if none.
    std::string field;
    // A service's own machine code from its document ("KEY_EXISTS", "INVALID_TRANSITION");
    // empty: the service derives one from `code`.
    std::string reason;

    Error&& WithReason(std::string service_reason) && {
        reason = std::move(service_reason);
        return std::move(*this);
    }

    static Error InvalidArgument(std::string message, std::string field = {}) {
        return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
    }
    static Error NotFound(std::string message) {
        return {ErrorCode::kNotFound, std::move(message), {}};
    }
    static Error AlreadyExists(std::string message) {
        return {ErrorCode::kAlreadyExists, std::move(message), {}};
    }
    static Error FailedPrecondition(std::string message) {
        return {ErrorCode::kFailedPrecondition, std::move(message), {}};
    }
    static Error Conflict(std::string message) {
        return {ErrorCode::kConflict, std::move(message), {}};
    }
    static Error Unauthenticated(std::string message) {
        return {ErrorCode::kUnauthenticated, std::move(message), {}};
    }
    static Error PermissionDenied(std::string message) {
        return {ErrorCode::kPermissionDenied, std::move(message), {}};
    }
    static Error ResourceExhausted(std::string message) {
        return {ErrorCode::kResourceExhausted, std::move(message), {}};
    }
    static Error Unavailable(std::string message) {
        return {ErrorCode::kUnavailable, std::move(message), {}};
    }
    static Error Internal(std::string message) {
        return {ErrorCode::kInternal, std::move(message), {}};
    }
};

// Either a T or an Error. Accessing the wrong alternative is a programmer error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
    Result(T value)
        : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!ok());
        return std::get<1>(state_);
    }
    Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(state_));
    }

 private:
    std::variant<T, Error> state_;
};

// Success carries nothing: Status is Result<void>.
template <>
class [[nodiscard]] Result<void> {
 public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const& {
        assert(!ok_);
        return error_;
    }
    Error&& error() && {
        assert(!ok_);
        return std::move(error_);
    }

 private:
    Error error_;
    bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() {
    return {};
}

}  // namespace dictra

#define DICTRA_CONCAT_INNER_(a, b) a##b
#define DICTRA_CONCAT_(a, b) DICTRA_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Result or Status) from the enclosing function.
#define DICTRA_RETURN_IF_ERROR(expr)                                        \
    do {                                                                    \
        auto&& dictra_status_ = (expr);                                     \
        if (!dictra_status_.ok()) return std::move(dictra_status_).error(); \
    } while (0)

// `DICTRA_ASSIGN_OR_RETURN(Type name, expr);` declares `name` from a Result, or returns its error.
#define DICTRA_ASSIGN_OR_RETURN(decl, expr) \
    DICTRA_ASSIGN_OR_RETURN_IMPL_(DICTRA_CONCAT_(dictra_result_, __LINE__), decl, expr)
#define DICTRA_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
    auto tmp = (expr);                                 \
    if (!tmp.ok()) return std::move(tmp).error();      \
    decl = std::move(tmp).value()
