// The embedded event bus: one process, one worker thread, a bounded queue.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "core/bus/event_bus.hpp"

namespace dictra::bus {

// Enough for bursts of a few seconds at the platform's target rate; past it publishers get
// kResourceExhausted instead of memory growing without bound.
inline constexpr std::size_t kInProcessQueueEventsMax = 10000;

struct InProcessBusOptions {
    std::size_t queue_events_max = kInProcessQueueEventsMax;
};

// Delivers on its own worker thread, one event at a time, so every subscriber sees events in
// publish order. Publish never blocks on a slow handler: it fails with kResourceExhausted once
// `queue_events_max` events wait. Thread-safe.
class InProcessBus final : public EventBus {
 public:
    explicit InProcessBus(InProcessBusOptions options = {});
    // Shuts down (see Shutdown). REQUIRES: every Subscription was released or outlives nothing:
    // a Subscription destroyed after its bus is a no-op.
    ~InProcessBus() override;
    InProcessBus(const InProcessBus&) = delete;
    InProcessBus& operator=(const InProcessBus&) = delete;

    Status Publish(std::string_view subject, std::string payload) override;
    Subscription Subscribe(std::string subject_pattern,
                           std::function<void(const Event&)> handler) override;

    // Stops accepting events, delivers every event already queued, and joins the worker.
    // Idempotent. REQUIRES: not called from a handler.
    void Shutdown();

    // Blocks until the queue is empty and no handler is running. For tests and orderly stops;
    // events published meanwhile are waited for too. REQUIRES: not called from a handler.
    void WaitUntilIdle();

    std::size_t queued_events() const;
    // Handler calls that threw (each caught and logged).
    std::uint64_t handler_failures() const;

 private:
    struct State;
    std::shared_ptr<State> state_;  // shared with Subscriptions so they can outlive the bus
    std::thread worker_;
};

}  // namespace dictra::bus
