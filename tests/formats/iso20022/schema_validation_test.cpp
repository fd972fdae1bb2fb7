// Every message we build validates against the SPI catalog's own XSDs (read from
// ../shared/reference), and SchemaValidator reports what is wrong with line numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "formats/iso20022/schema_validator.hpp"
#include "iso20022_testing.hpp"

namespace dictra::formats::iso20022 {
namespace {

using namespace testing;

SchemaValidator LoadOrDie(const std::filesystem::path& xsd) {
    auto validator = SchemaValidator::Load({xsd, XmlDsigXsd()});
    EXPECT_TRUE(validator.ok()) << validator.error().message;
    return std::move(validator).value();
}

std::string Built(const Result<std::string>& xml) {
    EXPECT_TRUE(xml.ok()) << xml.error().message;
    return xml.ok() ? *xml : std::string();
}

TEST(SchemaValidation, BuiltPacs008Validates) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator validator = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));

    const std::string minimal = Built(BuildPacs008(SampleHeader(), SamplePacs008()));
    EXPECT_TRUE(validator.Validate(minimal).ok()) << validator.Validate(minimal).error().message;

    Pacs008 batch = SamplePacs008();
    batch.priority = InstructionPriority::kNorm;
    batch.service_level = ServiceLevel::kPagagd;
    batch.transactions = {SampleTransfer(), FullTransfer(), SampleTransfer()};
    batch.transactions[2].debtor_account.branch.reset();
    batch.transactions[2].creditor_proxy.reset();
    batch.transactions[2].remittance_information.reset();
    batch.transactions[2].amount = AmountCentavos(0);
    const std::string full = Built(BuildPacs008(SampleHeader(), batch));
    EXPECT_TRUE(validator.Validate(full).ok()) << validator.Validate(full).error().message;
}

// Each code of each enumeration is spelled as the XSD wants it.
TEST(SchemaValidation, EveryEnumerationValueValidates) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator validator = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));
    Pacs008 pacs008 = SamplePacs008();
    pacs008.transactions.clear();
    const LocalInstrument instruments[] = {LocalInstrument::kManu, LocalInstrument::kDict,
                                           LocalInstrument::kQrdn, LocalInstrument::kQres,
                                           LocalInstrument::kInic, LocalInstrument::kAuto,
                                           LocalInstrument::kApdn, LocalInstrument::kApes};
    const AccountType accounts[] = {AccountType::kCacc, AccountType::kOthr, AccountType::kSlry,
                                    AccountType::kSvgs, AccountType::kTran};
    const Purpose purposes[] = {Purpose::kGscb, Purpose::kIpay, Purpose::kIprt, Purpose::kOthr,
                                Purpose::kRefu};
    for (std::size_t variant_idx = 0; variant_idx < 8; ++variant_idx) {
        CreditTransfer tx = FullTransfer();
        tx.local_instrument = instruments[variant_idx];
        tx.debtor_account.type = accounts[variant_idx % 5];
        tx.creditor_account.type = accounts[(variant_idx + 2) % 5];
        tx.purpose = purposes[variant_idx % 5];
        tx.structured_remittance->agent_modality = variant_idx % 3 == 0   ? AgentModality::kAgfss
                                                   : variant_idx % 3 == 1 ? AgentModality::kAgtec
                                                                          : AgentModality::kAgtot;
        tx.structured_remittance->adjustments.resize(1);
        tx.structured_remittance->adjustments[0].reason =
            variant_idx % 2 == 0 ? AdjustmentReason::kVlcp : AdjustmentReason::kVldn;
        pacs008.transactions.push_back(tx);
    }
    for (ServiceLevel level :
         {ServiceLevel::kPagpri, ServiceLevel::kPagfrd, ServiceLevel::kPagagd}) {
        pacs008.service_level = level;
        const std::string xml = Built(BuildPacs008(SampleHeader(), pacs008));
        EXPECT_TRUE(validator.Validate(xml).ok()) << validator.Validate(xml).error().message;
    }

    const SchemaValidator status_validator = LoadOrDie(SpiXsd("pacs.002.spi.1.17.xsd"));
    Pacs002 pacs002 = SamplePacs002();
    for (TransactionStatus status : {TransactionStatus::kAccc, TransactionStatus::kAcsc,
                                     TransactionStatus::kAcsp, TransactionStatus::kRjct}) {
        pacs002.statuses[0].status = status;
        const std::string xml = Built(BuildPacs002(SpiReplyHeader(), pacs002));
        EXPECT_TRUE(status_validator.Validate(xml).ok())
            << status_validator.Validate(xml).error().message;
    }
}

