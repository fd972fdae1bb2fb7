// What only SQLite has: pragmas, a file that outlives the process, parent directories.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/db/database.hpp"

namespace dictra::db {
namespace {

const Migration kNotesMigrations[] = {
    {.version = 1,
     .name = "notes",
     .sql = "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"}};

class SqliteFileTest : public testing::Test {
 protected:
    void SetUp() override {
        std::random_device device;
        dir_ = std::filesystem::temp_directory_path() /
               ("dictra-sqlite-test-" + std::to_string(device()));
        path_ = dir_ / "a" / "b" / "dictra.db";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<Database> Open() {
        auto opened = OpenDatabase("sqlite:" + path_.string(), {});
        EXPECT_TRUE(opened.ok()) << opened.error().message;
        return opened.ok() ? std::move(opened).value() : nullptr;
    }

    std::filesystem::path dir_;
    std::filesystem::path path_;
};

// synchronous=NORMAL: the COMMIT does not fsync; the group-commit writer's flusher does, before
// the group is answered (group_commit_test.cpp; AnsweredWritesAreInTheFilesWhileStillOpen).
TEST_F(SqliteFileTest, WriterConnectionRunsWalNormalSynchronousAndForeignKeys) {
    auto db = Open();
    ASSERT_NE(db, nullptr);
    EXPECT_TRUE(std::filesystem::exists(path_));  // parent directories were created
    auto pragmas = db->Write([](Transaction& tx) -> Result<std::vector<std::string>> {
        std::vector<std::string> out;
        for (const char* pragma :
             {"PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA foreign_keys"}) {
            DICTRA_ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(pragma));
            out.push_back(DebugString(rows.at(0).Get(0)));
        }
        return out;
    });
    ASSERT_TRUE(pragmas.ok()) << pragmas.error().message;
    EXPECT_EQ(*pragmas, (std::vector<std::string>{"'wal'", "1", "1"}));

    // Readers see WAL too, and enforce foreign keys in their own queries.
    auto reader_mode = db->Read([](Connection& connection) -> Result<std::string> {
        DICTRA_ASSIGN_OR_RETURN(std::vector<Row> rows, connection.Query("PRAGMA journal_mode"));
        return rows.at(0).GetText(0);
    });
    ASSERT_TRUE(reader_mode.ok());
    EXPECT_EQ(*reader_mode, "wal");
}

TEST_F(SqliteFileTest, ForeignKeysAreEnforced) {
    auto db = Open();
    ASSERT_NE(db, nullptr);
    const Migration migrations[] = {{.version = 1,
                                     .name = "parent and child",
                                     .sql = "CREATE TABLE parent (id BIGINT PRIMARY KEY);"
                                            "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id "
                                            "BIGINT NOT NULL REFERENCES parent (id))"}};
    ASSERT_TRUE(db->Migrate("test", migrations).ok());
    Status orphan = db->Write([](Transaction& tx) -> Status {
        DICTRA_RETURN_IF_ERROR(tx.Execute("INSERT INTO child (id, parent_id) VALUES (1, 42)"));
        return Ok();
    });
    ASSERT_FALSE(orphan.ok());
    EXPECT_EQ(orphan.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteFileTest, DataSurvivesCloseAndReopen) {
    {
        auto db = Open();
        ASSERT_NE(db, nullptr);
        ASSERT_TRUE(db->Migrate("test", kNotesMigrations).ok());
        ASSERT_TRUE(db->Write([](Transaction& tx) -> Status {
                          DICTRA_RETURN_IF_ERROR(
                              tx.Execute("INSERT INTO notes VALUES (1, ?)", {Text("kept")}));
                          return Ok();
                      }).ok());
        // No explicit Close(): the destructor closes.
    }
    auto db = Open();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Migrate("test", kNotesMigrations).ok());  // already applied: no-op
    auto body = db->Read([](Connection& connection) -> Result<std::string> {
        DICTRA_ASSIGN_OR_RETURN(std::optional<Row> row,
                                connection.QueryFirst("SELECT body FROM notes WHERE id = 1"));
        if (!row) return Error::NotFound("note 1");
        return row->GetText("body");
    });
    ASSERT_TRUE(body.ok()) << body.error().message;
    EXPECT_EQ(*body, "kept");
}

// What a crash leaves: the files as they are while the database is still open (no close, no
// final checkpoint). Every answered write must be in them, and SQLite must read them as a
// consistent database: the WAL replayed up to its last whole commit.
TEST_F(SqliteFileTest, AnsweredWritesAreInTheFilesWhileStillOpen) {
    auto db = Open();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Migrate("test", kNotesMigrations).ok());
    constexpr int kNotes = 300;
    std::vector<std::thread> writers;
    std::atomic<int> answered{0};
    for (int thread_idx = 0; thread_idx < 4; ++thread_idx) {
        writers.emplace_back([&, thread_idx] {
            for (int n = thread_idx; n < kNotes; n += 4) {
                Status written = db->Write([n](Transaction& tx) -> Status {
                    DICTRA_RETURN_IF_ERROR(
                        tx.Execute("INSERT INTO notes VALUES (?, 'x')", {std::int64_t{n}}));
                    return Ok();
                });
                if (written.ok()) answered.fetch_add(1);
            }
        });
    }
    for (std::thread& writer : writers) writer.join();
    ASSERT_EQ(answered.load(), kNotes);

