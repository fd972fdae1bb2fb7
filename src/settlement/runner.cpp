#include "settlement/runner.hpp"

#include "core/check.hpp"
#include "core/log.hpp"

namespace dictra::settlement {

ScheduleRunner::ScheduleRunner(SettlementService& service, RunnerOptions options)
    : service_(service), options_(options) {
    DICTRA_CHECK(options_.poll_interval.count() > 0 && options_.batch_max > 0);
}

ScheduleRunner::~ScheduleRunner() {
    Stop();
}

void ScheduleRunner::Start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this] { Loop(); });
}

void ScheduleRunner::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ScheduleRunner::Loop() {
    for (;;) {
        bool batch_full = false;
        auto pass = service_.RunDue(options_.batch_max);
        if (pass.ok()) {
            const std::size_t runs = pass->schedules_run + pass->schedules_failed;
            if (runs > 0 || pass->payments_released > 0) {
                log::Info("schedule_runner_pass")
                    .Int("schedules_run", static_cast<std::int64_t>(pass->schedules_run))
                    .Int("schedules_failed", static_cast<std::int64_t>(pass->schedules_failed))
                    .Int("payments_released", static_cast<std::int64_t>(pass->payments_released));
            }
            batch_full =
                runs >= options_.batch_max || pass->payments_released >= options_.batch_max;
        } else {
            // Database trouble: nothing was half done; the next pass tries again.
            log::Warn("schedule_runner_failed").Str("error", pass.error().message);
        }
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (batch_full) continue;
        wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
        if (stopping_) return;
    }
}

}  // namespace dictra::settlement
