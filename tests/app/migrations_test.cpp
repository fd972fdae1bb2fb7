// Every service's schema migrations, applied as `dictra serve` applies them, on SQLite and on
// PostgreSQL (when DICTRA_TEST_POSTGRES_URL is set: `make test` starts a throw-away server). The
// services' own tests run on SQLite only, so this is where a migration's PostgreSQL dialect is
// checked at all.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "bacen/store.hpp"
#include "core/db/database.hpp"
#include "core/jobs/scheduler.hpp"
#include "dict/store.hpp"
#include "settlement/store.hpp"
#include "spi/store.hpp"
#include "testing/postgres_schema.hpp"

namespace dictra {
namespace {

enum class Backend { kSqlite, kPostgres };

class MigrationsTest : public ::testing::TestWithParam<Backend> {
 protected:
    void SetUp() override {
        std::string url = "sqlite::memory:";
        if (GetParam() == Backend::kPostgres) {
            const std::optional<std::string> server = testing::PostgresSchema::ServerUrl();
            if (!server) GTEST_SKIP() << testing::kNoPostgresServer;
            auto schema = testing::PostgresSchema::Create(*server, "dictra_migrations_test_");
            ASSERT_TRUE(schema.ok()) << schema.error().message;
            schema_ = std::move(schema).value();
            url = schema_->url();
        }
        auto opened = db::OpenDatabase(url, {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        database_ = std::move(opened).value();
    }

    void TearDown() override {
        if (database_ != nullptr) database_->Close();
        schema_.reset();
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
    std::unique_ptr<testing::PostgresSchema> schema_;  // PostgreSQL only
};

TEST_P(MigrationsTest, EveryServiceMigratesAndASecondRunChangesNothing) {
    const Status first = MigrateEverything();
    ASSERT_TRUE(first.ok()) << first.error().message;
    const Status second = MigrateEverything();
    ASSERT_TRUE(second.ok()) << second.error().message;
}

INSTANTIATE_TEST_SUITE_P(Backends, MigrationsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                             return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace dictra
