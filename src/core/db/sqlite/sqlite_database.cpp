// SQLite backend: one writer connection owned by the group-commit writer thread, a pool of reader
// connections. WAL mode lets readers run while a write group is open and keeps a commit to one
// fsync of the log, made by the group-commit writer's flusher before the group is answered
// (SqliteWriterSession).
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <list>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/check.hpp"
#include "core/db/backends.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/reader_pool.hpp"
#include "core/thread_name.hpp"

namespace dictra::db::internal {
namespace {

constexpr std::size_t kSqlShownMax = 200;

std::string Shorten(std::string_view sql) {
    if (sql.size() <= kSqlShownMax) return std::string(sql);
    return std::string(sql.substr(0, kSqlShownMax)) + "...";
}

Error ErrorFromSqlite(sqlite3* db, int rc, std::string_view context) {
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string text = std::string(message) + " (sqlite " + std::to_string(rc) + ")";
    if (!context.empty()) text += " in: " + Shorten(context);
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_PROTOCOL: return Error::Unavailable(std::move(text));
        case SQLITE_CONSTRAINT:
            if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
                return Error::AlreadyExists(std::move(text));
            }
            return Error::Internal(std::move(text));
        default: return Error::Internal(std::move(text));
    }
}

// One sqlite3 handle and its prepared statements. Used by one thread at a time.
class SqliteConnection final : public Transaction {
 public:
    SqliteConnection(sqlite3* db, const DatabaseOptions& options)
        : db_(db),
          statement_cache_max_(options.statement_cache_max),
          query_rows_max_(options.query_rows_max) {}

    ~SqliteConnection() override {
        ClearStatementCache();
        sqlite3_close_v2(db_);
    }

