// Durable single-row inserts per second through the group-commit writer.
//
// SQLite on a real file with synchronous=FULL: every reported insert was fsynced (as part of its
// group) before Write() returned. Many threads write concurrently, as HTTP handlers would; the
// argument is write_batch_max, the most requests one COMMIT may carry.
//
//   build/<release dir>/db_bench --benchmark_filter=DurableInsert
//   DICTRA_BENCH_DIR=/some/disk  puts the database file there (default: the system temp dir)
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/check.hpp"
#include "core/db/database.hpp"

namespace {

using dictra::Ok;
using dictra::Status;
namespace db = dictra::db;

std::filesystem::path BenchPath() {
    const char* dir = std::getenv("DICTRA_BENCH_DIR");
    const std::filesystem::path base =
        dir != nullptr ? std::filesystem::path(dir) : std::filesystem::temp_directory_path();
    return base / ("dictra-db-bench-" + std::to_string(::getpid()) + ".db");
}

void RemoveFiles(const std::filesystem::path& path) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix, ignored);
}

constexpr db::Migration kMigrations[] = {
    {.version = 1,
     .name = "bench rows",
     .sql = "CREATE TABLE bench_payments (id BIGINT PRIMARY KEY, end_to_end_id TEXT NOT NULL, "
            "amount_centavos BIGINT NOT NULL)"}};

// Shared by the threads of one benchmark run; set up and torn down by thread 0 (the library
// starts and stops all threads' loops together).
std::unique_ptr<db::Database> g_database;
std::atomic<std::int64_t> g_next_id{1};
std::filesystem::path g_path;

void BM_DurableInsert(benchmark::State& state) {
    if (state.thread_index() == 0) {
        g_path = BenchPath();
        RemoveFiles(g_path);
        db::DatabaseOptions options;
        options.write_batch_max = static_cast<std::size_t>(state.range(0));
        auto opened = db::OpenDatabase("sqlite:" + g_path.string(), options);
        DICTRA_CHECK(opened.ok());
        g_database = std::move(opened).value();
        DICTRA_CHECK(g_database->Migrate("bench", kMigrations).ok());
        g_next_id = 1;
    }
    std::int64_t failures = 0;
    for (auto _ : state) {
        const std::int64_t id = g_next_id.fetch_add(1, std::memory_order_relaxed);
        Status status = g_database->Write([id](db::Transaction& tx) -> Status {
            DICTRA_RETURN_IF_ERROR(tx.Execute(
                "INSERT INTO bench_payments (id, end_to_end_id, amount_centavos) VALUES (?, ?, ?)",
                {id, db::Text("E1234567820240501123400000000" + std::to_string(id)),
                 std::int64_t{10'000}}));
            return Ok();
        });
        if (!status.ok()) ++failures;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["failures"] =
        benchmark::Counter(static_cast<double>(failures), benchmark::Counter::kAvgThreads);
    if (state.thread_index() == 0) {
        g_database->Close();
        g_database.reset();
        RemoveFiles(g_path);
    }
}

void DurableInsertArgs(benchmark::internal::Benchmark* bench) {
    bench->ArgName("write_batch_max")->UseRealTime()->MinTime(1.0);
    // Every argument runs at every thread count (Threads() adds to one list for the benchmark).
    for (int batch_max : {1, 8, 32, 128, 512, 1024}) bench->Arg(batch_max);
    bench->Threads(64)->Threads(256);
}
BENCHMARK(BM_DurableInsert)->Apply(DurableInsertArgs);

}  // namespace

BENCHMARK_MAIN();
