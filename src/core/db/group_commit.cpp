#include "core/db/group_commit.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "core/check.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"

namespace dictra::db::internal {

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<WriterSession> session,
                                     GroupCommitOptions options)
    : session_(std::move(session)), options_(options) {
    DICTRA_CHECK(session_ != nullptr);
    DICTRA_CHECK(options_.batch_max >= 1);
    if (session_->flushes_separately()) {
        flusher_ = std::thread([this] {
            NameThisThread("db-flusher");
            RunFlusher();
        });
    }
    thread_ = std::thread([this] {
        NameThisThread("db-writer");
        Run();
    });
}

GroupCommitWriter::~GroupCommitWriter() {
    Close();
}

Status GroupCommitWriter::Submit(const Database::WriteFunction& fn) {
    // A write function that calls Write() would wait for a group that cannot commit until it
    // returns.
    // The same holds for a completion on the flusher calling Write().
    DICTRA_CHECK(std::this_thread::get_id() != writer_thread_id_.load(std::memory_order_relaxed));
    DICTRA_CHECK(std::this_thread::get_id() != flusher_thread_id_.load(std::memory_order_relaxed));
    Request request;
    request.fn = &fn;
    DICTRA_RETURN_IF_ERROR(Enqueue(&request));
    std::unique_lock lock(request.mutex);
    request.wake.wait(lock, [&request] { return request.finished; });
    return std::move(request.result);
}

void GroupCommitWriter::SubmitAsync(Database::WriteFunction fn, Database::WriteDone done) {
    DICTRA_CHECK(done != nullptr);
    auto request = std::make_unique<Request>();
    request->owned_fn = std::move(fn);
    request->fn = &request->owned_fn;
    request->done = std::move(done);
    Status queued = Enqueue(request.get());
    if (!queued.ok()) {
        request->done(queued);
        return;
    }
    request.release();  // the writer owns it now
}

Status GroupCommitWriter::Enqueue(Request* request) {
    {
        std::lock_guard lock(mutex_);
        if (closing_) return Error::Unavailable("database is closed");
        if (broken_.load(std::memory_order_relaxed)) return BrokenError();
        if (queue_.size() >= options_.queue_max) {
            return Error::ResourceExhausted("write queue is full (" +
                                            std::to_string(options_.queue_max) +
                                            " requests waiting)");
        }
        request->seq = next_seq_++;
        queue_.push_back(request);
    }
    queue_not_empty_.notify_one();
    return Ok();
}

void GroupCommitWriter::Close() {
    std::call_once(close_once_, [this] {
        {
            std::lock_guard lock(mutex_);
            closing_ = true;
        }
        queue_not_empty_.notify_one();
        if (thread_.joinable()) thread_.join();
    });
}

bool GroupCommitWriter::TakeQueued(std::size_t count_max, std::deque<Request*>& into) {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return false;
    std::size_t taken = 0;
    while (taken < count_max && !queue_.empty()) {
        into.push_back(queue_.front());
        queue_.pop_front();
        ++taken;
    }
    return true;
}

void GroupCommitWriter::Run() {
    writer_thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    std::deque<Request*> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            queue_not_empty_.wait(lock, [this] { return closing_ || !queue_.empty(); });
            // Closing still drains: every request accepted before Close() gets its commit.
            if (queue_.empty()) break;
        }
        batch.clear();
        TakeQueued(options_.batch_max, batch);
        if (broken_.load(std::memory_order_relaxed)) {
            Fail(batch, BrokenError());
        } else {
            RunGroup(batch);
        }
    }
    if (flusher_.joinable()) {
        {
            std::lock_guard lock(flush_mutex_);
            flush_closing_ = true;
        }
        flush_wake_.notify_one();
        flusher_.join();  // flushes and answers every group committed before
    }
    session_->Close();
}