    static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& uri, bool read_only,
                                                          const DatabaseOptions& options) {
        sqlite3* db = nullptr;
        // NOMUTEX: each connection is used by one thread at a time, so SQLite's own mutex is waste.
        const int flags =
            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
        const int rc = sqlite3_open_v2(uri.c_str(), &db, flags, nullptr);
        if (rc != SQLITE_OK) {
            Error error = ErrorFromSqlite(db, rc, "open " + uri);
            sqlite3_close_v2(db);
            return error;
        }
        auto connection = std::make_unique<SqliteConnection>(db, options);
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout_ms));
        DICTRA_RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA foreign_keys = ON"));
        if (read_only) DICTRA_RETURN_IF_ERROR(connection->ExecuteScript("PRAGMA query_only = ON"));
        return connection;
    }

    Dialect dialect() const override { return Dialect::kSqlite; }

    Status ExecuteScript(std::string_view sql) override {
        std::string owned(sql);  // sqlite3_exec needs a terminating NUL
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &message);
        sqlite3_free(message);
        if (rc != SQLITE_OK) return ErrorFromSqlite(db_, rc, sql);
        return Ok();
    }

    sqlite3* handle() { return db_; }

 protected:
    Result<std::vector<Row>> DoQuery(std::string_view sql, std::span<const Value> params) override {
        DICTRA_ASSIGN_OR_RETURN(sqlite3_stmt * statement, PrepareAndBind(sql, params));
        std::vector<Row> rows;
        std::shared_ptr<std::vector<std::string>> column_names;
        const int column_count = sqlite3_column_count(statement);
        for (;;) {
            const int rc = sqlite3_step(statement);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return Fail(statement, ErrorFromSqlite(db_, rc, sql));
            if (rows.size() >= query_rows_max_) {
                return Fail(statement, Error::ResourceExhausted("query returned more than " +
                                                                std::to_string(query_rows_max_) +
                                                                " rows: " + Shorten(sql)));
            }
            if (column_names == nullptr) {
                column_names = std::make_shared<std::vector<std::string>>();
                column_names->reserve(static_cast<std::size_t>(column_count));
                for (int column_idx = 0; column_idx < column_count; ++column_idx) {
                    column_names->emplace_back(sqlite3_column_name(statement, column_idx));
                }
            }
            std::vector<Value> values;
            values.reserve(static_cast<std::size_t>(column_count));
            for (int column_idx = 0; column_idx < column_count; ++column_idx) {
                values.push_back(ReadColumn(statement, column_idx));
            }
            rows.emplace_back(column_names, std::move(values));
        }
        Status finished = Finish(statement, Ok());
        if (!finished.ok()) return std::move(finished).error();
        return rows;
    }

    Result<std::int64_t> DoExecute(std::string_view sql, std::span<const Value> params) override {
        DICTRA_ASSIGN_OR_RETURN(sqlite3_stmt * statement, PrepareAndBind(sql, params));
        int rc;
        // A statement with RETURNING yields rows; run it to the end so it takes full effect.
        while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) return Fail(statement, ErrorFromSqlite(db_, rc, sql));
        const std::int64_t changes = sqlite3_changes64(db_);
        DICTRA_RETURN_IF_ERROR(Finish(statement, Ok()));
        return changes;
    }

 private:
    static Value ReadColumn(sqlite3_stmt* statement, int column_idx) {
        switch (sqlite3_column_type(statement, column_idx)) {
            case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(statement, column_idx)};
            case SQLITE_BLOB: {
                const auto* bytes =
                    static_cast<const std::uint8_t*>(sqlite3_column_blob(statement, column_idx));
                const int size = sqlite3_column_bytes(statement, column_idx);
                if (bytes == nullptr || size == 0) return Blob{};
                return Blob(bytes, bytes + size);
            }
            case SQLITE_NULL: return Null{};
            default: {  // TEXT, and FLOAT as its decimal text (no floating point in this API)
                const auto* text =
                    reinterpret_cast<const char*>(sqlite3_column_text(statement, column_idx));
                const int size = sqlite3_column_bytes(statement, column_idx);
                if (text == nullptr) return std::string();
                return std::string(text, static_cast<std::size_t>(size));
            }
        }
    }

    // Resets the statement for its next use and passes `error` through.
    Error Fail(sqlite3_stmt* statement, Error error) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
        return error;
    }

    // Resets the statement for its next use and passes `status` through.
    Status Finish(sqlite3_stmt* statement, Status status) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
        return status;
    }

    Result<sqlite3_stmt*> PrepareAndBind(std::string_view sql, std::span<const Value> params) {
        DICTRA_ASSIGN_OR_RETURN(sqlite3_stmt * statement, Prepare(sql));
        const int expected = sqlite3_bind_parameter_count(statement);
        if (static_cast<std::size_t>(expected) != params.size()) {
            return Error::InvalidArgument("statement has " + std::to_string(expected) +
                                          " placeholders but " + std::to_string(params.size()) +
                                          " parameters were given: " + Shorten(sql));
        }
        for (std::size_t param_idx = 0; param_idx < params.size(); ++param_idx) {
            const int position = static_cast<int>(param_idx + 1);
            const Value& value = params[param_idx];
            int rc = SQLITE_OK;
            switch (value.index()) {
                case 0: rc = sqlite3_bind_null(statement, position); break;
                case 1:
                    rc = sqlite3_bind_int64(statement, position, std::get<std::int64_t>(value));
                    break;
                case 2: {
                    const std::string& text = std::get<std::string>(value);
                    rc = sqlite3_bind_text64(statement, position, text.data(), text.size(),
                                             SQLITE_STATIC, SQLITE_UTF8);
                    break;
                }
                default: {
                    const Blob& blob = std::get<Blob>(value);
                    // A null pointer would bind NULL, so an empty blob needs zeroblob to stay a
                    // blob.
                    rc = blob.empty() ? sqlite3_bind_zeroblob(statement, position, 0)
                                      : sqlite3_bind_blob64(statement, position, blob.data(),
                                                            blob.size(), SQLITE_STATIC);
                    break;
                }
            }
            if (rc != SQLITE_OK) return Fail(statement, ErrorFromSqlite(db_, rc, sql));
        }
        return statement;
    }

    Result<sqlite3_stmt*> Prepare(std::string_view sql) {
        std::string key(sql);
        if (auto found = statements_.find(key); found != statements_.end()) return found->second;
        // Simple and good enough: the working set of SQL texts is small and fixed per build, so
        // overflowing the cache means something is building SQL dynamically; start over.
        if (statements_.size() >= statement_cache_max_) ClearStatementCache();
        sqlite3_stmt* statement = nullptr;
        const char* tail = nullptr;
        const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &statement, &tail);
        if (rc != SQLITE_OK) return ErrorFromSqlite(db_, rc, sql);
        if (statement == nullptr) return Error::InvalidArgument("empty SQL statement");
        const std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
        if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
            sqlite3_finalize(statement);
            return Error::InvalidArgument(
                "one statement per call (use ExecuteScript for several): " + Shorten(sql));
        }
        statements_.emplace(std::move(key), statement);
        return statement;
    }

    void ClearStatementCache() {
        for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
        statements_.clear();
    }

    sqlite3* db_;
    const std::size_t statement_cache_max_;
    const std::size_t query_rows_max_;
    std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// The writer's session. On a file database the COMMIT writes the group's pages to the WAL
