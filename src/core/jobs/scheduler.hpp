// Persistent one-shot jobs: "run handler K with payload P at time T", surviving restarts.
//
// Jobs live in the table dictra_jobs (owner "core"). A job is identified by (kind, unique_key):
// scheduling the same pair twice is a no-op that returns the job already stored, so a caller that
// names each schedule slot (e.g. kind "claim.auto_confirm", key "<claim id>") gets the job
// exactly once however often it retries.
//
// Running: a scheduler claims due jobs with a lease (status RUNNING, locked_until = now + lease),
// runs their handlers outside any transaction, then records DONE, or on failure PENDING again with
// exponential backoff, or FAILED with last_error after attempts_max attempts. If the process dies
// mid-run, the lease expires and some scheduler (this one after restart, or another process on the
// same database) runs the job again. Therefore:
//
//   HANDLERS MUST BE IDEMPOTENT. A handler can run more than once for one job (crash after the
//   effect but before DONE was recorded, or a handler slower than the lease). Make its effect
//   conditional on state it checks, e.g. "cancel the claim if it is still WAITING".
//
// Several schedulers (threads or processes) may share one database; each due job is claimed by
// one of them at a time. A scheduler only claims the kinds it has handlers for.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"

namespace dictra::jobs {

enum class JobStatus { kPending, kRunning, kDone, kFailed };

// "PENDING", "RUNNING", "DONE", "FAILED": the spelling stored in dictra_jobs.status.
std::string_view ToString(JobStatus status);

struct Job {
    std::int64_t id = 0;
    std::string kind;
    std::string unique_key;
    std::string payload;
    SystemTimePoint run_at;
    JobStatus status = JobStatus::kPending;
    // Runs started so far, including the current one while RUNNING (so 1 on the first run).
    std::int64_t attempts = 0;
    std::string last_error;  // empty when none
    std::optional<SystemTimePoint> locked_until;
};

inline constexpr std::size_t kJobKindBytesMax = 100;
inline constexpr std::size_t kJobUniqueKeyBytesMax = 500;
inline constexpr std::size_t kJobPayloadBytesMax = 256 * 1024;
inline constexpr std::size_t kJobLastErrorBytesMax = 2'000;

struct SchedulerOptions {
    // How often the background thread looks for due jobs when it found none.
    std::chrono::microseconds poll_interval{std::chrono::seconds(1)};
    // How long a claimed job is reserved for this scheduler. Must exceed the slowest handler, or
    // another scheduler will start the same job while it is still running.
    std::chrono::microseconds lease{std::chrono::minutes(5)};
    // Runs of one job before it is FAILED (counting runs whose lease expired, e.g. crashes).
    std::int64_t attempts_max = 8;
    // Wait before retry n (1-based) is retry_backoff_base * 2^(n-1), at most retry_backoff_max.
    std::chrono::microseconds retry_backoff_base{std::chrono::seconds(5)};
    std::chrono::microseconds retry_backoff_max{std::chrono::hours(1)};
    // Jobs claimed per RunDueOnce (they then run one after another on the calling thread).
    std::size_t claim_batch_max = 16;
};

// Returns ok when the job's work is done; an error schedules a retry (or FAILED after the last
// attempt) and its message becomes last_error. Must be idempotent (see above). Must not throw; a
// thrown exception counts as a failure.
using JobHandler = std::function<Status(const Job&)>;

// Thread-safe. Does no I/O until used.
class Scheduler {
 public:
    // `database` and `clock` must outlive the scheduler.
    Scheduler(db::Database& database, const Clock& clock, SchedulerOptions options = {});
    // Stops the background thread if running.
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Creates or upgrades dictra_jobs (migrations of owner "core"). Call once at start-up before
    // using any scheduler on `database`.
    static Status Migrate(db::Database& database);

    // Stores a PENDING job to run at or after `run_at`, and returns it once durable. When a job
    // with the same (kind, unique_key) exists, stores nothing and returns that job as it is (its
    // own run_at and payload; whatever its status). Over-long fields are kInvalidArgument.
    Result<Job> Schedule(std::string_view kind, std::string_view unique_key, SystemTimePoint run_at,
                         std::string_view payload);

    // The same inside a Database::Write function, so that a business change and its follow-up
    // job commit (or roll back) together.
    Result<Job> Schedule(db::Transaction& tx, std::string_view kind, std::string_view unique_key,
                         SystemTimePoint run_at, std::string_view payload);

    // The job of (kind, unique_key), or nullopt.
    Result<std::optional<Job>> Find(std::string_view kind, std::string_view unique_key);

    // Sets the handler of `kind`, replacing any earlier one. Jobs of kinds without a handler are
    // left for other schedulers.
    void RegisterHandler(std::string kind, JobHandler handler);

    // Claims the jobs due now (up to claim_batch_max), runs their handlers on this thread and
    // records the outcomes. Returns how many handlers ran. For tests driving a FakeClock, and
    // for the background thread. Errors are the database's; handler failures are not errors.
    Result<std::size_t> RunDueOnce();

    // Starts a background thread calling RunDueOnce every poll_interval (at once again while it
    // keeps finding full batches). A no-op when already started.
    void Start();
    // Lets the handler in progress finish, then stops the thread. Idempotent.
    void Stop();

 private:
    Result<std::vector<Job>> ClaimDue(const std::vector<std::string>& kinds);
    Status RecordOutcome(const Job& job, const Status& outcome);
    std::chrono::microseconds BackoffAfter(std::int64_t attempts) const;
    void RunLoop();

    db::Database& database_;
    const Clock& clock_;
    const SchedulerOptions options_;

    std::mutex handlers_mutex_;
    std::map<std::string, JobHandler, std::less<>> handlers_;  // guarded by handlers_mutex_

    std::mutex loop_mutex_;
    std::condition_variable stop_requested_;
    bool stopping_ = false;  // guarded by loop_mutex_
    std::thread thread_;     // started/joined under loop_mutex_ discipline: Start/Stop only
};

}  // namespace dictra::jobs
