#include "testing/postgres_schema.hpp"

#include <cstdlib>
#include <random>

#include "core/db/database.hpp"

namespace dictra::testing {
namespace {

// Runs one statement on its own connection to the server (not inside any test schema).
Status ExecuteOnServer(const std::string& server_url, const std::string& sql) {
    auto admin = db::OpenDatabase(server_url, db::DatabaseOptions{.read_connections = 1});
    if (!admin.ok()) return admin.error();
    Status done = (*admin)->Write([&](db::Transaction& tx) -> Status {
        DICTRA_RETURN_IF_ERROR(tx.Execute(sql));
        return Ok();
    });
    (*admin)->Close();
    return done;
}

}  // namespace

std::optional<std::string> PostgresSchema::ServerUrl() {
    const char* server = std::getenv("DICTRA_TEST_POSTGRES_URL");
    if (server == nullptr || *server == '\0') return std::nullopt;
    return std::string(server);
}

Result<std::unique_ptr<PostgresSchema>> PostgresSchema::Create(const std::string& server_url,
                                                               std::string_view prefix) {
    std::random_device device;
    std::mt19937_64 engine(device());
    std::string name = std::string(prefix) + std::to_string(engine() % 1'000'000'000'000ULL);
    DICTRA_RETURN_IF_ERROR(ExecuteOnServer(server_url, "CREATE SCHEMA " + name));
    return std::unique_ptr<PostgresSchema>(new PostgresSchema(server_url, std::move(name)));
}

PostgresSchema::PostgresSchema(std::string server_url, std::string name)
    : server_url_(std::move(server_url)), name_(std::move(name)) {
    url_ = server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + name_;
}

PostgresSchema::~PostgresSchema() {
    static_cast<void>(ExecuteOnServer(server_url_, "DROP SCHEMA " + name_ + " CASCADE"));
}

}  // namespace dictra::testing
