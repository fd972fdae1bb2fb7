#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/bus/in_process_bus.hpp"

namespace dictra::bus {
namespace {

TEST(Subject, Validity) {
    EXPECT_TRUE(IsValidSubject("spi.transfer.settled"));
    EXPECT_TRUE(IsValidSubject("a"));
    EXPECT_TRUE(IsValidSubject("dict.claim-opened_v2"));
    for (std::string_view bad : {"", ".", "a.", ".a", "a..b", "a b", "a.*", "a.>", "*", ">", "a*.b",
                                 "a.b>", "a\tb", "a\nb", "\x7f"}) {
        EXPECT_FALSE(IsValidSubject(bad)) << bad;
    }
    EXPECT_FALSE(IsValidSubject(std::string(kSubjectBytesMax + 1, 'a')));
    EXPECT_TRUE(IsValidSubject(std::string(kSubjectBytesMax, 'a')));

    EXPECT_TRUE(IsValidSubjectPattern("spi.*.settled"));
    EXPECT_TRUE(IsValidSubjectPattern("spi.>"));
    EXPECT_TRUE(IsValidSubjectPattern(">"));
    EXPECT_TRUE(IsValidSubjectPattern("*"));
    EXPECT_TRUE(IsValidSubjectPattern("*.*.x"));
    for (std::string_view bad : {"", "spi.>.x", "spi.a*", "spi.**", "spi..x", "spi.>>", "a b.*"}) {
        EXPECT_FALSE(IsValidSubjectPattern(bad)) << bad;
    }
}

TEST(Subject, WildcardMatching) {
    EXPECT_TRUE(SubjectMatches("spi.transfer.settled", "spi.transfer.settled"));
    EXPECT_FALSE(SubjectMatches("spi.transfer.settled", "spi.transfer.rejected"));
    EXPECT_FALSE(SubjectMatches("spi.transfer", "spi.transfer.settled"));
    EXPECT_FALSE(SubjectMatches("spi.transfer.settled", "spi.transfer"));

    EXPECT_TRUE(SubjectMatches("spi.*.settled", "spi.transfer.settled"));
    EXPECT_FALSE(SubjectMatches("spi.*.settled", "spi.settled"));
    EXPECT_FALSE(SubjectMatches("spi.*.settled", "spi.a.b.settled"));
    EXPECT_TRUE(SubjectMatches("*", "spi"));
    EXPECT_FALSE(SubjectMatches("*", "spi.x"));

    EXPECT_TRUE(SubjectMatches("spi.>", "spi.transfer"));
    EXPECT_TRUE(SubjectMatches("spi.>", "spi.transfer.settled.again"));
    EXPECT_FALSE(SubjectMatches("spi.>", "spi"));  // '>' needs at least one token
    EXPECT_FALSE(SubjectMatches("spi.>", "dict.transfer"));
    EXPECT_TRUE(SubjectMatches(">", "anything.at.all"));
    EXPECT_TRUE(SubjectMatches("*.transfer.>", "spi.transfer.settled"));
    EXPECT_FALSE(SubjectMatches("*.transfer.>", "spi.transfer"));

    // Invalid inputs never match.
    EXPECT_FALSE(SubjectMatches("spi.*", "spi.*"));
    EXPECT_FALSE(SubjectMatches("spi..x", "spi..x"));
}

// Collects events from handlers running on the bus thread.
class Collector {
 public:
    std::function<void(const Event&)> Handler() {
        return [this](const Event& event) {
            std::lock_guard lock(mutex_);
            events_.push_back(event);
        };
    }
    std::vector<Event> events() const {
        std::lock_guard lock(mutex_);
        return events_;
    }

