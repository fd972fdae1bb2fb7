// Claim and event-notification rules without HTTP: real stores on SQLite, the kernel scheduler
// and a FakeClock that walks through the D+7 / D+14 / D+30 deadlines.
#include "dict/claim_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "core/jobs/scheduler.hpp"
#include "core/time.hpp"
#include "dict/service.hpp"

namespace dictra::dict {
namespace {

using std::chrono::hours;

constexpr std::string_view kOwnerCpf = "52998224725";
constexpr std::string_view kOtherCpf = "11144477735";
constexpr std::string_view kPhone = "+5511987654321";

const SystemTimePoint kStart = *ParseRfc3339("2026-03-02T10:00:00Z");

Ispb MustIspb(std::string_view text) {
    return *Ispb::Parse(text);
}

// Everything a DICT process holds, on one database; destroyable to simulate a restart.
struct Node {
    Node(db::Database& database, const Clock& clock)
        : entries(database),
          scheduler(database, clock),
          claims(database, scheduler),
          keys(entries, clock),
          service(entries, claims, clock) {
        service.RegisterJobHandlers(scheduler);
    }
    DictStore entries;
    jobs::Scheduler scheduler;
    ClaimStore claims;
    DictService keys;
    ClaimService service;
};

class ClaimServiceTest : public ::testing::Test {
 protected:
    void SetUp() override { Open("sqlite::memory:"); }