void GroupCommitWriter::RunGroup(std::deque<Request*>& batch) {
    Status begin = session_->Begin();
    if (!begin.ok()) {
        for (Request* request : batch) request->result = begin;
        Complete(batch);
        return;
    }
    const auto group_started = std::chrono::steady_clock::now();
    const auto wait_max = std::chrono::microseconds(options_.wait_max_us);
    std::deque<Request*> done;
    bool transaction_broken = false;
    Status broken_status;
    bool first = true;  // no request has run in the open transaction yet
    while (!batch.empty()) {
        Request* request = batch.front();
        batch.pop_front();
        done.push_back(request);
        if (transaction_broken) {
            request->result = broken_status;
        } else {
            request->result = RunOne(*request, first, transaction_broken);
            // A first request that failed took its transaction with it; a new one was begun.
            first = first && !request->result.ok();
            if (transaction_broken) {
                broken_status =
                    Error::Unavailable("write group aborted: " + request->result.error().message);
                // The neighbours that already ran lost their changes with the transaction.
                for (Request* earlier : done) {
                    if (earlier != request && earlier->result.ok()) earlier->result = broken_status;
                }
            }
        }
        if (batch.empty() && !transaction_broken && done.size() < options_.batch_max &&
            std::chrono::steady_clock::now() - group_started < wait_max) {
            TakeQueued(options_.batch_max - done.size(), batch);
        }
    }
    if (transaction_broken) {
        session_->Rollback();
    } else {
        Status commit = session_->Commit();
        if (commit.ok()) {
            groups_committed_.fetch_add(1, std::memory_order_relaxed);
            if (flusher_.joinable()) {
                HandToFlusher(done);
                return;
            }
        } else {
            session_->Rollback();
            for (Request* request : done) {
                if (request->result.ok()) request->result = commit;
            }
        }
    }
    Complete(done);
}

void GroupCommitWriter::HandToFlusher(std::deque<Request*>& committed) {
    {
        std::unique_lock lock(flush_mutex_);
        flush_space_.wait(lock, [this] { return unflushed_.size() < options_.unflushed_max; });
        for (Request* request : committed) unflushed_.push_back(request);
    }
    committed.clear();
    flush_wake_.notify_one();
}

void GroupCommitWriter::RunFlusher() {
    flusher_thread_id_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    std::deque<Request*> flushing;
    for (;;) {
        {
            std::unique_lock lock(flush_mutex_);
            flush_wake_.wait(lock, [this] { return flush_closing_ || !unflushed_.empty(); });
            // Closing still flushes: the writer closes the flusher only after its last commit.
            if (unflushed_.empty()) break;
            flushing.swap(unflushed_);
        }
        flush_space_.notify_one();
        // Every group in `flushing` committed before this call, so one fsync covers them all.
        Status flushed =
            broken_.load(std::memory_order_relaxed) ? BrokenError() : session_->FlushCommitted();
        if (!flushed.ok()) {
            if (!broken_.exchange(true)) {
                log::Error("db_flush_failed").Str("error", flushed.error().message);
            }
            const Status lost = BrokenError();
            for (Request* request : flushing) {
                if (request->result.ok()) request->result = lost;
            }
        }
        Complete(flushing);
    }
}

Status GroupCommitWriter::BrokenError() {
    return Error::Unavailable(
        "database writes stopped: a commit could not be made durable (see the db_flush_failed "
        "log line); restart to recover");
}

void GroupCommitWriter::Fail(std::deque<Request*>& batch, const Status& status) {
    for (Request* request : batch) request->result = status;
    Complete(batch);
}

Status GroupCommitWriter::RunOne(Request& request, bool first, bool& transaction_broken) {
    if (!first) {
        Status savepoint = session_->Savepoint();
        if (!savepoint.ok()) {
            transaction_broken = true;
            return savepoint;
        }
    }
    Status result;
    try {
        result = (*request.fn)(session_->transaction());
    } catch (const std::exception& exception) {
        result = Error::Internal(std::string("write function threw: ") + exception.what());
    } catch (...) {
        result = Error::Internal("write function threw a non-standard exception");
    }
    if (first) {
        if (result.ok()) return result;
        // Its changes are the transaction's only changes: drop them with it, start afresh.
        session_->Rollback();
        Status begin = session_->Begin();
        if (!begin.ok()) {
            transaction_broken = true;
            return begin;
        }
        return result;
    }
    Status end = result.ok() ? session_->ReleaseSavepoint() : session_->RollbackToSavepoint();
    if (!end.ok()) {
        transaction_broken = true;
        return end;
    }
    return result;
}

void GroupCommitWriter::Complete(std::deque<Request*>& done) {
    for (Request*& request : done) {
        if (!request->done) {
            // Notified under the lock: the caller cannot wake, return and destroy the request
            // before the writer has let go of it.
            std::lock_guard lock(request->mutex);
            request->finished = true;
            request->wake.notify_one();
            request = nullptr;
            continue;
        }
        std::unique_ptr<Request> owned(request);
        request = nullptr;
        try {
            owned->done(std::move(owned->result));
        } catch (...) {
            // A completion must not throw; the writer keeps going for everyone else.
        }
    }
    done.clear();
}

}  // namespace dictra::db::internal
