// The payment request rules without HTTP: a real store on sqlite::memory: and a FakeClock.
#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "settlement/settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

class PaymentServiceTest : public SettlementServiceTest {
 protected:
    // Expects a VALIDATION_ERROR whose message names `field`.
    void ExpectInvalid(const CreatePaymentCommand& command, const std::string& field) {
        auto created = service_->Create(command, operator_);
        ASSERT_FALSE(created.ok()) << field;
        EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument) << field;
        EXPECT_NE(created.error().message.find(field), std::string::npos)
            << created.error().message;
    }
};

TEST_F(PaymentServiceTest, CreateStoresEveryFieldAsPending) {
    auto created = service_->Create(ValidCommand(), operator_);
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_TRUE(created->created);
    const PaymentRequest& payment = created->payment;
    EXPECT_GT(payment.id, 0);
    EXPECT_TRUE(IsUuid(payment.unique_id));
    EXPECT_EQ(payment.status, PaymentStatus::kPending);
    auto stored = service_->Get(payment.id, operator_);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->unique_id, payment.unique_id);
    EXPECT_EQ(stored->amount_centavos, 15000);
    EXPECT_EQ(stored->debtor.name, "João da Silva");
    EXPECT_EQ(stored->creditor.account_type, AccountType::kSvgs);
    ASSERT_EQ(stored->discounts.size(), 1u);
    EXPECT_EQ(stored->discounts[0].amount_centavos, 500);
    EXPECT_EQ(stored->discounts[0].date, At("2026-02-10T00:00:00Z"));
    ASSERT_EQ(stored->additional_info.size(), 1u);
    EXPECT_EQ(stored->additional_info[0].value, "INV-12345");
    EXPECT_EQ(stored->created_at, clock_.Now());
    EXPECT_FALSE(stored->end_to_end_id.has_value());
}

TEST_F(PaymentServiceTest, EveryValidationRuleNamesItsField) {
    auto with = [](auto change) {
        CreatePaymentCommand command = ValidCommand();
        change(command);
        return command;
    };
    ExpectInvalid(with([](auto& c) { c.amount_centavos = 0; }), "amount");
    ExpectInvalid(with([](auto& c) { c.amount_centavos = -5; }), "amount");
    ExpectInvalid(with([](auto& c) { c.currency = "USD"; }), "currency");
    ExpectInvalid(with([](auto& c) { c.debtor.ispb = "1234567"; }), "debtor_ispb");
    ExpectInvalid(with([](auto& c) { c.debtor.ispb = "1234567a"; }), "debtor_ispb");
    ExpectInvalid(with([](auto& c) { c.creditor.ispb = "123456789"; }), "creditor_ispb");
    ExpectInvalid(with([](auto& c) { c.debtor.account_type = "XXXX"; }), "debtor_account_type");
    ExpectInvalid(with([](auto& c) { c.creditor.account_type = "cacc"; }), "creditor_account_type");
    ExpectInvalid(with([](auto& c) { c.debtor.document = ""; }), "debtor_document");
    ExpectInvalid(with([](auto& c) { c.creditor.account_no = ""; }), "creditor_account_no");
    ExpectInvalid(with([](auto& c) { c.description = std::string(141, 'x'); }), "description");
    ExpectInvalid(with([](auto& c) { c.scheduled_date = "2026-02-15"; }), "scheduled_date");
    ExpectInvalid(with([](auto& c) { c.scheduled_date = "2026-02-30T10:00:00Z"; }),
                  "scheduled_date");
    ExpectInvalid(with([](auto& c) { c.discounts[0].date = "tomorrow"; }), "discounts[0].date");
    ExpectInvalid(with([](auto& c) { c.discounts[0].amount_centavos = 0; }), "discounts[0].amount");
    ExpectInvalid(with([](auto& c) { c.additional_info[0].key = ""; }), "additional_info[0].key");
    ExpectInvalid(with([](auto& c) { c.idempotency_key = ""; }), "Idempotency-Key");
}

TEST_F(PaymentServiceTest, DescriptionLimitCountsCharactersNotBytes) {
    CreatePaymentCommand command = ValidCommand();
    command.external_id.reset();
    std::string text;
    for (int char_idx = 0; char_idx < 140; ++char_idx) text += "ã";  // 2 bytes each
    command.description = text;
    EXPECT_TRUE(service_->Create(command, operator_).ok());
    command.description = text + "a";
    EXPECT_FALSE(service_->Create(command, operator_).ok());
}

