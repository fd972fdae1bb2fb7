// The background thread that makes schedules and scheduled payments happen on time.
//
// Every poll interval it calls SettlementService::RunDue (release due SCHEDULED payments, run due
// schedules); when a pass filled its batch it goes again at once. Each run is one atomic write
// guarded by the run key (schedule, slot), so several runners, a crash at any instant, or a
// restart never run a slot twice: a killed runner's half-done run was never committed and is
// simply done again by the next pass.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "settlement/service.hpp"

namespace dictra::settlement {

struct RunnerOptions {
    std::chrono::milliseconds poll_interval{1000};
    // Schedules (and, separately, scheduled payments) handled per pass.
    std::size_t batch_max = 50;
};

class ScheduleRunner {
 public:
    // REQUIRES: `service` outlives the runner; options.poll_interval > 0.
    ScheduleRunner(SettlementService& service, RunnerOptions options);
    ~ScheduleRunner();  // Stop()
    ScheduleRunner(const ScheduleRunner&) = delete;
    ScheduleRunner& operator=(const ScheduleRunner&) = delete;

    // Starts the thread; a no-op when running.
    void Start();
    // Lets the pass in progress finish, then joins the thread. Idempotent.
    void Stop();

 private:
    void Loop();

    SettlementService& service_;
    const RunnerOptions options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;  // guarded by mutex_
    std::thread thread_;     // touched by Start/Stop only
};

}  // namespace dictra::settlement
