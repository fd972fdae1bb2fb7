// One storage suite, run against every backend: SQLite in memory, SQLite on a file, and
// PostgreSQL when DICTRA_TEST_POSTGRES_URL names a server (scripts/pg-test-cluster.sh url).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/db/database.hpp"
#include "core/db/write_each.hpp"
#include "testing/postgres_schema.hpp"

namespace dictra::db {
namespace {

using namespace std::chrono_literals;

enum class Backend { kSqliteMemory, kSqliteFile, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
    switch (info.param) {
        case Backend::kSqliteMemory: return "SqliteMemory";
        case Backend::kSqliteFile: return "SqliteFile";
        case Backend::kPostgres: return "Postgres";
    }
    return "Unknown";
}

std::string RandomSuffix() {
    std::random_device device;
    std::mt19937_64 engine(device());
    return std::to_string(engine() % 1'000'000'000'000ULL);
}

constexpr Migration kItemsMigrations[] = {
    {.version = 1,
     .name = "create items",
     .sql = "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT UNIQUE, amount_centavos BIGINT, "
            "data BLOB)",
     .postgres_sql = "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT UNIQUE, amount_centavos "
                     "BIGINT, data BYTEA)"},
    {.version = 2,
     .name = "index items by amount",
     .sql = "CREATE INDEX items_amount ON items (amount_centavos)"},
};

class StorageTest : public ::testing::TestWithParam<Backend> {
 protected:
    void SetUp() override {
        switch (GetParam()) {
            case Backend::kSqliteMemory: url_ = "sqlite::memory:"; break;
            case Backend::kSqliteFile:
                dir_ =
                    std::filesystem::temp_directory_path() / ("dictra-db-test-" + RandomSuffix());
                url_ = "sqlite:" + (dir_ / "nested" / "test.db").string();
                break;
            case Backend::kPostgres: {
                const std::optional<std::string> server = testing::PostgresSchema::ServerUrl();
                if (!server) GTEST_SKIP() << testing::kNoPostgresServer;
                // Each test gets its own schema so tests never see each other's tables.
                auto schema = testing::PostgresSchema::Create(*server, "dictra_test_");
                ASSERT_TRUE(schema.ok()) << schema.error().message;
                schema_ = std::move(schema).value();
                url_ = schema_->url();
                break;
            }
        }
        Reopen();
    }

