// Settlement schedules against the real binary: every endpoint of the document's "Schedules"
// section, the refused cases with their error bodies, and the runner making payments on time.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/time.hpp"
#include "e2e/settlement_fixture.hpp"

namespace dictra::testing {
namespace {

SystemTimePoint Now() {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
}

std::string Target(std::int64_t id, const std::string& suffix = "") {
    return "/api/v1/schedules/" + std::to_string(id) + suffix;
}

class SettlementSchedulesE2eTest : public SettlementE2eTest {
 protected:
    std::vector<std::string> ExtraArgs() const override { return {"--schedule-poll-ms", "50"}; }

    // The document's create example, far enough ahead that the runner leaves it alone.
    boost::json::object ScheduleBody(std::int64_t payment_request_id) {
        auto body = boost::json::parse(R"({
          "type": "MONTHLY", "scheduled_date": "2099-02-01", "scheduled_time": "10:00",
          "recurrence_end_date": "2099-12-31", "max_occurrences": 12, "day_of_month": 1
        })")
                        .as_object();
        body["payment_request_id"] = payment_request_id;
        return body;
    }
    boost::json::object CreateSchedule(const boost::json::object& body) {
        ClientResponse response = Send("POST", "/api/v1/schedules", boost::json::serialize(body));
        EXPECT_EQ(response.status, 201) << response.body;
        return response.status == 201 ? ParseBody(response) : boost::json::object{};
    }
    // Polls GET until `done` holds for the schedule (the runner works in the background).
    boost::json::object WaitForSchedule(
        std::int64_t id, const std::function<bool(const boost::json::object&)>& done) {
        boost::json::object body;
        for (int attempt = 0; attempt < 200; ++attempt) {
            body = ParseBody(Send("GET", Target(id)));
            if (done(body)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return body;
    }
};

TEST_F(SettlementSchedulesE2eTest, CreateAnswersTheDocumentedResource) {
    const std::int64_t payment_id = CreatePayment();
    boost::json::object created = CreateSchedule(ScheduleBody(payment_id));
    EXPECT_GT(created.at("id").as_int64(), 0);
    EXPECT_EQ(created.at("unique_id").as_string().size(), 36u);
    EXPECT_EQ(created.at("payment_request_id"), payment_id);
    EXPECT_EQ(created.at("type"), "MONTHLY");
    EXPECT_EQ(created.at("scheduled_date"), "2099-02-01");
    EXPECT_EQ(created.at("scheduled_time"), "10:00");
    EXPECT_EQ(created.at("recurrence_end_date"), "2099-12-31");
    EXPECT_EQ(created.at("max_occurrences"), 12);
    EXPECT_EQ(created.at("day_of_month"), 1);
    EXPECT_EQ(created.at("status"), "ACTIVE");
    EXPECT_EQ(created.at("next_run_at"), "2099-02-01T10:00:00Z");
    EXPECT_EQ(created.at("run_count"), 0);
    EXPECT_EQ(created.at("fail_count"), 0);
    EXPECT_TRUE(created.at("created_at").as_string().ends_with("Z"));
    EXPECT_EQ(created.at("updated_at"), created.at("created_at"));

    ClientResponse got = Send("GET", Target(created.at("id").as_int64()));
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(ParseBody(got), created);
}

TEST_F(SettlementSchedulesE2eTest, EveryBadFieldIsAValidationErrorNamingIt) {
    const std::int64_t payment_id = CreatePayment();
    struct Case {
        const char* field;
        boost::json::value value;
    };
    const std::vector<Case> cases = {
        {"payment_request_id", 999999},
        {"payment_request_id", "12"},
        {"payment_request_id", -1},
        {"type", "YEARLY"},
        {"type", nullptr},
        {"scheduled_date", "2099-02-30"},
        {"scheduled_date", "01/02/2099"},
        {"scheduled_time", "24:00"},
        {"scheduled_time", "10h"},
        {"recurrence_end_date", "2099-01-31"},
        {"max_occurrences", 0},
        {"max_occurrences", 1.5},
        {"day_of_month", 32},
        {"day_of_month", nullptr},
        {"day_of_week", 3},
    };
    for (const Case& bad : cases) {
        boost::json::object body = ScheduleBody(payment_id);
        body[bad.field] = bad.value;
        ClientResponse response = Send("POST", "/api/v1/schedules", boost::json::serialize(body));
        SCOPED_TRACE(std::string(bad.field) + " = " + boost::json::serialize(bad.value));
        ExpectError(response, 400, "VALIDATION_ERROR", bad.field);
    }
    boost::json::object weekly = ScheduleBody(payment_id);
    weekly["type"] = "WEEKLY";
    weekly.erase("day_of_month");
    ExpectError(Send("POST", "/api/v1/schedules", boost::json::serialize(weekly)), 400,
                "VALIDATION_ERROR", "day_of_week");
    weekly["day_of_week"] = 7;
    ExpectError(Send("POST", "/api/v1/schedules", boost::json::serialize(weekly)), 400,
                "VALIDATION_ERROR", "day_of_week");
    ExpectError(Send("POST", "/api/v1/schedules", "{not json"), 400, "VALIDATION_ERROR", "JSON");
    ExpectError(Send("POST", "/api/v1/schedules", "[]"), 400, "VALIDATION_ERROR", "object");
    EXPECT_EQ(ParseBody(Send("GET", "/api/v1/schedules")).at("pagination").at("total"), 0);
}

TEST_F(SettlementSchedulesE2eTest, UnknownAndMalformedIdsGetTheDocumentedBodies) {
    for (std::string method : {"GET", "PUT", "DELETE"}) {
        ClientResponse response = Send(method, Target(424242), method == "PUT" ? "{}" : "");
        EXPECT_EQ(response.status, 404) << method;
        EXPECT_EQ(response.body,
                  R"({"error":{"code":"NOT_FOUND","message":"schedule not found"}})");
    }
    ExpectError(Send("PUT", Target(424242, "/pause")), 404, "NOT_FOUND", "schedule not found");
    ExpectError(Send("PUT", Target(424242, "/resume")), 404, "NOT_FOUND", "schedule not found");
    for (std::string id : {"abc", "0", "-1", "1.5", "99999999999999999999"}) {
        ExpectError(Send("GET", "/api/v1/schedules/" + id), 400, "VALIDATION_ERROR", "id");
    }
    for (std::string query : {"status=DONE", "type=YEARLY", "is_due=maybe", "limit=0", "limit=101",
                              "limit=-1", "limit=ten", "offset=-1", "offset=x"}) {
        ClientResponse response = Send("GET", "/api/v1/schedules?" + query);
        SCOPED_TRACE(query);
        ExpectError(response, 400, "VALIDATION_ERROR", query.substr(0, query.find('=')));
    }
}

TEST_F(SettlementSchedulesE2eTest, UpdatePauseResumeAndCancelFollowTheLifecycle) {
    const std::int64_t id = CreateSchedule(ScheduleBody(CreatePayment())).at("id").as_int64();

    ClientResponse updated = Send("PUT", Target(id), R"({
      "scheduled_date": "2099-02-15", "scheduled_time": "14:00",
      "recurrence_end_date": "2099-06-30", "max_occurrences": 6, "day_of_month": 15})");
    ASSERT_EQ(updated.status, 200) << updated.body;
    auto body = ParseBody(updated);
    EXPECT_EQ(body.at("id"), id);
    EXPECT_EQ(body.at("scheduled_date"), "2099-02-15");
    EXPECT_EQ(body.at("scheduled_time"), "14:00");
    EXPECT_EQ(body.at("recurrence_end_date"), "2099-06-30");
    EXPECT_EQ(body.at("max_occurrences"), 6);
    EXPECT_EQ(body.at("next_run_at"), "2099-02-15T14:00:00Z");
    EXPECT_TRUE(body.at("updated_at").as_string().ends_with("Z"));
    ExpectError(Send("PUT", Target(id), R"({"scheduled_time": "7pm"})"), 400, "VALIDATION_ERROR",
                "scheduled_time");
    ExpectError(Send("PUT", Target(id), R"({"max_occurrences": "six"})"), 400, "VALIDATION_ERROR",
                "max_occurrences");

    ClientResponse paused = Send("PUT", Target(id, "/pause"));
    ASSERT_EQ(paused.status, 200) << paused.body;
    EXPECT_EQ(ParseBody(paused).at("status"), "PAUSED");
    ExpectError(Send("PUT", Target(id, "/pause")), 400, "INVALID_TRANSITION", "PAUSED");
    EXPECT_EQ(
        ParseBody(Send("GET", "/api/v1/schedules?status=PAUSED")).at("pagination").at("total"), 1);

    ClientResponse resumed = Send("PUT", Target(id, "/resume"));
    ASSERT_EQ(resumed.status, 200) << resumed.body;
    EXPECT_EQ(ParseBody(resumed).at("status"), "ACTIVE");
    EXPECT_EQ(ParseBody(resumed).at("next_run_at"), "2099-02-15T14:00:00Z");
    ExpectError(Send("PUT", Target(id, "/resume")), 400, "INVALID_TRANSITION", "ACTIVE");

    ClientResponse cancelled = Send("DELETE", Target(id));
    EXPECT_EQ(cancelled.status, 204) << cancelled.body;
    EXPECT_EQ(cancelled.body, "");
    auto after = ParseBody(Send("GET", Target(id)));
    EXPECT_EQ(after.at("status"), "CANCELLED");
    EXPECT_TRUE(after.at("next_run_at").is_null());
    ExpectError(Send("DELETE", Target(id)), 400, "INVALID_TRANSITION", "CANCELLED");
    ExpectError(Send("PUT", Target(id, "/resume")), 400, "INVALID_TRANSITION", "CANCELLED");
    ExpectError(Send("PUT", Target(id), R"({"max_occurrences": 2})"), 400, "INVALID_TRANSITION",
                "CANCELLED");
}

TEST_F(SettlementSchedulesE2eTest, ListFiltersAndPaginates) {
    const std::int64_t payment_id = CreatePayment();
    const std::int64_t monthly = CreateSchedule(ScheduleBody(payment_id)).at("id").as_int64();
    boost::json::object daily_body = ScheduleBody(payment_id);
    daily_body["type"] = "DAILY";
    daily_body.erase("day_of_month");
    const std::int64_t daily = CreateSchedule(daily_body).at("id").as_int64();
    ASSERT_EQ(Send("PUT", Target(daily, "/pause")).status, 200);

    auto ids = [&](const std::string& query) {
        auto body = ParseBody(Send("GET", "/api/v1/schedules" + query));
        std::vector<std::int64_t> found;
        for (const auto& item : body.at("data").as_array())
            found.push_back(item.at("id").as_int64());
        return found;
    };
    EXPECT_EQ(ids(""), (std::vector<std::int64_t>{daily, monthly}));
    EXPECT_EQ(ids("?type=MONTHLY"), (std::vector<std::int64_t>{monthly}));
    EXPECT_EQ(ids("?status=ACTIVE&type=MONTHLY&is_due=false&limit=20&offset=0"),
              (std::vector<std::int64_t>{monthly}));
    EXPECT_EQ(ids("?is_due=true"), (std::vector<std::int64_t>{}));
    EXPECT_EQ(ids("?limit=1&offset=1"), (std::vector<std::int64_t>{monthly}));
    auto page = ParseBody(Send("GET", "/api/v1/schedules?limit=1&offset=1"));
    EXPECT_EQ(page.at("pagination").at("total"), 2);
    EXPECT_EQ(page.at("pagination").at("page"), 1);
    EXPECT_EQ(page.at("pagination").at("page_size"), 1);
}

TEST_F(SettlementSchedulesE2eTest, TheRunnerMakesADueSchedulesPayment) {
    const std::int64_t payment_id = CreatePayment();
    const std::string today = FormatIsoDate(UtcDate(Now()));
    boost::json::object body = ScheduleBody(payment_id);
    body["type"] = "DAILY";
    body["scheduled_date"] = today;
    body["scheduled_time"] = "00:00";
    body.erase("day_of_month");
    body.erase("recurrence_end_date");
    const std::int64_t id = CreateSchedule(body).at("id").as_int64();

    auto ran = WaitForSchedule(id, [](const auto& s) { return s.at("run_count") == 1; });
    ASSERT_EQ(ran.at("run_count"), 1) << boost::json::serialize(ran);
    EXPECT_EQ(ran.at("status"), "ACTIVE");
    EXPECT_TRUE(ran.at("last_run_at").is_string());
    // The next slot is tomorrow at 00:00, not another run for today.
    const auto tomorrow = UtcDate(Now() + std::chrono::hours(24));
    EXPECT_EQ(ran.at("next_run_at"), boost::json::value(FormatIsoDate(tomorrow) + "T00:00:00Z"));

    ClientResponse made = Send(
        "GET", "/api/v1/payments/" + std::to_string(ran.at("last_payment_request_id").as_int64()));
    ASSERT_EQ(made.status, 200) << made.body;
    auto payment = ParseBody(made);
    EXPECT_EQ(payment.at("status"), "PENDING");
    EXPECT_EQ(payment.at("amount"), 15000);
    EXPECT_EQ(payment.at("creditor_account_no"), "654321");
    EXPECT_EQ(ParseBody(Send("GET", "/api/v1/payments")).at("pagination").at("total"), 2);
}

TEST_F(SettlementSchedulesE2eTest, AScheduledPaymentBecomesPendingWhenItsDateComes) {
    boost::json::object body = ValidBody();
    body["scheduled_date"] = FormatRfc3339(Now() + std::chrono::seconds(2));
    const std::int64_t id = CreatePayment(body);
    const std::string target = "/api/v1/payments/" + std::to_string(id);
    EXPECT_EQ(ParseBody(Send("GET", target)).at("status"), "SCHEDULED");
    ExpectError(Put(id, "PROCESSING"), 400, "INVALID_TRANSITION", "SCHEDULED");
    std::string status;
    for (int attempt = 0; attempt < 100 && status != "PENDING"; ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        status = std::string(ParseBody(Send("GET", target)).at("status").as_string());
    }
    EXPECT_EQ(status, "PENDING");
    MoveTo(id, "PROCESSING");
}

}  // namespace
}  // namespace dictra::testing
