// PostgreSQL backend over libpq: one writer connection driven by the group-commit writer (BEGIN,
// a SAVEPOINT per request, one COMMIT), and a pool of reader connections. Statements use the
// extended protocol (PQexecParams) so parameters are never spliced into SQL text.
#include <libpq-fe.h>

#include <charconv>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "core/check.hpp"
#include "core/db/backends.hpp"
#include "core/db/group_commit.hpp"
#include "core/db/placeholders.hpp"
#include "core/db/reader_pool.hpp"

namespace dictra::db::internal {
namespace {

// Type OIDs from pg_type.h (stable across server versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kNumericOid = 1700;

constexpr std::size_t kSqlShownMax = 200;

std::string Shorten(std::string_view sql) {
    if (sql.size() <= kSqlShownMax) return std::string(sql);
    return std::string(sql.substr(0, kSqlShownMax)) + "...";
}

std::string TrimmedMessage(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool ParseInt64(std::string_view text, std::int64_t& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

Error ErrorFromResult(PGconn* conn, const PGresult* result, std::string_view sql) {
    const char* sqlstate_raw =
        result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = sqlstate_raw != nullptr ? sqlstate_raw : "";
    std::string message =
        TrimmedMessage(result != nullptr ? PQresultErrorMessage(result) : nullptr);
    if (message.empty()) message = TrimmedMessage(PQerrorMessage(conn));
    message += " (sqlstate " + (sqlstate.empty() ? std::string("none") : sqlstate) + ")";
    if (!sql.empty()) message += " in: " + Shorten(sql);
    if (sqlstate == "23505") return Error::AlreadyExists(std::move(message));
    // Serialization failure, deadlock, connection exceptions, too many connections, shutdown.
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.starts_with("08") ||
        sqlstate == "53300" || sqlstate.starts_with("57P") || PQstatus(conn) != CONNECTION_OK) {
        return Error::Unavailable(std::move(message));
    }
    return Error::Internal(std::move(message));
}

struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// How long opening a connection may take unless the URL says otherwise.
constexpr int kConnectTimeoutSecondsDefault = 10;

class PostgresConnection final : public Transaction {
 public:
    PostgresConnection(PGconn* conn, const DatabaseOptions& options)
        : conn_(conn), query_rows_max_(options.query_rows_max) {}
    ~PostgresConnection() override { PQfinish(conn_); }

    static Result<std::unique_ptr<PostgresConnection>> Open(const std::string& url,
                                                            const DatabaseOptions& options) {
        // Without a timeout libpq waits on an unreachable host as long as TCP does (minutes),
        // and start-up would hang instead of failing with one clear line. The default comes
        // first so that a connect_timeout in the URL itself still wins.
        const char* const keywords[] = {"connect_timeout", "dbname", nullptr};
        const std::string timeout = std::to_string(kConnectTimeoutSecondsDefault);
        const char* const values[] = {timeout.c_str(), url.c_str(), nullptr};
        PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
        if (conn == nullptr) return Error::Unavailable("cannot allocate a PostgreSQL connection");
        auto connection = std::make_unique<PostgresConnection>(conn, options);
        if (PQstatus(conn) != CONNECTION_OK) {
            return Error::Unavailable("cannot connect to PostgreSQL: " +
                                      TrimmedMessage(PQerrorMessage(conn)));
        }
        DICTRA_RETURN_IF_ERROR(connection->Setup());
        return connection;
    }

    // Reconnects if the server dropped the connection (restart, idle timeout).
    Status EnsureConnected() {
        if (PQstatus(conn_) == CONNECTION_OK) return Ok();
        PQreset(conn_);
        if (PQstatus(conn_) != CONNECTION_OK) {
            return Error::Unavailable("PostgreSQL connection lost: " +
                                      TrimmedMessage(PQerrorMessage(conn_)));
        }
        return Setup();
    }

    bool InTransaction() const {
        const PGTransactionStatusType status = PQtransactionStatus(conn_);
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
    }

    Dialect dialect() const override { return Dialect::kPostgres; }

    Status ExecuteScript(std::string_view sql) override {
        std::string owned(sql);
        ResultPtr result(PQexec(conn_, owned.c_str()));
        const ExecStatusType status =
            result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
            status != PGRES_EMPTY_QUERY) {
            return ErrorFromResult(conn_, result.get(), sql);
        }
        return Ok();
    }

    // Runs a transaction-control statement and fails if the server answered ROLLBACK to a COMMIT
    // (which it does, successfully, for a transaction that was already in error).
    Status Control(const char* sql) {
        ResultPtr result(PQexec(conn_, sql));
        if (result == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
            return ErrorFromResult(conn_, result.get(), sql);
        }
        if (std::strcmp(sql, "COMMIT") == 0 &&
            std::strcmp(PQcmdStatus(result.get()), "COMMIT") != 0) {
            return Error::Internal("COMMIT was turned into " +
                                   std::string(PQcmdStatus(result.get())));
        }
        return Ok();
    }

 protected:
    Result<std::vector<Row>> DoQuery(std::string_view sql, std::span<const Value> params) override {
        DICTRA_ASSIGN_OR_RETURN(ResultPtr result, Exec(sql, params));
        const int row_count = PQntuples(result.get());
        const int column_count = PQnfields(result.get());
        if (static_cast<std::size_t>(row_count) > query_rows_max_) {
            return Error::ResourceExhausted("query returned more than " +
                                            std::to_string(query_rows_max_) +
                                            " rows: " + Shorten(sql));
        }
        auto column_names = std::make_shared<std::vector<std::string>>();
        std::vector<Oid> column_types;
        for (int column_idx = 0; column_idx < column_count; ++column_idx) {
            column_names->emplace_back(PQfname(result.get(), column_idx));
            column_types.push_back(PQftype(result.get(), column_idx));
        }
        std::vector<Row> rows;
        rows.reserve(static_cast<std::size_t>(row_count));
        for (int row_idx = 0; row_idx < row_count; ++row_idx) {
            std::vector<Value> values;
            values.reserve(static_cast<std::size_t>(column_count));
            for (int column_idx = 0; column_idx < column_count; ++column_idx) {
                DICTRA_ASSIGN_OR_RETURN(
                    Value value, ReadField(result.get(), row_idx, column_idx,
                                           column_types[static_cast<std::size_t>(column_idx)]));
                values.push_back(std::move(value));
            }
            rows.emplace_back(column_names, std::move(values));
        }
        return rows;
    }

    Result<std::int64_t> DoExecute(std::string_view sql, std::span<const Value> params) override {
        DICTRA_ASSIGN_OR_RETURN(ResultPtr result, Exec(sql, params));
        const char* tuples = PQcmdTuples(result.get());
        std::int64_t changes = 0;
        if (tuples != nullptr && *tuples != '\0') static_cast<void>(ParseInt64(tuples, changes));
        return changes;
    }

 private:
    Status Setup() {
        // Notices (e.g. "relation already exists, skipping") are expected and not worth stderr.
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);
        if (PQsetClientEncoding(conn_, "UTF8") != 0) {
            return Error::Unavailable("cannot set client encoding UTF8: " +
                                      TrimmedMessage(PQerrorMessage(conn_)));
        }
        return ExecuteScript("SET TIME ZONE 'UTC'");
    }

