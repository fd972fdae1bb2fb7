// A fixed set of reader connections handed out one caller at a time (internal to dictra_db).
// Both backends use it: SQLite WAL readers and pooled PostgreSQL connections.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.hpp"

namespace dictra::db {

template <typename ConnectionT>
class ReaderPool {
 public:
    explicit ReaderPool(std::vector<std::unique_ptr<ConnectionT>> connections)
        : idle_(std::move(connections)) {}

    // Runs `fn(ConnectionT&) -> Status` with an idle connection, waiting while all are busy.
    // kUnavailable once Close() has begun. The connection goes back to the pool afterwards.
    template <typename Fn>
    Status With(Fn&& fn) {
        std::unique_ptr<ConnectionT> connection;
        {
            std::unique_lock lock(mutex_);
            returned_.wait(lock, [this] { return closed_ || !idle_.empty(); });
            if (closed_) return Error::Unavailable("database is closed");
            connection = std::move(idle_.back());
            idle_.pop_back();
            ++in_use_;
        }
        Status result = fn(*connection);
        {
            std::lock_guard lock(mutex_);
            idle_.push_back(std::move(connection));
            --in_use_;
        }
        returned_.notify_all();
        return result;
    }

    // Refuses new readers, waits for those in use to come back, then closes every connection.
    // Idempotent.
    void Close() {
        std::unique_lock lock(mutex_);
        closed_ = true;
        returned_.notify_all();
        returned_.wait(lock, [this] { return in_use_ == 0; });
        idle_.clear();
    }

 private:
    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<ConnectionT>> idle_;  // guarded by mutex_
    std::size_t in_use_ = 0;                          // guarded by mutex_
    bool closed_ = false;                             // guarded by mutex_
};

}  // namespace dictra::db