TEST(SchemaValidation, BuiltPacs002Validates) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.002.spi.1.17.xsd"));
    const SchemaValidator validator = LoadOrDie(SpiXsd("pacs.002.spi.1.17.xsd"));
    Pacs002 pacs002 = SamplePacs002();
    const std::string xml = Built(BuildPacs002(SpiReplyHeader(), pacs002));
    EXPECT_TRUE(validator.Validate(xml).ok()) << validator.Validate(xml).error().message;

    // Both parts of StsRsnInf are optional; an empty one is valid.
    pacs002.statuses[1].reasons = {StatusReason{}, StatusReason{std::nullopt, {"a", "b"}}};
    const std::string sparse = Built(BuildPacs002(SpiReplyHeader(), pacs002));
    EXPECT_TRUE(validator.Validate(sparse).ok()) << validator.Validate(sparse).error().message;
}

// pibr 1.0 is the only pibr XSD we hold; 1.3 has the same structure under a URL namespace.
TEST(SchemaValidation, BuiltEchoMessagesValidateAgainstCatalog10) {
    DICTRA_REQUIRE_REFERENCE(LegacyXsd("eduardoenemark__pibr.001.spi.1.0.xsd"));
    const SchemaValidator request_validator =
        LoadOrDie(LegacyXsd("eduardoenemark__pibr.001.spi.1.0.xsd"));
    const SchemaValidator report_validator =
        LoadOrDie(LegacyXsd("eduardoenemark__pibr.002.spi.1.0.xsd"));
    const std::string request =
        Built(BuildPibr001(SampleHeader(), SamplePibr001(EchoVersion::kV1_0)));
    EXPECT_TRUE(request_validator.Validate(request).ok())
        << request_validator.Validate(request).error().message;
    const std::string report =
        Built(BuildPibr002(SpiReplyHeader(), SamplePibr002(EchoVersion::kV1_0)));
    EXPECT_TRUE(report_validator.Validate(report).ok())
        << report_validator.Validate(report).error().message;

    // The 1.3 message is not a 1.0 message: the namespace differs.
    const std::string current = Built(BuildPibr001(SampleHeader(), SamplePibr001()));
    EXPECT_FALSE(request_validator.Validate(current).ok());
}

// The catalog's examples carry an empty <Sgntr/>, which their own XSD refuses: exactly one issue.
TEST(SchemaValidation, OfficialExamplesFailOnlyOnTheEmptySignature) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator credit = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator status = LoadOrDie(SpiXsd("pacs.002.spi.1.17.xsd"));
    for (const std::string name :
         {"pacs.008_END_1_msg.xml", "pacs.008_END_10_msg.xml", "pacs.008_CONTA_1_msg.xml",
          "pacs.002_SPI_1_msg.xml", "pacs.002_PSP_1_msg.xml", "pacs.002_ERRO_1_msg.xml"}) {
        SCOPED_TRACE(name);
        const std::string xml = ReadFile(SpiExample(name));
        const SchemaValidator& validator = name.starts_with("pacs.008") ? credit : status;
        const std::vector<SchemaIssue> issues = validator.Check(xml);
        ASSERT_EQ(issues.size(), 1u);
        EXPECT_EQ(issues[0].line, 25);
        EXPECT_NE(issues[0].message.find("Sgntr': Missing child element(s)"), std::string::npos)
            << issues[0].message;
    }
}