    Result<ResultPtr> Exec(std::string_view sql, std::span<const Value> params) {
        NumberedSql numbered = NumberPlaceholders(sql);
        if (numbered.placeholder_count != params.size()) {
            return Error::InvalidArgument("statement has " +
                                          std::to_string(numbered.placeholder_count) +
                                          " placeholders but " + std::to_string(params.size()) +
                                          " parameters were given: " + Shorten(sql));
        }
        const std::size_t count = params.size();
        std::vector<Oid> types(count, 0);
        std::vector<const char*> values(count, nullptr);
        std::vector<int> lengths(count, 0);
        std::vector<int> formats(count, 0);
        std::vector<std::string> integers(count);
        static const char kEmpty = '\0';
        for (std::size_t param_idx = 0; param_idx < count; ++param_idx) {
            const Value& value = params[param_idx];
            switch (value.index()) {
                case 0: break;  // NULL of a type the server infers
                case 1:
                    integers[param_idx] = std::to_string(std::get<std::int64_t>(value));
                    types[param_idx] = kInt8Oid;
                    values[param_idx] = integers[param_idx].c_str();
                    break;
                case 2:
                    // Unknown type: the server infers it from context (text, timestamptz, ...).
                    values[param_idx] = std::get<std::string>(value).c_str();
                    break;
                default: {
                    const Blob& blob = std::get<Blob>(value);
                    types[param_idx] = kByteaOid;
                    formats[param_idx] = 1;  // binary: the bytes as they are
                    values[param_idx] =
                        blob.empty() ? &kEmpty : reinterpret_cast<const char*>(blob.data());
                    lengths[param_idx] = static_cast<int>(blob.size());
                    break;
                }
            }
        }
        ResultPtr result(PQexecParams(conn_, numbered.sql.c_str(), static_cast<int>(count),
                                      types.data(), values.data(), lengths.data(), formats.data(),
                                      0));
        const ExecStatusType status =
            result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            return ErrorFromResult(conn_, result.get(), sql);
        }
        return result;
    }

