#include "core/bus/in_process_bus.hpp"

#include <exception>
#include <vector>

#include "core/check.hpp"
#include "core/log.hpp"

namespace dictra::bus {
namespace {

struct QueuedEvent {
    Event event;
    std::uint64_t sequence;  // publish order, from 1
};

struct Subscriber {
    std::uint64_t id;
    std::string pattern;
    std::function<void(const Event&)> handler;
    // Events published before the subscription existed are not delivered to it.
    std::uint64_t first_sequence;
};

}  // namespace

struct InProcessBus::State {
    explicit State(std::size_t events_max) : queue_events_max(events_max) {}

    const std::size_t queue_events_max;
    mutable std::mutex mutex;
    std::condition_variable work_ready;  // the worker waits here for events or stop
    std::condition_variable progress;    // idle waiters and unsubscribers wait here
    // All below guarded by mutex.
    std::deque<QueuedEvent> queue;
    std::map<std::uint64_t, std::shared_ptr<Subscriber>> subscribers;
    std::uint64_t next_subscriber_id = 1;
    std::uint64_t next_sequence = 1;
    bool stopping = false;
    bool delivering_event = false;    // the worker holds a popped event
    std::uint64_t delivering_to = 0;  // subscriber whose handler runs now, 0 if none
    std::thread::id worker_id;
    std::uint64_t handler_failures = 0;

    void Unsubscribe(std::uint64_t id) {
        std::shared_ptr<Subscriber>
            removed;  // destroyed after unlocking: the handler may own anything
        std::unique_lock lock(mutex);
        if (auto found = subscribers.find(id); found != subscribers.end()) {
            removed = std::move(found->second);
            subscribers.erase(found);
        }
        // From inside a handler the current call is the one running; waiting would deadlock.
        if (std::this_thread::get_id() != worker_id) {
            progress.wait(lock, [&] { return delivering_to != id; });
        }
        lock.unlock();
    }

    void Run() {
        std::unique_lock lock(mutex);
        while (true) {
            work_ready.wait(lock, [&] { return !queue.empty() || stopping; });
            if (queue.empty()) return;  // stopping, and everything queued was delivered
            QueuedEvent queued = std::move(queue.front());
            queue.pop_front();
            delivering_event = true;
            std::vector<std::shared_ptr<Subscriber>> targets;
            for (const auto& [id, subscriber] : subscribers) {
                if (subscriber->first_sequence <= queued.sequence &&
                    SubjectMatches(subscriber->pattern, queued.event.subject)) {
                    targets.push_back(subscriber);
                }
            }
            for (const auto& subscriber : targets) {
                if (!subscribers.contains(subscriber->id))
                    continue;  // unsubscribed by an earlier handler
                delivering_to = subscriber->id;
                lock.unlock();
                const bool failed = Deliver(*subscriber, queued.event);
                lock.lock();
                if (failed) ++handler_failures;
                delivering_to = 0;
                progress.notify_all();
            }
            delivering_event = false;
            progress.notify_all();
            lock.unlock();
            targets.clear();  // may run handler destructors: outside the lock
            lock.lock();
        }
    }

    // Returns true when the handler threw.
    static bool Deliver(const Subscriber& subscriber, const Event& event) {
        try {
            subscriber.handler(event);
            return false;
        } catch (const std::exception& error) {
            log::Error("bus_handler_failed")
                .Str("subject", event.subject)
                .Str("pattern", subscriber.pattern)
                .Str("error", error.what());
        } catch (...) {
            log::Error("bus_handler_failed")
                .Str("subject", event.subject)
                .Str("pattern", subscriber.pattern)
                .Str("error", "unknown exception");
        }
        return true;
    }
};

InProcessBus::InProcessBus(InProcessBusOptions options)
    : state_(std::make_shared<State>(options.queue_events_max)) {
    DICTRA_CHECK(options.queue_events_max > 0);
    std::unique_lock lock(state_->mutex);
    worker_ = std::thread([state = state_] { state->Run(); });
    state_->worker_id = worker_.get_id();
}

InProcessBus::~InProcessBus() {
    Shutdown();
}

void InProcessBus::Shutdown() {
    DICTRA_CHECK(std::this_thread::get_id() != worker_.get_id() || !worker_.joinable());
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->work_ready.notify_all();
    if (worker_.joinable()) worker_.join();
}

Status InProcessBus::Publish(std::string_view subject, std::string payload) {
    if (!IsValidSubject(subject)) {
        return Error::InvalidArgument("event subject '" +
                                      std::string(subject.substr(0, kSubjectBytesMax)) +
                                      "' is not a valid subject");
    }
    if (payload.size() > kEventPayloadBytesMax) {
        return Error{ErrorCode::kPayloadTooLarge,
                     "event payload is over " + std::to_string(kEventPayloadBytesMax) + " bytes",
                     {}};
    }
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopping) return Error::Unavailable("event bus is shut down");
        if (state_->queue.size() >= state_->queue_events_max) {
            return Error::ResourceExhausted("event bus queue is full (" +
                                            std::to_string(state_->queue_events_max) + " events)");
        }
        state_->queue.push_back(
            {Event{std::string(subject), std::move(payload)}, state_->next_sequence++});
    }
    state_->work_ready.notify_one();
    return Ok();
}

Subscription InProcessBus::Subscribe(std::string subject_pattern,
                                     std::function<void(const Event&)> handler) {
    DICTRA_CHECK(IsValidSubjectPattern(subject_pattern));
    DICTRA_CHECK(handler != nullptr);
    std::uint64_t id = 0;
    {
        std::lock_guard lock(state_->mutex);
        id = state_->next_subscriber_id++;
        state_->subscribers.emplace(
            id, std::make_shared<Subscriber>(Subscriber{
                    id, std::move(subject_pattern), std::move(handler), state_->next_sequence}));
    }
    return Subscription([weak_state = std::weak_ptr<State>(state_), id] {
        if (auto state = weak_state.lock()) state->Unsubscribe(id);
    });
}

void InProcessBus::WaitUntilIdle() {
    std::unique_lock lock(state_->mutex);
    DICTRA_CHECK(std::this_thread::get_id() != state_->worker_id);
    state_->progress.wait(lock, [&] { return state_->queue.empty() && !state_->delivering_event; });
}

std::size_t InProcessBus::queued_events() const {
    std::lock_guard lock(state_->mutex);
    return state_->queue.size();
}

std::uint64_t InProcessBus::handler_failures() const {
    std::lock_guard lock(state_->mutex);
    return state_->handler_failures;
}

}  // namespace dictra::bus