// What we parse, we build again valid: the examples come back with a valid signature template.
TEST(SchemaValidation, ParsedExamplesRebuildValid) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator credit = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator status = LoadOrDie(SpiXsd("pacs.002.spi.1.17.xsd"));
    for (const std::string name :
         {"pacs.008_END_1_msg.xml", "pacs.008_END_10_msg.xml", "pacs.008_CONTA_1_msg.xml",
          "pacs.002_SPI_1_msg.xml", "pacs.002_PSP_1_msg.xml", "pacs.002_ERRO_1_msg.xml"}) {
        SCOPED_TRACE(name);
        auto message = ParseAny(ReadFile(SpiExample(name)));
        ASSERT_TRUE(message.ok()) << message.error().message;
        const std::string rebuilt = Built(Build(*message));
        const SchemaValidator& validator = name.starts_with("pacs.008") ? credit : status;
        EXPECT_TRUE(validator.Validate(rebuilt).ok())
            << validator.Validate(rebuilt).error().message;
    }
}

TEST(SchemaValidation, ReportsLineAndElement) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator validator = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));
    std::string xml = Built(BuildPacs008(SampleHeader(), SamplePacs008()));
    const std::string amount = "<IntrBkSttlmAmt Ccy=\"BRL\">1234.56</IntrBkSttlmAmt>";
    const std::size_t at = xml.find(amount);
    ASSERT_NE(at, std::string::npos);
    const int line = 1 + static_cast<int>(std::count(xml.begin(), xml.begin() + at, '\n'));
    xml.replace(at, amount.size(), "<IntrBkSttlmAmt Ccy=\"USD\">1234.567</IntrBkSttlmAmt>");

    const std::vector<SchemaIssue> issues = validator.Check(xml);
    ASSERT_GE(issues.size(), 1u);
    EXPECT_EQ(issues[0].line, line);
    EXPECT_NE(issues[0].message.find("IntrBkSttlmAmt"), std::string::npos) << issues[0].message;
    const Status status = validator.Validate(xml);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(status.error().message.find("line " + std::to_string(line) + ": "), std::string::npos)
        << status.error().message;
}

TEST(SchemaValidation, UnsafeDocumentsAreIssuesNotCrashes) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator validator = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));
    const std::vector<SchemaIssue> issues =
        validator.Check("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_NE(issues[0].message.find("DOCTYPE is not allowed"), std::string::npos);
    EXPECT_EQ(validator.Check("<a>").size(), 1u);
}

TEST(SchemaValidation, OneValidatorServesManyThreads) {
    DICTRA_REQUIRE_REFERENCE(SpiXsd("pacs.008.spi.1.16.xsd"));
    const SchemaValidator validator = LoadOrDie(SpiXsd("pacs.008.spi.1.16.xsd"));
    const std::string valid = Built(BuildPacs008(SampleHeader(), SamplePacs008()));
    const std::string invalid = ReadFile(SpiExample("pacs.008_END_1_msg.xml"));
    constexpr int kThreads = 4;
    constexpr int kRoundsPerThread = 25;
    std::vector<int> failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            for (int round = 0; round < kRoundsPerThread; ++round) {
                if (!validator.Validate(valid).ok() || validator.Check(invalid).size() != 1) {
                    ++failures[thread_idx];
                }
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        EXPECT_EQ(failures[thread_idx], 0) << "thread " << thread_idx;
    }
}

TEST(SchemaValidation, LoadErrors) {
    auto missing = SchemaValidator::Load({"/nonexistent/schema.xsd"});
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

    EXPECT_FALSE(SchemaValidator::Load({}).ok());

    const std::filesystem::path not_schema = DataDir() / "malformed.xml";
    auto bad = SchemaValidator::Load({not_schema});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("malformed.xml"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace dictra::formats::iso20022
