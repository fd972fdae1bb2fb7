// SPI's rules without HTTP: every validation rule of POST /api/v1/payments, the status flow with
// its history, and the BACEN side played by the real simulator service (bacen::BacenService)
// on the same in-memory database: settlement, AM04, outage and retry with the same EndToEndId,
// DUPL, unknown EndToEndIds, malformed XML and incoming credits.
#include "spi/service.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "bacen/bacen_testing.hpp"
#include "bacen/service.hpp"
#include "bacen/store.hpp"
#include "core/ids.hpp"
#include "formats/iso20022/pacs002.hpp"

namespace dictra::spi {
namespace {

namespace iso = formats::iso20022;
constexpr const char* kOurs = "12345678";
constexpr const char* kPayee = "87654321";
// The history of a payment that BACEN settled: one row per step.
const std::vector<std::string> kSettledHistory = {"ENTRY_RECEIVED", "VALIDATED", "PENDING_BACEN",
                                                  "SENT_TO_BACEN", "ACCC/ACCC"};

NewPayment ValidManu() {
    NewPayment r;
    r.local_instrument = "MANU";
    r.priority_type = "PAGPRI";
    r.priority_id = 1;
    r.purpose = "IPAY";
    r.amount_centavos = 10'000;
    r.currency = "BRL";
    r.debtor = Party{kOurs, "João Silva", "12345678901", "00001234567", "CACC", "0001", ""};
    r.creditor = Party{kPayee, "Maria Oliveira", "98765432100", "00009876543", "CACC", "0002", ""};
    r.origin_system = 1;
    return r;
}

NewPayment With(std::string instrument, std::string tx_id, std::string proxy) {
    NewPayment r = ValidManu();
    r.local_instrument = std::move(instrument);
    r.tx_id = std::move(tx_id);
    r.creditor.proxy = std::move(proxy);
    return r;
}

std::string ValidationMessage(const NewPayment& r) {
    Status status = ValidateNewPayment(r, kOurs);
    if (status.ok()) return "ok";
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    return status.error().message;
}

TEST(ValidateNewPaymentTest, AcceptsEveryInitiationTypeWithItsFields) {
    EXPECT_EQ(ValidationMessage(ValidManu()), "ok");
    NewPayment dict = With("DICT", "", "maria@example.com");
    dict.dict_end_to_end_id = NewEndToEndId(Ispb::Parse(kOurs).value(), SystemClock().Now());
    EXPECT_EQ(ValidationMessage(dict), "ok");
    EXPECT_EQ(ValidationMessage(With("QRES", std::string(25, 'a'), "k")), "ok");
    EXPECT_EQ(ValidationMessage(With("QRDN", std::string(26, 'a'), "k")), "ok");
    EXPECT_EQ(ValidationMessage(With("QRDN", std::string(35, 'a'), "k")), "ok");
    NewPayment inic = With("INIC", "abc123", "k");
    inic.initiating_party = "12345678000199";
    EXPECT_EQ(ValidationMessage(inic), "ok");
    EXPECT_EQ(ValidationMessage(With("AUTO", std::string(30, 'b'), "")), "ok");
    EXPECT_EQ(ValidationMessage(With("APDN", std::string(26, 'b'), "k")), "ok");
    EXPECT_EQ(ValidationMessage(With("APES", "x", "")), "ok");
}

TEST(ValidateNewPaymentTest, ProxyRequiredForDictQrAndInic) {
    NewPayment dict = With("DICT", "", "");
    dict.dict_end_to_end_id = NewEndToEndId(Ispb::Parse(kOurs).value(), SystemClock().Now());
    EXPECT_EQ(ValidationMessage(dict), "DICT payments require PIX key (CreditorProxy)");
    EXPECT_EQ(ValidationMessage(With("QRES", "a", "")),
              "QRES payments require PIX key (CreditorProxy)");
    EXPECT_EQ(ValidationMessage(With("QRDN", std::string(26, 'a'), "")),
              "QRDN payments require PIX key (CreditorProxy)");
    NewPayment inic = With("INIC", "a", "");
    inic.initiating_party = "12345678000199";
    EXPECT_EQ(ValidationMessage(inic), "INIC payments require PIX key (CreditorProxy)");
    EXPECT_EQ(ValidationMessage(With("MANU", "", "k")),
              "MANU payments must not carry a PIX key (creditor.proxy)");
    EXPECT_EQ(ValidationMessage(With("APES", "a", std::string(78, 'k'))),
              "creditor.proxy must be at most 77 characters");
}

TEST(ValidateNewPaymentTest, TxIdLengthPerType) {
    EXPECT_EQ(ValidationMessage(With("MANU", "abc", "")), "MANU payments must not carry a tx_id");
    EXPECT_EQ(ValidationMessage(With("QRES", "", "k")), "QRES payments require tx_id");
    EXPECT_EQ(ValidationMessage(With("QRES", std::string(26, 'a'), "k")),
              "QRES payments require a tx_id of at most 25 characters");
    EXPECT_EQ(ValidationMessage(With("QRDN", std::string(25, 'a'), "k")),
              "QRDN payments require a tx_id of 26 to 35 characters");
    EXPECT_EQ(ValidationMessage(With("QRDN", std::string(36, 'a'), "k")),
              "QRDN payments require a tx_id of 26 to 35 characters");
    EXPECT_EQ(ValidationMessage(With("AUTO", "short", "")),
              "AUTO payments require a tx_id of 26 to 35 characters");
    EXPECT_EQ(ValidationMessage(With("APDN", std::string(40, 'a'), "")),
              "APDN payments require a tx_id of 26 to 35 characters");
    EXPECT_EQ(ValidationMessage(With("APES", std::string(26, 'a'), "")),
              "APES payments require a tx_id of at most 25 characters");
    EXPECT_EQ(ValidationMessage(With("QRES", "abc-123", "k")),
              "tx_id must be letters and digits only");
}

TEST(ValidateNewPaymentTest, InitiatingPartyForInic) {
    EXPECT_EQ(ValidationMessage(With("INIC", "abc", "k")),
              "INIC payments require initiating_party");
    NewPayment inic = With("INIC", "abc", "k");
    inic.initiating_party = "1234";
    EXPECT_EQ(ValidationMessage(inic), "initiating_party must be a CNPJ (14 digits)");
}

TEST(ValidateNewPaymentTest, DictEndToEndIdComesFromDictOnly) {
    NewPayment dict = With("DICT", "", "k");
    EXPECT_EQ(ValidationMessage(dict),
              "DICT payments require dict_end_to_end_id from dict-service");
    dict.dict_end_to_end_id = "E12345678202613241030abcdefghijk";  // month 13
    EXPECT_EQ(ValidationMessage(dict).rfind("dict_end_to_end_id is not a valid EndToEndId", 0), 0u)
        << ValidationMessage(dict);
    dict.dict_end_to_end_id = NewEndToEndId(Ispb::Parse(kPayee).value(), SystemClock().Now());
    EXPECT_EQ(ValidationMessage(dict),
              "dict_end_to_end_id must be minted for the payer's ISPB 12345678");
    NewPayment manu = ValidManu();
    manu.dict_end_to_end_id = NewEndToEndId(Ispb::Parse(kOurs).value(), SystemClock().Now());
    EXPECT_EQ(ValidationMessage(manu), "dict_end_to_end_id is only for DICT payments");
}

TEST(ValidateNewPaymentTest, DescriptionAtMost140Characters) {
    NewPayment r = ValidManu();
    r.description.clear();
    for (int char_idx = 0; char_idx < 140; ++char_idx) r.description += "ç";  // 2 bytes each
    EXPECT_EQ(ValidationMessage(r), "ok");
    r.description += "a";
    EXPECT_EQ(ValidationMessage(r), "description must be at most 140 characters");
}

TEST(ValidateNewPaymentTest, FieldRules) {
    auto check = [](auto change, const std::string& expected) {
        NewPayment r = ValidManu();
        change(r);
        EXPECT_EQ(ValidationMessage(r), expected);
    };
    check([](NewPayment& r) { r.local_instrument = "PIX"; },
          "local_instrument must be one of MANU, DICT, QRES, QRDN, INIC, AUTO, APDN, APES");
    check([](NewPayment& r) { r.priority_type = "FAST"; },
          "priority_type must be one of PAGPRI, PAGFRD, PAGAGD");
    check([](NewPayment& r) { r.priority_id = 3; }, "priority_id must be 1 (HIGH) or 2 (NORMAL)");
    check([](NewPayment& r) { r.purpose = "GIFT"; },
          "purpose must be one of IPAY, GSCB, OTHR, REFU");
    check([](NewPayment& r) { r.amount_centavos = 0; },
          "amount must be a positive number of centavos");
    check([](NewPayment& r) { r.amount_centavos = -5; },
          "amount must be a positive number of centavos");
    check([](NewPayment& r) { r.amount_centavos = kAmountCentavosMax + 1; },
          "amount must be at most 999999999999999999 centavos");
    check([](NewPayment& r) { r.currency = "USD"; }, "currency must be BRL");
    check([](NewPayment& r) { r.debtor.ispb = "1234"; }, "debtor.ispb must be 8 digits");
    check([](NewPayment& r) { r.creditor.ispb = "abcdefgh"; }, "creditor.ispb must be 8 digits");
    check([](NewPayment& r) { r.debtor.document = "123"; },
          "debtor.document must be a CPF (11 digits) or a CNPJ (14 digits)");
    check([](NewPayment& r) { r.creditor.account_no = ""; },
          "creditor.account_no must be 1 to 20 digits or capital letters");
    check([](NewPayment& r) { r.creditor.account_no = "12-3"; },
          "creditor.account_no must be 1 to 20 digits or capital letters");
    check([](NewPayment& r) { r.debtor.account_type = "XXXX"; },
          "debtor.account_type must be one of CACC, SVGS, TRAN, SLRY");
    check([](NewPayment& r) { r.debtor.branch = "00001"; }, "debtor.branch must be 1 to 4 digits");
    check([](NewPayment& r) { r.debtor.name = std::string(141, 'n'); },
          "debtor.name must be at most 140 characters");
    check([](NewPayment& r) { r.debtor.ispb = kPayee; },
          "debtor.ispb must be 12345678, the participant this SPI serves");
}

// The simulator's inbox and our stream, called directly; `down` plays an outage.
class SimulatedBacen : public BacenGateway {
 public:
    explicit SimulatedBacen(bacen::BacenService& bacen) : bacen_(bacen) {
        stream_id_ = bacen_.OpenStream(kOurs).value();
    }
    Result<SendReceipt> Send(const std::vector<std::string>& messages) override {
        ++sends;
        post_sizes.push_back(messages.size());
        if (down) return Error::Unavailable("connection refused");
        for (const std::string& xml : messages) {
            if (!refuse_end_to_end_id.empty() &&
                xml.find(refuse_end_to_end_id) != std::string::npos) {
                return Error::InvalidArgument("BACEN answered 400: message refused");
            }
        }
        auto receipt = bacen_.Receive(kOurs, {messages.begin(), messages.end()});
        if (!receipt.ok()) return Error::InvalidArgument(receipt.error().message);
        if (lose_answer) return Error::Unavailable("timed out reading the answer");
        // BACEN's pacs.002 reaches us before the sender records the send (a moment later than
        // the send: a real round trip takes time).
        if (deliver_before_answer != nullptr) {
            if (clock != nullptr) clock->Advance(std::chrono::milliseconds(1));
            Deliver(*deliver_before_answer);
        }
        return SendReceipt{receipt->resource_id};
    }
    // Delivers every queued message of our stream to `spi`, one pull at a time.
    void Deliver(SpiService& spi) {
        while (true) {
            auto pulled = bacen_.PullNow(kOurs, stream_id_);
            ASSERT_TRUE(pulled.ok());
            if (pulled->messages.empty()) return;
            std::vector<std::string_view> xmls;
            for (const bacen::OutboundMessage& message : pulled->messages) {
                xmls.push_back(message.xml);
            }
            for (const Result<IncomingOutcome>& outcome : spi.HandleIncoming(xmls)) {
                ASSERT_TRUE(outcome.ok()) << outcome.error().message;
            }
        }
    }
    bool down = false;
    bool lose_answer = false;
    // A POST holding this EndToEndId is refused as a whole (400), as BACEN does for a bad message.
    std::string refuse_end_to_end_id;
    SpiService* deliver_before_answer = nullptr;
    FakeClock* clock = nullptr;  // advanced before an early delivery, when set
    int sends = 0;
    std::vector<std::size_t> post_sizes;