// without an fsync (synchronous=NORMAL) and FlushCommitted() makes them durable with one
// fdatasync of the WAL file, on the group-commit writer's flusher thread (group_commit.hpp), while
// the writer already runs the next group. fsync works on the file, not on the descriptor, so the
// flusher uses a descriptor of its own and never touches SQLite's.
//
// Why this is as safe as synchronous=FULL for every acknowledged write: a group's callers are
// answered only after an fdatasync that began after its COMMIT returned, which covers every byte
// written to the WAL before it (header and frames alike). A machine crash before that loses the
// unacknowledged tail of the WAL; SQLite's recovery replays the WAL up to the last frame whose
// checksum chain holds, so the database stays consistent (a prefix of the commits). What differs:
// readers may see a commit up to one fsync before its writer is answered (docs/storage.md).
class SqliteWriterSession final : public WriterSession {
 public:
    // `wal_path` empty: commits are not flushed at all (a scratch database, synchronous=OFF).
    SqliteWriterSession(std::unique_ptr<SqliteConnection> connection, std::string wal_path)
        : connection_(std::move(connection)), wal_path_(std::move(wal_path)) {}
    ~SqliteWriterSession() override {
        if (wal_fd_ >= 0) ::close(wal_fd_);
    }

    Status Begin() override { return Run("BEGIN IMMEDIATE"); }
    Status Savepoint() override { return Run("SAVEPOINT dictra_write"); }
    Status ReleaseSavepoint() override { return Run("RELEASE dictra_write"); }
    Status RollbackToSavepoint() override {
        DICTRA_RETURN_IF_ERROR(Run("ROLLBACK TO dictra_write"));
        return Run("RELEASE dictra_write");
    }
    Status Commit() override { return Run("COMMIT"); }
    void Rollback() override {
        if (sqlite3_get_autocommit(connection_->handle()) == 0) static_cast<void>(Run("ROLLBACK"));
    }
    Transaction& transaction() override { return *connection_; }
    void Close() override { connection_.reset(); }

    bool flushes_separately() const override { return !wal_path_.empty(); }