    void TearDown() override {
        if (db_ != nullptr) db_->Close();
        db_.reset();
        schema_.reset();
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    void Reopen(DatabaseOptions options = {}) {
        if (db_ != nullptr) db_->Close();
        db_.reset();
        auto opened = OpenDatabase(url_, options);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        db_ = std::move(opened).value();
    }

    void MigrateItems() {
        Status migrated = db_->Migrate("test", kItemsMigrations);
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
    }

    Status InsertItem(std::int64_t id, std::string name) {
        return db_->Write([&](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(
                tx.Execute("INSERT INTO items (id, name, amount_centavos) VALUES (?, ?, ?)",
                           {id, Text(name), std::int64_t{100}}));
            return Ok();
        });
    }

    std::int64_t CountItems() {
        auto count = db_->Read([](Connection& connection) -> Result<std::int64_t> {
            DICTRA_ASSIGN_OR_RETURN(std::vector<Row> rows,
                                    connection.Query("SELECT COUNT(*) AS n FROM items"));
            return rows.at(0).GetInt64("n");
        });
        EXPECT_TRUE(count.ok()) << count.error().message;
        return count.ok() ? *count : -1;
    }

    bool ItemExists(std::int64_t id) {
        auto found = db_->Read([&](Connection& connection) -> Result<bool> {
            DICTRA_ASSIGN_OR_RETURN(
                std::optional<Row> row,
                connection.QueryFirst("SELECT id FROM items WHERE id = ?", {id}));
            return row.has_value();
        });
        EXPECT_TRUE(found.ok()) << found.error().message;
        return found.ok() && *found;
    }

    std::string url_;
    std::unique_ptr<testing::PostgresSchema> schema_;  // PostgreSQL only
    std::filesystem::path dir_;
    std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest,
                         ::testing::Values(Backend::kSqliteMemory, Backend::kSqliteFile,
                                           Backend::kPostgres),
                         BackendName);

TEST_P(StorageTest, MigrateAppliesOnceAndRerunIsNoOp) {
    MigrateItems();
    MigrateItems();
    auto applied = db_->Read([](Connection& connection) -> Result<std::vector<Row>> {
        return connection.Query(
            "SELECT version, name, applied_at FROM dictra_schema_migrations WHERE owner = ? ORDER "
            "BY version",
            {Text("test")});
    });
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    ASSERT_EQ(applied->size(), 2u);
    EXPECT_EQ((*applied)[0].GetInt64("version"), 1);
    EXPECT_EQ((*applied)[1].GetText("name"), "index items by amount");
    EXPECT_TRUE((*applied)[0].GetText("applied_at").ends_with("Z"));
    EXPECT_EQ(CountItems(), 0);

    // A later version is applied on top; the earlier ones are left alone.
    const Migration extended[] = {
        kItemsMigrations[0],
        kItemsMigrations[1],
        {.version = 3, .name = "add note", .sql = "ALTER TABLE items ADD COLUMN note TEXT"}};
    ASSERT_TRUE(db_->Migrate("test", extended).ok());
    ASSERT_TRUE(db_->Write([](Transaction& tx) -> Status {
                       DICTRA_RETURN_IF_ERROR(
                           tx.Execute("INSERT INTO items (id, note) VALUES (1, 'x')"));
                       return Ok();
                   })
                    .ok());
}

// Two branches each take a version (one 2, one 3): the branch with 1 and 3 runs alone, and after
// the merge the binary with 1, 2, 3 applies the missing 2 on a database that already has 3.
TEST_P(StorageTest, MigrateToleratesGapsAndFillsThemLater) {
    const Migration gap[] = {{.version = 1, .name = "one", .sql = "CREATE TABLE a (x BIGINT)"},
                             {.version = 3, .name = "three", .sql = "CREATE TABLE c (x BIGINT)"}};
    ASSERT_TRUE(db_->Migrate("gap", gap).ok());
    ASSERT_TRUE(db_->Migrate("gap", gap).ok());  // applied: no-op
    const Migration merged[] = {
        gap[0], {.version = 2, .name = "two", .sql = "CREATE TABLE b (x BIGINT)"}, gap[1]};
    Status merged_status = db_->Migrate("gap", merged);
    ASSERT_TRUE(merged_status.ok()) << merged_status.error().message;
    EXPECT_TRUE(db_->Write([](Transaction& tx) -> Status {
                       DICTRA_RETURN_IF_ERROR(tx.Execute("INSERT INTO b (x) VALUES (1)"));
                       return Ok();
                   })
                    .ok());
}

TEST_P(StorageTest, MigrateRejectsDisorderAndRenames) {
    const Migration disorder[] = {
        {.version = 1, .name = "one", .sql = "CREATE TABLE a (x BIGINT)"},
        {.version = 3, .name = "three", .sql = "CREATE TABLE c (x BIGINT)"},
        {.version = 2, .name = "two", .sql = "CREATE TABLE b (x BIGINT)"}};
    Status disorder_status = db_->Migrate("test", disorder);
    ASSERT_FALSE(disorder_status.ok());
    EXPECT_EQ(disorder_status.error().code, ErrorCode::kInvalidArgument);
    const Migration zero[] = {{.version = 0, .name = "zero", .sql = "SELECT 1"}};
    EXPECT_EQ(db_->Migrate("test", zero).error().code, ErrorCode::kInvalidArgument);

    MigrateItems();
    const Migration renamed[] = {{.version = 1, .name = "create items v2", .sql = "SELECT 1"}};
    Status renamed_status = db_->Migrate("test", renamed);
    ASSERT_FALSE(renamed_status.ok());
    EXPECT_EQ(renamed_status.error().code, ErrorCode::kFailedPrecondition);

    // The database knows version 2; a binary that only knows version 1 must not run on it.
    const Migration older[] = {kItemsMigrations[0]};
    Status older_status = db_->Migrate("test", older);
    ASSERT_FALSE(older_status.ok());
    EXPECT_EQ(older_status.error().code, ErrorCode::kFailedPrecondition);

    // Owners are independent.
    const Migration other[] = {
        {.version = 1, .name = "create items", .sql = "CREATE TABLE other_t (x BIGINT)"}};
    EXPECT_TRUE(db_->Migrate("other", other).ok());
}

TEST_P(StorageTest, FailedMigrationLeavesNothingBehind) {
    const Migration broken[] = {
        {.version = 1, .name = "half", .sql = "CREATE TABLE half_t (x BIGINT); THIS IS NOT SQL"}};
    ASSERT_FALSE(db_->Migrate("test", broken).ok());
    const Migration fixed[] = {
        {.version = 1, .name = "half", .sql = "CREATE TABLE half_t (x BIGINT)"}};
    Status fixed_status = db_->Migrate("test", fixed);
    EXPECT_TRUE(fixed_status.ok()) << fixed_status.error().message;
}

TEST_P(StorageTest, RoundTripsEveryValueType) {
    MigrateItems();
    const std::string utf8 = "pagamento de R$ 1,00 \xc3\xa0 vista \xe2\x9c\x93 \xf0\x9f\x99\x82";
    const Blob bytes = {0x00, 0x01, 0x00, 0xff, 0x00};
    struct Case {
        std::int64_t id;
        Value name;
        Value amount;
        Value data;
    };
    const std::vector<Case> cases = {
        {1, Text(utf8), std::int64_t{INT64_MAX}, bytes},
        {2, Text(""), std::int64_t{INT64_MIN}, Blob{}},
        {3, Null{}, Null{}, Null{}},
        {4, Text("quote ' and ? and $1"), std::int64_t{-1}, Blob{0x00}},
    };
    for (const Case& c : cases) {
        Status inserted = db_->Write([&](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(tx.Execute(
                "INSERT INTO items (id, name, amount_centavos, data) VALUES (?, ?, ?, ?)",
                {c.id, c.name, c.amount, c.data}));
            return Ok();
        });
        ASSERT_TRUE(inserted.ok()) << inserted.error().message;
    }
    auto rows = db_->Read([](Connection& connection) {
        return connection.Query("SELECT id, name, amount_centavos, data FROM items ORDER BY id");
    });
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_EQ(rows->size(), cases.size());
    for (std::size_t row_idx = 0; row_idx < cases.size(); ++row_idx) {
        const Row& row = (*rows)[row_idx];
        EXPECT_EQ(row.GetInt64("id"), cases[row_idx].id);
        EXPECT_EQ(row.Get(1), cases[row_idx].name)
            << "row " << row_idx << ": " << DebugString(row.Get(1));
        EXPECT_EQ(row.Get("amount_centavos"), cases[row_idx].amount) << "row " << row_idx;
        EXPECT_EQ(row.Get("data"), cases[row_idx].data)
            << "row " << row_idx << ": " << DebugString(row.Get(3));
    }
    EXPECT_EQ((*rows)[0].GetText("name"), utf8);
    EXPECT_EQ((*rows)[0].GetBlob("data").size(), 5u);
    EXPECT_TRUE((*rows)[2].IsNull("name"));
    EXPECT_EQ((*rows)[2].GetOptionalInt64("amount_centavos"), std::nullopt);
    EXPECT_EQ((*rows)[0].GetOptionalText("name"), utf8);

    // Integer aggregates come back as integers on both backends.
    auto sum = db_->Read([](Connection& connection) -> Result<std::int64_t> {
        DICTRA_ASSIGN_OR_RETURN(
            std::optional<Row> row,
            connection.QueryFirst(
                "SELECT SUM(amount_centavos) AS total FROM items WHERE id IN (?, ?)",
                {std::int64_t{1}, std::int64_t{4}}));
        return row->GetInt64("total");
    });
    ASSERT_TRUE(sum.ok()) << sum.error().message;
    EXPECT_EQ(*sum, INT64_MAX - 1);
}

TEST_P(StorageTest, WriteReturnsValuesAndReadsSeeThem) {
    MigrateItems();
    auto id = db_->Write([](Transaction& tx) -> Result<std::int64_t> {
        DICTRA_ASSIGN_OR_RETURN(std::vector<Row> rows,
                                tx.Query("INSERT INTO items (id, name) VALUES (?, ?) RETURNING id",
                                         {std::int64_t{7}, Text("seven")}));
        return rows.at(0).GetInt64(0);
    });
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, 7);
    EXPECT_TRUE(ItemExists(7));
    auto changed = db_->Write([](Transaction& tx) {
        return tx.Execute("UPDATE items SET amount_centavos = ? WHERE id >= ?",
                          {std::int64_t{5}, std::int64_t{0}});
    });
    ASSERT_TRUE(changed.ok());
    EXPECT_EQ(*changed, 1);
}

TEST_P(StorageTest, WriteAsyncCompletesAfterTheCommitWithTheFunctionsValue) {
    MigrateItems();
    constexpr int kWrites = 200;
    std::vector<std::promise<Result<std::int64_t>>> outcomes(kWrites);
    std::vector<std::future<Result<std::int64_t>>> futures;
    for (auto& outcome : outcomes) futures.push_back(outcome.get_future());
    for (int write_idx = 0; write_idx < kWrites; ++write_idx) {
        // Every other write collides with the one before it: its own error, neighbours unharmed.
        const std::int64_t id = write_idx - write_idx % 2 * (write_idx % 4 == 1 ? 1 : 0);
        db_->WriteAsync(
            [id, write_idx](Transaction& tx) -> Result<std::int64_t> {
                DICTRA_ASSIGN_OR_RETURN(
                    std::int64_t inserted,
                    tx.Execute("INSERT INTO items (id, name) VALUES (?, ?)",
                               {id, Text("async-" + std::to_string(write_idx))}));
                return inserted * 1000 + id;
            },
            [&outcomes, write_idx](Result<std::int64_t> outcome) {
                outcomes[write_idx].set_value(std::move(outcome));
            });
    }
    int collisions = 0;
    for (int write_idx = 0; write_idx < kWrites; ++write_idx) {
        Result<std::int64_t> outcome = futures[write_idx].get();
        if (write_idx % 4 == 1) {
            ASSERT_FALSE(outcome.ok());
            EXPECT_EQ(outcome.error().code, ErrorCode::kAlreadyExists);
            ++collisions;
        } else {
            ASSERT_TRUE(outcome.ok()) << outcome.error().message;
            EXPECT_EQ(*outcome, 1000 + write_idx);
            // Done means durable and visible.
            EXPECT_TRUE(ItemExists(write_idx));
        }
    }
    EXPECT_EQ(CountItems(), kWrites - collisions);
    db_->Close();
    // After Close the completion still comes, at once, with the refusal.
    std::optional<Status> late;
    db_->WriteAsync([](Transaction&) -> Status { return Ok(); },
                    [&late](Status status) { late = std::move(status); });
    ASSERT_TRUE(late.has_value());
    EXPECT_EQ(late->error().code, ErrorCode::kUnavailable);
}

TEST_P(StorageTest, WriteEachKeepsOrderAndIsolatesAFailure) {
    MigrateItems();
    std::vector<Database::WriteFunction> writes;
    const std::vector<std::int64_t> ids = {1, 2, 1, 3};  // the third collides with the first
    for (std::size_t write_idx = 0; write_idx < ids.size(); ++write_idx) {
        writes.push_back([id = ids[write_idx], write_idx](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, name) VALUES (?, ?)",
                                              {id, Text("each-" + std::to_string(write_idx))}));
            return Ok();
        });
    }
    // A function that fails after writing: its own row goes, its neighbours' stay.
    writes.push_back([](Transaction& tx) -> Status {
        DICTRA_RETURN_IF_ERROR(
            tx.Execute("INSERT INTO items (id, name) VALUES (?, ?)", {std::int64_t{4}, Text("x")}));
        return Error::InvalidArgument("changed its mind");
    });
    std::vector<Status> statuses = WriteEach(*db_, std::move(writes));
    ASSERT_EQ(statuses.size(), 5u);
    EXPECT_TRUE(statuses[0].ok());
    EXPECT_TRUE(statuses[1].ok());
    ASSERT_FALSE(statuses[2].ok());
    EXPECT_EQ(statuses[2].error().code, ErrorCode::kAlreadyExists);
    EXPECT_TRUE(statuses[3].ok());
    ASSERT_FALSE(statuses[4].ok());
    EXPECT_EQ(statuses[4].error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(CountItems(), 3);
    EXPECT_FALSE(ItemExists(4));
    EXPECT_TRUE(WriteEach(*db_, {}).empty());
}