TEST_F(PaymentServiceTest, FutureScheduledDateIsScheduledPastIsPending) {
    CreatePaymentCommand command = ValidCommand();
    command.scheduled_date = "2026-02-15T07:00:00-03:00";
    PaymentRequest scheduled = Create(command);
    EXPECT_EQ(scheduled.status, PaymentStatus::kScheduled);
    EXPECT_EQ(scheduled.scheduled_date, At("2026-02-15T10:00:00Z"));
    command.scheduled_date = "2026-01-01T00:00:00Z";
    EXPECT_EQ(Create(command).status, PaymentStatus::kPending);
}

TEST_F(PaymentServiceTest, ScheduledPaymentIsNotProcessedBeforeItsDate) {
    CreatePaymentCommand command = ValidCommand();
    command.scheduled_date = "2026-02-15T10:00:00Z";
    PaymentRequest payment = Create(command);
    ASSERT_TRUE(Move(payment.id, "PENDING").ok());
    auto early = Move(payment.id, "PROCESSING");
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error().reason, "INVALID_TRANSITION");
    clock_.Set(At("2026-02-15T10:00:00Z"));
    EXPECT_TRUE(Move(payment.id, "PROCESSING").ok());
}

TEST_F(PaymentServiceTest, EveryDocumentedTransitionIsAllowedAndNoOther) {
    const PaymentStatus all[] = {PaymentStatus::kPending,   PaymentStatus::kProcessing,
                                 PaymentStatus::kCompleted, PaymentStatus::kFailed,
                                 PaymentStatus::kCancelled, PaymentStatus::kScheduled};
    int allowed = 0;
    for (PaymentStatus from : all)
        for (PaymentStatus to : all) allowed += IsAllowedTransition(from, to) ? 1 : 0;
    EXPECT_EQ(allowed, 7);
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kPending, PaymentStatus::kProcessing));
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kPending, PaymentStatus::kScheduled));
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kPending, PaymentStatus::kCancelled));
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kScheduled, PaymentStatus::kPending));
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kScheduled, PaymentStatus::kCancelled));
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kProcessing, PaymentStatus::kCompleted));
    EXPECT_TRUE(IsAllowedTransition(PaymentStatus::kProcessing, PaymentStatus::kFailed));
}

TEST_F(PaymentServiceTest, RefusedTransitionsAreInvalidTransitionAndChangeNothing) {
    PaymentRequest payment = Create();
    for (const char* to : {"COMPLETED", "FAILED", "PENDING"}) {
        auto refused = Move(payment.id, to);
        ASSERT_FALSE(refused.ok()) << to;
        EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
        EXPECT_EQ(refused.error().reason, "INVALID_TRANSITION");
    }
    ASSERT_TRUE(Move(payment.id, "PROCESSING").ok());
    for (const char* to : {"PENDING", "SCHEDULED", "CANCELLED", "PROCESSING"})
        EXPECT_FALSE(Move(payment.id, to).ok()) << to;
    ASSERT_TRUE(Move(payment.id, "FAILED").ok());
    for (const char* to : {"PENDING", "PROCESSING", "COMPLETED", "CANCELLED", "SCHEDULED"})
        EXPECT_FALSE(Move(payment.id, to).ok()) << to;
    EXPECT_EQ(service_->Get(payment.id, operator_)->status, PaymentStatus::kFailed);
}

TEST_F(PaymentServiceTest, UnknownStatusIsAValidationError) {
    PaymentRequest payment = Create();
    auto refused = Move(payment.id, "DONE");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("status"), std::string::npos);
    EXPECT_FALSE(Move(payment.id, "pending").ok());
}

TEST_F(PaymentServiceTest, CompletionSetsProcessedAtAndMintsEndToEndIdForTheDebtor) {
    PaymentRequest payment = Create();
    ASSERT_TRUE(Move(payment.id, "PROCESSING").ok());
    clock_.Advance(std::chrono::seconds(60));
    auto completed = Move(payment.id, "COMPLETED");
    ASSERT_TRUE(completed.ok()) << completed.error().message;
    EXPECT_EQ(completed->processed_at, clock_.Now());
    ASSERT_TRUE(completed->end_to_end_id.has_value());
    auto parts = ParseEndToEndId(*completed->end_to_end_id);
    ASSERT_TRUE(parts.ok());
    EXPECT_EQ(parts->ispb, "12345678");
    EXPECT_EQ(service_->Get(payment.id, operator_)->end_to_end_id, completed->end_to_end_id);
}