    Status FlushCommitted() override {
        // SQLite keeps the WAL file while any connection is open, and the database keeps
        // connections open until after the flusher stopped; the inode check makes sure anyway
        // that the file synced is the WAL SQLite writes, never a stale one.
        struct stat current {};
        if (::stat(wal_path_.c_str(), &current) != 0)
            return Error::Unavailable("cannot stat " + wal_path_ + ": " + std::strerror(errno));
        if (wal_fd_ < 0 || current.st_ino != wal_inode_ || current.st_dev != wal_device_) {
            if (wal_fd_ >= 0) ::close(wal_fd_);
            wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
            if (wal_fd_ < 0)
                return Error::Unavailable("cannot open " + wal_path_ + ": " + std::strerror(errno));
            struct stat opened {};
            if (::fstat(wal_fd_, &opened) != 0)
                return Error::Unavailable("cannot stat " + wal_path_ + ": " + std::strerror(errno));
            wal_inode_ = opened.st_ino;
            wal_device_ = opened.st_dev;
            directory_synced_ = false;
        }
        if (::fdatasync(wal_fd_) != 0)
            return Error::Unavailable("fdatasync of " + wal_path_ +
                                      " failed: " + std::strerror(errno));
        // A new WAL file is durable only once its directory entry is: SQLite's own sync does this
        // on a journal's first sync, which this flush replaces. Once per WAL file.
        if (!directory_synced_) {
            DICTRA_RETURN_IF_ERROR(SyncDirectory());
            directory_synced_ = true;
        }
        return Ok();
    }

 private:
    Status Run(std::string_view sql) {
        DICTRA_RETURN_IF_ERROR(connection_->Execute(sql));
        return Ok();
    }

    std::unique_ptr<SqliteConnection> connection_;
    Status SyncDirectory() const {
        const std::string directory = std::filesystem::path(wal_path_).parent_path().string();
        const int fd =
            ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return Error::Unavailable("cannot open " + directory + ": " + std::strerror(errno));
        const int synced = ::fsync(fd);
        const int error = errno;
        ::close(fd);
        if (synced != 0)
            return Error::Unavailable("fsync of " + directory + " failed: " + std::strerror(error));
        return Ok();
    }

    const std::string wal_path_;
    // The flusher's own descriptor of the WAL file (flusher thread only).
    int wal_fd_ = -1;
    ino_t wal_inode_ = 0;
    dev_t wal_device_ = 0;
    bool directory_synced_ = false;
};

// Checkpoints the WAL on a connection and thread of its own, so the writer never stalls on one.
//
// A checkpoint copies the newest version of each page from the WAL into the database file and
// fsyncs that file. SQLite's automatic checkpoint runs it inside the COMMIT of whichever write
// crosses the threshold: with ~40 MB of WAL that is tens of milliseconds during which the group
// commit writer (and every request waiting on it) stands still. Here the writer's connection only
// reports each commit's WAL size (sqlite3_wal_hook, which also replaces SQLite's autocheckpoint),
// and past kWakePages this thread is woken for a PASSIVE checkpoint, which never blocks the writer
// or the readers. It also runs once a second, so an idle WAL shrinks back. When the WAL has been
// copied entirely, the next write starts it again from the beginning.
class Checkpointer {
 public:
    static constexpr int kWakePages = 2000;  // ~8 MB of WAL
    static constexpr std::chrono::milliseconds kPeriod{1000};

    explicit Checkpointer(std::unique_ptr<SqliteConnection> connection)
        : connection_(std::move(connection)), thread_([this] { Run(); }) {}

    ~Checkpointer() { Stop(); }

    // From now on `writer` reports its commits here. REQUIRES: `writer` closes before Stop().
    void Attach(sqlite3* writer) { sqlite3_wal_hook(writer, &Checkpointer::OnCommit, this); }

    void Stop() {
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) return;
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
        connection_.reset();  // the last connection to close checkpoints what is left
    }

 private:
    // Called by SQLite on the writer's thread after each commit.
    static int OnCommit(void* self, sqlite3*, const char*, int wal_pages) {
        if (wal_pages >= kWakePages) static_cast<Checkpointer*>(self)->Wake();
        return SQLITE_OK;
    }

    void Wake() {
        {
            const std::lock_guard lock(mutex_);
            if (requested_) return;
            requested_ = true;
        }
        wake_.notify_one();
    }

    void Run() {
        // Copying a few thousand pages is a burst of CPU; on a busy core it must not take turns
        // with the threads that answer requests as an equal. Linux gives each thread its own nice
        // value; 10 leaves this thread about a tenth of a contended core, so it still keeps up.
        static_cast<void>(::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10));
        NameThisThread("db-checkpoint");
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(lock, kPeriod, [this] { return requested_ || stopping_; });
            if (stopping_) break;
            requested_ = false;
            lock.unlock();
            // PASSIVE copies what no reader still needs; a failure (I/O) is retried next time.
            static_cast<void>(sqlite3_wal_checkpoint_v2(
                connection_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr));
            lock.lock();
        }
    }

    std::unique_ptr<SqliteConnection> connection_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool requested_ = false;
    bool stopping_ = false;
    std::thread thread_;  // last: starts once the members above exist
};

