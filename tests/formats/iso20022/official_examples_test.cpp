// Every example message of SPI catalog 5.13.1 parses, with the fields it carries.
#include <gtest/gtest.h>

#include "iso20022_testing.hpp"

namespace dictra::formats::iso20022 {
namespace {

using namespace testing;

Envelope<Pacs008> ParseCreditExample(const std::string& name) {
    auto parsed = ParsePacs008(ReadFile(SpiExample(name)));
    EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
    return parsed.ok() ? std::move(parsed).value() : Envelope<Pacs008>{};
}

Envelope<Pacs002> ParseStatusExample(const std::string& name) {
    auto parsed = ParsePacs002(ReadFile(SpiExample(name)));
    EXPECT_TRUE(parsed.ok()) << name << ": " << parsed.error().message;
    return parsed.ok() ? std::move(parsed).value() : Envelope<Pacs002>{};
}

TEST(OfficialExamples, Pacs008End1) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.008_END_1_msg.xml"));
    const Envelope<Pacs008> message = ParseCreditExample("pacs.008_END_1_msg.xml");
    EXPECT_EQ(message.header.from_ispb, "00038166");
    EXPECT_EQ(message.header.to_ispb, "99999010");
    EXPECT_EQ(message.header.business_message_id, "M0003816612345678901234567890123");
    EXPECT_EQ(message.header.created_at, At("2020-01-01T08:30:12.000Z"));

    const Pacs008& pacs008 = message.document;
    EXPECT_EQ(pacs008.msg_id, "M0003816612345678901234567890123");
    EXPECT_EQ(pacs008.created_at, At("2020-01-01T08:30:12Z"));
    EXPECT_EQ(pacs008.priority, InstructionPriority::kHigh);
    EXPECT_EQ(pacs008.service_level, ServiceLevel::kPagpri);
    ASSERT_EQ(pacs008.transactions.size(), 1u);
    const CreditTransfer& tx = pacs008.transactions[0];
    EXPECT_FALSE(tx.instruction_id);
    // Day "34" in the stamp: the XSD's pattern allows it ([0-3][0-9]); so do we.
    EXPECT_EQ(tx.end_to_end_id, "E9999901012341234123412345678900");
    EXPECT_FALSE(tx.tx_id);
    EXPECT_EQ(tx.amount, AmountCentavos(100000));
    EXPECT_EQ(tx.accepted_at, At("2020-01-01T08:30:00Z"));
    EXPECT_EQ(tx.local_instrument, LocalInstrument::kDict);
    EXPECT_FALSE(tx.initiating_party_cnpj);
    EXPECT_EQ(tx.debtor_name, "Fulano da Silva");
    EXPECT_EQ(tx.debtor_tax_id, "70000000000");
    EXPECT_EQ(tx.debtor_account, (Account{"500000", "3000", AccountType::kCacc}));
    EXPECT_EQ(tx.debtor_agent_ispb, "10000000");
    EXPECT_EQ(tx.creditor_agent_ispb, "20000000");
    EXPECT_EQ(tx.creditor_tax_id, "80000000000");
    EXPECT_EQ(tx.creditor_account, (Account{"600000", "4000", AccountType::kSvgs}));
    EXPECT_EQ(tx.creditor_proxy, "idContaTransacional0@bc.com.br");
    EXPECT_EQ(tx.purpose, Purpose::kIpay);
    EXPECT_FALSE(tx.tax);
    EXPECT_EQ(tx.remittance_information, "Campo livre [0]");
    EXPECT_FALSE(tx.structured_remittance);
}

TEST(OfficialExamples, Pacs008End10) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.008_END_10_msg.xml"));
    const Envelope<Pacs008> message = ParseCreditExample("pacs.008_END_10_msg.xml");
    ASSERT_EQ(message.document.transactions.size(), 10u);
    for (std::size_t tx_idx = 0; tx_idx < 10; ++tx_idx) {
        const CreditTransfer& tx = message.document.transactions[tx_idx];
        EXPECT_EQ(tx.debtor_account.branch, std::to_string(3000 + tx_idx));
        EXPECT_EQ(tx.creditor_account.branch, std::to_string(4000 + tx_idx));
        EXPECT_EQ(tx.remittance_information, "Campo livre [" + std::to_string(tx_idx) + "]");
        EXPECT_EQ(tx.local_instrument, LocalInstrument::kDict);
        EXPECT_TRUE(tx.creditor_proxy);
    }
}