TEST_P(StorageTest, UniqueViolationIsAlreadyExists) {
    MigrateItems();
    ASSERT_TRUE(InsertItem(1, "a").ok());
    Status same_id = InsertItem(1, "b");
    ASSERT_FALSE(same_id.ok());
    EXPECT_EQ(same_id.error().code, ErrorCode::kAlreadyExists) << same_id.error().message;
    Status same_name = InsertItem(2, "a");
    ASSERT_FALSE(same_name.ok());
    EXPECT_EQ(same_name.error().code, ErrorCode::kAlreadyExists) << same_name.error().message;
    EXPECT_EQ(CountItems(), 1);
}

TEST_P(StorageTest, WrongUsageIsAnErrorNotACrash) {
    MigrateItems();
    Status too_few = db_->Write([](Transaction& tx) -> Status {
        DICTRA_RETURN_IF_ERROR(
            tx.Execute("INSERT INTO items (id, name) VALUES (?, ?)", {std::int64_t{1}}));
        return Ok();
    });
    ASSERT_FALSE(too_few.ok());
    EXPECT_EQ(too_few.error().code, ErrorCode::kInvalidArgument);
    Status bad_sql = db_->Read([](Connection& connection) -> Status {
        DICTRA_RETURN_IF_ERROR(connection.Query("SELEC nonsense"));
        return Ok();
    });
    ASSERT_FALSE(bad_sql.ok());
    EXPECT_EQ(bad_sql.error().code, ErrorCode::kInternal);
    Status write_in_read = db_->Read([](Connection& connection) -> Status {
        DICTRA_RETURN_IF_ERROR(connection.Query("INSERT INTO items (id) VALUES (1)"));
        return Ok();
    });
    EXPECT_FALSE(write_in_read.ok());
    Status threw = db_->Write([](Transaction&) -> Status { throw std::runtime_error("boom"); });
    ASSERT_FALSE(threw.ok());
    EXPECT_EQ(threw.error().code, ErrorCode::kInternal);
    EXPECT_EQ(CountItems(), 0);
}