 private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;
};

TEST(InProcessBus, DeliversToMatchingSubscribersInPublishOrder) {
    InProcessBus bus;
    Collector settled;
    Collector everything_spi;
    Collector dict;
    auto sub1 = bus.Subscribe("spi.transfer.settled", settled.Handler());
    auto sub2 = bus.Subscribe("spi.>", everything_spi.Handler());
    auto sub3 = bus.Subscribe("dict.*", dict.Handler());
    constexpr int kEvents = 500;
    for (int event_idx = 0; event_idx < kEvents; ++event_idx) {
        const char* subject = event_idx % 2 == 0 ? "spi.transfer.settled" : "spi.transfer.rejected";
        ASSERT_TRUE(bus.Publish(subject, std::to_string(event_idx)).ok());
    }
    bus.WaitUntilIdle();
    const auto all = everything_spi.events();
    ASSERT_EQ(all.size(), static_cast<std::size_t>(kEvents));
    for (int event_idx = 0; event_idx < kEvents; ++event_idx) {
        EXPECT_EQ(all[static_cast<std::size_t>(event_idx)].payload, std::to_string(event_idx));
    }
    const auto only_settled = settled.events();
    ASSERT_EQ(only_settled.size(), static_cast<std::size_t>(kEvents / 2));
    for (std::size_t event_idx = 0; event_idx < only_settled.size(); ++event_idx) {
        EXPECT_EQ(only_settled[event_idx].subject, "spi.transfer.settled");
        EXPECT_EQ(only_settled[event_idx].payload, std::to_string(event_idx * 2));
    }
    EXPECT_TRUE(dict.events().empty());
}

TEST(InProcessBus, DeliversOnTheBusThreadNotThePublishers) {
    InProcessBus bus;
    std::promise<std::thread::id> handler_thread;
    auto sub = bus.Subscribe(
        "x", [&](const Event&) { handler_thread.set_value(std::this_thread::get_id()); });
    ASSERT_TRUE(bus.Publish("x", "").ok());
    EXPECT_NE(handler_thread.get_future().get(), std::this_thread::get_id());
}

TEST(InProcessBus, PerPublisherOrderWithConcurrentPublishers) {
    InProcessBus bus;
    std::mutex mutex;
    std::vector<std::vector<int>> seen(4);
    auto sub = bus.Subscribe("load.*", [&](const Event& event) {
        const int publisher = event.subject.back() - '0';
        std::lock_guard lock(mutex);
        seen[static_cast<std::size_t>(publisher)].push_back(std::stoi(event.payload));
    });
    std::vector<std::thread> publishers;
    for (int publisher = 0; publisher < 4; ++publisher) {
        publishers.emplace_back([&bus, publisher] {
            for (int event_idx = 0; event_idx < 1000; ++event_idx) {
                while (!bus.Publish("load." + std::to_string(publisher), std::to_string(event_idx))
                            .ok()) {
                    std::this_thread::yield();
                }
            }
        });
    }
    for (auto& publisher : publishers) publisher.join();
    bus.WaitUntilIdle();
    for (const auto& payloads : seen) {
        ASSERT_EQ(payloads.size(), 1000u);
        for (int event_idx = 0; event_idx < 1000; ++event_idx)
            EXPECT_EQ(payloads[static_cast<std::size_t>(event_idx)], event_idx);
    }
}

TEST(InProcessBus, FullQueueReturnsResourceExhausted) {
    InProcessBus bus(InProcessBusOptions{.queue_events_max = 3});
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> delivered{0};
    auto sub = bus.Subscribe("slow", [&](const Event&) {
        released.wait();
        ++delivered;
    });
    ASSERT_TRUE(bus.Publish("slow", "0").ok());
    // Wait until the worker holds event 0, so the queue is empty and fills to exactly 3.
    while (bus.queued_events() != 0) std::this_thread::yield();
    for (int event_idx = 1; event_idx <= 3; ++event_idx) ASSERT_TRUE(bus.Publish("slow", "x").ok());
    auto full = bus.Publish("slow", "too many");
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, ErrorCode::kResourceExhausted);
    release.set_value();
    bus.WaitUntilIdle();
    EXPECT_EQ(delivered.load(), 4);
    EXPECT_TRUE(bus.Publish("slow", "room again").ok());
}

TEST(InProcessBus, RejectsBadPublishes) {
    InProcessBus bus;
    EXPECT_EQ(bus.Publish("", "x").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bus.Publish("spi.*", "x").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bus.Publish("a b", "x").error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bus.Publish("big", std::string(kEventPayloadBytesMax + 1, 'x')).error().code,
              ErrorCode::kPayloadTooLarge);
    EXPECT_TRUE(bus.Publish("big", std::string(kEventPayloadBytesMax, 'x')).ok());
}

TEST(InProcessBus, UnsubscribeStopsDeliveryAndWaitsForRunningHandler) {
    InProcessBus bus;
    Collector collector;
    Subscription sub = bus.Subscribe("a", collector.Handler());
    ASSERT_TRUE(bus.Publish("a", "1").ok());
    bus.WaitUntilIdle();
    sub.Unsubscribe();
    EXPECT_FALSE(sub.active());
    ASSERT_TRUE(bus.Publish("a", "2").ok());
    bus.WaitUntilIdle();
    ASSERT_EQ(collector.events().size(), 1u);

    // RAII: leaving scope unsubscribes.
    {
        Subscription scoped = bus.Subscribe("b", collector.Handler());
        Subscription moved = std::move(scoped);
        EXPECT_FALSE(scoped.active());  // NOLINT: checking the moved-from state on purpose
        EXPECT_TRUE(moved.active());
    }
    ASSERT_TRUE(bus.Publish("b", "3").ok());
    bus.WaitUntilIdle();
    EXPECT_EQ(collector.events().size(), 1u);

    // Unsubscribe from another thread blocks until the running handler returns.
    std::promise<void> entered;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> handler_done{false};
    Subscription slow = bus.Subscribe("slow", [&](const Event&) {
        entered.set_value();
        released.wait();
        handler_done = true;
    });
    ASSERT_TRUE(bus.Publish("slow", "").ok());
    entered.get_future().wait();
    std::thread releaser([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        release.set_value();
    });
    slow.Unsubscribe();
    EXPECT_TRUE(handler_done.load());
    releaser.join();
}

TEST(InProcessBus, HandlerMayUnsubscribeItselfAndPublish) {
    InProcessBus bus;
    Collector collector;
    auto sink = bus.Subscribe("second", collector.Handler());
    Subscription self;
    int calls = 0;
    self = bus.Subscribe("first", [&](const Event&) {
        ++calls;
        EXPECT_TRUE(bus.Publish("second", "from handler").ok());
        self.Unsubscribe();
    });
    ASSERT_TRUE(bus.Publish("first", "").ok());
    ASSERT_TRUE(bus.Publish("first", "").ok());
    bus.WaitUntilIdle();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(collector.events().size(), 1u);
}

TEST(InProcessBus, NoDeliveryOfEventsPublishedBeforeSubscribing) {
    InProcessBus bus(InProcessBusOptions{.queue_events_max = 100});
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto blocker = bus.Subscribe("block", [&](const Event&) { released.wait(); });
    ASSERT_TRUE(bus.Publish("block", "").ok());
    ASSERT_TRUE(bus.Publish("late", "before").ok());  // queued while the worker is busy
    Collector collector;
    auto sub = bus.Subscribe("late", collector.Handler());
    ASSERT_TRUE(bus.Publish("late", "after").ok());
    release.set_value();
    bus.WaitUntilIdle();
    ASSERT_EQ(collector.events().size(), 1u);
    EXPECT_EQ(collector.events()[0].payload, "after");
}

TEST(InProcessBus, ThrowingHandlerIsCountedAndOthersStillRun) {
    InProcessBus bus;
    Collector collector;
    auto bad = bus.Subscribe("x", [](const Event&) { throw std::runtime_error("boom"); });
    auto good = bus.Subscribe("x", collector.Handler());
    ASSERT_TRUE(bus.Publish("x", "1").ok());
    ASSERT_TRUE(bus.Publish("x", "2").ok());
    bus.WaitUntilIdle();
    EXPECT_EQ(bus.handler_failures(), 2u);
    EXPECT_EQ(collector.events().size(), 2u);
}

TEST(InProcessBus, ShutdownDrainsQueueThenRefuses) {
    auto bus = std::make_unique<InProcessBus>();
    std::atomic<int> delivered{0};
    auto sub = bus->Subscribe("x", [&](const Event&) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        ++delivered;
    });
    for (int event_idx = 0; event_idx < 200; ++event_idx) ASSERT_TRUE(bus->Publish("x", "").ok());
    bus->Shutdown();
    EXPECT_EQ(delivered.load(), 200);
    EXPECT_EQ(bus->Publish("x", "").error().code, ErrorCode::kUnavailable);
    bus->Shutdown();  // idempotent
    bus.reset();
    sub.Unsubscribe();  // the bus is gone: a no-op, not a crash
}

TEST(InProcessBusDeathTest, InvalidPatternIsAProgrammerError) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            InProcessBus bus;
            auto sub = bus.Subscribe("spi.>.x", [](const Event&) {});
        },
        "check_failed");
}

}  // namespace
}  // namespace dictra::bus
