// The group-commit writer's flusher, against a scripted session (no database): a session that
// flushes separately gets its callers answered only after a flush that began after their commit,
// and a failed flush stops every later write.
#include "core/db/group_commit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dictra::db::internal {
namespace {

class NoTransaction final : public Transaction {
 public:
    Dialect dialect() const override { return Dialect::kSqlite; }
    Status ExecuteScript(std::string_view) override { return Error::Internal("no database"); }

 protected:
    Result<std::vector<Row>> DoQuery(std::string_view, std::span<const Value>) override {
        return Error::Internal("no database");
    }
    Result<std::int64_t> DoExecute(std::string_view, std::span<const Value>) override {
        return Error::Internal("no database");
    }
};

// Counts commits; each flush records how many commits it covered, and can be held back or made
// to fail. Shared with the test, which keeps it after the writer took the session.
struct Script {
    std::mutex mutex;
    std::condition_variable changed;
    int commits = 0;
    std::vector<int> flushed_commits;  // commits covered by each flush, in order
    bool hold_flushes = false;
    bool fail_next_flush = false;
};

class ScriptedSession final : public WriterSession {
 public:
    explicit ScriptedSession(std::shared_ptr<Script> script) : script_(std::move(script)) {}

    Status Begin() override { return Ok(); }
    Status Savepoint() override { return Ok(); }
    Status ReleaseSavepoint() override { return Ok(); }
    Status RollbackToSavepoint() override { return Ok(); }
    Status Commit() override {
        std::lock_guard lock(script_->mutex);
        ++script_->commits;
        script_->changed.notify_all();
        return Ok();
    }
    void Rollback() override {}
    Transaction& transaction() override { return transaction_; }
    void Close() override {}
    bool flushes_separately() const override { return true; }
    Status FlushCommitted() override {
        std::unique_lock lock(script_->mutex);
        script_->changed.wait(lock, [this] { return !script_->hold_flushes; });
        if (script_->fail_next_flush) {
            script_->fail_next_flush = false;
            return Error::Unavailable("fdatasync failed: Input/output error");
        }
        script_->flushed_commits.push_back(script_->commits);
        return Ok();
    }

 private:
    std::shared_ptr<Script> script_;
    NoTransaction transaction_;
};

std::future<Status> SubmitAsync(GroupCommitWriter& writer) {
    auto promise = std::make_shared<std::promise<Status>>();
    std::future<Status> future = promise->get_future();
    writer.SubmitAsync([](Transaction&) -> Status { return Ok(); },
                       [promise](Status status) { promise->set_value(std::move(status)); });
    return future;
}

bool Ready(std::future<Status>& future) {
    return future.wait_for(std::chrono::milliseconds(0)) == std::future_status::ready;
}

TEST(GroupCommitFlusher, AnswersAWriteOnlyAfterAFlushThatFollowedItsCommit) {
    auto script = std::make_shared<Script>();
    script->hold_flushes = true;
    GroupCommitWriter writer(std::make_unique<ScriptedSession>(script), GroupCommitOptions{});

    std::future<Status> first = SubmitAsync(writer);
    {
        std::unique_lock lock(script->mutex);
        ASSERT_TRUE(script->changed.wait_for(lock, std::chrono::seconds(5),
                                             [&] { return script->commits == 1; }));
    }
    // Committed, but the flush is held: the caller has not been answered.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(Ready(first));

    // The writer goes on committing while the flush is held.
    std::future<Status> second = SubmitAsync(writer);
    {
        std::unique_lock lock(script->mutex);
        ASSERT_TRUE(script->changed.wait_for(lock, std::chrono::seconds(5),
                                             [&] { return script->commits == 2; }));
        script->hold_flushes = false;
        script->changed.notify_all();
    }
    ASSERT_EQ(first.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    ASSERT_EQ(second.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_TRUE(first.get().ok());
    EXPECT_TRUE(second.get().ok());
    writer.Close();
    // Every answered commit was covered by a flush that began after it.
    ASSERT_FALSE(script->flushed_commits.empty());
    EXPECT_EQ(script->flushed_commits.back(), 2);
}

TEST(GroupCommitFlusher, BlockingWritesWaitForTheFlushToo) {
    auto script = std::make_shared<Script>();
    GroupCommitWriter writer(std::make_unique<ScriptedSession>(script), GroupCommitOptions{});
    const Database::WriteFunction fn = [](Transaction&) -> Status { return Ok(); };
    for (int round = 0; round < 20; ++round) {
        ASSERT_TRUE(writer.Submit(fn).ok());
        std::lock_guard lock(script->mutex);
        ASSERT_FALSE(script->flushed_commits.empty());
        // Submit returned only after a flush covering this round's commit.
        EXPECT_GE(script->flushed_commits.back(), round + 1);
    }
}

TEST(GroupCommitFlusher, AFailedFlushFailsItsWritesAndEveryLaterOne) {
    auto script = std::make_shared<Script>();
    script->fail_next_flush = true;
    GroupCommitWriter writer(std::make_unique<ScriptedSession>(script), GroupCommitOptions{});
    const Database::WriteFunction fn = [](Transaction&) -> Status { return Ok(); };

    Status lost = writer.Submit(fn);
    ASSERT_FALSE(lost.ok());
    EXPECT_EQ(lost.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(lost.error().message.find("durable"), std::string::npos) << lost.error().message;

    // The next flush would succeed, but nothing written since the failure can be trusted: every
    // write fails until a restart.
    for (int attempt = 0; attempt < 3; ++attempt) {
        Status later = writer.Submit(fn);
        ASSERT_FALSE(later.ok());
        EXPECT_EQ(later.error().code, ErrorCode::kUnavailable);
    }
    std::future<Status> queued = SubmitAsync(writer);
    ASSERT_EQ(queued.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_FALSE(queued.get().ok());
}

TEST(GroupCommitFlusher, CloseAnswersEveryCommittedWrite) {
    auto script = std::make_shared<Script>();
    auto writer = std::make_unique<GroupCommitWriter>(std::make_unique<ScriptedSession>(script),
                                                      GroupCommitOptions{});
    std::vector<std::future<Status>> pending;
    for (int n = 0; n < 200; ++n) pending.push_back(SubmitAsync(*writer));
    writer->Close();
    for (std::future<Status>& future : pending) {
        ASSERT_EQ(future.wait_for(std::chrono::seconds(0)), std::future_status::ready);
        EXPECT_TRUE(future.get().ok());
    }
    std::lock_guard lock(script->mutex);
    ASSERT_FALSE(script->flushed_commits.empty());
    EXPECT_EQ(script->flushed_commits.back(), script->commits);
}

}  // namespace
}  // namespace dictra::db::internal