TEST_P(StorageTest, FailedWriteInAGroupDoesNotRollBackItsNeighbours) {
    MigrateItems();
    constexpr int kThreads = 32;
    constexpr int kWritesPerThread = 40;
    std::vector<std::thread> threads;
    std::atomic<int> wrong_outcomes{0};
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            for (int write_idx = 0; write_idx < kWritesPerThread; ++write_idx) {
                const std::int64_t id = thread_idx * 1000 + write_idx;
                // Every third write inserts its row and then fails (a business rule said no);
                // every fifth collides on the unique name of the thread's first row.
                const bool fail_after_insert = write_idx % 3 == 1;
                const bool collide = write_idx % 5 == 4;
                Status status = db_->Write([&](Transaction& tx) -> Status {
                    const std::string name = collide ? "t" + std::to_string(thread_idx) + "-0"
                                                     : "t" + std::to_string(thread_idx) + "-" +
                                                           std::to_string(write_idx);
                    DICTRA_RETURN_IF_ERROR(
                        tx.Execute("INSERT INTO items (id, name) VALUES (?, ?)", {id, Text(name)}));
                    if (fail_after_insert) return Error::FailedPrecondition("rule said no");
                    return Ok();
                });
                const bool should_succeed = !fail_after_insert && !collide;
                if (status.ok() != should_succeed) ++wrong_outcomes;
                if (collide && !fail_after_insert &&
                    (status.ok() || status.error().code != ErrorCode::kAlreadyExists)) {
                    ++wrong_outcomes;
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong_outcomes.load(), 0);
    int expected = 0;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        for (int write_idx = 0; write_idx < kWritesPerThread; ++write_idx) {
            const bool should_exist = write_idx % 3 != 1 && write_idx % 5 != 4;
            expected += should_exist ? 1 : 0;
            ASSERT_EQ(ItemExists(thread_idx * 1000 + write_idx), should_exist)
                << thread_idx << "/" << write_idx;
        }
    }
    EXPECT_EQ(CountItems(), expected);
}

