// Time, injected. Business rules never read the system clock directly: they take a Clock so that
// tests (and the claim/schedule deadline simulations) can move time by hand.
#pragma once

#include <atomic>
#include <chrono>

namespace dictra {

using SystemTimePoint =
    std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

class Clock {
 public:
    virtual ~Clock() = default;
    // Wall-clock time in UTC, microsecond precision. Thread-safe.
    virtual SystemTimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
    SystemTimePoint Now() const override {
        return std::chrono::time_point_cast<std::chrono::microseconds>(
            std::chrono::system_clock::now());
    }
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
    explicit FakeClock(SystemTimePoint start) : now_us_(start.time_since_epoch().count()) {}
    SystemTimePoint Now() const override {
        return SystemTimePoint(std::chrono::microseconds(now_us_.load(std::memory_order_acquire)));
    }
    void Set(SystemTimePoint at) {
        now_us_.store(at.time_since_epoch().count(), std::memory_order_release);
    }
    void Advance(std::chrono::microseconds by) {
        now_us_.fetch_add(by.count(), std::memory_order_acq_rel);
    }

 private:
    std::atomic<std::int64_t> now_us_;
};

}  // namespace dictra