TEST_F(PaymentServiceTest, CompletionKeepsAValidEndToEndIdFromTheCaller) {
    PaymentRequest payment = Create();
    ASSERT_TRUE(Move(payment.id, "PROCESSING").ok());
    for (const std::string bad_id :
         {"X12345678202601241030ABCDEFGHIJK", "E1234A678202601241030",
          "E12345678202601241030ABCDEFGHIJKL", "E12345678", "E12345678-01"}) {
        auto bad = service_->UpdateStatus(
            payment.id, {.status = "COMPLETED", .end_to_end_id = bad_id}, operator_);
        ASSERT_FALSE(bad.ok()) << bad_id;
        EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
    }
    // The document's own example (29 characters) is accepted as reported.
    const std::string good = "E1234567820260124103000000001";
    auto completed = service_->UpdateStatus(
        payment.id, {.status = "COMPLETED", .end_to_end_id = good}, operator_);
    ASSERT_TRUE(completed.ok()) << completed.error().message;
    EXPECT_EQ(completed->end_to_end_id, good);
}

TEST_F(PaymentServiceTest, CancelOnlyFromPendingOrScheduled) {
    PaymentRequest pending = Create();
    EXPECT_TRUE(service_->Cancel(pending.id, operator_).ok());
    auto again = service_->Cancel(pending.id, operator_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().message, "cannot cancel payment in CANCELLED status");

    CreatePaymentCommand scheduled_command = ValidCommand();
    scheduled_command.scheduled_date = "2026-03-01T00:00:00Z";
    PaymentRequest scheduled = Create(scheduled_command);
    EXPECT_TRUE(service_->Cancel(scheduled.id, operator_).ok());

    PaymentRequest completed = Create();
    ASSERT_TRUE(Move(completed.id, "PROCESSING").ok());
    ASSERT_TRUE(Move(completed.id, "COMPLETED").ok());
    auto refused = service_->Cancel(completed.id, operator_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().reason, "INVALID_TRANSITION");
    EXPECT_EQ(refused.error().message, "cannot cancel payment in COMPLETED status");
}