    static Result<Value> ReadField(const PGresult* result, int row_idx, int column_idx, Oid type) {
        if (PQgetisnull(result, row_idx, column_idx)) return Value(Null{});
        const char* raw = PQgetvalue(result, row_idx, column_idx);
        const std::string_view text(
            raw, static_cast<std::size_t>(PQgetlength(result, row_idx, column_idx)));
        switch (type) {
            case kInt8Oid:
            case kInt4Oid:
            case kInt2Oid:
            case kOidOid: {
                std::int64_t number = 0;
                if (!ParseInt64(text, number))
                    return Error::Internal("bad integer from server: " + std::string(text));
                return Value(number);
            }
            case kNumericOid: {
                // SUM() and friends answer NUMERIC; integral ones are integers to this API.
                std::int64_t number = 0;
                if (ParseInt64(text, number)) return Value(number);
                return Value(std::string(text));
            }
            case kBoolOid: return Value(std::int64_t{text == "t" ? 1 : 0});
            case kByteaOid: {
                std::size_t size = 0;
                unsigned char* bytes =
                    PQunescapeBytea(reinterpret_cast<const unsigned char*>(raw), &size);
                if (bytes == nullptr) return Error::Internal("cannot decode bytea from server");
                Blob blob(bytes, bytes + size);
                PQfreemem(bytes);
                return Value(std::move(blob));
            }
            default: return Value(std::string(text));
        }
    }

    PGconn* conn_;
    const std::size_t query_rows_max_;
};

class PostgresWriterSession final : public WriterSession {
 public:
    explicit PostgresWriterSession(std::unique_ptr<PostgresConnection> connection)
        : connection_(std::move(connection)) {}

    Status Begin() override {
        DICTRA_RETURN_IF_ERROR(connection_->EnsureConnected());
        return connection_->Control("BEGIN");
    }
    Status Savepoint() override { return connection_->Control("SAVEPOINT dictra_write"); }
    Status ReleaseSavepoint() override {
        return connection_->Control("RELEASE SAVEPOINT dictra_write");
    }
    Status RollbackToSavepoint() override {
        DICTRA_RETURN_IF_ERROR(connection_->Control("ROLLBACK TO SAVEPOINT dictra_write"));
        return connection_->Control("RELEASE SAVEPOINT dictra_write");
    }
    Status Commit() override { return connection_->Control("COMMIT"); }
    void Rollback() override {
        if (connection_->InTransaction()) static_cast<void>(connection_->Control("ROLLBACK"));
    }
    Transaction& transaction() override { return *connection_; }
    void Close() override { connection_.reset(); }

 private:
    std::unique_ptr<PostgresConnection> connection_;
};

class PostgresDatabase final : public Database {
 public:
    PostgresDatabase(std::unique_ptr<GroupCommitWriter> writer,
                     std::vector<std::unique_ptr<PostgresConnection>> readers,
                     const DatabaseOptions& options)
        : writer_(std::move(writer)), readers_(std::move(readers)) {
        migration_clock_ = options.clock;
    }

    ~PostgresDatabase() override { Close(); }

    void Close() override {
        writer_->Close();
        readers_.Close();
    }

    Dialect dialect() const override { return Dialect::kPostgres; }

 protected:
    Status WriteErased(const WriteFunction& fn) override { return writer_->Submit(fn); }
    void WriteAsyncErased(WriteFunction fn, WriteDone done) override {
        writer_->SubmitAsync(std::move(fn), std::move(done));
    }

    Status ReadErased(const ReadFunction& fn) override {
        return readers_.With(
            [&fn](PostgresConnection& connection) { return RunRead(connection, fn); });
    }

 private:
    static Status RunRead(PostgresConnection& connection, const ReadFunction& fn) {
        DICTRA_RETURN_IF_ERROR(connection.EnsureConnected());
        // One snapshot for every query of `fn`, and a guard against writing through a reader.
        DICTRA_RETURN_IF_ERROR(
            connection.Control("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
        Status result;
        try {
            result = fn(connection);
        } catch (const std::exception& exception) {
            result = Error::Internal(std::string("read function threw: ") + exception.what());
        } catch (...) {
            result = Error::Internal("read function threw a non-standard exception");
        }
        if (connection.InTransaction()) static_cast<void>(connection.Control("ROLLBACK"));
        return result;
    }

    std::unique_ptr<GroupCommitWriter> writer_;
    ReaderPool<PostgresConnection> readers_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url,
                                               const DatabaseOptions& options) {
    if (options.read_connections == 0)
        return Error::InvalidArgument("read_connections must be at least 1");
    const std::string url_text(url);
    DICTRA_ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> writer,
                            PostgresConnection::Open(url_text, options));
    std::vector<std::unique_ptr<PostgresConnection>> readers;
    for (std::size_t reader_idx = 0; reader_idx < options.read_connections; ++reader_idx) {
        DICTRA_ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> reader,
                                PostgresConnection::Open(url_text, options));
        readers.push_back(std::move(reader));
    }
    auto group_writer = std::make_unique<GroupCommitWriter>(
        std::make_unique<PostgresWriterSession>(std::move(writer)),
        GroupCommitOptions{.batch_max = options.write_batch_max,
                           .wait_max_us = options.write_wait_max_us,
                           .queue_max = options.write_queue_max});
    return std::unique_ptr<Database>(
        std::make_unique<PostgresDatabase>(std::move(group_writer), std::move(readers), options));
}

}  // namespace dictra::db::internal
