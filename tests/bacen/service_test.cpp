// The simulator's settlement rules without HTTP: a real store on an in-memory SQLite database,
// a FakeClock, messages built with formats/iso20022.
#include "bacen/service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include "bacen/bacen_testing.hpp"
#include "core/time.hpp"

namespace dictra::bacen {
namespace {

using namespace std::chrono_literals;
using testing::kPayee;
using testing::kPayer;
using testing::Pacs008Xml;
using testing::Transfer;
namespace iso = formats::iso20022;

constexpr std::int64_t kPayerStartCentavos = 100'000;  // R$ 1,000.00

class BacenServiceTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto database = db::OpenDatabase("sqlite::memory:", {});
        ASSERT_TRUE(database.ok()) << database.error().message;
        database_ = std::move(*database);
        ASSERT_TRUE(database_->Migrate("bacen", BacenStore::Migrations()).ok());
        store_ = std::make_unique<BacenStore>(*database_);
        BacenOptions options;
        options.participants = {{kPayer, AmountCentavos(kPayerStartCentavos)},
                                {kPayee, AmountCentavos(0)}};
        options.settlement_deadline = 60s;
        options.long_poll = 300ms;
        service_ = std::make_unique<BacenService>(*store_, clock_, options);
        ASSERT_TRUE(service_->Start().ok());
    }
    void TearDown() override {
        service_.reset();
        database_->Close();
    }

    std::int64_t Balance(const std::string& ispb) {
        auto account = service_->GetAccount(ispb);
        EXPECT_TRUE(account.ok()) << ispb;
        return account.ok() ? account->balance.centavos() : -1;
    }
    Status Send(const std::string& sender, const std::string& xml) {
        auto receipt = service_->Receive(sender, {xml});
        if (!receipt.ok()) return std::move(receipt).error();
        EXPECT_TRUE(IsUuid(receipt->resource_id));
        return Ok();
    }
    // Every message queued for `ispb`, in order.
    std::vector<iso::Message> Drain(const std::string& ispb) {
        auto stream = service_->OpenStream(ispb);
        EXPECT_TRUE(stream.ok());
        std::vector<iso::Message> messages;
        while (true) {
            auto pulled = service_->PullNow(ispb, *stream);
            EXPECT_TRUE(pulled.ok()) << pulled.error().message;
            if (!pulled.ok() || pulled->messages.empty()) break;
            EXPECT_LE(pulled->messages.size(), kMessagesPerPullMax);
            for (const OutboundMessage& message : pulled->messages) {
                auto parsed = iso::ParseAny(message.xml);
                EXPECT_TRUE(parsed.ok()) << parsed.error().message;
                if (parsed.ok()) messages.push_back(std::move(*parsed));
            }
        }
        return messages;
    }
    // The single pacs.002 status the payer received.
    iso::PaymentStatus OnlyStatus(const std::string& ispb) {
        std::vector<iso::Message> messages = Drain(ispb);
        EXPECT_EQ(messages.size(), 1u);
        if (messages.empty()) return {};
        const auto* report = std::get_if<iso::Envelope<iso::Pacs002>>(&messages[0]);
        EXPECT_NE(report, nullptr);
        if (report == nullptr) return {};
        EXPECT_EQ(report->header.from_ispb, kBacenIspb);
        EXPECT_EQ(report->header.to_ispb, ispb);
        EXPECT_EQ(report->document.statuses.size(), 1u);
        return report->document.statuses.at(0);
    }
    void ExpectRejected(const std::string& ispb, std::string_view code) {
        iso::PaymentStatus status = OnlyStatus(ispb);
        EXPECT_EQ(status.status, iso::TransactionStatus::kRjct);
        ASSERT_EQ(status.reasons.size(), 1u);
        EXPECT_EQ(status.reasons[0].code.value_or(""), code);
    }

    FakeClock clock_{ParseRfc3339("2026-03-02T15:00:00Z").value()};
    std::unique_ptr<db::Database> database_;
    std::unique_ptr<BacenStore> store_;
    std::unique_ptr<BacenService> service_;
};

TEST_F(BacenServiceTest, SeedsParticipantsOnceAndKeepsBalancesOnRestart) {
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos);
    EXPECT_EQ(Balance(kPayee), 0);
    ASSERT_TRUE(service_->Fund(kPayee, AmountCentavos(500)).ok());
    ASSERT_TRUE(service_->Start().ok());  // seeding again changes nothing
    EXPECT_EQ(Balance(kPayee), 500);
}

