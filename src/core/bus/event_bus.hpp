// Events between services, NATS-style: publish to a subject, subscribe to a pattern.
//
// Subjects are dot-separated tokens ("spi.transfer.settled"); a pattern may use `*` for exactly
// one token and `>` (last token only) for one or more trailing tokens, as in NATS. The embedded
// default is InProcessBus (in_process_bus.hpp); a NATS JetStream bus will sit behind this same
// interface, so handlers must not assume they run in the publisher's process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.hpp"

namespace dictra::bus {

// NATS' default max_payload is 1 MiB; keeping the same limit means nothing that works in-process
// breaks once NATS carries it.
inline constexpr std::size_t kEventPayloadBytesMax = 1024 * 1024;
inline constexpr std::size_t kSubjectBytesMax = 256;

struct Event {
    std::string subject;
    std::string payload;  // opaque to the bus; services put JSON here
};

// True for a publishable subject: 1..kSubjectBytesMax bytes, non-empty dot-separated tokens of
// printable ASCII without spaces, no wildcard tokens and no '*' or '>' inside a token.
bool IsValidSubject(std::string_view subject);
// Like IsValidSubject, but whole tokens may be `*`, and the last token may be `>`.
bool IsValidSubjectPattern(std::string_view pattern);
// Whether `subject` matches `pattern`. REQUIRES: both valid (false otherwise).
bool SubjectMatches(std::string_view pattern, std::string_view subject);

// Keeps a handler subscribed while alive. Destroying it (or calling Unsubscribe) removes the
// handler; once that returns the handler is not running and will not run again, except when
// called from inside the handler itself (then the current call finishes normally).
// Move-only. A default-constructed Subscription holds nothing.
class Subscription {
 public:
    Subscription() = default;
    explicit Subscription(std::function<void()> unsubscribe)
        : unsubscribe_(std::move(unsubscribe)) {}
    ~Subscription() { Unsubscribe(); }
    Subscription(Subscription&& other) noexcept
        : unsubscribe_(std::exchange(other.unsubscribe_, nullptr)) {}
    Subscription& operator=(Subscription&& other) noexcept {
        if (this != &other) {
            Unsubscribe();
            unsubscribe_ = std::exchange(other.unsubscribe_, nullptr);
        }
        return *this;
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    void Unsubscribe() {
        if (unsubscribe_) std::exchange(unsubscribe_, nullptr)();
    }
    bool active() const { return static_cast<bool>(unsubscribe_); }

 private:
    std::function<void()> unsubscribe_;
};

class EventBus {
 public:
    virtual ~EventBus() = default;

    // Queues `payload` for every subscriber whose pattern matches `subject`, and returns without
    // waiting for delivery. Errors (nothing is queued): kInvalidArgument for a bad subject,
    // kPayloadTooLarge over kEventPayloadBytesMax, kResourceExhausted when the bus is full (retry
    // later), kUnavailable after shutdown.
    virtual Status Publish(std::string_view subject, std::string payload) = 0;

    // Calls `handler` for each event published on a matching subject after this returns, in
    // publish order. Handlers run on a bus thread, never the publisher's, and should be quick;
    // an exception escaping a handler is caught and logged, never propagated.
    // REQUIRES: IsValidSubjectPattern(subject_pattern) (patterns are code constants; crashes).
    virtual Subscription Subscribe(std::string subject_pattern,
                                   std::function<void(const Event&)> handler) = 0;
};

}  // namespace dictra::bus
