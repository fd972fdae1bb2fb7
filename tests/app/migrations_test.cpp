// Every service's schema migrations, applied as `dictra serve` applies them, on SQLite and on
// PostgreSQL (when DICTRA_TEST_POSTGRES_URL is set: `make test` starts a throw-away server). The
// services' own tests run on SQLite only, so this is where a migration's PostgreSQL dialect is
// checked at all.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "bacen/store.hpp"
#include "core/db/database.hpp"
#include "core/jobs/scheduler.hpp"
#include "dict/store.hpp"
#include "settlement/store.hpp"
#include "spi/store.hpp"

namespace dictra {
namespace {

enum class Backend { kSqlite, kPostgres };

class MigrationsTest : public testing::TestWithParam<Backend> {
 protected:
    void SetUp() override {
        std::string url = "sqlite::memory:";
        if (GetParam() == Backend::kPostgres) {
            const char* server = std::getenv("DICTRA_TEST_POSTGRES_URL");
            if (server == nullptr || *server == '\0') {
                GTEST_SKIP() << "DICTRA_TEST_POSTGRES_URL is not set; start a throw-away server "
                                "with `eval $(scripts/pg-test-cluster.sh env)` (docs/storage.md)";
            }
            std::random_device device;
            schema_ = "dictra_migrations_test_" + std::to_string(device());
            server_url_ = server;
            ASSERT_TRUE(AdminExecute("CREATE SCHEMA " + schema_).ok());
            url = server_url_ + (server_url_.find('?') == std::string::npos ? "?" : "&") +
                  "options=-csearch_path%3D" + schema_;
        }
        auto opened = db::OpenDatabase(url, {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        database_ = std::move(opened).value();
    }

    void TearDown() override {
        if (database_ != nullptr) database_->Close();
        if (!schema_.empty()) {
            static_cast<void>(AdminExecute("DROP SCHEMA " + schema_ + " CASCADE"));
        }
    }

    Status AdminExecute(const std::string& sql) {
        auto admin = db::OpenDatabase(server_url_, {.read_connections = 1});
        if (!admin.ok()) return admin.error();
        return (*admin)->Write([&](db::Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(tx.Execute(sql));
            return Ok();
        });
    }

    // The same calls, in the same order, as the platform makes at start-up.
    Status MigrateEverything() {
        DICTRA_RETURN_IF_ERROR(jobs::Scheduler::Migrate(*database_));
        DICTRA_RETURN_IF_ERROR(
            database_->Migrate("settlement", settlement::SettlementStore::Migrations()));
        DICTRA_RETURN_IF_ERROR(database_->Migrate("spi", spi::SpiStore::Migrations()));
        DICTRA_RETURN_IF_ERROR(database_->Migrate("dict", dict::DictStore::Migrations()));
        return database_->Migrate("bacen", bacen::BacenStore::Migrations());
    }

    std::unique_ptr<db::Database> database_;
    std::string schema_;
    std::string server_url_;
};

TEST_P(MigrationsTest, EveryServiceMigratesAndASecondRunChangesNothing) {
    const Status first = MigrateEverything();
    ASSERT_TRUE(first.ok()) << first.error().message;
    const Status second = MigrateEverything();
    ASSERT_TRUE(second.ok()) << second.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest,
                         testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const testing::TestParamInfo<Backend>& info) {
                             return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace dictra