 private:
    bacen::BacenService& bacen_;
    std::string stream_id_;
};

class SpiServiceTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto database = db::OpenDatabase("sqlite::memory:", {});
        ASSERT_TRUE(database.ok()) << database.error().message;
        database_ = std::move(*database);
        ASSERT_TRUE(database_->Migrate("spi", SpiStore::Migrations()).ok());
        ASSERT_TRUE(database_->Migrate("bacen", bacen::BacenStore::Migrations()).ok());
        store_ = std::make_unique<SpiStore>(*database_);
        bacen_store_ = std::make_unique<bacen::BacenStore>(*database_);
        bacen::BacenOptions bacen_options;
        bacen_options.participants = {{kOurs, AmountCentavos(100'000)},
                                      {kPayee, AmountCentavos(0)}};
        bacen_options.long_poll = std::chrono::milliseconds(0);
        bacen_ = std::make_unique<bacen::BacenService>(*bacen_store_, clock_, bacen_options);
        ASSERT_TRUE(bacen_->Start().ok());
        service_ =
            std::make_unique<SpiService>(*store_, clock_, Probes{},
                                         SpiOptions{.ispb = kOurs,
                                                    .retry_first = std::chrono::milliseconds(100),
                                                    .retry_max = std::chrono::milliseconds(1'000)});
        gateway_ = std::make_unique<SimulatedBacen>(*bacen_);
    }
    void TearDown() override {
        if (bacen_) bacen_->Stop();
    }

    Payment Create(NewPayment r = ValidManu()) {
        auto payment = service_->Create(r, operator_);
        EXPECT_TRUE(payment.ok()) << payment.error().message;
        return payment.ok() ? *payment : Payment{};
    }
    Payment Reload(const Payment& payment) {
        return service_->Get(std::to_string(payment.id), operator_).value();
    }
    std::vector<std::string> HistoryOf(const Payment& payment) {
        std::vector<std::string> statuses;
        const PaymentHistory found = service_->History(payment.end_to_end_id, operator_).value();
        for (const HistoryEntry& entry : found.history) {
            statuses.push_back(std::string(ToString(entry.status)) +
                               (entry.reason_code.empty() ? "" : "/" + entry.reason_code));
        }
        return statuses;
    }
    std::int64_t Balance(const std::string& ispb) {
        return bacen_->GetAccount(ispb).value().balance.centavos();
    }

    FakeClock clock_{SystemClock().Now()};
    std::unique_ptr<db::Database> database_;
    std::unique_ptr<SpiStore> store_;
    std::unique_ptr<bacen::BacenStore> bacen_store_;
    std::unique_ptr<bacen::BacenService> bacen_;
    std::unique_ptr<SpiService> service_;
    std::unique_ptr<SimulatedBacen> gateway_;
    auth::Principal operator_{"operator@bank.com", std::nullopt, {}};
};

TEST_F(SpiServiceTest, CreateStoresPendingWithThreeHistoryRows) {
    Payment payment = Create();
    EXPECT_GT(payment.id, 0);
    EXPECT_TRUE(IsEndToEndId(payment.end_to_end_id));
    EXPECT_EQ(payment.end_to_end_id.substr(1, 8), kOurs);
    EXPECT_TRUE(IsMessageId(payment.message_id));
    EXPECT_EQ(payment.status, PaymentStatus::kPendingBacen);
    EXPECT_EQ(HistoryOf(payment),
              (std::vector<std::string>{"ENTRY_RECEIVED", "VALIDATED", "PENDING_BACEN"}));
}

TEST_F(SpiServiceTest, DictPaymentKeepsTheDictEndToEndIdAndRefusesItTwice) {
    NewPayment dict = With("DICT", "", "maria@example.com");
    dict.dict_end_to_end_id = NewEndToEndId(Ispb::Parse(kOurs).value(), clock_.Now());
    Payment payment = Create(dict);
    EXPECT_EQ(payment.end_to_end_id, dict.dict_end_to_end_id);
    auto again = service_->Create(dict, operator_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(SpiServiceTest, ParticipantTokenPaysOnlyFromItself) {
    auth::Principal other{"psp-b", std::string(kPayee), {}};
    auto refused = service_->Create(ValidManu(), other);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
    Payment payment = Create();
    auth::Principal stranger{"psp-c", std::string("11111111"), {}};
    auto hidden = service_->Get(std::to_string(payment.id), stranger);
    ASSERT_FALSE(hidden.ok());
    EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(service_->Get(std::to_string(payment.id), other).ok());  // the payee
    EXPECT_EQ(service_->Messages(payment.end_to_end_id, other).error().code,
              ErrorCode::kPermissionDenied);
}

TEST_F(SpiServiceTest, SettledPaymentWalksTheWholeFlow) {
    Payment payment = Create();
    ASSERT_EQ(service_->SendDue(*gateway_, 10).value(), 1u);
    EXPECT_EQ(Reload(payment).status, PaymentStatus::kSentToBacen);
    gateway_->Deliver(*service_);
    Payment settled = Reload(payment);
    EXPECT_EQ(settled.status, PaymentStatus::kAccc);
    EXPECT_EQ(settled.reason_code, "ACCC");
    EXPECT_TRUE(settled.acceptance_datetime.has_value());
    EXPECT_EQ(HistoryOf(payment), kSettledHistory);
    EXPECT_EQ(Balance(kOurs), 90'000);
    EXPECT_EQ(Balance(kPayee), 10'000);
    auto messages = service_->Messages(std::to_string(payment.id), operator_).value().messages;
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].message_type, "pacs.008");
    EXPECT_EQ(messages[0].direction, MessageDirection::kSent);
    EXPECT_FALSE(messages[0].resource_id.empty());
    EXPECT_NE(messages[0].xml.find(payment.end_to_end_id), std::string::npos);
    EXPECT_EQ(messages[1].message_type, "pacs.002");
    EXPECT_EQ(messages[1].direction, MessageDirection::kReceived);
    // Nothing more is due.
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 0u);
}

TEST_F(SpiServiceTest, AmountOverTheReserveIsRejectedAm04) {
    NewPayment big = ValidManu();
    big.amount_centavos = 100'001;
    Payment payment = Create(big);
    ASSERT_EQ(service_->SendDue(*gateway_, 10).value(), 1u);
    gateway_->Deliver(*service_);
    Payment rejected = Reload(payment);
    EXPECT_EQ(rejected.status, PaymentStatus::kRjct);
    EXPECT_EQ(rejected.reason_code, "AM04");
    EXPECT_EQ(Balance(kOurs), 100'000);
    EXPECT_EQ(HistoryOf(payment).back(), "RJCT/AM04");
}

TEST_F(SpiServiceTest, OutageKeepsThePaymentPendingAndRetriesWithTheSameEndToEndId) {
    Payment payment = Create();
    gateway_->down = true;
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 0u);
    EXPECT_EQ(Reload(payment).status, PaymentStatus::kPendingBacen);
    EXPECT_EQ(Reload(payment).send_attempts, 1);
    // Not due again before the backoff.
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 0u);
    EXPECT_EQ(gateway_->sends, 1);
    gateway_->down = false;
    clock_.Advance(std::chrono::milliseconds(150));
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 1u);
    gateway_->Deliver(*service_);
    Payment settled = Reload(payment);
    EXPECT_EQ(settled.status, PaymentStatus::kAccc);
    EXPECT_EQ(settled.end_to_end_id, payment.end_to_end_id);
    EXPECT_EQ(Balance(kPayee), 10'000);
}

TEST_F(SpiServiceTest, OutageStopsTheRoundAtTheFirstFailedPost) {
    std::vector<Payment> payments;
    NewPayment small = ValidManu();
    small.amount_centavos = 1'000;
    for (int payment_idx = 0; payment_idx < 25; ++payment_idx) payments.push_back(Create(small));
    gateway_->down = true;
    EXPECT_EQ(service_->SendDue(*gateway_, 100).value(), 0u);
    EXPECT_EQ(gateway_->sends, 1);
    // The ten of the failed POST wait out a backoff; the others were not tried and stay due.
    for (int payment_idx = 0; payment_idx < 25; ++payment_idx) {
        const Payment stored = Reload(payments[payment_idx]);
        EXPECT_EQ(stored.status, PaymentStatus::kPendingBacen);
        EXPECT_EQ(stored.send_attempts, payment_idx < 10 ? 1 : 0) << payment_idx;
    }
    gateway_->down = false;
    EXPECT_EQ(service_->SendDue(*gateway_, 100).value(), 15u);
    clock_.Advance(std::chrono::milliseconds(150));
    EXPECT_EQ(service_->SendDue(*gateway_, 100).value(), 10u);
    gateway_->Deliver(*service_);
    EXPECT_EQ(service_->List(PaymentStatus::kAccc, 50, 0, operator_).value().total, 25);
    EXPECT_EQ(Balance(kPayee), 25 * 1'000);
}

TEST_F(SpiServiceTest, DuePaymentsGoTenToAPostAndSettleOnceEach) {
    std::vector<Payment> payments;
    for (int payment_idx = 0; payment_idx < 23; ++payment_idx) {
        NewPayment r = ValidManu();
        r.amount_centavos = 100 + payment_idx;
        payments.push_back(Create(r));
    }
    EXPECT_EQ(service_->SendDue(*gateway_, 100).value(), 23u);
    EXPECT_EQ(gateway_->post_sizes, (std::vector<std::size_t>{10, 10, 3}));
    EXPECT_EQ(service_->SendDue(*gateway_, 100).value(), 0u);  // nothing is due twice
    gateway_->Deliver(*service_);
    std::int64_t expected_centavos = 0;
    for (const Payment& payment : payments) {
        expected_centavos += payment.request.amount_centavos;
        EXPECT_EQ(Reload(payment).status, PaymentStatus::kAccc);
        EXPECT_EQ(HistoryOf(payment), kSettledHistory);
        // The pacs.008 sent and the pacs.002 received, raw.
        const auto messages = service_->Messages(payment.end_to_end_id, operator_).value().messages;
        ASSERT_EQ(messages.size(), 2u);
        EXPECT_NE(messages[0].xml.find(payment.end_to_end_id), std::string::npos);
        EXPECT_NE(messages[1].xml.find(payment.end_to_end_id), std::string::npos);
    }
    EXPECT_EQ(Balance(kPayee), expected_centavos);
    EXPECT_EQ(Balance(kOurs), 100'000 - expected_centavos);
}

TEST_F(SpiServiceTest, RefusedPostIsSentAgainOneByOneAndOnlyTheBadMessageIsRejected) {
    std::vector<Payment> payments;
    for (int payment_idx = 0; payment_idx < 4; ++payment_idx) payments.push_back(Create());
    gateway_->refuse_end_to_end_id = payments[2].end_to_end_id;
    EXPECT_EQ(service_->SendDue(*gateway_, 100).value(), 3u);
    EXPECT_EQ(gateway_->post_sizes, (std::vector<std::size_t>{4, 1, 1, 1, 1}));
    gateway_->Deliver(*service_);
    for (int payment_idx = 0; payment_idx < 4; ++payment_idx) {
        const Payment stored = Reload(payments[payment_idx]);
        if (payment_idx == 2) {
            EXPECT_EQ(stored.status, PaymentStatus::kRjct);
            EXPECT_EQ(stored.reason_code, "FF01");
        } else {
            EXPECT_EQ(stored.status, PaymentStatus::kAccc) << payment_idx;
        }
    }
    EXPECT_EQ(Balance(kPayee), 3 * 10'000);
}

TEST_F(SpiServiceTest, Pacs002OvertakingTheSendRecordKeepsOneRowPerStep) {
    Payment payment = Create();
    gateway_->deliver_before_answer = service_.get();
    gateway_->clock = &clock_;
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 1u);
    EXPECT_EQ(Reload(payment).status, PaymentStatus::kAccc);
    EXPECT_EQ(HistoryOf(payment), kSettledHistory);
    // Listed in the order they happened, though the pacs.002 was recorded first.
    const auto messages = service_->Messages(payment.end_to_end_id, operator_).value().messages;
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].direction, MessageDirection::kSent);
    EXPECT_EQ(messages[0].message_type, "pacs.008");
    EXPECT_EQ(messages[1].direction, MessageDirection::kReceived);
    EXPECT_EQ(messages[1].message_type, "pacs.002");
}

TEST_F(SpiServiceTest, OnePullIsAppliedMessageByMessage) {
    Payment payment = Create();
    ASSERT_EQ(service_->SendDue(*gateway_, 10).value(), 1u);
    iso::Pacs002 report;
    report.msg_id = NewMessageId(Ispb::Parse("00038166").value());
    report.created_at = clock_.Now();
    iso::PaymentStatus status;
    status.original_end_to_end_id = NewEndToEndId(Ispb::Parse(kOurs).value(), clock_.Now());
    status.original_instruction_id = status.original_end_to_end_id;
    status.status = iso::TransactionStatus::kAccc;
    report.statuses.push_back(status);
    const std::string unknown =
        iso::BuildPacs002(iso::AppHeader{"00038166", kOurs, report.msg_id, clock_.Now()}, report)
            .value();
    const std::string incoming = bacen::testing::Pacs008Xml(
        kPayee, {bacen::testing::Transfer(kPayee, kOurs, 2'500, clock_.Now())}, clock_.Now());
    auto pulled = bacen_->OpenStream(kOurs).value();
    auto settled = bacen_->PullNow(kOurs, pulled).value();
    ASSERT_EQ(settled.messages.size(), 1u);
    std::vector<Result<IncomingOutcome>> outcomes = service_->HandleIncoming(
        {"<Envelope><unclosed>", unknown, settled.messages[0].xml, incoming});
    ASSERT_EQ(outcomes.size(), 4u);
    for (const auto& outcome : outcomes) EXPECT_TRUE(outcome.ok());
    EXPECT_EQ(service_->refused_messages(), 1u);
    EXPECT_EQ(service_->unknown_end_to_end_ids(), 1u);
    EXPECT_EQ(Reload(payment).status, PaymentStatus::kAccc);
    EXPECT_EQ(service_->List(PaymentStatus::kAccc, 50, 0, operator_).value().total, 2);
}

TEST_F(SpiServiceTest, LostAnswerIsResentAndSettlesOnceDuplIgnored) {
    Payment payment = Create();
    // BACEN settles, but we never see its 201: the payment stays pending and is sent again.
    gateway_->lose_answer = true;
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 0u);
    gateway_->lose_answer = false;
    clock_.Advance(std::chrono::milliseconds(150));
    EXPECT_EQ(service_->SendDue(*gateway_, 10).value(), 1u);
    gateway_->Deliver(*service_);  // ACCC for the first send, RJCT DUPL for the second
    Payment settled = Reload(payment);
    EXPECT_EQ(settled.status, PaymentStatus::kAccc);
    EXPECT_EQ(Balance(kOurs), 90'000);
    EXPECT_EQ(Balance(kPayee), 10'000);
    auto history = HistoryOf(payment);
    EXPECT_EQ(std::count(history.begin(), history.end(), "ACCC/ACCC"), 1);
    EXPECT_EQ(std::count(history.begin(), history.end(), "RJCT/DUPL"), 0);
}

TEST_F(SpiServiceTest, UnknownEndToEndIdInPacs002IsIgnoredAndCounted) {
    iso::Pacs002 report;
    report.msg_id = NewMessageId(Ispb::Parse("00038166").value());
    report.created_at = clock_.Now();
    iso::PaymentStatus status;
    status.original_end_to_end_id = NewEndToEndId(Ispb::Parse(kOurs).value(), clock_.Now());
    status.original_instruction_id = status.original_end_to_end_id;
    status.status = iso::TransactionStatus::kAccc;
    status.settled_at = clock_.Now();
    report.statuses.push_back(status);
    auto xml =
        iso::BuildPacs002(iso::AppHeader{"00038166", kOurs, report.msg_id, clock_.Now()}, report);
    ASSERT_TRUE(xml.ok()) << xml.error().message;
    ASSERT_TRUE(service_->HandleIncoming(*xml).ok());
    EXPECT_EQ(service_->unknown_end_to_end_ids(), 1u);
    EXPECT_EQ(service_->List(std::nullopt, 50, 0, operator_).value().total, 0);
}

TEST_F(SpiServiceTest, MalformedXmlIsRefusedAndCounted) {
    for (const char* bad : {"not xml", "<Envelope><unclosed>",
                            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                            "\"file:///etc/passwd\">]><x>&e;</x>"}) {
        ASSERT_TRUE(service_->HandleIncoming(bad).ok()) << bad;
    }
    EXPECT_EQ(service_->refused_messages(), 3u);
}

TEST_F(SpiServiceTest, IncomingPacs008IsRecordedOnce) {
    const std::string xml = bacen::testing::Pacs008Xml(
        kPayee, {bacen::testing::Transfer(kPayee, kOurs, 2'500, clock_.Now())}, clock_.Now());
    ASSERT_TRUE(service_->HandleIncoming(xml).ok());
    ASSERT_TRUE(service_->HandleIncoming(xml).ok());  // delivered twice
    PaymentPage page = service_->List(PaymentStatus::kAccc, 50, 0, operator_).value();
    ASSERT_EQ(page.total, 1);
    const Payment& incoming = page.payments.front();
    EXPECT_EQ(incoming.direction, PaymentDirection::kIncoming);
    EXPECT_EQ(incoming.request.amount_centavos, 2'500);
    EXPECT_EQ(incoming.request.debtor.ispb, kPayee);
    EXPECT_EQ(incoming.request.creditor.ispb, kOurs);
    EXPECT_EQ(service_->Messages(incoming.end_to_end_id, operator_).value().messages.size(), 1u);
}

TEST_F(SpiServiceTest, ListFiltersByStatusAndPages) {
    for (int payment_idx = 0; payment_idx < 5; ++payment_idx) Create();
    NewPayment big = ValidManu();
    big.amount_centavos = 500'000;
    Create(big);
    ASSERT_EQ(service_->SendDue(*gateway_, 100).value(), 6u);
    gateway_->Deliver(*service_);
    EXPECT_EQ(service_->List(PaymentStatus::kAccc, 50, 0, operator_).value().total, 5);
    EXPECT_EQ(service_->List(PaymentStatus::kRjct, 50, 0, operator_).value().total, 1);
    PaymentPage page = service_->List(std::nullopt, 2, 2, operator_).value();
    EXPECT_EQ(page.total, 6);
    ASSERT_EQ(page.payments.size(), 2u);
    EXPECT_GT(page.payments[0].id, page.payments[1].id);  // newest first
    EXPECT_EQ(service_->List(std::nullopt, 0, 0, operator_).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->List(std::nullopt, 1001, 0, operator_).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(service_->List(std::nullopt, 10, -1, operator_).error().code,
              ErrorCode::kInvalidArgument);
}

TEST_F(SpiServiceTest, GetByIdOrEndToEndId) {
    Payment payment = Create();
    EXPECT_EQ(service_->Get(payment.end_to_end_id, operator_).value().id, payment.id);
    for (const char* missing : {"999", "0", "-1", "abc", "E1234567820260124103012345abcdeZ"}) {
        auto found = service_->Get(missing, operator_);
        ASSERT_FALSE(found.ok()) << missing;
        EXPECT_EQ(found.error().code, ErrorCode::kNotFound);
        EXPECT_EQ(found.error().message, "Payment not found");
    }
}

}  // namespace
}  // namespace dictra::spi
