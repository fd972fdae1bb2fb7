// The group-commit writer shared by both backends (internal to dictra_db).
//
// One thread owns the write connection. Callers queue a request and block; the writer takes what
// is queued (up to write_batch_max), opens one transaction, runs each request in its own savepoint,
// keeps taking requests that arrive meanwhile (until the batch is full, the queue is empty, or
// write_wait_max_us has passed), commits once and then wakes every caller of the group.
//
// A backend may split durability from the commit (WriterSession::flushes_separately): then the
// COMMIT only makes the group visible, a second thread (the flusher) makes every commit so far
// durable with one fsync, and only then are the group's callers answered. The writer starts the
// next group at once instead of idling through the fsync: one fsync covers every group
// committed before it started, and the core stays busy with useful work (docs/storage.md).
//
// The first request of a transaction runs without a savepoint: nothing else is in the
// transaction yet, so if it fails the writer rolls the transaction back and begins a new one for
// the rest. A savepoint is not free: SQLite copies every page first changed under it into a
// statement journal, which for a request of a thousand statements (a batch of file records) was
// a fifth of its CPU, and a lone request at low load paid two statements more for nothing.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/db/database.hpp"

namespace dictra::db::internal {

// What the writer needs from a backend's write connection. Used only from the writer thread.
class WriterSession {
 public:
    virtual ~WriterSession() = default;
    // Starts the group transaction (SQLite: BEGIN IMMEDIATE, so a lock conflict shows up here).
    virtual Status Begin() = 0;
    virtual Status Savepoint() = 0;
    virtual Status ReleaseSavepoint() = 0;
    // Undoes the changes since Savepoint() and releases it.
    virtual Status RollbackToSavepoint() = 0;
    // Durable when it returns ok, unless the session flushes separately (below): then the
    // commit is visible when it returns and durable once a later FlushCommitted() returned ok.
    virtual Status Commit() = 0;
    // True when durability is left to FlushCommitted().
    virtual bool flushes_separately() const { return false; }
    // Makes every commit that returned before this call durable. Called only on the flusher
    // thread, while the writer thread goes on using the session: it must not touch what the
    // writer uses (the SQLite session fsyncs its own descriptor of the WAL file).
    virtual Status FlushCommitted() { return Ok(); }
    // Best effort; after it the session is outside any transaction.
    virtual void Rollback() = 0;
    virtual Transaction& transaction() = 0;
    // Called once on the writer thread when the writer stops.
    virtual void Close() = 0;
};

struct GroupCommitOptions {
    std::size_t batch_max = 512;
    std::int64_t wait_max_us = 2'000;
    std::size_t queue_max = 100'000;
    // Requests committed but not yet flushed before the writer waits for the flusher (only for
    // sessions that flush separately): bounds what a slow disk can pile up.
    std::size_t unflushed_max = 4'096;
};

class GroupCommitWriter {
 public:
    GroupCommitWriter(std::unique_ptr<WriterSession> session, GroupCommitOptions options);
    ~GroupCommitWriter();
    GroupCommitWriter(const GroupCommitWriter&) = delete;
    GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

    // Blocks until `fn` ran and its group committed; see Database::Write.
    Status Submit(const Database::WriteFunction& fn);

    // Queues `fn` and returns at once; `done` gets its outcome on the writer's thread (or the
    // flusher's) once the group is durable (or at once, on the caller's thread, when the queue
    // is full or closed). See Database::WriteAsync.
    void SubmitAsync(Database::WriteFunction fn, Database::WriteDone done);

    // Drains the queue, stops the writer thread and closes the session. Idempotent.
    void Close();

    // Groups committed so far (tests and metrics).
    std::uint64_t groups_committed() const {
        return groups_committed_.load(std::memory_order_relaxed);
    }

 private:
    // A blocking request lives on the caller's stack; the caller sleeps on its own condition
    // variable until the writer sets `finished`, and the writer never touches it after that, so
    // the caller may return at once. Each caller is woken alone: one shared counter waited on by
    // every caller woke them all at each commit, and libstdc++'s atomic wait spins on
    // sched_yield before it sleeps (~10% of the CPU under the SPI benchmark). An asynchronous
    // request (`done` set) is owned by the writer from the queue on, and deleted after `done` ran.
    struct Request {
        const Database::WriteFunction* fn = nullptr;
        std::uint64_t seq = 0;
        Status result;
        Database::WriteFunction owned_fn;  // asynchronous requests only
        Database::WriteDone done;          // asynchronous requests only
        std::mutex mutex;                  // blocking requests only, with the two below
        std::condition_variable wake;
        bool finished = false;
    };

    // Queues `request` (seq assigned here); an error when the queue is full or closing.
    Status Enqueue(Request* request);

    void Run();
    // Takes up to `count_max` queued requests; false when none are queued.
    bool TakeQueued(std::size_t count_max, std::deque<Request*>& into);
    void RunGroup(std::deque<Request*>& batch);
    // Runs one request of the open transaction. `first`: no other request ran in it, so it needs
    // no savepoint (see above). Sets `transaction_broken` when the transaction cannot go on.
    Status RunOne(Request& request, bool first, bool& transaction_broken);
    void Complete(std::deque<Request*>& done);
    // Hands a committed group to the flusher (waiting while unflushed_max requests are pending).
    void HandToFlusher(std::deque<Request*>& committed);
    void RunFlusher();
    // Fails `batch` without running it (the writer is broken).
    void Fail(std::deque<Request*>& batch, const Status& status);
    static Status BrokenError();

    std::unique_ptr<WriterSession> session_;
    const GroupCommitOptions options_;

    std::mutex mutex_;
    std::condition_variable queue_not_empty_;
    std::deque<Request*> queue_;  // guarded by mutex_
    std::uint64_t next_seq_ = 1;  // guarded by mutex_
    bool closing_ = false;        // guarded by mutex_

    // Highest sequence number whose request is complete; callers wait on it.
    std::atomic<std::uint64_t> groups_committed_{0};

    // The flusher (sessions that flush separately only): committed groups in commit order.
    std::mutex flush_mutex_;
    std::condition_variable flush_wake_;   // the flusher: work arrived or closing
    std::condition_variable flush_space_;  // the writer: unflushed_ shrank
    std::deque<Request*> unflushed_;       // guarded by flush_mutex_
    bool flush_closing_ = false;           // guarded by flush_mutex_
    // Set for good when a flush failed: the kernel may have dropped the pages it could not
    // write, so nothing committed since the last good flush can be called durable, and a later
    // fsync that succeeds would not prove otherwise. Every write fails from then on; a restart
    // recovers from what the disk holds (PostgreSQL does the same after a failed fsync).
    std::atomic<bool> broken_{false};

    std::once_flag close_once_;
    std::thread thread_;
    std::thread flusher_;
    std::atomic<std::thread::id> writer_thread_id_{};
    std::atomic<std::thread::id> flusher_thread_id_{};
};

}  // namespace dictra::db::internal
