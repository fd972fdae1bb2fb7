// A PostgreSQL schema of its own for one test, on the server DICTRA_TEST_POSTGRES_URL names
// (`make test` starts a throw-away one: scripts/pg-test-cluster.sh). Tests never see each
// other's tables; the schema is dropped with the object.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dictra::testing {

// Why a PostgreSQL test skips: for GTEST_SKIP() when ServerUrl() is nullopt.
inline constexpr std::string_view kNoPostgresServer =
    "DICTRA_TEST_POSTGRES_URL is not set; start a throw-away server with "
    "`eval $(scripts/pg-test-cluster.sh env)` (see docs/storage.md)";

class PostgresSchema {
 public:
    // DICTRA_TEST_POSTGRES_URL, or nullopt when it is unset or empty.
    static std::optional<std::string> ServerUrl();

    // Creates a schema named `prefix` followed by a random number on `server_url`.
    static Result<std::unique_ptr<PostgresSchema>> Create(const std::string& server_url,
                                                          std::string_view prefix);

    // Drops the schema and everything in it (errors are ignored: the cluster is thrown away).
    ~PostgresSchema();
    PostgresSchema(const PostgresSchema&) = delete;
    PostgresSchema& operator=(const PostgresSchema&) = delete;

    // The server's URL with the schema as search_path: what db::OpenDatabase takes.
    const std::string& url() const { return url_; }
    const std::string& name() const { return name_; }

 private:
    PostgresSchema(std::string server_url, std::string name);

    std::string server_url_;
    std::string name_;
    std::string url_;
};

}  // namespace dictra::testing