TEST_P(StorageTest, AFailedFirstWriteOfAGroupLeavesTheRestOfTheGroupIntact) {
    // The first write of a group runs without a savepoint (nothing else is in its transaction):
    // when it fails, the writer rolls back and begins again for the others.
    MigrateItems();
    std::promise<void> holding;
    std::promise<void> release;
    std::thread holder([&] {
        // Holds the writer longer than write_wait_max_us, so the writes queued meanwhile make a
        // group of their own, in queue order.
        Status held = db_->Write([&](Transaction&) -> Status {
            holding.set_value();
            release.get_future().wait();
            return Ok();
        });
        EXPECT_TRUE(held.ok());
    });
    holding.get_future().wait();
    std::promise<Status> fails;
    std::promise<Status> succeeds;
    std::promise<Status> throws_later;
    const auto insert = [](std::int64_t id) {
        return [id](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, name) VALUES (?, ?)",
                                              {id, Text("item-" + std::to_string(id))}));
            return Ok();
        };
    };
    db_->WriteAsync(
        [&](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(insert(1)(tx));
            return Error::FailedPrecondition("rule said no");
        },
        [&](Status status) { fails.set_value(std::move(status)); });
    db_->WriteAsync(insert(2), [&](Status status) { succeeds.set_value(std::move(status)); });
    db_->WriteAsync(
        [&](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(insert(3)(tx));
            throw std::runtime_error("boom");
        },
        [&](Status status) { throws_later.set_value(std::move(status)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    release.set_value();
    holder.join();

    const Status failed = fails.get_future().get();
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_TRUE(succeeds.get_future().get().ok());
    EXPECT_EQ(throws_later.get_future().get().error().code, ErrorCode::kInternal);
    EXPECT_FALSE(ItemExists(1));
    EXPECT_TRUE(ItemExists(2));
    EXPECT_FALSE(ItemExists(3));
    EXPECT_EQ(CountItems(), 1);
}

TEST_P(StorageTest, ReadersAreNotBlockedByAnOpenWriteGroup) {
    MigrateItems();
    std::promise<void> inside_write;
    std::promise<void> release_write;
    auto write = std::async(std::launch::async, [&] {
        return db_->Write([&](Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id, name) VALUES (1, 'held')"));
            inside_write.set_value();
            release_write.get_future().wait();
            return Ok();
        });
    });
    inside_write.get_future().wait();
    // The group is open and holds an uncommitted row: readers go on and do not see it.
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(CountItems(), 0);
    EXPECT_TRUE(db_->Ping().ok());
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    release_write.set_value();
    ASSERT_TRUE(write.get().ok());
    EXPECT_EQ(CountItems(), 1);
}

TEST_P(StorageTest, CloseDrainsAcceptedWritesAndRefusesLaterOnes) {
    MigrateItems();
    constexpr int kThreads = 16;
    constexpr int kWritesPerThread = 30;
    std::vector<std::vector<ErrorCode>> outcomes(kThreads);
    std::vector<std::vector<bool>> ok(kThreads, std::vector<bool>(kWritesPerThread, false));
    std::latch started(kThreads + 1);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            started.arrive_and_wait();
            for (int write_idx = 0; write_idx < kWritesPerThread; ++write_idx) {
                Status status = InsertItem(thread_idx * 1000 + write_idx,
                                           "n" + std::to_string(thread_idx * 1000 + write_idx));
                ok[thread_idx][write_idx] = status.ok();
                if (!status.ok()) outcomes[thread_idx].push_back(status.error().code);
            }
        });
    }
    started.arrive_and_wait();
    std::this_thread::sleep_for(5ms);
    db_->Close();
    for (auto& thread : threads) thread.join();
    db_->Close();  // twice is fine
    for (const auto& codes : outcomes) {
        for (ErrorCode code : codes) EXPECT_EQ(code, ErrorCode::kUnavailable);
    }
    EXPECT_EQ(db_->Ping().error().code, ErrorCode::kUnavailable);
    EXPECT_FALSE(InsertItem(99999, "late").ok());
    if (GetParam() == Backend::kSqliteMemory) return;  // nothing left to reopen
    Reopen();
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        for (int write_idx = 0; write_idx < kWritesPerThread; ++write_idx) {
            // Every write that said ok is stored; every refused one is not.
            ASSERT_EQ(ItemExists(thread_idx * 1000 + write_idx), ok[thread_idx][write_idx]);
        }
    }
}

TEST_P(StorageTest, PingAnswers) {
    EXPECT_TRUE(db_->Ping().ok());
}

TEST(OpenDatabase, RejectsUnknownSchemes) {
    for (std::string_view url : {"mysql://localhost/x", "sqlite:", "", "file:/tmp/x.db"}) {
        auto opened = OpenDatabase(url, {});
        ASSERT_FALSE(opened.ok()) << url;
        EXPECT_EQ(opened.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST(OpenDatabase, UnreachablePostgresIsUnavailable) {
    auto opened = OpenDatabase("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", {});
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace dictra::db