TEST_F(BacenServiceTest, SettlesAccccDebitsPayerCreditsPayeeAndDelivers) {
    iso::CreditTransfer tx = Transfer(kPayer, kPayee, 250'00, clock_.Now());
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos - 250'00);
    EXPECT_EQ(Balance(kPayee), 250'00);

    iso::PaymentStatus status = OnlyStatus(kPayer);
    EXPECT_EQ(status.status, iso::TransactionStatus::kAccc);
    EXPECT_EQ(status.original_end_to_end_id, tx.end_to_end_id);
    EXPECT_TRUE(status.reasons.empty());
    EXPECT_EQ(status.settled_at, clock_.Now());

    std::vector<iso::Message> delivered = Drain(kPayee);
    ASSERT_EQ(delivered.size(), 1u);
    const auto* forwarded = std::get_if<iso::Envelope<iso::Pacs008>>(&delivered[0]);
    ASSERT_NE(forwarded, nullptr);
    EXPECT_EQ(forwarded->header.from_ispb, kBacenIspb);
    EXPECT_EQ(forwarded->header.to_ispb, kPayee);
    ASSERT_EQ(forwarded->document.transactions.size(), 1u);
    EXPECT_EQ(forwarded->document.transactions[0], tx);
    EXPECT_TRUE(Drain(kPayer).empty());  // delivered once
}

TEST_F(BacenServiceTest, InsufficientBalanceIsAm04AndChangesNothing) {
    ASSERT_TRUE(
        Send(kPayer,
             Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, kPayerStartCentavos + 1, clock_.Now())},
                        clock_.Now()))
            .ok());
    ExpectRejected(kPayer, "AM04");
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos);
    EXPECT_EQ(Balance(kPayee), 0);
    EXPECT_TRUE(Drain(kPayee).empty());
}

TEST_F(BacenServiceTest, NeverBelowZeroTheWholeBalanceSettlesThenOneCentavoDoesNot) {
    ASSERT_TRUE(
        Send(kPayer, Pacs008Xml(kPayer,
                                {Transfer(kPayer, kPayee, kPayerStartCentavos, clock_.Now()),
                                 Transfer(kPayer, kPayee, 1, clock_.Now())},
                                clock_.Now()))
            .ok());
    std::vector<iso::Message> messages = Drain(kPayer);
    ASSERT_EQ(messages.size(), 1u);
    const auto& report = std::get<iso::Envelope<iso::Pacs002>>(messages[0]).document;
    ASSERT_EQ(report.statuses.size(), 2u);
    EXPECT_EQ(report.statuses[0].status, iso::TransactionStatus::kAccc);
    EXPECT_EQ(report.statuses[1].status, iso::TransactionStatus::kRjct);
    EXPECT_EQ(report.statuses[1].reasons.at(0).code.value_or(""), "AM04");
    EXPECT_EQ(Balance(kPayer), 0);
    EXPECT_EQ(Balance(kPayee), kPayerStartCentavos);
}

// The messages of one POST share a commit but not their fate: each pacs.008 settles or is
// rejected on its own, in the order of the POST, and each gets its own pacs.002.
TEST_F(BacenServiceTest, OnePostOfSeveralMessagesSettlesEachOnItsOwn) {
    const iso::CreditTransfer first =
        Transfer(kPayer, kPayee, kPayerStartCentavos - 10, clock_.Now());
    const iso::CreditTransfer too_much = Transfer(kPayer, kPayee, 11, clock_.Now());
    const iso::CreditTransfer last = Transfer(kPayer, kPayee, 10, clock_.Now());
    const std::string repeated = Pacs008Xml(kPayer, {first}, clock_.Now());
    std::vector<std::string> xmls = {repeated, Pacs008Xml(kPayer, {too_much}, clock_.Now()),
                                     Pacs008Xml(kPayer, {last}, clock_.Now()), repeated};
    auto receipt = service_->Receive(kPayer, {xmls.begin(), xmls.end()});
    ASSERT_TRUE(receipt.ok()) << receipt.error().message;
    EXPECT_EQ(receipt->messages, 4u);
    EXPECT_EQ(Balance(kPayer), 0);  // never below zero: the 11 centavos did not fit
    EXPECT_EQ(Balance(kPayee), kPayerStartCentavos);

    std::vector<iso::Message> reports = Drain(kPayer);
    ASSERT_EQ(reports.size(), 4u);
    std::vector<std::string> outcomes;
    for (const iso::Message& message : reports) {
        const auto& status = std::get<iso::Envelope<iso::Pacs002>>(message).document.statuses.at(0);
        outcomes.push_back(status.original_end_to_end_id + " " +
                           std::string(iso::ToString(status.status)) + " " +
                           (status.reasons.empty() ? "" : status.reasons[0].code.value_or("")));
    }
    EXPECT_EQ(outcomes, (std::vector<std::string>{
                            first.end_to_end_id + " ACCC ", too_much.end_to_end_id + " RJCT AM04",
                            last.end_to_end_id + " ACCC ", first.end_to_end_id + " RJCT DUPL"}));
    EXPECT_EQ(Drain(kPayee).size(), 2u);
}