    const std::filesystem::path copy = dir_ / "crash" / "dictra.db";
    std::filesystem::create_directories(copy.parent_path());
    for (const char* suffix : {"", "-wal"}) {
        std::filesystem::copy_file(path_.string() + suffix, copy.string() + suffix);
    }
    auto reopened = OpenDatabase("sqlite:" + copy.string(), {});
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    auto count = (*reopened)->Read([](Connection& connection) -> Result<std::int64_t> {
        DICTRA_ASSIGN_OR_RETURN(std::vector<Row> rows,
                                connection.Query("SELECT COUNT(*) AS n FROM notes"));
        return rows.at(0).GetInt64("n");
    });
    ASSERT_TRUE(count.ok()) << count.error().message;
    EXPECT_EQ(*count, kNotes);
}

TEST_F(SqliteFileTest, OneStatementPerQuery) {
    auto db = Open();
    ASSERT_NE(db, nullptr);
    Status two = db->Read([](Connection& connection) -> Status {
        DICTRA_RETURN_IF_ERROR(connection.Query("SELECT 1; SELECT 2"));
        return Ok();
    });
    ASSERT_FALSE(two.ok());
    EXPECT_EQ(two.error().code, ErrorCode::kInvalidArgument);
}

TEST(SqliteMemoryTest, EachMemoryDatabaseIsPrivate) {
    auto first = OpenDatabase("sqlite::memory:", {});
    auto second = OpenDatabase("sqlite::memory:", {});
    ASSERT_TRUE(first.ok() && second.ok());
    const Migration migrations[] = {
        {.version = 1, .name = "t", .sql = "CREATE TABLE t (x BIGINT)"}};
    ASSERT_TRUE((*first)->Migrate("test", migrations).ok());
    auto seen = (*second)->Read([](Connection& connection) -> Result<std::int64_t> {
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<Row> rows,
            connection.Query("SELECT COUNT(*) FROM sqlite_master WHERE name = 't'"));
        return rows.at(0).GetInt64(0);
    });
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(*seen, 0);
}

TEST(SqliteMemoryTest, ALoneWriteDoesNotWaitForCompany) {
    // A group stays open for latecomers only while they keep coming; an idle writer commits at
    // once, however long write_wait_max_us is.
    DatabaseOptions options;
    options.write_wait_max_us = 10'000'000;
    auto db = OpenDatabase("sqlite::memory:", options);
    ASSERT_TRUE(db.ok());
    const auto started = std::chrono::steady_clock::now();
    for (int write_idx = 0; write_idx < 3; ++write_idx) {
        ASSERT_TRUE((*db)
                        ->Write([](Transaction& tx) -> Status {
                            DICTRA_RETURN_IF_ERROR(tx.Query("SELECT 1"));
                            return Ok();
                        })
                        .ok());
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(SqliteMemoryTest, WriteAfterCloseIsUnavailableAndCloseIsIdempotent) {
    auto db = OpenDatabase("sqlite::memory:", {});
    ASSERT_TRUE(db.ok());
    (*db)->Close();
    (*db)->Close();
    Status late = (*db)->Write([](Transaction&) -> Status { return Ok(); });
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::kUnavailable);
}

// Checkpoints run on their own thread: the writer's commits only report the WAL size, and the
// checkpointer copies the WAL into the database file without any write waiting for it.
TEST_F(SqliteFileTest, CheckpointerCopiesTheWalIntoTheDatabaseFileInTheBackground) {
    auto db = Open();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Write([](Transaction& tx) {
                      return tx.ExecuteScript("CREATE TABLE pages (id INTEGER PRIMARY KEY, body)");
                  }).ok());
    const auto file_size = [this] { return std::filesystem::file_size(path_); };
    const auto size_before = file_size();
    // ~12 MB in 4 KB rows: past the checkpointer's wake-up threshold of 2,000 WAL pages.
    const std::string body(4000, 'x');
    for (int group_idx = 0; group_idx < 30; ++group_idx) {
        ASSERT_TRUE(db->Write([&](Transaction& tx) -> Status {
                          for (int row_idx = 0; row_idx < 100; ++row_idx) {
                              DICTRA_RETURN_IF_ERROR(
                                  tx.Execute("INSERT INTO pages (body) VALUES (?)", {Text(body)}));
                          }
                          return Ok();
                      }).ok());
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (file_size() < size_before + 8'000'000 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_GE(file_size(), size_before + 8'000'000) << "the WAL was not checkpointed";
}

}  // namespace
}  // namespace dictra::db
