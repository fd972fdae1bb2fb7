// The storage interface every service uses: SQLite (embedded default) or PostgreSQL, one API.
//
// Contract in one paragraph: all writes go through Write(), which hands the caller's function to
// the single writer. The writer runs many callers' functions inside one database transaction, each
// in its own SAVEPOINT (so one caller's failure rolls back only that caller's changes), commits
// once, and only then lets every caller return (group commit: one durable commit pays for many
// requests). Reads go through Read() on a pool of reader connections and see committed data only.
// Nothing throws: every failure is an Error whose code says whether retrying can help
// (kUnavailable: busy / connection trouble, kAlreadyExists: unique constraint, kInternal: the
// rest).
//
// SQL is portable SQL with `?` placeholders; the backend owns the dialect (PostgreSQL rewrites the
// placeholders to $1..$n). DDL that must differ goes in Migration::postgres_sql.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/db/value.hpp"
#include "core/result.hpp"

namespace dictra::db {

enum class Dialect { kSqlite, kPostgres };

std::string_view ToString(Dialect dialect);

struct DatabaseOptions {
    // Most write requests committed by one transaction. Bigger groups amortise the fsync further
    // but make every caller in the group wait for the slowest function in it.
    std::size_t write_batch_max = 512;
    // Longest a group stays open taking in requests that arrive while it runs. The writer never
    // waits for company: when the queue is empty it commits at once, so a lone request is not
    // delayed. This only bounds the latency of a group under a never-ending stream of requests.
    std::int64_t write_wait_max_us = 2'000;
    // Requests waiting for the writer before Write() answers kResourceExhausted instead of
    // queueing.
    std::size_t write_queue_max = 100'000;
    // Reader connections (SQLite: WAL readers; PostgreSQL: pooled connections).
    std::size_t read_connections = 4;
    // How long SQLite waits on a lock held by another process before answering kUnavailable.
    std::int64_t busy_timeout_ms = 5'000;
    // Prepared statements kept per connection (SQLite), keyed by SQL text.
    std::size_t statement_cache_max = 128;
    // Rows one Query() may return; more is kResourceExhausted (page with LIMIT instead).
    std::size_t query_rows_max = 1'000'000;
    // Source of `applied_at` for migrations. Null means the system clock.
    const Clock* clock = nullptr;
};

// Read-only access. Used by Read(); Transaction extends it with writes.
// Not thread-safe: a Connection belongs to the one callback it was handed to, for that call only.
class Connection {
 public:
    virtual ~Connection() = default;

    // Runs one statement and returns all its rows (none for statements without results).
    // `params` bind the `?` placeholders in order; a count mismatch is kInvalidArgument.
    Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params) {
        return DoQuery(sql, params);
    }
    Result<std::vector<Row>> Query(std::string_view sql, std::initializer_list<Value> params) {
        return DoQuery(sql, std::span<const Value>(params.begin(), params.size()));
    }
    Result<std::vector<Row>> Query(std::string_view sql) { return DoQuery(sql, {}); }

    // The first row, or nullopt when the statement returned none.
    Result<std::optional<Row>> QueryFirst(std::string_view sql,
                                          std::initializer_list<Value> params = {});

    virtual Dialect dialect() const = 0;

 protected:
    virtual Result<std::vector<Row>> DoQuery(std::string_view sql,
                                             std::span<const Value> params) = 0;
};

// Read-write access inside the writer's transaction (and the caller's savepoint).
class Transaction : public Connection {
 public:
    // Runs one statement and returns how many rows it inserted, updated or deleted.
    Result<std::int64_t> Execute(std::string_view sql, std::span<const Value> params) {
        return DoExecute(sql, params);
    }
    Result<std::int64_t> Execute(std::string_view sql, std::initializer_list<Value> params) {
        return DoExecute(sql, std::span<const Value>(params.begin(), params.size()));
    }
    Result<std::int64_t> Execute(std::string_view sql) { return DoExecute(sql, {}); }

    // Runs several `;`-separated statements without parameters (migrations).
    virtual Status ExecuteScript(std::string_view sql) = 0;

 protected:
    virtual Result<std::int64_t> DoExecute(std::string_view sql, std::span<const Value> params) = 0;
};

// One schema change of one owner. Versions of an owner increase (1, 2, 3, ...). A gap is allowed
// so that branches developed side by side can each take a number (one adds 2, another 3); a
// version missing from a database is applied when a binary that has it starts, whatever newer
// versions are already applied, so migrations of one owner must not depend on a gap's contents.
struct Migration {
    int version = 0;
    // Recorded with the version; renaming an applied migration is an error (it means the code
    // and the database disagree about what was applied).
    std::string_view name;
    // Portable SQL; may hold several statements.
    std::string_view sql;
    // Used instead of `sql` on PostgreSQL when not empty (e.g. BYTEA for BLOB, identity columns).
    std::string_view postgres_sql;
};

// Thread-safe. Create with OpenDatabase.
class Database {
 public:
    using WriteFunction = std::function<Status(Transaction&)>;
    using WriteDone = std::function<void(Status)>;
    using ReadFunction = std::function<Status(Connection&)>;

    virtual ~Database() = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs `fn` on the writer thread inside the current group transaction, within its own
    // savepoint, and returns once the group's COMMIT is durable (or has failed).
    //   - `fn` returns Result<T> or Status. If it fails (or throws), its own changes are rolled
    //     back, its neighbours in the group are unaffected, and its error is returned.
    //   - If the COMMIT fails, every request of the group fails (kUnavailable or kInternal) and
    //     nothing of the group is stored.
    //   - `fn` must be short and must not block on I/O other than this database: the whole group
    //     waits for it. It must not call Write() itself (that would wait on its own thread; it is
    //     checked and crashes). It may run Query/Execute on the Transaction any number of times.
    //   - After Close(), answers kUnavailable without running `fn`.
    template <typename Fn>
    auto Write(Fn&& fn) -> std::invoke_result_t<Fn&, Transaction&>;