TEST_F(BacenServiceTest, CreditorAccountOfZerosIsAc03) {
    iso::CreditTransfer tx = Transfer(kPayer, kPayee, 100, clock_.Now());
    tx.creditor_account.number = "0000";
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    ExpectRejected(kPayer, "AC03");
    tx = Transfer(kPayer, kPayee, 100, clock_.Now());
    tx.creditor_account.branch = "0";
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    ExpectRejected(kPayer, "AC03");
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos);
}

TEST_F(BacenServiceTest, UnknownPayeeIsRc10) {
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {Transfer(kPayer, "99999999", 100, clock_.Now())},
                                        clock_.Now()))
                    .ok());
    ExpectRejected(kPayer, "RC10");
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos);
}

TEST_F(BacenServiceTest, UnknownPayerIsRc09) {
    const std::string stranger = "11111111";
    ASSERT_TRUE(Send(stranger, Pacs008Xml(stranger, {Transfer(stranger, kPayee, 100, clock_.Now())},
                                          clock_.Now()))
                    .ok());
    ExpectRejected(stranger, "RC09");
    EXPECT_EQ(Balance(kPayee), 0);
}

TEST_F(BacenServiceTest, DebtorAgentOtherThanTheSenderIsRc09) {
    // kPayee sends a transfer that would debit kPayer.
    ASSERT_TRUE(Send(kPayee, Pacs008Xml(kPayee, {Transfer(kPayer, kPayee, 100, clock_.Now())},
                                        clock_.Now()))
                    .ok());
    ExpectRejected(kPayee, "RC09");
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos);
}

TEST_F(BacenServiceTest, RepeatedEndToEndIdIsDuplAndSettlesOnce) {
    iso::CreditTransfer tx = Transfer(kPayer, kPayee, 1'00, clock_.Now());
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    EXPECT_EQ(OnlyStatus(kPayer).status, iso::TransactionStatus::kAccc);
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    ExpectRejected(kPayer, "DUPL");
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos - 1'00);
    EXPECT_EQ(Balance(kPayee), 1'00);
    EXPECT_EQ(Drain(kPayee).size(), 1u);
}

TEST_F(BacenServiceTest, RejectedEndToEndIdMayBeSentAgain) {
    iso::CreditTransfer tx = Transfer(kPayer, kPayee, kPayerStartCentavos + 1, clock_.Now());
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    ExpectRejected(kPayer, "AM04");
    tx.amount = AmountCentavos(5);
    ASSERT_TRUE(Send(kPayer, Pacs008Xml(kPayer, {tx}, clock_.Now())).ok());
    EXPECT_EQ(OnlyStatus(kPayer).status, iso::TransactionStatus::kAccc);
}

TEST_F(BacenServiceTest, SettlementDeadlinePassedIsAb03) {
    const SystemTimePoint accepted = clock_.Now();
    clock_.Advance(60s);  // exactly at the deadline: still settles
    ASSERT_TRUE(
        Send(kPayer, Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 1, accepted)}, clock_.Now()))
            .ok());
    EXPECT_EQ(OnlyStatus(kPayer).status, iso::TransactionStatus::kAccc);
    clock_.Advance(1ms);
    ASSERT_TRUE(
        Send(kPayer, Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 1, accepted)}, clock_.Now()))
            .ok());
    ExpectRejected(kPayer, "AB03");
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos - 1);
}

TEST_F(BacenServiceTest, EchoAnswersPibr002WithTheData) {
    ASSERT_TRUE(Send(kPayee, testing::Pibr001Xml(kPayee, "ping 42", clock_.Now())).ok());
    std::vector<iso::Message> messages = Drain(kPayee);
    ASSERT_EQ(messages.size(), 1u);
    const auto* echo = std::get_if<iso::Envelope<iso::Pibr002>>(&messages[0]);
    ASSERT_NE(echo, nullptr);
    EXPECT_EQ(echo->document.original_data, "ping 42");
    EXPECT_EQ(echo->header.to_ispb, kPayee);
}

TEST_F(BacenServiceTest, BadXmlIsRefusedAndNothingIsProcessed) {
    const std::string good =
        Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 1, clock_.Now())}, clock_.Now());
    auto receipt = service_->Receive(kPayer, {good, "<Envelope>"});
    ASSERT_FALSE(receipt.ok());
    EXPECT_EQ(receipt.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(receipt.error().reason, "INVALID_MESSAGE");
    EXPECT_EQ(receipt.error().message.rfind("message 2: ", 0), 0u) << receipt.error().message;
    EXPECT_EQ(Balance(kPayer), kPayerStartCentavos);
    EXPECT_TRUE(Drain(kPayer).empty());
}

