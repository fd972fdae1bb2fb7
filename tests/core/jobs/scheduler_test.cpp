// The scheduler against SQLite (and PostgreSQL when DICTRA_TEST_POSTGRES_URL is set), with a
// FakeClock so that "later" is a line of code, not a sleep.
#include "core/jobs/scheduler.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <map>
#include <random>
#include <thread>

#include "testing/postgres_schema.hpp"

namespace dictra::jobs {
namespace {

using namespace std::chrono_literals;

enum class Backend { kSqlite, kPostgres };

const SystemTimePoint kStart = SystemTimePoint(std::chrono::seconds(1'700'000'000));

class SchedulerTest : public ::testing::TestWithParam<Backend> {
 protected:
    void SetUp() override {
        std::string url = "sqlite::memory:";
        if (GetParam() == Backend::kPostgres) {
            const std::optional<std::string> server = testing::PostgresSchema::ServerUrl();
            if (!server) GTEST_SKIP() << testing::kNoPostgresServer;
            auto schema = testing::PostgresSchema::Create(*server, "dictra_jobs_test_");
            ASSERT_TRUE(schema.ok()) << schema.error().message;
            schema_ = std::move(schema).value();
            url = schema_->url();
        }
        auto opened = db::OpenDatabase(url, {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db_ = std::move(opened).value();
        Status migrated = Scheduler::Migrate(*db_);
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    }

    void TearDown() override {
        if (db_ != nullptr) db_->Close();
        schema_.reset();
    }

    Job MustFind(std::string_view kind, std::string_view key) {
        auto job = Scheduler(*db_, clock_, Options()).Find(kind, key);
        EXPECT_TRUE(job.ok() && job->has_value());
        return job.ok() && job->has_value() ? **job : Job{};
    }

    std::size_t MustRun(Scheduler& scheduler) {
        auto ran = scheduler.RunDueOnce();
        EXPECT_TRUE(ran.ok()) << ran.error().message;
        return ran.ok() ? *ran : 0;
    }

    SchedulerOptions Options() {
        return {
            .lease = 30s, .attempts_max = 3, .retry_backoff_base = 10s, .retry_backoff_max = 15s};
    }

    std::unique_ptr<testing::PostgresSchema> schema_;  // PostgreSQL only
    std::unique_ptr<db::Database> db_;
    FakeClock clock_{kStart};
};

// The database only exists after SetUp, so each test builds its schedulers.
#define SCHEDULER(name) Scheduler name(*db_, clock_, Options())

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                             return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST_P(SchedulerTest, RunsADueJobOnceAndNotBefore) {
    SCHEDULER(scheduler);
    std::vector<std::string> payloads;
    scheduler.RegisterHandler("claim.notice", [&](const Job& job) {
        payloads.push_back(job.payload);
        EXPECT_EQ(job.status, JobStatus::kRunning);
        EXPECT_EQ(job.attempts, 1);
        return Ok();
    });
    auto job = scheduler.Schedule("claim.notice", "claim-1", kStart + 10s, R"({"claim":"1"})");
    ASSERT_TRUE(job.ok()) << job.error().message;
    EXPECT_EQ(job->status, JobStatus::kPending);
    EXPECT_EQ(job->run_at, kStart + 10s);

    EXPECT_EQ(MustRun(scheduler), 0u);
    clock_.Advance(9s);
    EXPECT_EQ(MustRun(scheduler), 0u);
    clock_.Advance(1s);
    EXPECT_EQ(MustRun(scheduler), 1u);
    EXPECT_EQ(MustRun(scheduler), 0u);
    clock_.Advance(1h);
    EXPECT_EQ(MustRun(scheduler), 0u);
    EXPECT_EQ(payloads, std::vector<std::string>{R"({"claim":"1"})"});
    auto stored = scheduler.Find("claim.notice", "claim-1");
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->status, JobStatus::kDone);
    EXPECT_FALSE((*stored)->locked_until.has_value());
}

TEST_P(SchedulerTest, SchedulingTheSameSlotTwiceReturnsTheFirstJob) {
    SCHEDULER(scheduler);
    auto first = scheduler.Schedule("schedule.fire", "s1/2024-05-01", kStart, "first");
    auto second = scheduler.Schedule("schedule.fire", "s1/2024-05-01", kStart + 1h, "second");
    ASSERT_TRUE(first.ok() && second.ok());
    EXPECT_EQ(first->id, second->id);
    EXPECT_EQ(second->payload, "first");
    EXPECT_EQ(second->run_at, kStart);
    auto other = scheduler.Schedule("schedule.fire", "s1/2024-05-02", kStart, "x");
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other->id, first->id);

    auto too_long =
        scheduler.Schedule("k", std::string(kJobUniqueKeyBytesMax + 1, 'x'), kStart, "");
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(SchedulerTest, ScheduleInsideAWriteCommitsOrRollsBackWithIt) {
    SCHEDULER(scheduler);
    Status failed = db_->Write([&](db::Transaction& tx) -> Status {
        DICTRA_RETURN_IF_ERROR(scheduler.Schedule(tx, "k", "rolled-back", kStart, ""));
        return Error::FailedPrecondition("the business rule said no");
    });
    ASSERT_FALSE(failed.ok());
    auto committed = db_->Write(
        [&](db::Transaction& tx) { return scheduler.Schedule(tx, "k", "kept", kStart, ""); });
    ASSERT_TRUE(committed.ok()) << committed.error().message;
    auto gone = scheduler.Find("k", "rolled-back");
    ASSERT_TRUE(gone.ok());
    EXPECT_FALSE(gone->has_value());
    EXPECT_EQ(MustFind("k", "kept").id, committed->id);
}

TEST_P(SchedulerTest, TwoSchedulersOnOneDatabaseRunEachJobExactlyOnce) {
    constexpr int kJobs = 60;
    std::mutex runs_mutex;
    std::map<std::string, int> runs;
    auto handler = [&](const Job& job) {
        std::lock_guard lock(runs_mutex);
        ++runs[job.unique_key];
        return Ok();
    };
    SchedulerOptions options = Options();
    options.claim_batch_max = 4;
    Scheduler first(*db_, clock_, options);
    Scheduler second(*db_, clock_, options);
    first.RegisterHandler("k", handler);
    second.RegisterHandler("k", handler);
    for (int job_idx = 0; job_idx < kJobs; ++job_idx) {
        ASSERT_TRUE(first.Schedule("k", "job-" + std::to_string(job_idx), kStart, "").ok());
    }
    auto drain = [&](Scheduler& scheduler) {
        std::size_t total = 0;
        for (;;) {
            auto ran = scheduler.RunDueOnce();
            EXPECT_TRUE(ran.ok());
            if (!ran.ok() || *ran == 0) return total;
            total += *ran;
        }
    };
    auto first_ran = std::async(std::launch::async, drain, std::ref(first));
    auto second_ran = std::async(std::launch::async, drain, std::ref(second));
    EXPECT_EQ(first_ran.get() + second_ran.get(), static_cast<std::size_t>(kJobs));
    ASSERT_EQ(runs.size(), static_cast<std::size_t>(kJobs));
    for (const auto& [key, count] : runs) EXPECT_EQ(count, 1) << key;
}

TEST_P(SchedulerTest, AJobLeftRunningByACrashRunsAgainAfterItsLease) {
    // What a process that died mid-run leaves behind: RUNNING, one attempt, a lease.
    SCHEDULER(scheduler);
    auto job = scheduler.Schedule("k", "crashed", kStart, "");
    ASSERT_TRUE(job.ok());
    ASSERT_TRUE(db_->Write([&](db::Transaction& tx) -> Status {
                       DICTRA_RETURN_IF_ERROR(
                           tx.Execute("UPDATE dictra_jobs SET status = 'RUNNING', attempts = 1, "
                                      "locked_until_us = ? WHERE id = ?",
                                      {(kStart + 30s).time_since_epoch().count(), job->id}));
                       return Ok();
                   })
                    .ok());
    int runs = 0;
    scheduler.RegisterHandler("k", [&](const Job& running) {
        ++runs;
        EXPECT_EQ(running.attempts, 2);
        return Ok();
    });
    clock_.Advance(29s);
    EXPECT_EQ(MustRun(scheduler), 0u);  // still leased to the dead process
    clock_.Advance(1s);
    EXPECT_EQ(MustRun(scheduler), 1u);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(MustFind("k", "crashed").status, JobStatus::kDone);
}

TEST_P(SchedulerTest, ASlowRunThatLostItsLeaseDoesNotOverwriteTheNewRun) {
    Scheduler slow(*db_, clock_, Options());
    Scheduler fresh(*db_, clock_, Options());
    std::promise<void> slow_started;
    std::promise<void> slow_release;
    slow.RegisterHandler("k", [&](const Job&) -> Status {
        slow_started.set_value();
        slow_release.get_future().wait();
        return Error::Internal("the slow run failed late");
    });
    int fresh_runs = 0;
    fresh.RegisterHandler("k", [&](const Job& job) {
        ++fresh_runs;
        EXPECT_EQ(job.attempts, 2);
        return Ok();
    });
    ASSERT_TRUE(slow.Schedule("k", "contested", kStart, "").ok());
    auto slow_ran = std::async(std::launch::async, [&] { return slow.RunDueOnce(); });
    slow_started.get_future().wait();
    clock_.Advance(31s);  // the slow run's lease is over
    EXPECT_EQ(MustRun(fresh), 1u);
    slow_release.set_value();
    ASSERT_TRUE(slow_ran.get().ok());
    EXPECT_EQ(fresh_runs, 1);
    Job job = MustFind("k", "contested");
    EXPECT_EQ(job.status, JobStatus::kDone);  // the late failure was fenced out
    EXPECT_EQ(job.last_error, "");
}

TEST_P(SchedulerTest, FailuresRetryWithBackoffThenSucceed) {
    SCHEDULER(scheduler);
    int runs = 0;
    scheduler.RegisterHandler("k", [&](const Job&) -> Status {
        ++runs;
        if (runs < 3) return Error::Unavailable("bacen is down");
        return Ok();
    });
    ASSERT_TRUE(scheduler.Schedule("k", "flaky", kStart, "").ok());
    EXPECT_EQ(MustRun(scheduler), 1u);
    Job job = MustFind("k", "flaky");
    EXPECT_EQ(job.status, JobStatus::kPending);
    EXPECT_EQ(job.attempts, 1);
    EXPECT_EQ(job.run_at, kStart + 10s);  // base backoff
    EXPECT_EQ(job.last_error, "unavailable: bacen is down");

    clock_.Advance(9s);
    EXPECT_EQ(MustRun(scheduler), 0u);
    clock_.Advance(1s);
    EXPECT_EQ(MustRun(scheduler), 1u);
    job = MustFind("k", "flaky");
    EXPECT_EQ(job.run_at, kStart + 10s + 15s);  // 20 s doubled, capped at 15 s

    clock_.Advance(15s);
    EXPECT_EQ(MustRun(scheduler), 1u);
    job = MustFind("k", "flaky");
    EXPECT_EQ(job.status, JobStatus::kDone);
    EXPECT_EQ(job.attempts, 3);
}

TEST_P(SchedulerTest, GivesUpAfterMaxAttempts) {
    SCHEDULER(scheduler);
    int runs = 0;
    scheduler.RegisterHandler("k", [&](const Job&) -> Status {
        ++runs;
        throw std::runtime_error("always broken");
    });
    ASSERT_TRUE(scheduler.Schedule("k", "doomed", kStart, "").ok());
    for (int round = 0; round < 10; ++round) {
        static_cast<void>(MustRun(scheduler));
        clock_.Advance(1min);
    }
    EXPECT_EQ(runs, 3);
    Job job = MustFind("k", "doomed");
    EXPECT_EQ(job.status, JobStatus::kFailed);
    EXPECT_EQ(job.attempts, 3);
    EXPECT_EQ(job.last_error, "internal: handler threw: always broken");
}

TEST_P(SchedulerTest, OnlyClaimsKindsItHasHandlersFor) {
    SCHEDULER(scheduler);
    ASSERT_TRUE(scheduler.Schedule("spi.recurrence", "r1", kStart, "").ok());
    EXPECT_EQ(MustRun(scheduler), 0u);  // no handlers at all
    scheduler.RegisterHandler("dict.claim", [](const Job&) { return Ok(); });
    EXPECT_EQ(MustRun(scheduler), 0u);
    EXPECT_EQ(MustFind("spi.recurrence", "r1").status, JobStatus::kPending);
}

TEST_P(SchedulerTest, BackgroundThreadRunsDueJobs) {
    SchedulerOptions options = Options();
    options.poll_interval = 10ms;
    Scheduler scheduler(*db_, clock_, options);
    std::promise<std::string> ran;
    scheduler.RegisterHandler("k", [&](const Job& job) {
        ran.set_value(job.unique_key);
        return Ok();
    });
    scheduler.Start();
    scheduler.Start();  // no-op
    ASSERT_TRUE(scheduler.Schedule("k", "background", kStart + 1s, "").ok());
    auto future = ran.get_future();
    EXPECT_EQ(future.wait_for(100ms), std::future_status::timeout);  // not due yet
    clock_.Advance(1s);
    ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(future.get(), "background");
    scheduler.Stop();
    scheduler.Stop();
}

}  // namespace
}  // namespace dictra::jobs
