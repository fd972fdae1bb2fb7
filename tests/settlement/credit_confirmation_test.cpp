// Credit confirmation rules without HTTP: a real store on sqlite::memory: and a FakeClock.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "settlement/settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

class CreditConfirmationTest : public SettlementServiceTest {};

TEST_F(CreditConfirmationTest, ConfirmsACompletedPaymentAndGetReturnsIt) {
    const PaymentRequest payment = Completed();
    clock_.Advance(std::chrono::minutes(5));
    auth::Principal confirmer{.sub = "operator@bank.com"};
    auto confirmed = service_->ConfirmCredit(
        payment.id, {.amount_centavos = 15000, .notes = "Credit confirmed via bank statement"},
        confirmer);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
    EXPECT_GT(confirmed->id, 0);
    EXPECT_TRUE(IsUuid(confirmed->unique_id));
    EXPECT_EQ(confirmed->payment_request_id, payment.id);
    EXPECT_EQ(confirmed->status, "CONFIRMED");
    EXPECT_EQ(confirmed->confirmed_by, "operator@bank.com");
    EXPECT_EQ(confirmed->confirmed_amount_centavos, 15000);
    EXPECT_EQ(confirmed->notes, "Credit confirmed via bank statement");
    EXPECT_EQ(confirmed->confirmed_at, At("2026-01-24T10:35:00Z"));
    EXPECT_EQ(confirmed->created_at, confirmed->confirmed_at);
    EXPECT_EQ(confirmed->updated_at, confirmed->confirmed_at);

    auto got = service_->GetCreditConfirmation(payment.id, operator_);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->id, confirmed->id);
    EXPECT_EQ(got->unique_id, confirmed->unique_id);
    EXPECT_EQ(got->confirmed_by, "operator@bank.com");
    EXPECT_EQ(got->confirmed_at, confirmed->confirmed_at);
    EXPECT_EQ(got->notes, confirmed->notes);
}

TEST_F(CreditConfirmationTest, NotesAreOptional) {
    const PaymentRequest payment = Completed();
    auto confirmed = service_->ConfirmCredit(payment.id, {.amount_centavos = 15000}, operator_);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
    EXPECT_FALSE(confirmed->notes.has_value());
    auto got = service_->GetCreditConfirmation(payment.id, operator_);
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->notes.has_value());
}

TEST_F(CreditConfirmationTest, OnlyACompletedPaymentCanBeConfirmed) {
    const PaymentRequest pending = Create();
    const PaymentRequest processing = Create();
    MoveOk(processing.id, "PROCESSING");
    const PaymentRequest failed = Create();
    MoveOk(failed.id, "PROCESSING");
    MoveOk(failed.id, "FAILED");
    const PaymentRequest cancelled = Create();
    MoveOk(cancelled.id, "CANCELLED");
    CreatePaymentCommand later = ValidCommand();
    later.scheduled_date = "2026-02-15T10:00:00Z";
    const PaymentRequest scheduled = Create(later);
    ASSERT_EQ(scheduled.status, PaymentStatus::kScheduled);

    for (const PaymentRequest* payment : {&pending, &processing, &failed, &cancelled, &scheduled}) {
        auto confirmed =
            service_->ConfirmCredit(payment->id, {.amount_centavos = 15000}, operator_);
        ASSERT_FALSE(confirmed.ok()) << payment->id;
        EXPECT_EQ(confirmed.error().code, ErrorCode::kFailedPrecondition);
        EXPECT_EQ(confirmed.error().reason, "INVALID_TRANSITION");
        EXPECT_EQ(service_->GetCreditConfirmation(payment->id, operator_).error().code,
                  ErrorCode::kNotFound);
    }
}

TEST_F(CreditConfirmationTest, ADifferentAmountIsRefusedNamingConfirmedAmount) {
    const PaymentRequest payment = Completed();
    for (std::int64_t amount : {14999, 15001, 0, -15000}) {
        auto confirmed =
            service_->ConfirmCredit(payment.id, {.amount_centavos = amount}, operator_);
        ASSERT_FALSE(confirmed.ok()) << amount;
        EXPECT_EQ(confirmed.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(confirmed.error().message.find("confirmed_amount"), std::string::npos)
            << confirmed.error().message;
        EXPECT_NE(confirmed.error().message.find("15000"), std::string::npos);
    }
    // Nothing was stored, so the right amount still confirms.
    EXPECT_EQ(service_->GetCreditConfirmation(payment.id, operator_).error().code,
              ErrorCode::kNotFound);
    EXPECT_TRUE(service_->ConfirmCredit(payment.id, {.amount_centavos = 15000}, operator_).ok());
}

TEST_F(CreditConfirmationTest, NotesLongerThanTheLimitAreRefused) {
    const PaymentRequest payment = Completed();
    auto confirmed = service_->ConfirmCredit(
        payment.id,
        {.amount_centavos = 15000, .notes = std::string(kConfirmationNotesCharsMax + 1, 'x')},
        operator_);
    ASSERT_FALSE(confirmed.ok());
    EXPECT_EQ(confirmed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(confirmed.error().message.find("notes"), std::string::npos);
}

TEST_F(CreditConfirmationTest, SecondConfirmationIsAConflictAndKeepsTheFirst) {
    const PaymentRequest payment = Completed();
    auto first = service_->ConfirmCredit(payment.id, {.amount_centavos = 15000, .notes = "first"},
                                         {.sub = "first@bank.com"});
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = service_->ConfirmCredit(payment.id, {.amount_centavos = 15000, .notes = "second"},
                                          {.sub = "second@bank.com"});
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, ErrorCode::kConflict);
    auto got = service_->GetCreditConfirmation(payment.id, operator_);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->confirmed_by, "first@bank.com");
    EXPECT_EQ(got->notes, "first");
}

