// A crash in the middle of the schedule runner's work: the process is SIGKILLed while it is
// running a backlog of due schedules, then restarted. Every slot must have run exactly once:
// one payment per schedule, run_count 1 everywhere, nothing lost and nothing doubled.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

constexpr int kSchedules = 300;

class SettlementScheduleRestartTest : public ::testing::Test {
 protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("dictra-restart-" + NewUuidV4());
        std::filesystem::create_directories(dir_);
        token_ =
            DictraProcess::Token("ops@bank.com", " --jwt-secret " + std::string(kTestJwtSecret));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // Starts settlement on the shared database; poll_ms 0 keeps the runner off.
    std::unique_ptr<DictraProcess> Start(int poll_ms) {
        auto process = std::make_unique<DictraProcess>();
        auto started = process->Start({"--only", "settlement", "--db", "sqlite:" + Db(),
                                       "--schedule-poll-ms", std::to_string(poll_ms)},
                                      {}, 1);
        EXPECT_TRUE(started.ok()) << started.error().message;
        client_ = std::make_unique<HttpClient>(process->Port("settlement"));
        return process;
    }
    std::string Db() const { return (dir_ / "dictra.db").string(); }

    // Runs committed so far, read straight from the database file (read-only, beside the live
    // process: WAL lets it) so the test can strike while the runner is busy; -1 on trouble.
    std::int64_t CommittedRuns() const {
        sqlite3* db = nullptr;
        std::int64_t runs = -1;
        if (sqlite3_open_v2(Db().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
            sqlite3_busy_timeout(db, 1000);
            sqlite3_stmt* statement = nullptr;
            if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM settlement_schedule_runs", -1,
                                   &statement, nullptr) == SQLITE_OK &&
                sqlite3_step(statement) == SQLITE_ROW)
                runs = sqlite3_column_int64(statement, 0);
            sqlite3_finalize(statement);
        }
        sqlite3_close(db);
        return runs;
    }

    boost::json::object Call(const std::string& method, const std::string& target,
                             const std::string& body = {}) {
        auto response = client_->Send(
            method, target,
            {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}}, body);
        EXPECT_TRUE(response.ok());
        if (!response.ok() || response->body.empty()) return {};
        return boost::json::parse(response->body).as_object();
    }
    std::int64_t Total(const std::string& target) {
        return Call("GET", target).at("pagination").at("total").as_int64();
    }
    // Schedules whose one slot has run.
    std::int64_t SchedulesRun() {
        std::int64_t ran = 0;
        for (std::int64_t offset = 0; offset < kSchedules; offset += 100) {
            auto page = Call("GET", "/api/v1/schedules?limit=100&offset=" + std::to_string(offset));
            for (const auto& schedule : page.at("data").as_array()) {
                EXPECT_LE(schedule.at("run_count").as_int64(), 1);
                ran += schedule.at("run_count").as_int64();
            }
        }
        return ran;
    }

    std::filesystem::path dir_;
    std::string token_;
    std::unique_ptr<HttpClient> client_;
};

TEST_F(SettlementScheduleRestartTest, ACrashWhileRunningDueSchedulesRunsEverySlotExactlyOnce) {
    // A backlog of due ONCE schedules, made while no runner is up.
    {
        auto process = Start(0);
        auto payment = Call("POST", "/api/v1/payments", R"({
          "amount": 2500, "debtor_ispb": "12345678", "debtor_document": "12345678901",
          "debtor_account_no": "1", "debtor_account_type": "CACC", "creditor_ispb": "87654321",
          "creditor_document": "98765432100", "creditor_account_no": "2",
          "creditor_account_type": "CACC"})");
        const std::string today =
            FormatIsoDate(UtcDate(std::chrono::time_point_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now())));
        const std::string body =
            R"({"payment_request_id": )" + std::to_string(payment.at("id").as_int64()) +
            R"(, "type": "ONCE", "scheduled_date": ")" + today + R"(", "scheduled_time": "00:00"})";
        for (int schedule_idx = 0; schedule_idx < kSchedules; ++schedule_idx)
            ASSERT_EQ(Call("POST", "/api/v1/schedules", body).at("status"), "ACTIVE");
        EXPECT_EQ(Total("/api/v1/schedules?is_due=true"), kSchedules);
        process->Signal(SIGTERM);
        ASSERT_EQ(process->Wait(std::chrono::seconds(30)), 0);
    }
    // The runner starts on the backlog and is killed as soon as it has committed a run.
    {
        auto process = Start(50);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (CommittedRuns() < 1 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        process->Signal(SIGKILL);
        process->Wait(std::chrono::seconds(30));
    }
    // Half done: some slots ran, not all (else the kill came too late to test anything).
    {
        auto process = Start(0);
        const std::int64_t ran = SchedulesRun();
        EXPECT_GT(ran, 0);
        EXPECT_LT(ran, kSchedules) << "the runner finished before the kill; raise kSchedules";
        EXPECT_EQ(Total("/api/v1/payments"), 1 + ran);
        process->Signal(SIGTERM);
        ASSERT_EQ(process->Wait(std::chrono::seconds(30)), 0);
    }
    // Restarted, the runner finishes the rest: each slot once, one payment each.
    auto process = Start(50);
    for (int attempt = 0; attempt < 600 && Total("/api/v1/schedules?is_due=true") > 0; ++attempt)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(Total("/api/v1/schedules?is_due=true"), 0);
    EXPECT_EQ(Total("/api/v1/schedules?status=COMPLETED"), kSchedules);
    EXPECT_EQ(SchedulesRun(), kSchedules);
    EXPECT_EQ(Total("/api/v1/payments"), 1 + kSchedules);
    std::set<std::int64_t> payments;
    for (std::int64_t offset = 0; offset < kSchedules; offset += 100) {
        auto page = Call("GET", "/api/v1/schedules?limit=100&offset=" + std::to_string(offset));
        for (const auto& schedule : page.at("data").as_array())
            payments.insert(schedule.at("last_payment_request_id").as_int64());
    }
    EXPECT_EQ(payments.size(), static_cast<std::size_t>(kSchedules));
}

}  // namespace
}  // namespace dictra::testing