std::filesystem::path ScratchPath() {
    // "Memory" databases are scratch files that are deleted on Close(): SQLite's own in-memory
    // databases (memdb, shared cache) lock readers out while a write is open, which would make
    // tests exercise a different concurrency model than production. No fsync is paid for them.
    static std::atomic<std::uint64_t> next_id{1};
    return std::filesystem::temp_directory_path() /
           ("dictra-memory-" + std::to_string(::getpid()) + "-" +
            std::to_string(next_id.fetch_add(1)) + ".db");
}

void RemoveDatabaseFiles(const std::filesystem::path& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::filesystem::remove(path.string() + suffix, ignored);
    }
}

class SqliteDatabase final : public Database {
 public:
    SqliteDatabase(std::unique_ptr<GroupCommitWriter> writer,
                   std::vector<std::unique_ptr<SqliteConnection>> readers,
                   std::unique_ptr<Checkpointer> checkpointer, const DatabaseOptions& options,
                   std::filesystem::path delete_on_close)
        : writer_(std::move(writer)),
          readers_(std::move(readers)),
          checkpointer_(std::move(checkpointer)),
          delete_on_close_(std::move(delete_on_close)) {
        migration_clock_ = options.clock;
    }

    ~SqliteDatabase() override { Close(); }

    void Close() override {
        writer_->Close();
        readers_.Close();
        checkpointer_->Stop();
        if (!delete_on_close_.empty()) RemoveDatabaseFiles(delete_on_close_);
    }

    Dialect dialect() const override { return Dialect::kSqlite; }

 protected:
    Status WriteErased(const WriteFunction& fn) override { return writer_->Submit(fn); }
    void WriteAsyncErased(WriteFunction fn, WriteDone done) override {
        writer_->SubmitAsync(std::move(fn), std::move(done));
    }

    Status ReadErased(const ReadFunction& fn) override {
        return readers_.With(
            [&fn](SqliteConnection& connection) { return RunRead(connection, fn); });
    }

 private:
    static Status RunRead(SqliteConnection& connection, const ReadFunction& fn) {
        // One read transaction so that every query of `fn` sees the same snapshot.
        DICTRA_RETURN_IF_ERROR(connection.Execute("BEGIN"));
        Status result;
        try {
            result = fn(connection);
        } catch (const std::exception& exception) {
            result = Error::Internal(std::string("read function threw: ") + exception.what());
        } catch (...) {
            result = Error::Internal("read function threw a non-standard exception");
        }
        // A read transaction has nothing to keep; ending it can only fail if it is already gone.
        static_cast<void>(connection.Execute("ROLLBACK"));
        return result;
    }

    std::unique_ptr<GroupCommitWriter> writer_;
    ReaderPool<SqliteConnection> readers_;
    std::unique_ptr<Checkpointer> checkpointer_;
    const std::filesystem::path delete_on_close_;  // empty for real files
};