TEST_F(CreditConfirmationTest, ConcurrentConfirmationsStoreExactlyOne) {
    const PaymentRequest payment = Completed();
    constexpr int kThreads = 8;
    std::atomic<int> succeeded{0};
    std::atomic<int> conflicts{0};
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            auto confirmed =
                service_->ConfirmCredit(payment.id, {.amount_centavos = 15000},
                                        {.sub = "confirmer-" + std::to_string(thread_idx)});
            if (confirmed.ok())
                ++succeeded;
            else if (confirmed.error().code == ErrorCode::kConflict)
                ++conflicts;
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(succeeded.load(), 1);
    EXPECT_EQ(conflicts.load(), kThreads - 1);
}

TEST_F(CreditConfirmationTest, GetBeforeAnyConfirmationIsNotFound) {
    const PaymentRequest payment = Completed();
    auto got = service_->GetCreditConfirmation(payment.id, operator_);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(got.error().message, "credit confirmation not found");
}

TEST_F(CreditConfirmationTest, UnknownPaymentIsNotFound) {
    auto confirmed = service_->ConfirmCredit(424242, {.amount_centavos = 15000}, operator_);
    ASSERT_FALSE(confirmed.ok());
    EXPECT_EQ(confirmed.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(confirmed.error().message, "payment request not found");
    auto got = service_->GetCreditConfirmation(424242, operator_);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(got.error().message, "payment request not found");
}

TEST_F(CreditConfirmationTest, ParticipantsSeeOnlyTheirOwnPayments) {
    const PaymentRequest payment = Completed();  // debtor 12345678, creditor 87654321
    auth::Principal creditor{.sub = "bank-b", .ispb = "87654321"};
    auth::Principal stranger{.sub = "bank-c", .ispb = "11111111"};

    auto refused = service_->ConfirmCredit(payment.id, {.amount_centavos = 15000}, stranger);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);

    auto confirmed = service_->ConfirmCredit(payment.id, {.amount_centavos = 15000}, creditor);
    ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
    EXPECT_EQ(confirmed->confirmed_by, "bank-b");

    EXPECT_TRUE(service_->GetCreditConfirmation(payment.id, creditor).ok());
    auto hidden = service_->GetCreditConfirmation(payment.id, stranger);
    ASSERT_FALSE(hidden.ok());
    EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(hidden.error().message, "payment request not found");
}

TEST_F(CreditConfirmationTest, ConfirmationSurvivesReopeningTheDatabase) {
    const std::string path = ::testing::TempDir() + "/credit_confirmation_test.db";
    std::remove(path.c_str());
    std::int64_t payment_id = 0;
    {
        auto opened = db::OpenDatabase("sqlite:" + path, {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        ASSERT_TRUE((*opened)->Migrate("settlement", SettlementStore::Migrations()).ok());
        SettlementStore store(**opened);
        SettlementService service(store, clock_);
        auto created = service.Create(ValidCommand(), operator_);
        ASSERT_TRUE(created.ok());
        payment_id = created->payment.id;
        ASSERT_TRUE(service.UpdateStatus(payment_id, {.status = "PROCESSING"}, operator_).ok());
        ASSERT_TRUE(service.UpdateStatus(payment_id, {.status = "COMPLETED"}, operator_).ok());
        ASSERT_TRUE(service.ConfirmCredit(payment_id, {.amount_centavos = 15000}, operator_).ok());
    }
    auto reopened = db::OpenDatabase("sqlite:" + path, {});
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    ASSERT_TRUE((*reopened)->Migrate("settlement", SettlementStore::Migrations()).ok());
    SettlementStore store(**reopened);
    SettlementService service(store, clock_);
    auto got = service.GetCreditConfirmation(payment_id, operator_);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->confirmed_by, "ops@dictra.test");
    std::remove(path.c_str());
}

}  // namespace
}  // namespace dictra::settlement
