// DICT "Core DICT - Claims" and "Event Notifications" against the real binary: every endpoint,
// who may see and do what, the documented refusals, and claims (with their deadline jobs) that
// outlive a killed process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kBankA = "12345678";  // the donor
constexpr const char* kBankB = "87654321";  // the claimer
constexpr const char* kBankC = "11111111";  // neither
constexpr const char* kCpf = "52998224725";

boost::json::value Parse(const ClientResponse& response) {
    return boost::json::parse(response.body);
}
boost::json::object Body(const ClientResponse& response) {
    return Parse(response).as_object();
}

boost::json::object CpfEntry() {
    return boost::json::parse(R"({
      "keyType": "CPF", "key": "52998224725", "ownerType": "NATURAL_PERSON",
      "ownerTaxId": "52998224725", "ownerName": "João Silva",
      "branch": "0001", "accountNumber": "123456", "accountType": "CACC"
    })")
        .as_object();
}

// The document's claim request with the CPF above: a portability.
boost::json::object CpfClaim() {
    return boost::json::parse(R"({
      "keyType": "CPF", "claimerTaxId": "52998224725", "claimerAccount": "654321",
      "claimerBranch": "0002", "claimerAccountType": "CACC", "claimerName": "João Silva",
      "claimerOwnerType": "NATURAL_PERSON"
    })")
        .as_object();
}

std::int64_t Seconds(const boost::json::value& rfc3339) {
    auto at = ParseRfc3339(std::string(rfc3339.as_string()));
    EXPECT_TRUE(at.ok()) << rfc3339;
    return at.ok()
               ? std::chrono::duration_cast<std::chrono::seconds>(at->time_since_epoch()).count()
               : 0;
}

class DictClaimsE2eTest : public ::testing::Test {
 protected:
    void SetUp() override { Start({}); }