TEST(OfficialExamples, Pacs008Conta1) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.008_CONTA_1_msg.xml"));
    const Envelope<Pacs008> message = ParseCreditExample("pacs.008_CONTA_1_msg.xml");
    ASSERT_EQ(message.document.transactions.size(), 1u);
    EXPECT_EQ(message.document.transactions[0].local_instrument, LocalInstrument::kManu);
    EXPECT_FALSE(message.document.transactions[0].creditor_proxy);
}

TEST(OfficialExamples, Pacs002Settled) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.002_SPI_1_msg.xml"));
    const Envelope<Pacs002> message = ParseStatusExample("pacs.002_SPI_1_msg.xml");
    EXPECT_EQ(message.header.from_ispb, "00038166");
    ASSERT_EQ(message.document.statuses.size(), 1u);
    const PaymentStatus& status = message.document.statuses[0];
    EXPECT_EQ(status.original_instruction_id, "E9999901012341234123412345678900");
    EXPECT_EQ(status.original_end_to_end_id, "E9999901012341234123412345678900");
    EXPECT_EQ(status.status, TransactionStatus::kAccc);
    EXPECT_TRUE(status.reasons.empty());
    EXPECT_EQ(status.settled_at, At("2020-01-01T08:30:12Z"));
    EXPECT_EQ(status.original_settlement_date,
              std::chrono::year_month_day(std::chrono::year(2020), std::chrono::month(1),
                                          std::chrono::day(1)));
}

TEST(OfficialExamples, Pacs002Accepted) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.002_PSP_1_msg.xml"));
    const Envelope<Pacs002> message = ParseStatusExample("pacs.002_PSP_1_msg.xml");
    EXPECT_EQ(message.header.from_ispb, "99999010");
    EXPECT_EQ(message.header.to_ispb, "00038166");
    EXPECT_EQ(message.document.msg_id, "M9999901012345678901234567890123");
    ASSERT_EQ(message.document.statuses.size(), 1u);
    EXPECT_EQ(message.document.statuses[0].status, TransactionStatus::kAcsp);
    EXPECT_FALSE(message.document.statuses[0].settled_at);
    EXPECT_FALSE(message.document.statuses[0].original_settlement_date);
}

TEST(OfficialExamples, Pacs002Rejected) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.002_ERRO_1_msg.xml"));
    const Envelope<Pacs002> message = ParseStatusExample("pacs.002_ERRO_1_msg.xml");
    ASSERT_EQ(message.document.statuses.size(), 1u);
    const PaymentStatus& status = message.document.statuses[0];
    EXPECT_EQ(status.status, TransactionStatus::kRjct);
    ASSERT_EQ(status.reasons.size(), 1u);
    EXPECT_EQ(status.reasons[0].code, "AB03");
    EXPECT_EQ(status.reasons[0].additional_info,
              std::vector<std::string>{"Informações complementares sobre o motivo do status"});
}

TEST(OfficialExamples, ParseAnyDispatchesAndRoundTrips) {
    DICTRA_REQUIRE_REFERENCE(SpiExample("pacs.008_END_1_msg.xml"));
    const std::pair<std::string, MessageType> examples[] = {
        {"pacs.008_END_1_msg.xml", MessageType::kPacs008},
        {"pacs.008_END_10_msg.xml", MessageType::kPacs008},
        {"pacs.008_CONTA_1_msg.xml", MessageType::kPacs008},
        {"pacs.002_SPI_1_msg.xml", MessageType::kPacs002},
        {"pacs.002_PSP_1_msg.xml", MessageType::kPacs002},
        {"pacs.002_ERRO_1_msg.xml", MessageType::kPacs002},
    };
    for (const auto& [name, type] : examples) {
        SCOPED_TRACE(name);
        auto message = ParseAny(ReadFile(SpiExample(name)));
        ASSERT_TRUE(message.ok()) << message.error().message;
        EXPECT_EQ(TypeOf(*message), type);
        auto rebuilt = Build(*message);
        ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message;
        auto reparsed = ParseAny(*rebuilt);
        ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
        EXPECT_TRUE(*reparsed == *message);
    }
}

// A pibr.002 as the SPI sends it (catalog 1.3, signed; structure as in the pibr 1.0 XSD).
TEST(OfficialExamples, SignedEchoReportParses) {
    const std::string xml = ReadFile(DataDir() / "valid_pibr002_signed.xml");
    auto parsed = ParsePibr002(xml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->document.version, EchoVersion::kV1_3);
    EXPECT_EQ(parsed->document.original_data, "Campo livre");
    EXPECT_EQ(parsed->header.from_ispb, "00038166");
}

}  // namespace
}  // namespace dictra::formats::iso20022