    // Write without blocking the caller: `fn` runs on the writer exactly as for Write(), and
    // `done(result)` is called on one of the database's threads (the writer, or the flusher that
    // made the group durable) once the group's COMMIT is durable (or failed). When the queue is
    // full or the database closed, `done` runs at once on the calling thread with the error. `fn`
    // is moved into the queue (capture by value); `done` must be quick and must not throw or call
    // Write() (hand the result to another thread instead).
    template <typename Fn, typename Done>
    void WriteAsync(Fn fn, Done done);

    // Runs `fn` with a reader connection. All queries inside one Read() see one snapshot of
    // committed data. Blocks while every reader connection is busy. After Close(): kUnavailable.
    template <typename Fn>
    auto Read(Fn&& fn) -> std::invoke_result_t<Fn&, Connection&>;

    // Applies, in version order, the migrations of `owner` that are not applied yet, each
    // atomically together with its row in dictra_schema_migrations. A no-op when all are applied.
    // Errors (nothing further applied): versions not increasing from 1 (kInvalidArgument); an
    // applied version whose name differs, or applied versions the list does not have
    // (kFailedPrecondition); a failing migration (its own error; earlier ones stay applied).
    // Safe to run concurrently from several processes on one PostgreSQL database.
    Status Migrate(std::string_view owner, std::span<const Migration> migrations);

    // Succeeds when a reader connection answers a trivial query (the /ready check).
    Status Ping();

    // Lets every write already accepted finish and commit, waits for reads in progress, then
    // closes all connections. Later calls answer kUnavailable. Idempotent; the destructor calls it.
    virtual void Close() = 0;

    virtual Dialect dialect() const = 0;

 protected:
    Database() = default;
    // The type-erased cores of Write and Read; same contracts.
    virtual Status WriteErased(const WriteFunction& fn) = 0;
    virtual void WriteAsyncErased(WriteFunction fn, WriteDone done) = 0;
    virtual Status ReadErased(const ReadFunction& fn) = 0;

    // DatabaseOptions::clock, set by the backend; null means the system clock.
    const Clock* migration_clock_ = nullptr;
};

// Opens (creating if needed) the database at `url`:
//   `sqlite:PATH`       a file (parent directories are created), WAL mode; every write is
//                       durable before it is answered (docs/storage.md, "The flusher").
//   `sqlite::memory:`   a private in-memory database (tests); gone on Close().
//   `postgresql://...` or `postgres://...`  a libpq connection URI.
// Anything else is kInvalidArgument. An unreachable server is kUnavailable.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options);

// ---- implementation of the templates ----

namespace detail {
// Write/Read functions return Status or Result<T>; anything else does not compile.
template <typename R>
struct ResultTraits;

template <>
struct ResultTraits<Status> {
    static constexpr bool kIsStatus = true;
};

template <typename T>
struct ResultTraits<Result<T>> {
    static constexpr bool kIsStatus = false;
    using Value = T;
};
}  // namespace detail

template <typename Fn>
auto Database::Write(Fn&& fn) -> std::invoke_result_t<Fn&, Transaction&> {
    using R = std::invoke_result_t<Fn&, Transaction&>;
    if constexpr (detail::ResultTraits<R>::kIsStatus) {
        return WriteErased(WriteFunction([&fn](Transaction& tx) -> Status { return fn(tx); }));
    } else {
        std::optional<typename detail::ResultTraits<R>::Value> out;
        Status status = WriteErased(WriteFunction([&fn, &out](Transaction& tx) -> Status {
            R result = fn(tx);
            if (!result.ok()) return std::move(result).error();
            out.emplace(std::move(result).value());
            return Ok();
        }));
        if (!status.ok()) return std::move(status).error();
        return R(std::move(*out));
    }
}

template <typename Fn, typename Done>
void Database::WriteAsync(Fn fn, Done done) {
    using R = std::invoke_result_t<Fn&, Transaction&>;
    if constexpr (detail::ResultTraits<R>::kIsStatus) {
        WriteAsyncErased(WriteFunction(std::move(fn)), WriteDone(std::move(done)));
    } else {
        // The function's value waits here between the write and the completion.
        auto out = std::make_shared<std::optional<typename detail::ResultTraits<R>::Value>>();
        WriteAsyncErased(
            WriteFunction([fn = std::move(fn), out](Transaction& tx) mutable -> Status {
                R result = fn(tx);
                if (!result.ok()) return std::move(result).error();
                out->emplace(std::move(result).value());
                return Ok();
            }),
            WriteDone([done = std::move(done), out](Status status) mutable {
                if (!status.ok()) {
                    done(R(std::move(status).error()));
                } else {
                    done(R(std::move(**out)));
                }
            }));
    }
}

template <typename Fn>
auto Database::Read(Fn&& fn) -> std::invoke_result_t<Fn&, Connection&> {
    using R = std::invoke_result_t<Fn&, Connection&>;
    if constexpr (detail::ResultTraits<R>::kIsStatus) {
        return ReadErased(
            ReadFunction([&fn](Connection& connection) -> Status { return fn(connection); }));
    } else {
        std::optional<typename detail::ResultTraits<R>::Value> out;
        Status status = ReadErased(ReadFunction([&fn, &out](Connection& connection) -> Status {
            R result = fn(connection);
            if (!result.ok()) return std::move(result).error();
            out.emplace(std::move(result).value());
            return Ok();
        }));
        if (!status.ok()) return std::move(status).error();
        return R(std::move(*out));
    }
}

}  // namespace dictra::db
