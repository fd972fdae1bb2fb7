// Several writes that must stay independent but should share one durable commit.
//
// Write() blocks its caller until the group's COMMIT, so a thread that writes N things one after
// the other pays N commits (N fsyncs). WriteEach queues all N at once with WriteAsync: the writer
// takes them into one group (one COMMIT, one fsync) when the queue allows, and each function still
// fails alone (group_commit.hpp), so one function's failure rolls back only its own changes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "core/db/database.hpp"

namespace dictra::db {

// Runs every function of `functions` as one Write each, queued in order (the writer runs them in
// that order), and returns once all of them are committed or failed: one Status per function,
// in the same order. Same rules for each function as for Database::Write.
inline std::vector<Status> WriteEach(Database& database,
                                     std::vector<Database::WriteFunction> functions) {
    std::mutex mutex;
    std::condition_variable finished;
    std::vector<std::optional<Status>> statuses(functions.size());
    std::size_t left = functions.size();  // guarded by mutex
    for (std::size_t function_idx = 0; function_idx < functions.size(); ++function_idx) {
        database.WriteAsync(std::move(functions[function_idx]), [&, function_idx](Status status) {
            std::lock_guard lock(mutex);
            statuses[function_idx] = std::move(status);
            if (--left == 0) finished.notify_all();
        });
    }
    {
        std::unique_lock lock(mutex);
        finished.wait(lock, [&] { return left == 0; });
    }
    std::vector<Status> result;
    result.reserve(statuses.size());
    for (std::optional<Status>& status : statuses) result.push_back(std::move(*status));
    return result;
}

}  // namespace dictra::db