    void Start(std::vector<std::string> extra) {
        process_ = std::make_unique<DictraProcess>();
        std::vector<std::string> args = {"--only", "dict"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto started = process_->Start(args, {}, 1);
        ASSERT_TRUE(started.ok()) << started.error().message;
        const std::string secret = " --jwt-secret " + std::string(kTestJwtSecret);
        for (const char* ispb : {kBankA, kBankB, kBankC}) {
            tokens_[ispb] = DictraProcess::Token(std::string("bank-") + ispb,
                                                 "--ispb " + std::string(ispb) + secret);
            ASSERT_FALSE(tokens_[ispb].empty());
        }
        client_ = std::make_unique<HttpClient>(process_->Port("dict"));
    }

    // `as` names the bank whose token and X-Participant-ISPB are sent ("" = no header).
    ClientResponse Send(const std::string& as, const std::string& method, const std::string& target,
                        const std::string& body = {}, Headers extra = {}) {
        extra.emplace_back("Authorization", "Bearer " + tokens_[as.empty() ? kBankA : as]);
        if (!as.empty()) extra.emplace_back("X-Participant-ISPB", as);
        extra.emplace_back("Content-Type", "application/json");
        auto response = client_->Send(method, target, std::move(extra), body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    ClientResponse Send(const std::string& as, const std::string& method, const std::string& target,
                        const boost::json::object& body) {
        return Send(as, method, target, boost::json::serialize(body));
    }

    void RegisterCpf() {
        ClientResponse created = Send(kBankA, "POST", "/api/v2/entries", CpfEntry());
        ASSERT_EQ(created.status, 201) << created.body;
    }
    boost::json::object OpenClaim() {
        ClientResponse created =
            Send(kBankB, "POST", std::string("/api/v2/entries/") + kCpf + "/claims", CpfClaim());
        EXPECT_EQ(created.status, 201) << created.body;
        return created.status == 201 ? Body(created) : boost::json::object{};
    }
    ClientResponse Patch(const std::string& as, const boost::json::object& claim,
                         const std::string& body) {
        return Send(as, "PATCH",
                    "/api/v2/entries/" + std::string(claim.at("keyValue").as_string()) +
                        "/claims/" + std::string(claim.at("claimId").as_string()),
                    body);
    }
    void ExpectError(const ClientResponse& response, int status, const std::string& code,
                     const std::string& message_part) {
        EXPECT_EQ(response.status, status) << response.body;
        auto body = Body(response);
        ASSERT_TRUE(body.contains("code") && body.contains("error")) << response.body;
        EXPECT_EQ(std::string(body.at("code").as_string()), code) << response.body;
        EXPECT_NE(std::string(body.at("error").as_string()).find(message_part), std::string::npos)
            << response.body;
    }

    std::unique_ptr<DictraProcess> process_;
    std::map<std::string, std::string> tokens_;
    std::unique_ptr<HttpClient> client_;
};

TEST_F(DictClaimsE2eTest, CreateAnswersTheDocumentsClaim) {
    RegisterCpf();
    auto claim = OpenClaim();
    EXPECT_TRUE(claim.at("id").is_int64());
    EXPECT_EQ(claim.at("claimId").as_string().size(), 11u);
    EXPECT_EQ(claim.at("type"), "PORTABILITY");
    EXPECT_EQ(claim.at("status"), "OPEN");
    EXPECT_EQ(claim.at("keyType"), "CPF");
    EXPECT_EQ(claim.at("keyValue"), kCpf);
    EXPECT_EQ(claim.at("donorIspb"), kBankA);
    EXPECT_EQ(claim.at("donorTaxId"), kCpf);
    EXPECT_EQ(claim.at("donorAccount"), "123456");
    EXPECT_EQ(claim.at("claimerIspb"), kBankB);
    EXPECT_EQ(claim.at("claimerTaxId"), kCpf);
    EXPECT_EQ(claim.at("claimerAccount"), "654321");
    EXPECT_EQ(claim.at("autoResolved"), false);
    const std::int64_t created = Seconds(claim.at("createdAt"));
    EXPECT_EQ(Seconds(claim.at("donorNotificationDate")) - created, 7 * 86400);
    EXPECT_EQ(Seconds(claim.at("donorDeadline")) - created, 14 * 86400);
    EXPECT_EQ(Seconds(claim.at("claimerDeadline")) - created, 30 * 86400);
    EXPECT_FALSE(claim.contains("confirmReason"));

    // One open claim per key.
    ExpectError(
        Send(kBankC, "POST", std::string("/api/v2/entries/") + kCpf + "/claims", CpfClaim()), 409,
        "CLAIM_EXISTS", "Active claim already exists for this key");
}

TEST_F(DictClaimsE2eTest, CreateRefusals) {
    RegisterCpf();
    const std::string target = std::string("/api/v2/entries/") + kCpf + "/claims";
    ExpectError(Send("", "POST", target, CpfClaim()), 400, "INVALID_REQUEST", "X-Participant-ISPB");
    auto evp = Send(kBankA, "POST", "/api/v2/entries",
                    R"({"keyType":"EVP","ownerType":"NATURAL_PERSON","ownerTaxId":"52998224725",
                        "ownerName":"João","branch":"0001","accountNumber":"1","accountType":"CACC"})");
    ASSERT_EQ(evp.status, 201) << evp.body;
    boost::json::object evp_claim = CpfClaim();
    evp_claim["keyType"] = "EVP";
    ExpectError(Send(kBankB, "POST",
                     "/api/v2/entries/" + std::string(Body(evp).at("key").as_string()) + "/claims",
                     evp_claim),
                400, "INVALID_KEY_TYPE", "EVP keys cannot be claimed");
    boost::json::object other_owner = CpfClaim();
    other_owner["claimerTaxId"] = "11144477735";
    ExpectError(Send(kBankB, "POST", target, other_owner), 400, "INVALID_OWNERSHIP",
                "claimerTaxId");
    boost::json::object no_branch = CpfClaim();
    no_branch.erase("claimerBranch");
    ExpectError(Send(kBankB, "POST", target, no_branch), 400, "INVALID_REQUEST", "claimerBranch");
    boost::json::object bad_branch = CpfClaim();
    bad_branch["claimerBranch"] = "2";
    ExpectError(Send(kBankB, "POST", target, bad_branch), 400, "INVALID_REQUEST", "claimerBranch");
    ExpectError(Send(kBankB, "POST", target, std::string("{not json")), 400, "INVALID_REQUEST",
                "JSON");
    ExpectError(Send(kBankB, "POST", "/api/v2/entries/11144477735/claims", CpfClaim()), 404,
                "NOT_FOUND", "key not found");
    ExpectError(Send(kBankA, "POST", target, CpfClaim()), 400, "INVALID_REQUEST", "key");
    // The token's ispb must be the header's.
    auto mismatch = client_->Send("POST", target,
                                  {{"Authorization", "Bearer " + tokens_[kBankC]},
                                   {"X-Participant-ISPB", kBankB},
                                   {"Content-Type", "application/json"}},
                                  boost::json::serialize(CpfClaim()));
    ASSERT_TRUE(mismatch.ok());
    ExpectError(*mismatch, 403, "FORBIDDEN", "X-Participant-ISPB");
    // Nothing was stored by the refusals.
    EXPECT_EQ(Body(Send(kBankB, "GET", "/api/v2/claims")).at("totalCount"), 0);
}

TEST_F(DictClaimsE2eTest, ConfirmCompleteMovesTheKey) {
    RegisterCpf();
    auto claim = OpenClaim();
    ClientResponse invalid = Patch(kBankA, claim, R"({"action":"APPROVE"})");
    EXPECT_EQ(invalid.status, 400);
    EXPECT_EQ(Body(invalid).at("error"), "Invalid action. Must be CONFIRM, CANCEL, or COMPLETE");
    EXPECT_EQ(Patch(kBankA, claim, R"({"reason":"x"})").status, 400);
    ExpectError(Patch(kBankB, claim, R"({"action":"CONFIRM"})"), 403, "FORBIDDEN", "donor");
    ExpectError(Patch(kBankB, claim, R"({"action":"COMPLETE"})"), 400, "INVALID_STATE",
                "CONFIRMED");
    ExpectError(Patch(kBankC, claim, R"({"action":"CANCEL"})"), 404, "NOT_FOUND",
                "claim not found");

    ClientResponse confirmed =
        Patch(kBankA, claim, R"({"action":"CONFIRM","reason":"Donor approved transfer"})");
    ASSERT_EQ(confirmed.status, 200) << confirmed.body;
    EXPECT_EQ(Body(confirmed).at("status"), "CONFIRMED");
    EXPECT_EQ(Body(confirmed).at("confirmReason"), "DONOR_CONFIRMED");
    EXPECT_EQ(Body(confirmed).at("autoResolved"), false);

    ClientResponse completed = Patch(kBankB, claim, R"({"action":"COMPLETE"})");
    ASSERT_EQ(completed.status, 200) << completed.body;
    EXPECT_EQ(Body(completed).at("status"), "COMPLETED");

    ClientResponse lookup =
        Send(kBankC, "GET", std::string("/api/v2/entries/") + kCpf + "?keyType=CPF", std::string(),
             {{"PI-PayerId", "user@example.com"}});
    ASSERT_EQ(lookup.status, 200) << lookup.body;
    auto entry = Body(lookup);
    EXPECT_EQ(entry.at("participantIspb"), kBankB);
    EXPECT_EQ(entry.at("branch"), "0002");
    EXPECT_EQ(entry.at("accountNumber"), "654321");
    // The new CID is the claimer's now, not the donor's.
    const std::string cid(entry.at("cid").as_string());
    EXPECT_EQ(Send(kBankB, "GET", "/api/v2/entries/cid/" + cid).status, 200);
    EXPECT_EQ(Send(kBankA, "GET", "/api/v2/entries/cid/" + cid).status, 404);
}

TEST_F(DictClaimsE2eTest, CancelAndListsShowOnlyYourClaims) {
    RegisterCpf();
    auto claim = OpenClaim();
    const std::string claim_id(claim.at("claimId").as_string());
    ClientResponse cancelled =
        Patch(kBankB, claim, R"({"action":"CANCEL","reason":"User gave up"})");
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(Body(cancelled).at("status"), "CANCELLED");
    EXPECT_EQ(Body(cancelled).at("cancelledBy"), "CLAIMER");

    ClientResponse got = Send(kBankA, "GET", "/api/v2/claims/" + claim_id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(Body(got).at("claimId").as_string(), claim_id);
    ExpectError(Send(kBankC, "GET", "/api/v2/claims/" + claim_id), 404, "NOT_FOUND",
                "claim not found");

    const std::string for_key = std::string("/api/v2/entries/") + kCpf + "/claims?keyType=CPF";
    EXPECT_EQ(Body(Send(kBankA, "GET", for_key)).at("claims").as_array().size(), 1u);
    EXPECT_EQ(Body(Send(kBankC, "GET", for_key)).at("claims").as_array().size(), 0u);
    ExpectError(Send(kBankA, "GET", std::string("/api/v2/entries/") + kCpf + "/claims"), 400,
                "INVALID_KEY_TYPE", "keyType");

    auto page = Body(
        Send(kBankB, "GET", "/api/v2/claims?role=as_claimer&status=CANCELLED&page=1&pageSize=20"));
    EXPECT_EQ(page.at("totalCount"), 1);
    EXPECT_EQ(page.at("page"), 1);
    EXPECT_EQ(page.at("pageSize"), 20);
    ASSERT_EQ(page.at("claims").as_array().size(), 1u);
    EXPECT_EQ(Body(Send(kBankB, "GET", "/api/v2/claims?role=as_donor")).at("totalCount"), 0);
    EXPECT_EQ(Body(Send(kBankC, "GET", "/api/v2/claims")).at("totalCount"), 0);
    ExpectError(Send(kBankB, "GET", "/api/v2/claims?pageSize=101"), 400, "INVALID_REQUEST",
                "pageSize");
    ExpectError(Send(kBankB, "GET", "/api/v2/claims?role=claimer"), 400, "INVALID_REQUEST", "role");
    ExpectError(Send(kBankB, "GET", "/api/v2/claims?status=DONE"), 400, "INVALID_REQUEST",
                "status");
}

TEST_F(DictClaimsE2eTest, EventNotificationsAreYoursToListAndAcknowledge) {
    RegisterCpf();
    auto claim = OpenClaim();
    ASSERT_EQ(Patch(kBankA, claim, R"({"action":"CONFIRM"})").status, 200);

    ClientResponse listed = Send(kBankA, "GET", "/api/v2/event-notifications");
    ASSERT_EQ(listed.status, 200) << listed.body;
    auto donor = Parse(listed).as_array();
    ASSERT_EQ(donor.size(), 2u);
    EXPECT_EQ(donor[0].at("event_type"), "CLAIM_CREATED");
    EXPECT_EQ(donor[1].at("event_type"), "CLAIM_CONFIRMED");
    EXPECT_EQ(donor[1].at("claim_id"), claim.at("claimId"));
    EXPECT_EQ(donor[1].at("acknowledged"), false);
    EXPECT_TRUE(donor[1].at("scheduled_at").is_string());
    EXPECT_TRUE(IsUuid(donor[0].at("id").as_string()));
    EXPECT_TRUE(Parse(Send(kBankC, "GET", "/api/v2/event-notifications")).as_array().empty());

    boost::json::object ack;
    ack["notification_ids"] = boost::json::array{donor[0].at("id"), donor[1].at("id")};
    // Bank B names bank A's ids: nothing is acknowledged.
    ClientResponse foreign = Send(kBankB, "POST", "/api/v2/event-notifications/acknowledge", ack);
    ASSERT_EQ(foreign.status, 200) << foreign.body;
    EXPECT_EQ(Body(foreign).at("acknowledged"), 0);
    ClientResponse own = Send(kBankA, "POST", "/api/v2/event-notifications/acknowledge", ack);
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(Body(own).at("acknowledged"), 2);
    auto after = Parse(Send(kBankA, "GET", "/api/v2/event-notifications")).as_array();
    EXPECT_EQ(after[0].at("acknowledged"), true);
    EXPECT_TRUE(Parse(Send(kBankA, "GET", "/api/v2/event-notifications?acknowledged=false"))
                    .as_array()
                    .empty());
    auto claimer = Parse(Send(kBankB, "GET", "/api/v2/event-notifications?acknowledged=false"));
    EXPECT_EQ(claimer.as_array().size(), 2u);

    ExpectError(Send(kBankA, "POST", "/api/v2/event-notifications/acknowledge", std::string("{}")),
                400, "INVALID_REQUEST", "notification_ids");
    ExpectError(Send(kBankA, "POST", "/api/v2/event-notifications/acknowledge",
                     std::string(R"({"notification_ids":[1]})")),
                400, "INVALID_REQUEST", "notification_ids[0]");
    ExpectError(Send(kBankA, "GET", "/api/v2/event-notifications?limit=500"), 400,
                "INVALID_REQUEST", "limit");
}

// A claim and its three deadline jobs outlive a SIGKILL: after the restart the claim is served
// as before and the jobs wait in dictra_jobs for D+7, D+14 and D+30.
TEST_F(DictClaimsE2eTest, ClaimsAndDeadlinesSurviveAKill) {
    process_.reset();
    const auto dir = std::filesystem::temp_directory_path() / ("dictra-claims-e2e-" + NewUuidV4());
    std::filesystem::create_directories(dir);
    const std::string db_path = (dir / "dictra.db").string();
    Start({"--db", "sqlite:" + db_path});
    RegisterCpf();
    auto claim = OpenClaim();
    const std::string claim_id(claim.at("claimId").as_string());
    process_->Signal(SIGKILL);
    process_->Wait(std::chrono::seconds(10));

    Start({"--db", "sqlite:" + db_path});
    ClientResponse got = Send(kBankB, "GET", "/api/v2/claims/" + claim_id);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(Body(got).at("status"), "OPEN");

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt* statement = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT kind, run_at_us, status FROM dictra_jobs WHERE "
                                 "unique_key = ? ORDER BY run_at_us",
                                 -1, &statement, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(statement, 1, claim_id.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<std::pair<std::string, std::int64_t>> jobs;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        jobs.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
                          sqlite3_column_int64(statement, 1));
        EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 2)), "PENDING");
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    ASSERT_EQ(jobs.size(), 3u);
    EXPECT_EQ(jobs[0].first, "dict.claim.donor_notification");
    EXPECT_EQ(jobs[1].first, "dict.claim.donor_deadline");
    EXPECT_EQ(jobs[2].first, "dict.claim.claimer_deadline");
    EXPECT_EQ(jobs[1].second / 1'000'000, Seconds(claim.at("donorDeadline")));
    EXPECT_EQ(jobs[2].second / 1'000'000, Seconds(claim.at("claimerDeadline")));
    process_.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dictra::testing