TEST_F(BacenServiceTest, HeaderMustNameTheSenderAndTheSpi) {
    const std::string xml =
        Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 1, clock_.Now())}, clock_.Now());
    auto receipt = service_->Receive(kPayee, {xml});
    ASSERT_FALSE(receipt.ok());
    EXPECT_EQ(receipt.error().reason, "INVALID_HEADER");
    EXPECT_FALSE(service_->Receive(kPayer, {}).ok());
    std::vector<std::string_view> eleven(kMessagesPerRequestMax + 1, xml);
    EXPECT_FALSE(service_->Receive(kPayer, eleven).ok());
}

TEST_F(BacenServiceTest, ConcurrentSettlementsAreExact) {
    constexpr int kThreads = 8;
    constexpr int kTransfersPerThread = 25;
    constexpr std::int64_t kAmountCentavos = 1'000;  // 200 x R$ 10 = twice the payer's balance
    std::vector<std::thread> threads;
    std::atomic<int> failures = 0;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&] {
            for (int transfer_idx = 0; transfer_idx < kTransfersPerThread; ++transfer_idx) {
                auto receipt = service_->Receive(
                    kPayer,
                    {Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, kAmountCentavos, clock_.Now())},
                                clock_.Now())});
                if (!receipt.ok()) ++failures;
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(Balance(kPayer), 0);
    EXPECT_EQ(Balance(kPayee), kPayerStartCentavos);
    int settled = 0;
    int rejected = 0;
    for (const iso::Message& message : Drain(kPayer)) {
        const auto& status = std::get<iso::Envelope<iso::Pacs002>>(message).document.statuses[0];
        (status.status == iso::TransactionStatus::kAccc ? settled : rejected)++;
    }
    EXPECT_EQ(settled, kPayerStartCentavos / kAmountCentavos);
    EXPECT_EQ(settled + rejected, kThreads * kTransfersPerThread);
    EXPECT_EQ(Drain(kPayee).size(), static_cast<std::size_t>(settled));
}

TEST_F(BacenServiceTest, LongPollAnswersWhenAMessageArrives) {
    auto stream = service_->OpenStream(kPayee);
    ASSERT_TRUE(stream.ok());
    std::promise<Result<PullResult>> answered;
    service_->Pull(kPayee, *stream,
                   [&](Result<PullResult> result) { answered.set_value(std::move(result)); });
    auto future = answered.get_future();
    ASSERT_TRUE(
        Send(kPayer, Pacs008Xml(kPayer, {Transfer(kPayer, kPayee, 1, clock_.Now())}, clock_.Now()))
            .ok());
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    Result<PullResult> result = future.get();
    ASSERT_TRUE(result.ok());
    ASSERT_EQ(result->messages.size(), 1u);
    EXPECT_EQ(result->messages[0].message_type, "pacs.008");
}

TEST_F(BacenServiceTest, LongPollAnswersEmptyAtTheDeadline) {
    auto stream = service_->OpenStream(kPayee);
    ASSERT_TRUE(stream.ok());
    std::promise<Result<PullResult>> answered;
    const auto start = std::chrono::steady_clock::now();
    service_->Pull(kPayee, *stream,
                   [&](Result<PullResult> result) { answered.set_value(std::move(result)); });
    auto future = answered.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
    Result<PullResult> result = future.get();
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(result->messages.empty());
}

TEST_F(BacenServiceTest, ClosedOrForeignStreamIsNotFound) {
    auto stream = service_->OpenStream(kPayee);
    ASSERT_TRUE(stream.ok());
    EXPECT_EQ(service_->PullNow(kPayer, *stream).error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(service_->CloseStream(kPayee, *stream).ok());
    EXPECT_EQ(service_->PullNow(kPayee, *stream).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->CloseStream(kPayee, *stream).error().code, ErrorCode::kNotFound);
}

TEST_F(BacenServiceTest, FundCreatesOrCreditsAndRefusesNonPositive) {
    auto funded = service_->Fund("22222222", AmountCentavos(7'00));
    ASSERT_TRUE(funded.ok());
    EXPECT_EQ(funded->balance.centavos(), 7'00);
    EXPECT_EQ(service_->Fund(kPayer, AmountCentavos(0)).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->Fund(kPayer, AmountCentavos(-1)).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->Fund("123", AmountCentavos(1)).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->GetAccount("33333333").error().code, ErrorCode::kNotFound);
    auto accounts = service_->ListAccounts();
    ASSERT_TRUE(accounts.ok());
    EXPECT_EQ(accounts->size(), 3u);
}

}  // namespace
}  // namespace dictra::bacen
