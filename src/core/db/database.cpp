#include "core/db/database.hpp"

#include <algorithm>
#include <ctime>
#include <set>
#include <string>

#include "core/db/backends.hpp"

namespace dictra::db {

std::string_view ToString(Dialect dialect) {
    switch (dialect) {
        case Dialect::kSqlite: return "sqlite";
        case Dialect::kPostgres: return "postgres";
    }
    return "unknown";
}

Result<std::optional<Row>> Connection::QueryFirst(std::string_view sql,
                                                  std::initializer_list<Value> params) {
    DICTRA_ASSIGN_OR_RETURN(std::vector<Row> rows, Query(sql, params));
    if (rows.empty()) return std::optional<Row>();
    return std::optional<Row>(std::move(rows.front()));
}

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options) {
    constexpr std::string_view kSqlitePrefix = "sqlite:";
    if (url.starts_with(kSqlitePrefix)) {
        std::string_view path = url.substr(kSqlitePrefix.size());
        if (path.empty())
            return Error::InvalidArgument(
                "database url 'sqlite:' needs a path, e.g. sqlite:var/dictra.db");
        return internal::OpenSqlite(path, options);
    }
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return internal::OpenPostgres(url, options);
    }
    return Error::InvalidArgument(
        "unsupported database url '" + std::string(url) +
        "': expected sqlite:PATH, sqlite::memory:, postgresql://... or postgres://...");
}

namespace {

// Serialises migrations across processes sharing one PostgreSQL database (an arbitrary constant
// that only this code uses). SQLite needs nothing: BEGIN IMMEDIATE already excludes other writers.
constexpr std::string_view kPostgresMigrationLock = "SELECT pg_advisory_xact_lock(7243100001)";

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS dictra_schema_migrations ("
    " owner TEXT NOT NULL,"
    " version BIGINT NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " PRIMARY KEY (owner, version))";

std::string FormatRfc3339(SystemTimePoint at) {
    const auto since_epoch_us = at.time_since_epoch().count();
    std::time_t seconds = static_cast<std::time_t>(since_epoch_us / 1'000'000);
    std::int64_t micros = since_epoch_us % 1'000'000;
    if (micros < 0) {
        micros += 1'000'000;
        --seconds;
    }
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                  utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                  utc.tm_sec, static_cast<long long>(micros));
    return buffer;
}

// The versions of `owner` already applied, after checking that each applied row is a migration
// of the code under the same name.
Result<std::set<std::int64_t>> AppliedVersions(Connection& connection, std::string_view owner,
                                               std::span<const Migration> migrations) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        connection.Query(
            "SELECT version, name FROM dictra_schema_migrations WHERE owner = ? ORDER BY version",
            {Text(owner)}));
    std::set<std::int64_t> applied;
    for (const Row& row : rows) {
        const std::int64_t version = row.GetInt64(0);
        const std::string& name = row.GetText(1);
        auto known = std::find_if(migrations.begin(), migrations.end(),
                                  [&](const Migration& m) { return m.version == version; });
        if (known == migrations.end()) {
            return Error::FailedPrecondition(
                "database has migration " + std::string(owner) + "/" + std::to_string(version) +
                " (" + name +
                ") that this binary does not know; is the binary older than the "
                "database?");
        }
        if (known->name != name) {
            return Error::FailedPrecondition("migration " + std::string(owner) + "/" +
                                             std::to_string(version) + " was applied as '" + name +
                                             "' but the code calls it '" +
                                             std::string(known->name) + "'");
        }
        applied.insert(version);
    }
    return applied;
}

}  // namespace

Status Database::Migrate(std::string_view owner, std::span<const Migration> migrations) {
    if (owner.empty()) return Error::InvalidArgument("migration owner is empty");
    int previous_version = 0;
    for (std::size_t migration_idx = 0; migration_idx < migrations.size(); ++migration_idx) {
        const Migration& migration = migrations[migration_idx];
        if (migration.version <= previous_version) {
            return Error::InvalidArgument("migrations of '" + std::string(owner) +
                                          "' must have increasing versions from 1; position " +
                                          std::to_string(migration_idx + 1) + " has version " +
                                          std::to_string(migration.version));
        }
        previous_version = migration.version;
        if (migration.name.empty()) {
            return Error::InvalidArgument("migration " + std::string(owner) + "/" +
                                          std::to_string(migration.version) + " has no name");
        }
    }
    const bool postgres = dialect() == Dialect::kPostgres;
    DICTRA_RETURN_IF_ERROR(Write([&](Transaction& tx) -> Status {
        if (postgres) DICTRA_RETURN_IF_ERROR(tx.Query(kPostgresMigrationLock));
        DICTRA_RETURN_IF_ERROR(tx.Execute(kCreateMigrationsTable));
        return Ok();
    }));

    // The common case at start-up: everything is applied already; check on a reader, no writes.
    DICTRA_ASSIGN_OR_RETURN(std::set<std::int64_t> applied, Read([&](Connection& connection) {
                                return AppliedVersions(connection, owner, migrations);
                            }));
    SystemClock system_clock;
    const Clock& clock = migration_clock_ != nullptr ? *migration_clock_ : system_clock;
    for (const Migration& migration : migrations) {
        if (applied.contains(migration.version)) continue;
        DICTRA_RETURN_IF_ERROR(Write([&](Transaction& tx) -> Status {
            if (postgres) DICTRA_RETURN_IF_ERROR(tx.Query(kPostgresMigrationLock));
            // Another process may have applied it since we looked.
            DICTRA_ASSIGN_OR_RETURN(std::set<std::int64_t> applied_now,
                                    AppliedVersions(tx, owner, migrations));
            if (applied_now.contains(migration.version)) return Ok();
            const std::string_view sql = postgres && !migration.postgres_sql.empty()
                                             ? migration.postgres_sql
                                             : migration.sql;
            Status applied = tx.ExecuteScript(sql);
            if (!applied.ok()) {
                Error error = std::move(applied).error();
                error.message = "migration " + std::string(owner) + "/" +
                                std::to_string(migration.version) + " (" +
                                std::string(migration.name) + ") failed: " + error.message;
                return error;
            }
            DICTRA_RETURN_IF_ERROR(
                tx.Execute("INSERT INTO dictra_schema_migrations (owner, version, name, "
                           "applied_at) VALUES (?, ?, ?, ?)",
                           {Text(owner), std::int64_t{migration.version}, Text(migration.name),
                            Text(FormatRfc3339(clock.Now()))}));
            return Ok();
        }));
    }
    return Ok();
}

Status Database::Ping() {
    return Read([](Connection& connection) -> Status {
        DICTRA_RETURN_IF_ERROR(connection.Query("SELECT 1"));
        return Ok();
    });
}

}  // namespace dictra::db
