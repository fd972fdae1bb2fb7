// Shared helpers of the iso20022 tests: where the reference XSDs and examples are, realistic
// messages, file reading.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "formats/iso20022/message.hpp"
#include "formats/iso20022/schema_validator.hpp"

namespace dictra::formats::iso20022::testing {

inline std::filesystem::path ReferenceDir() {
    return std::filesystem::path(DICTRA_SOURCE_DIR) / ".." / "shared" / "reference";
}
inline std::filesystem::path SpiXsd(const std::string& name) {
    return ReferenceDir() / "spi-5.13.1" / "xsd" / name;
}
inline std::filesystem::path SpiExample(const std::string& name) {
    return ReferenceDir() / "spi-5.13.1" / "examples" / name;
}
inline std::filesystem::path LegacyXsd(const std::string& name) {
    return ReferenceDir() / "spi-other" / name;
}
inline std::filesystem::path XmlDsigXsd() {
    return std::filesystem::path(DICTRA_SOURCE_DIR) / "src" / "formats" / "iso20022" / "xsd" /
           "xmldsig-core.xsd";
}
inline std::filesystem::path DataDir() {
    return std::filesystem::path(DICTRA_SOURCE_DIR) / "tests" / "data" / "iso20022";
}

inline std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    EXPECT_TRUE(file.good()) << "cannot read " << path;
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// GTEST_SKIP()s the calling test when the shared reference data is not beside the checkout.
#define DICTRA_REQUIRE_REFERENCE(path)                                                       \
    do {                                                                                     \
        if (!std::filesystem::exists(path)) {                                                \
            GTEST_SKIP() << "reference file " << (path)                                      \
                         << " is absent (expected ../shared/reference beside the checkout)"; \
        }                                                                                    \
    } while (0)

inline SystemTimePoint At(std::string_view rfc3339) {
    auto parsed = ParseRfc3339(rfc3339);
    EXPECT_TRUE(parsed.ok()) << rfc3339;
    return parsed.ok() ? *parsed : SystemTimePoint();
}

// A PSP (Bradesco's ISPB) sending to the SPI (BCB's ISPB, as in the catalog's examples).
inline AppHeader SampleHeader() {
    return AppHeader{"60746948", "00038166", "M60746948xK3pQ9rT2vW8yZ1aB4cD6eF",
                     At("2026-01-24T10:30:12.345Z")};
}

inline CreditTransfer SampleTransfer() {
    CreditTransfer tx;
    tx.end_to_end_id = "E60746948202601241030a1B2c3D4e5F";
    tx.amount = AmountCentavos(1'234'56);
    tx.accepted_at = At("2026-01-24T10:30:11.900Z");
    tx.local_instrument = LocalInstrument::kDict;
    tx.debtor_name = "João da Silva Conceição";
    tx.debtor_tax_id = "12345678901";
    tx.debtor_account = Account{"00012345678", "0001", AccountType::kCacc};
    tx.debtor_agent_ispb = "60746948";
    tx.creditor_agent_ispb = "00000000";
    tx.creditor_tax_id = "12ABC34501DE35";  // alphanumeric CNPJ (from July 2026)
    tx.creditor_account = Account{"987654", "1234", AccountType::kTran};
    tx.creditor_proxy = "maria@example.com";
    tx.purpose = Purpose::kIpay;
    tx.remittance_information = "Aluguel de janeiro <apto 12> & condomínio";
    return tx;
}

// A transfer using every optional element of the XSD.
inline CreditTransfer FullTransfer() {
    CreditTransfer tx = SampleTransfer();
    tx.instruction_id = "D60746948202601241030Zz9Yy8Xx7Ww";
    tx.tx_id = "QRtxid0123456789abcdefghijklmnopq";
    tx.local_instrument = LocalInstrument::kInic;
    tx.initiating_party_cnpj = "11222333000181";
    tx.purpose = Purpose::kGscb;
    tx.tax = TaxInformation{"NFe35260112345678000190550010000012341000012345",
                            {TaxRecord{TaxType::kCbsSplit, AmountCentavos(12'34)},
                             TaxRecord{TaxType::kIbsSplit, AmountCentavos(56'78)}}};
    tx.structured_remittance =
        StructuredRemittance{AgentModality::kAgtec,
                             "60746948",
                             {Adjustment{AmountCentavos(1'000'00), AdjustmentReason::kVlcp},
                              Adjustment{AmountCentavos(234'56), AdjustmentReason::kVldn}}};
    return tx;
}

inline Pacs008 SamplePacs008() {
    Pacs008 pacs008;
    pacs008.msg_id = "M60746948xK3pQ9rT2vW8yZ1aB4cD6eF";
    pacs008.created_at = At("2026-01-24T10:30:12.345Z");
    pacs008.priority = InstructionPriority::kHigh;
    pacs008.service_level = ServiceLevel::kPagpri;
    pacs008.transactions = {SampleTransfer()};
    return pacs008;
}

inline Pacs002 SamplePacs002() {
    Pacs002 pacs002;
    pacs002.msg_id = "M00038166Qw3Er5Ty7Ui9Op1As3Df5Gh";
    pacs002.created_at = At("2026-01-24T10:30:12.901Z");
    PaymentStatus settled;
    settled.original_instruction_id = "E60746948202601241030a1B2c3D4e5F";
    settled.original_end_to_end_id = "E60746948202601241030a1B2c3D4e5F";
    settled.status = TransactionStatus::kAccc;
    settled.settled_at = At("2026-01-24T10:30:12.870Z");
    settled.original_settlement_date = std::chrono::year_month_day(
        std::chrono::year(2026), std::chrono::month(1), std::chrono::day(24));
    PaymentStatus rejected;
    rejected.original_instruction_id = "E60746948202601241031Zx8Cv6Bn4Mq";
    rejected.original_end_to_end_id = "E60746948202601241031Zx8Cv6Bn4Mq";
    rejected.status = TransactionStatus::kRjct;
    rejected.reasons = {StatusReason{"AM04", {"Saldo insuficiente na conta PI do pagador"}}};
    pacs002.statuses = {settled, rejected};
    return pacs002;
}

inline Pibr001 SamplePibr001(EchoVersion version = EchoVersion::kV1_3) {
    return Pibr001{"M60746948Ec4o1Te5t0000000000000a", At("2026-01-24T10:30:12.000Z"),
                   "Campo livre", version};
}

inline Pibr002 SamplePibr002(EchoVersion version = EchoVersion::kV1_3) {
    return Pibr002{"M00038166Ec4o2Re9ly000000000000b", At("2026-01-24T10:30:12.085Z"),
                   "Campo livre", version};
}

inline AppHeader SpiReplyHeader() {
    return AppHeader{"00038166", "60746948", "M00038166Qw3Er5Ty7Ui9Op1As3Df5Gh",
                     At("2026-01-24T10:30:12.901Z")};
}

}  // namespace dictra::formats::iso20022::testing