TEST_F(PaymentServiceTest, UnknownIdIsNotFound) {
    EXPECT_EQ(service_->Get(999, operator_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Cancel(999, operator_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(Move(999, "PROCESSING").error().code, ErrorCode::kNotFound);
}

TEST_F(PaymentServiceTest, PaymentIdsAreStrictPositiveIntegers) {
    EXPECT_EQ(*ParsePaymentId("12345"), 12345);
    for (const char* bad : {"", "0", "-1", "abc", "12a", "1.5", "99999999999999999999",
                            "a3b5c7d9-e1f3-4567-8901-23456789abcd"})
        EXPECT_FALSE(ParsePaymentId(bad).ok()) << bad;
}

TEST_F(PaymentServiceTest, ExternalIdMakesARetryReturnTheSameRequest) {
    auto first = service_->Create(ValidCommand(), operator_);
    ASSERT_TRUE(first.ok());
    auto retry = service_->Create(ValidCommand(), operator_);
    ASSERT_TRUE(retry.ok());
    EXPECT_FALSE(retry->created);
    EXPECT_EQ(retry->payment.id, first->payment.id);
    EXPECT_EQ(retry->payment.unique_id, first->payment.unique_id);
    CreatePaymentCommand different = ValidCommand();
    different.amount_centavos = 15001;
    auto conflict = service_->Create(different, operator_);
    ASSERT_FALSE(conflict.ok());
    EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
    EXPECT_EQ(service_->List({}, operator_)->total, 1);
}

TEST_F(PaymentServiceTest, IdempotencyKeyMakesARetryReturnTheSameRequest) {
    CreatePaymentCommand command = ValidCommand();
    command.external_id.reset();
    command.idempotency_key = "key-1";
    auto first = service_->Create(command, operator_);
    auto retry = service_->Create(command, operator_);
    ASSERT_TRUE(first.ok() && retry.ok());
    EXPECT_EQ(retry->payment.id, first->payment.id);
    EXPECT_FALSE(retry->created);
    command.description = "another";
    EXPECT_EQ(service_->Create(command, operator_).error().code, ErrorCode::kConflict);
    command.idempotency_key = "key-2";
    auto second = service_->Create(command, operator_);
    ASSERT_TRUE(second.ok());
    EXPECT_NE(second->payment.id, first->payment.id);
}

TEST_F(PaymentServiceTest, EveryStatusChangeIsAHistoryRow) {
    PaymentRequest payment = Create();
    auth::Principal system{.sub = "spi-worker"};
    ASSERT_TRUE(service_->UpdateStatus(payment.id, {.status = "PROCESSING"}, system).ok());
    clock_.Advance(std::chrono::seconds(5));
    ASSERT_TRUE(service_->UpdateStatus(payment.id, {.status = "COMPLETED"}, system).ok());
    EXPECT_FALSE(Move(payment.id, "FAILED").ok());  // refused: no row
    auto history = service_->History(payment.id, operator_);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 3u);
    EXPECT_FALSE((*history)[0].from.has_value());
    EXPECT_EQ((*history)[0].to, PaymentStatus::kPending);
    EXPECT_EQ((*history)[0].changed_by, "ops@dictra.test");
    EXPECT_EQ((*history)[1].from, PaymentStatus::kPending);
    EXPECT_EQ((*history)[1].to, PaymentStatus::kProcessing);
    EXPECT_EQ((*history)[1].changed_by, "spi-worker");
    EXPECT_EQ((*history)[2].to, PaymentStatus::kCompleted);
    EXPECT_EQ((*history)[2].changed_at, clock_.Now());
}

TEST_F(PaymentServiceTest, ListFiltersAndPages) {
    for (std::int64_t amount : {500, 1000, 5000, 100000, 200000}) {
        CreatePaymentCommand command = ValidCommand();
        command.amount_centavos = amount;
        Create(command);
    }
    CreatePaymentCommand other = ValidCommand();
    other.debtor.ispb = "11111111";
    PaymentRequest other_payment = Create(other);
    ASSERT_TRUE(Move(other_payment.id, "PROCESSING").ok());

    EXPECT_EQ(service_->List({}, operator_)->total, 6);
    EXPECT_EQ(service_->List({.status = "PROCESSING"}, operator_)->total, 1);
    EXPECT_EQ(service_->List({.debtor_ispb = "11111111"}, operator_)->total, 1);
    EXPECT_EQ(service_->List({.creditor_ispb = "87654321"}, operator_)->total, 6);
    EXPECT_EQ(service_->List({.creditor_ispb = "11111111"}, operator_)->total, 0);
    EXPECT_EQ(service_->List({.min_amount = "1000", .max_amount = "100000"}, operator_)->total,
              4);  // 1000, 5000, 15000, 100000
    auto page = service_->List({.limit = "2", .offset = "4"}, operator_);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total, 6);
    ASSERT_EQ(page->data.size(), 2u);
    EXPECT_EQ(page->limit, 2);
    EXPECT_EQ(service_->List({}, operator_)->limit, kListLimitDefault);
}

TEST_F(PaymentServiceTest, BadListParametersAreValidationErrors) {
    const std::pair<ListQuery, std::string> cases[] = {
        {{.status = "DONE"}, "status"},
        {{.debtor_ispb = "123"}, "debtor_ispb"},
        {{.creditor_ispb = "x"}, "creditor_ispb"},
        {{.min_amount = "-1"}, "min_amount"},
        {{.max_amount = "ten"}, "max_amount"},
        {{.limit = "-1"}, "limit"},
        {{.limit = "abc"}, "limit"},
        {{.limit = "0"}, "limit"},
        {{.limit = "101"}, "limit"},
        {{.offset = "-5"}, "offset"},
        {{.offset = "1.5"}, "offset"},
        {{.limit = ""}, "limit"},
    };
    for (const auto& [query, field] : cases) {
        auto listed = service_->List(query, operator_);
        ASSERT_FALSE(listed.ok()) << field;
        EXPECT_EQ(listed.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(listed.error().message.find(field), std::string::npos);
    }
    EXPECT_TRUE(service_->List({.limit = "100"}, operator_).ok());
}

TEST_F(PaymentServiceTest, ParticipantTokenSeesOnlyItsOwnPayments) {
    PaymentRequest mine = Create();  // debtor 12345678, creditor 87654321
    CreatePaymentCommand others = ValidCommand();
    others.debtor.ispb = "11111111";
    others.creditor.ispb = "22222222";
    PaymentRequest theirs = Create(others);

    auth::Principal creditor{.sub = "bank-b", .ispb = "87654321"};
    EXPECT_TRUE(service_->Get(mine.id, creditor).ok());
    EXPECT_EQ(service_->Get(theirs.id, creditor).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Cancel(theirs.id, creditor).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->UpdateStatus(theirs.id, {.status = "PROCESSING"}, creditor).error().code,
              ErrorCode::kNotFound);
    auto listed = service_->List({}, creditor);
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->total, 1);
    EXPECT_EQ(listed->data.at(0).id, mine.id);
    auto forbidden = service_->Create(others, creditor);
    ASSERT_FALSE(forbidden.ok());
    EXPECT_EQ(forbidden.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(service_->Get(theirs.id, operator_)->status, PaymentStatus::kPending);
}

}  // namespace
}  // namespace dictra::settlement