    void Open(const std::string& url) {
        node_.reset();
        database_.reset();
        auto opened = db::OpenDatabase(url, {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        database_ = std::move(*opened);
        ASSERT_TRUE(jobs::Scheduler::Migrate(*database_).ok());
        auto migrated = database_->Migrate("dict", DictStore::Migrations());
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        node_ = std::make_unique<Node>(*database_, clock_);
    }

    ClaimService& service() { return node_->service; }

    Entry Register(std::string_view key_type, std::string_view key, std::string_view owner_tax_id,
                   const Ispb& participant, std::string account = "123456") {
        CreateEntryCommand command{.key_type = std::string(key_type),
                                   .key = std::string(key),
                                   .owner_type = "NATURAL_PERSON",
                                   .owner_tax_id = std::string(owner_tax_id),
                                   .owner_name = "João Silva",
                                   .branch = "0001",
                                   .account_number = std::move(account),
                                   .account_type = "CACC"};
        if (key_type == "EVP") command.key.reset();
        auto created = node_->keys.Create(command, participant);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created.ok() ? *created : Entry{};
    }

    CreateClaimCommand ClaimCommand(std::string_view key_type, std::string_view key,
                                    std::string_view claimer_tax_id) {
        return CreateClaimCommand{.key = std::string(key),
                                  .key_type = std::string(key_type),
                                  .claimer_tax_id = std::string(claimer_tax_id),
                                  .claimer_account = "654321",
                                  .claimer_branch = "0002",
                                  .claimer_account_type = "CACC",
                                  .claimer_name = "Maria Souza",
                                  .claimer_owner_type = "NATURAL_PERSON"};
    }

    Claim ClaimOk(const CreateClaimCommand& command, const Ispb& claimer) {
        auto created = service().Create(command, claimer);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created.ok() ? *created : Claim{};
    }

    // A CPF key at bank A, claimed by its owner from bank B.
    Claim PortabilityClaim() {
        Register("CPF", kOwnerCpf, kOwnerCpf, bank_a_);
        return ClaimOk(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_b_);
    }

    Result<Claim> Act(const Claim& claim, std::string action, const Ispb& participant,
                      std::optional<std::string> reason = std::nullopt) {
        return service().Update(UpdateClaimCommand{.key = claim.key,
                                                   .claim_id = claim.claim_id,
                                                   .action = std::move(action),
                                                   .reason = std::move(reason)},
                                participant);
    }

    Claim Reload(const Claim& claim) {
        auto got = service().Get(claim.claim_id, MustIspb(claim.claimer_ispb));
        EXPECT_TRUE(got.ok()) << got.error().message;
        return got.ok() ? *got : Claim{};
    }

    std::vector<EventNotification> Notifications(const Ispb& participant,
                                                 ListNotificationsQuery query = {}) {
        auto listed = service().ListNotifications(query, participant);
        EXPECT_TRUE(listed.ok()) << listed.error().message;
        return listed.ok() ? *listed : std::vector<EventNotification>{};
    }

    std::vector<std::string> EventTypes(const Ispb& participant) {
        std::vector<std::string> types;
        for (const EventNotification& notification : Notifications(participant))
            types.emplace_back(ToString(notification.event_type));
        return types;
    }

    // Moves the clock to kStart + `after` and runs every due job.
    void RunAt(std::chrono::microseconds after) {
        clock_.Set(kStart + after);
        for (;;) {
            auto ran = node_->scheduler.RunDueOnce();
            ASSERT_TRUE(ran.ok()) << ran.error().message;
            if (*ran == 0) break;
        }
    }

    FakeClock clock_{kStart};
    std::unique_ptr<db::Database> database_;
    std::unique_ptr<Node> node_;
    const Ispb bank_a_ = MustIspb("12345678");
    const Ispb bank_b_ = MustIspb("87654321");
    const Ispb bank_c_ = MustIspb("11111111");
};

TEST_F(ClaimServiceTest, SameTaxIdIsPortabilityWithDeadlinesFromCreation) {
    Claim claim = PortabilityClaim();
    EXPECT_EQ(claim.type, ClaimType::kPortability);
    EXPECT_EQ(claim.status, ClaimStatus::kOpen);
    EXPECT_EQ(claim.claim_id.size(), 11u);
    EXPECT_EQ(claim.claim_id[0], 'C');
    EXPECT_EQ(claim.donor_ispb, bank_a_.str());
    EXPECT_EQ(claim.donor_tax_id, kOwnerCpf);
    EXPECT_EQ(claim.donor_account, "123456");
    EXPECT_EQ(claim.claimer_ispb, bank_b_.str());
    EXPECT_EQ(claim.created_at, kStart);
    EXPECT_EQ(claim.donor_notification_at, kStart + hours(24 * 7));
    EXPECT_EQ(claim.donor_deadline, kStart + hours(24 * 14));
    EXPECT_EQ(claim.claimer_deadline, kStart + hours(24 * 30));
    EXPECT_FALSE(claim.auto_resolved);
    // The three deadline jobs were stored with the claim.
    for (std::string_view kind :
         {kClaimDonorNotificationJob, kClaimDonorDeadlineJob, kClaimClaimerDeadlineJob}) {
        auto job = node_->scheduler.Find(kind, claim.claim_id);
        ASSERT_TRUE(job.ok() && job->has_value()) << kind;
        EXPECT_EQ((*job)->payload, claim.claim_id);
    }
}

TEST_F(ClaimServiceTest, OtherTaxIdIsOwnershipForPhoneAndEmailKeys) {
    Register("PHONE", kPhone, kOwnerCpf, bank_a_);
    Claim claim = ClaimOk(ClaimCommand("PHONE", kPhone, kOtherCpf), bank_b_);
    EXPECT_EQ(claim.type, ClaimType::kOwnership);
    Register("EMAIL", "joao@example.com", kOwnerCpf, bank_a_);
    EXPECT_EQ(ClaimOk(ClaimCommand("EMAIL", "joao@example.com", kOwnerCpf), bank_b_).type,
              ClaimType::kPortability);
}

TEST_F(ClaimServiceTest, RefusesWhatCannotBeClaimed) {
    Entry evp = Register("EVP", "", kOwnerCpf, bank_a_);
    auto refused = service().Create(ClaimCommand("EVP", evp.key, kOwnerCpf), bank_b_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().reason, "INVALID_KEY_TYPE");
    EXPECT_EQ(refused.error().message, "EVP keys cannot be claimed");

    // A CPF key names its owner: someone else cannot claim it (DICT: no ownership of CPF/CNPJ).
    Register("CPF", kOwnerCpf, kOwnerCpf, bank_a_);
    refused = service().Create(ClaimCommand("CPF", kOwnerCpf, kOtherCpf), bank_b_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().reason, "INVALID_OWNERSHIP");

    refused = service().Create(ClaimCommand("PHONE", "+5511900000000", kOwnerCpf), bank_b_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
    refused = service().Create(ClaimCommand("PHONE", "not-a-phone", kOwnerCpf), bank_b_);
    EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
    // The key type must be the key's.
    refused = service().Create(ClaimCommand("EMAIL", kOwnerCpf, kOwnerCpf), bank_b_);
    EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
    refused = service().Create(ClaimCommand("RANDOM", kOwnerCpf, kOwnerCpf), bank_b_);
    EXPECT_EQ(refused.error().reason, "INVALID_KEY_TYPE");
    // Its own key is not claimed by the participant that holds it.
    refused = service().Create(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_a_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(refused.error().field, "key");
}

TEST_F(ClaimServiceTest, ChecksEveryClaimerField) {
    Register("PHONE", kPhone, kOwnerCpf, bank_a_);
    struct Case {
        std::string field;
        void (*spoil)(CreateClaimCommand&);
    };
    const Case cases[] = {
        {"claimerTaxId", [](CreateClaimCommand& c) { c.claimer_tax_id = "12345678901"; }},
        {"claimerTaxId", [](CreateClaimCommand& c) { c.claimer_owner_type = "LEGAL_PERSON"; }},
        {"claimerOwnerType", [](CreateClaimCommand& c) { c.claimer_owner_type = "F"; }},
        {"claimerName", [](CreateClaimCommand& c) { c.claimer_name = ""; }},
        {"claimerName", [](CreateClaimCommand& c) { c.claimer_name = std::string(121, 'a'); }},
        {"claimerBranch", [](CreateClaimCommand& c) { c.claimer_branch = "12345"; }},
        {"claimerBranch", [](CreateClaimCommand& c) { c.claimer_branch = "12a4"; }},
        {"claimerAccount", [](CreateClaimCommand& c) { c.claimer_account = ""; }},
        {"claimerAccount", [](CreateClaimCommand& c) { c.claimer_account = std::string(21, '1'); }},
        {"claimerAccount", [](CreateClaimCommand& c) { c.claimer_account = "12-3"; }},
        {"claimerAccountType", [](CreateClaimCommand& c) { c.claimer_account_type = "OTHR"; }},
    };
    for (const Case& bad : cases) {
        CreateClaimCommand command = ClaimCommand("PHONE", kPhone, kOtherCpf);
        bad.spoil(command);
        auto refused = service().Create(command, bank_b_);
        ASSERT_FALSE(refused.ok()) << bad.field;
        EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << bad.field;
        EXPECT_EQ(refused.error().field, bad.field) << refused.error().message;
    }
    // A legal person with a CNPJ is a valid claimer.
    CreateClaimCommand company = ClaimCommand("PHONE", kPhone, "11222333000181");
    company.claimer_owner_type = "LEGAL_PERSON";
    EXPECT_EQ(ClaimOk(company, bank_b_).claimer_owner_type, OwnerType::kLegalPerson);
}

TEST_F(ClaimServiceTest, OneOpenClaimPerKey) {
    Claim claim = PortabilityClaim();
    auto second = service().Create(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_c_);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(second.error().reason, "CLAIM_EXISTS");
    EXPECT_EQ(second.error().message, "Active claim already exists for this key");
    // Still open once confirmed.
    ASSERT_TRUE(Act(claim, "CONFIRM", bank_a_).ok());
    EXPECT_EQ(service().Create(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_c_).error().reason,
              "CLAIM_EXISTS");
    // A cancelled claim frees the key for another claim.
    ASSERT_TRUE(Act(claim, "CANCEL", bank_b_).ok());
    EXPECT_TRUE(service().Create(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_c_).ok());
}

// Claims racing for one key: the check and the insert share the single writer's transaction, so
// exactly one wins and every other gets CLAIM_EXISTS.
TEST_F(ClaimServiceTest, ConcurrentClaimsOnOneKeyOpenExactlyOne) {
    Register("PHONE", kPhone, kOwnerCpf, bank_a_);
    constexpr int kClaimers = 8;
    std::atomic<int> opened = 0;
    std::atomic<int> refused_exists = 0;
    std::vector<std::thread> threads;
    for (int claimer_idx = 0; claimer_idx < kClaimers; ++claimer_idx) {
        threads.emplace_back([&, claimer_idx] {
            const Ispb claimer = MustIspb("2000000" + std::to_string(claimer_idx));
            auto created = service().Create(ClaimCommand("PHONE", kPhone, kOtherCpf), claimer);
            if (created.ok()) {
                ++opened;
            } else if (created.error().reason == "CLAIM_EXISTS") {
                ++refused_exists;
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(opened.load(), 1);
    EXPECT_EQ(refused_exists.load(), kClaimers - 1);
}

TEST_F(ClaimServiceTest, ClaimerAccountKeyLimit) {
    Register("PHONE", kPhone, kOwnerCpf, bank_a_);
    // The claimer's account at bank B already holds the five keys a natural person may have.
    for (int key_idx = 0; key_idx < 5; ++key_idx)
        Register("EMAIL", "k" + std::to_string(key_idx) + "@example.com", kOtherCpf, bank_b_,
                 "654321");
    CreateClaimCommand command = ClaimCommand("PHONE", kPhone, kOtherCpf);
    command.claimer_branch = "0001";
    command.claimer_account = "654321";
    auto refused = service().Create(command, bank_b_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().reason, "KEY_LIMIT_EXCEEDED");
    // Another account of the same person has room.
    command.claimer_account = "777";
    EXPECT_TRUE(service().Create(command, bank_b_).ok());
}

TEST_F(ClaimServiceTest, ConfirmIsTheDonorsAndCompleteMovesTheKey) {
    Claim claim = PortabilityClaim();
    const Entry before = *node_->keys.Lookup(kOwnerCpf, "CPF");
    std::vector<std::string> changed_keys;  // what the lookups' cache is told to forget
    service().SetKeyChangeListener(
        [&changed_keys](std::string_view key) { changed_keys.emplace_back(key); });

    auto by_claimer = Act(claim, "CONFIRM", bank_b_);
    ASSERT_FALSE(by_claimer.ok());
    EXPECT_EQ(by_claimer.error().code, ErrorCode::kPermissionDenied);
    // COMPLETE needs CONFIRMED first.
    auto early = Act(claim, "COMPLETE", bank_b_);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, ErrorCode::kFailedPrecondition);

    clock_.Set(kStart + hours(2));
    auto confirmed = Act(claim, "CONFIRM", bank_a_, "Donor approved transfer");
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
    EXPECT_EQ(confirmed->status, ClaimStatus::kConfirmed);
    EXPECT_EQ(confirmed->confirm_reason, ConfirmReason::kDonorConfirmed);
    EXPECT_EQ(confirmed->confirm_note, "Donor approved transfer");
    EXPECT_EQ(confirmed->confirmed_at, kStart + hours(2));
    EXPECT_FALSE(confirmed->auto_resolved);

    auto by_donor = Act(claim, "COMPLETE", bank_a_);
    ASSERT_FALSE(by_donor.ok());
    EXPECT_EQ(by_donor.error().code, ErrorCode::kPermissionDenied);

    clock_.Set(kStart + hours(3));
    auto completed = Act(claim, "COMPLETE", bank_b_);
    ASSERT_TRUE(completed.ok()) << completed.error().message;
    EXPECT_EQ(completed->status, ClaimStatus::kCompleted);
    EXPECT_EQ(completed->completed_at, kStart + hours(3));
    EXPECT_EQ(changed_keys, std::vector<std::string>{std::string(kOwnerCpf)});  // once moved

    // The key is now at the claimer's account, under a new CID, logged as ENTRY_UPDATED.
    const Entry after = *node_->keys.Lookup(kOwnerCpf, "CPF");
    EXPECT_EQ(after.id, before.id);
    EXPECT_EQ(after.participant_ispb, bank_b_.str());
    EXPECT_EQ(after.branch, "0002");
    EXPECT_EQ(after.account_number, "654321");
    EXPECT_EQ(after.owner_name, "Maria Souza");
    EXPECT_EQ(after.ownership_date, kStart + hours(3));
    EXPECT_NE(after.cid, before.cid);
    CidRequestId request_id;
    ASSERT_TRUE(FromHex(after.cid_request_id, request_id));
    EXPECT_EQ(after.cid, EntryCid(after, request_id));
    auto events = node_->keys.CidEvents(bank_b_);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->front().type, CidEventType::kEntryUpdated);
    EXPECT_EQ(events->front().cid, after.cid);
    EXPECT_EQ(events->front().entry_id, before.id);
    // The donor no longer holds it.
    EXPECT_EQ(node_->keys.GetByCid(after.cid, bank_a_).error().code, ErrorCode::kNotFound);

    // Retries answer the claim as it is; other actions on a finished claim are refused.
    auto again = Act(claim, "COMPLETE", bank_b_);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->completed_at, kStart + hours(3));
    EXPECT_EQ(Act(claim, "CANCEL", bank_b_).error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(Act(claim, "CONFIRM", bank_a_).error().code, ErrorCode::kFailedPrecondition);
    // A new claim can now be made on the key, the donor being bank B.
    Claim back = ClaimOk(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_a_);
    EXPECT_EQ(back.donor_ispb, bank_b_.str());
}

TEST_F(ClaimServiceTest, EitherPartyCancels) {
    Claim by_donor = PortabilityClaim();
    auto cancelled = Act(by_donor, "CANCEL", bank_a_, "User did not ask for it");
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->status, ClaimStatus::kCancelled);
    EXPECT_EQ(cancelled->cancelled_by, CancelledBy::kDonor);
    EXPECT_EQ(cancelled->cancel_reason, "User did not ask for it");
    EXPECT_TRUE(Act(by_donor, "CANCEL", bank_a_).ok());  // a retry
    EXPECT_EQ(Act(by_donor, "COMPLETE", bank_b_).error().code, ErrorCode::kFailedPrecondition);

    Claim by_claimer = ClaimOk(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_b_);
    ASSERT_TRUE(Act(by_claimer, "CONFIRM", bank_a_).ok());
    cancelled = Act(by_claimer, "CANCEL", bank_b_);
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->cancelled_by, CancelledBy::kClaimer);
    EXPECT_FALSE(cancelled->cancel_reason.has_value());
    // The key stayed where it was.
    EXPECT_EQ(node_->keys.Lookup(kOwnerCpf, "CPF")->participant_ispb, bank_a_.str());
}

TEST_F(ClaimServiceTest, InvalidActionHasTheDocumentedMessage) {
    Claim claim = PortabilityClaim();
    for (std::optional<std::string> action :
         {std::optional<std::string>("APPROVE"), std::optional<std::string>("confirm"),
          std::optional<std::string>()}) {
        auto refused = service().Update(
            UpdateClaimCommand{.key = claim.key, .claim_id = claim.claim_id, .action = action},
            bank_a_);
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(refused.error().message, "Invalid action. Must be CONFIRM, CANCEL, or COMPLETE");
    }
    auto long_reason = Act(claim, "CANCEL", bank_a_, std::string(201, 'x'));
    EXPECT_EQ(long_reason.error().field, "reason");
    EXPECT_EQ(Reload(claim).status, ClaimStatus::kOpen);
}

TEST_F(ClaimServiceTest, OnlyThePartiesSeeAClaim) {
    Claim claim = PortabilityClaim();
    EXPECT_EQ(service().Get(claim.claim_id, bank_c_).error().message, "claim not found");
    EXPECT_TRUE(service().Get(claim.claim_id, bank_a_).ok());
    EXPECT_TRUE(service().Get(claim.claim_id, bank_b_).ok());
    EXPECT_EQ(Act(claim, "CANCEL", bank_c_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(Act(claim, "CONFIRM", bank_c_).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(service().ListForKey(claim.key, "CPF", bank_c_)->empty());
    EXPECT_EQ(service().ListForKey(claim.key, "CPF", bank_a_)->size(), 1u);
    EXPECT_EQ(service().List({}, bank_c_)->total_count, 0);
    EXPECT_TRUE(Notifications(bank_c_).empty());
    // The path's key must be the claim's.
    auto wrong_key = service().Update(
        UpdateClaimCommand{.key = "11144477735", .claim_id = claim.claim_id, .action = "CANCEL"},
        bank_a_);
    EXPECT_EQ(wrong_key.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service().Get("C0000000000", bank_a_).error().code, ErrorCode::kNotFound);
}

TEST_F(ClaimServiceTest, ListsByRoleStatusAndPage) {
    Register("CPF", kOwnerCpf, kOwnerCpf, bank_a_);
    Register("PHONE", kPhone, kOwnerCpf, bank_a_);
    Register("EMAIL", "maria@example.com", kOtherCpf, bank_b_, "654321");
    Claim first = ClaimOk(ClaimCommand("CPF", kOwnerCpf, kOwnerCpf), bank_b_);
    Claim second = ClaimOk(ClaimCommand("PHONE", kPhone, kOtherCpf), bank_b_);
    Claim third = ClaimOk(ClaimCommand("EMAIL", "maria@example.com", kOtherCpf), bank_a_);
    ASSERT_TRUE(Act(first, "CANCEL", bank_b_).ok());

    auto all = service().List({}, bank_a_);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->total_count, 3);
    EXPECT_EQ(all->page, 1);
    EXPECT_EQ(all->page_size, 20);
    ASSERT_EQ(all->claims.size(), 3u);
    EXPECT_EQ(all->claims[0].claim_id, third.claim_id);  // newest first

    auto as_claimer = service().List({.role = "as_claimer"}, bank_b_);
    ASSERT_EQ(as_claimer->total_count, 2);
    auto as_donor = service().List({.role = "as_donor"}, bank_b_);
    ASSERT_EQ(as_donor->total_count, 1);
    EXPECT_EQ(as_donor->claims[0].claim_id, third.claim_id);
    auto open = service().List({.role = "as_claimer", .status = "OPEN"}, bank_b_);
    ASSERT_EQ(open->total_count, 1);
    EXPECT_EQ(open->claims[0].claim_id, second.claim_id);

    auto page2 = service().List({.page = "2", .page_size = "2"}, bank_a_);
    ASSERT_TRUE(page2.ok());
    EXPECT_EQ(page2->total_count, 3);
    ASSERT_EQ(page2->claims.size(), 1u);
    EXPECT_EQ(page2->claims[0].claim_id, first.claim_id);
    EXPECT_EQ(service().List({.page_size = "100"}, bank_a_)->page_size, 100);

    const std::pair<ListClaimsQuery, std::string> bad[] = {
        {{.role = "donor"}, "role"},      {{.status = "WAITING"}, "status"},
        {{.page = "0"}, "page"},          {{.page = "-1"}, "page"},
        {{.page = "x"}, "page"},          {{.page_size = "101"}, "pageSize"},
        {{.page_size = "0"}, "pageSize"}, {{.page_size = "99999999999999999999"}, "pageSize"},
        {{.page = "100001"}, "page"},
    };
    for (const auto& [query, field] : bad) {
        auto refused = service().List(query, bank_a_);
        ASSERT_FALSE(refused.ok()) << field;
        EXPECT_EQ(refused.error().field, field);
    }
    EXPECT_EQ(service().ListForKey(kPhone, std::nullopt, bank_a_).error().reason,
              "INVALID_KEY_TYPE");
    EXPECT_EQ(service().ListForKey(kPhone, "PIX", bank_a_).error().reason, "INVALID_KEY_TYPE");
    EXPECT_TRUE(service().ListForKey("bad", "PHONE", bank_a_)->empty());
}

TEST_F(ClaimServiceTest, DeadlinesNotifyConfirmAndCancel) {
    Claim claim = PortabilityClaim();
    RunAt(hours(24 * 7) - hours(1));
    EXPECT_EQ(EventTypes(bank_a_), std::vector<std::string>{"CLAIM_CREATED"});

    RunAt(hours(24 * 7));
    EXPECT_EQ(EventTypes(bank_a_),
              (std::vector<std::string>{"CLAIM_CREATED", "CLAIM_DONOR_NOTIFICATION"}));
    EXPECT_EQ(EventTypes(bank_b_), std::vector<std::string>{"CLAIM_CREATED"});
    EXPECT_EQ(Reload(claim).status, ClaimStatus::kOpen);

    RunAt(hours(24 * 14) + hours(1));
    Claim confirmed = Reload(claim);
    EXPECT_EQ(confirmed.status, ClaimStatus::kConfirmed);
    EXPECT_EQ(confirmed.confirm_reason, ConfirmReason::kDonorTimeout);
    EXPECT_TRUE(confirmed.auto_resolved);
    EXPECT_EQ(confirmed.confirmed_at, kStart + hours(24 * 14) + hours(1));
    auto donor_events = Notifications(bank_a_);
    ASSERT_EQ(donor_events.size(), 3u);
    EXPECT_EQ(donor_events[2].event_type, ClaimEventType::kClaimDonorDeadline);
    EXPECT_EQ(donor_events[2].claim_status, ClaimStatus::kConfirmed);
    EXPECT_EQ(donor_events[2].scheduled_at, kStart + hours(24 * 14));
    EXPECT_EQ(donor_events[2].claim_id, claim.claim_id);

    RunAt(hours(24 * 30));
    Claim cancelled = Reload(claim);
    EXPECT_EQ(cancelled.status, ClaimStatus::kCancelled);
    EXPECT_EQ(cancelled.cancelled_by, CancelledBy::kSystem);
    EXPECT_TRUE(cancelled.auto_resolved);
    EXPECT_EQ(EventTypes(bank_b_),
              (std::vector<std::string>{"CLAIM_CREATED", "CLAIM_DONOR_DEADLINE",
                                        "CLAIM_CLAIMER_DEADLINE"}));
    // The key never moved.
    EXPECT_EQ(node_->keys.Lookup(kOwnerCpf, "CPF")->participant_ispb, bank_a_.str());

    // Running the jobs again (a crash after the effect) changes nothing and notifies nobody.
    ASSERT_TRUE(service().RunDonorDeadline(claim.claim_id).ok());
    ASSERT_TRUE(service().RunClaimerDeadline(claim.claim_id).ok());
    ASSERT_TRUE(service().RunDonorNotification(claim.claim_id).ok());
    EXPECT_EQ(Notifications(bank_b_).size(), 3u);
    EXPECT_EQ(Reload(claim).cancelled_at, cancelled.cancelled_at);
    EXPECT_TRUE(service().RunClaimerDeadline("C9999999999").ok());  // gone: nothing to do
}

TEST_F(ClaimServiceTest, DeadlinesLeaveResolvedClaimsAlone) {
    Claim claim = PortabilityClaim();
    ASSERT_TRUE(Act(claim, "CONFIRM", bank_a_).ok());
    ASSERT_TRUE(Act(claim, "COMPLETE", bank_b_).ok());
    RunAt(hours(24 * 31));
    Claim after = Reload(claim);
    EXPECT_EQ(after.status, ClaimStatus::kCompleted);
    EXPECT_FALSE(after.auto_resolved);
    EXPECT_EQ(after.confirm_reason, ConfirmReason::kDonorConfirmed);
    EXPECT_EQ(EventTypes(bank_a_),
              (std::vector<std::string>{"CLAIM_CREATED", "CLAIM_CONFIRMED", "CLAIM_COMPLETED"}));
}

TEST_F(ClaimServiceTest, AJobRunEarlyWaitsForItsDeadline) {
    Claim claim = PortabilityClaim();
    clock_.Set(kStart + hours(24));
    Status early = service().RunDonorDeadline(claim.claim_id);
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(Reload(claim).status, ClaimStatus::kOpen);
}

TEST_F(ClaimServiceTest, NotificationsAreListedAndAcknowledgedByTheirOwner) {
    Claim claim = PortabilityClaim();
    ASSERT_TRUE(Act(claim, "CONFIRM", bank_a_).ok());
    auto donor = Notifications(bank_a_);
    auto claimer = Notifications(bank_b_);
    ASSERT_EQ(donor.size(), 2u);
    ASSERT_EQ(claimer.size(), 2u);
    EXPECT_TRUE(IsUuid(donor[0].notification_id));
    EXPECT_NE(donor[0].notification_id, claimer[0].notification_id);  // one each
    EXPECT_EQ(donor[1].event_type, ClaimEventType::kClaimConfirmed);
    EXPECT_FALSE(donor[0].acknowledged);

    // Bank B cannot acknowledge bank A's notifications; they stay unacknowledged.
    auto others =
        service().Acknowledge({donor[0].notification_id, donor[1].notification_id}, bank_b_);
    ASSERT_TRUE(others.ok());
    EXPECT_EQ(*others, 0);
    EXPECT_FALSE(Notifications(bank_a_)[0].acknowledged);

    clock_.Set(kStart + hours(1));
    auto own = service().Acknowledge({donor[0].notification_id, donor[0].notification_id,
                                      claimer[0].notification_id, "not-an-id"},
                                     bank_a_);
    ASSERT_TRUE(own.ok());
    EXPECT_EQ(*own, 1);
    EXPECT_EQ(*service().Acknowledge({donor[0].notification_id}, bank_a_), 0);  // already
    auto after = Notifications(bank_a_);
    EXPECT_TRUE(after[0].acknowledged);
    EXPECT_EQ(after[0].acknowledged_at, kStart + hours(1));
    EXPECT_FALSE(after[1].acknowledged);
    EXPECT_FALSE(Notifications(bank_b_)[0].acknowledged);

    auto unacknowledged = Notifications(bank_a_, {.acknowledged = "false"});
    ASSERT_EQ(unacknowledged.size(), 1u);
    EXPECT_EQ(unacknowledged[0].notification_id, donor[1].notification_id);
    EXPECT_EQ(Notifications(bank_a_, {.acknowledged = "true"}).size(), 1u);
    auto paged = Notifications(bank_a_, {.limit = "1", .offset = "1"});
    ASSERT_EQ(paged.size(), 1u);
    EXPECT_EQ(paged[0].notification_id, donor[1].notification_id);

    for (const ListNotificationsQuery& bad :
         {ListNotificationsQuery{.acknowledged = "yes"}, ListNotificationsQuery{.limit = "0"},
          ListNotificationsQuery{.limit = "201"}, ListNotificationsQuery{.offset = "-1"}}) {
        EXPECT_EQ(service().ListNotifications(bad, bank_a_).error().code,
                  ErrorCode::kInvalidArgument);
    }
    EXPECT_EQ(service().Acknowledge(std::vector<std::string>(201, "x"), bank_a_).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(*service().Acknowledge({}, bank_a_), 0);
}

// Deadlines survive a restart: the claim and its jobs are in the database file; a new process
// (new database handle, scheduler and service) runs them when they fall due.
TEST_F(ClaimServiceTest, DeadlinesSurviveRestarts) {
    const auto dir = std::filesystem::temp_directory_path() / ("dictra-claims-" + NewUuidV4());
    std::filesystem::create_directories(dir);
    const std::string url = "sqlite:" + (dir / "dictra.db").string();
    Open(url);
    Claim claim = PortabilityClaim();

    Open(url);  // restart before D+14
    RunAt(hours(24 * 14));
    EXPECT_EQ(Reload(claim).status, ClaimStatus::kConfirmed);
    EXPECT_EQ(Reload(claim).confirm_reason, ConfirmReason::kDonorTimeout);

    Open(url);  // restart before D+30
    RunAt(hours(24 * 30));
    EXPECT_EQ(Reload(claim).status, ClaimStatus::kCancelled);
    EXPECT_EQ(Reload(claim).cancelled_by, CancelledBy::kSystem);
    EXPECT_EQ(EventTypes(bank_b_),
              (std::vector<std::string>{"CLAIM_CREATED", "CLAIM_DONOR_DEADLINE",
                                        "CLAIM_CLAIMER_DEADLINE"}));
    node_.reset();
    database_.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dictra::dict