std::string FileUri(const std::filesystem::path& path) {
    // Percent-encode what a URI path cannot hold verbatim.
    std::string uri = "file:";
    for (char c : std::filesystem::absolute(path).string()) {
        if (c == '%' || c == '?' || c == '#') {
            static constexpr char kHex[] = "0123456789ABCDEF";
            uri += '%';
            uri += kHex[static_cast<unsigned char>(c) >> 4];
            uri += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
            uri += c;
        }
    }
    return uri;
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path,
                                             const DatabaseOptions& options) {
    // SQLite counts every allocation under one global mutex for sqlite3_memory_used(), which we
    // never call: ~3% of the writer's time. Must precede SQLite's initialisation; if something
    // initialised it first, the call fails harmlessly and the counting stays on.
    static std::once_flag memstatus_off;
    std::call_once(memstatus_off, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    if (options.read_connections == 0)
        return Error::InvalidArgument("read_connections must be at least 1");
    const bool memory = path == ":memory:";
    const std::filesystem::path file = memory ? ScratchPath() : std::filesystem::path(path);
    if (memory) RemoveDatabaseFiles(file);
    {
        std::error_code error;
        if (file.has_parent_path()) {
            std::filesystem::create_directories(file.parent_path(), error);
            if (error) {
                return Error::Unavailable("cannot create directory " + file.parent_path().string() +
                                          ": " + error.message());
            }
        }
    }
    const std::string uri = FileUri(file);
    DICTRA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> writer,
                            SqliteConnection::Open(uri, false, options));
    // WAL: readers never block the writer and a commit appends to one log file.
    DICTRA_ASSIGN_OR_RETURN(std::vector<Row> mode, writer->Query("PRAGMA journal_mode = WAL"));
    if (mode.empty() || mode[0].GetText(0) != "wal") {
        return Error::Unavailable("cannot switch " + std::string(path) + " to WAL mode");
    }
    // NORMAL: a COMMIT writes the WAL without an fsync; the group-commit writer's flusher
    // fsyncs it before anyone is told the write happened (SqliteWriterSession). A scratch
    // database dies with the process anyway, so it skips the fsync altogether.
    DICTRA_RETURN_IF_ERROR(
        writer->ExecuteScript(memory ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL"));
    std::string wal_path;
    if (!memory) {
        const char* name = sqlite3_db_filename(writer->handle(), "main");
        if (name == nullptr || *name == '\0')
            return Error::Unavailable("cannot tell the file name of " + std::string(path));
        wal_path = sqlite3_filename_wal(name);
    }
    // Each request of a group runs in its own SAVEPOINT, and SQLite copies every page a savepoint
    // first changes into a statement journal so it can roll back to it. Kept in a temp file, that
    // was ~10 extra pwrite() calls per request; in memory it costs a memcpy. The journal only
    // lives until the group commits, so it stays small (a group is at most write_batch_max
    // requests).
    DICTRA_RETURN_IF_ERROR(writer->ExecuteScript("PRAGMA temp_store = MEMORY"));
    // Checkpoints run on their own connection and thread (Checkpointer, attached below).
    DICTRA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> checkpoint_connection,
                            SqliteConnection::Open(uri, false, options));
    DICTRA_RETURN_IF_ERROR(checkpoint_connection->ExecuteScript(
        memory ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = FULL"));
    std::vector<std::unique_ptr<SqliteConnection>> readers;
    for (std::size_t reader_idx = 0; reader_idx < options.read_connections; ++reader_idx) {
        DICTRA_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader,
                                SqliteConnection::Open(uri, true, options));
        readers.push_back(std::move(reader));
    }
    auto checkpointer = std::make_unique<Checkpointer>(std::move(checkpoint_connection));
    checkpointer->Attach(writer->handle());
    auto writer_session =
        std::make_unique<SqliteWriterSession>(std::move(writer), std::move(wal_path));
    auto group_writer = std::make_unique<GroupCommitWriter>(
        std::move(writer_session), GroupCommitOptions{.batch_max = options.write_batch_max,
                                                      .wait_max_us = options.write_wait_max_us,
                                                      .queue_max = options.write_queue_max});
    return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(
        std::move(group_writer), std::move(readers), std::move(checkpointer), options,
        memory ? file : std::filesystem::path()));
}

}  // namespace dictra::db::internal
