// The builders refuse, naming the XML path, every value the XSD would refuse.
#include <gtest/gtest.h>

#include <functional>

#include "iso20022_testing.hpp"

namespace dictra::formats::iso20022 {
namespace {

using namespace testing;

struct BadPacs008 {
    std::string name;
    std::function<void(AppHeader&, Pacs008&)> change;
    std::string field;  // the XML path the error names
};

TEST(BuildErrors, Pacs008NamesTheField) {
    const std::string tx = "Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]";
    const std::vector<BadPacs008> cases = {
        {"lowercase ISPB", [](AppHeader& h, Pacs008&) { h.from_ispb = "6074694a"; },
         "Envelope/AppHdr/Fr/FIId/FinInstnId/Othr/Id"},
        {"short ISPB", [](AppHeader& h, Pacs008&) { h.to_ispb = "0003816"; },
         "Envelope/AppHdr/To/FIId/FinInstnId/Othr/Id"},
        {"BizMsgIdr without M", [](AppHeader& h, Pacs008&) { h.business_message_id[0] = 'X'; },
         "Envelope/AppHdr/BizMsgIdr"},
        {"year 10000",
         [](AppHeader& h, Pacs008&) {
             h.created_at = At("9999-12-31T23:59:59Z") + std::chrono::hours(48);
         },
         "Envelope/AppHdr/CreDt"},
        {"MsgId too long", [](AppHeader&, Pacs008& p) { p.msg_id += "x"; },
         "Envelope/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId"},
        {"no transactions", [](AppHeader&, Pacs008& p) { p.transactions.clear(); },
         "Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf"},
        {"bad priority",
         [](AppHeader&, Pacs008& p) { p.priority = static_cast<InstructionPriority>(7); },
         "Envelope/Document/FIToFICstmrCdtTrf/GrpHdr/PmtTpInf/InstrPrty"},
        {"EndToEndId minute 60",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0].end_to_end_id = "E60746948202601241060a1B2c3D4e5F";
         },
         tx + "/PmtId/EndToEndId"},
        {"InstrId with R",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0].instruction_id = "R60746948202601241030a1B2c3D4e5F";
         },
         tx + "/PmtId/InstrId"},
        {"TxId with dash", [](AppHeader&, Pacs008& p) { p.transactions[0].tx_id = "abc-1"; },
         tx + "/PmtId/TxId"},
        {"negative amount",
         [](AppHeader&, Pacs008& p) { p.transactions[0].amount = AmountCentavos(-1); },
         tx + "/IntrBkSttlmAmt"},
        {"19 digit amount",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0].amount = AmountCentavos(1'000'000'000'000'000'001);
         },
         tx + "/IntrBkSttlmAmt"},
        {"bad local instrument",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0].local_instrument = static_cast<LocalInstrument>(42);
         },
         tx + "/MndtRltdInf/Tp/LclInstrm/Prtry"},
        {"initiator CPF",
         [](AppHeader&, Pacs008& p) { p.transactions[0].initiating_party_cnpj = "12345678901"; },
         tx + "/InitgPty/Id/OrgId/Othr/Id"},
        {"empty debtor name", [](AppHeader&, Pacs008& p) { p.transactions[0].debtor_name = ""; },
         tx + "/Dbtr/Nm"},
        {"141 character name",
         [](AppHeader&, Pacs008& p) { p.transactions[0].debtor_name = std::string(141, 'a'); },
         tx + "/Dbtr/Nm"},
        {"invalid UTF-8 name",
         [](AppHeader&, Pacs008& p) { p.transactions[0].debtor_name = "Jo\xC3"; }, tx + "/Dbtr/Nm"},
        {"control character",
         [](AppHeader&, Pacs008& p) { p.transactions[0].remittance_information = "a\x01"; },
         tx + "/RmtInf/Ustrd"},
        {"CPF with dots",
         [](AppHeader&, Pacs008& p) { p.transactions[0].debtor_tax_id = "123.456.789-01"; },
         tx + "/Dbtr/Id/PrvtId/Othr/Id"},
        {"lowercase account",
         [](AppHeader&, Pacs008& p) { p.transactions[0].debtor_account.number = "12345x"; },
         tx + "/DbtrAcct/Id/Othr/Id"},
        {"5 digit branch",
         [](AppHeader&, Pacs008& p) { p.transactions[0].creditor_account.branch = "12345"; },
         tx + "/CdtrAcct/Id/Othr/Issr"},
        {"78 character proxy",
         [](AppHeader&, Pacs008& p) { p.transactions[0].creditor_proxy = std::string(78, 'k'); },
         tx + "/CdtrAcct/Prxy/Id"},
        {"bad agent", [](AppHeader&, Pacs008& p) { p.transactions[0].debtor_agent_ispb = "1"; },
         tx + "/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId"},
        {"one tax record",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0] = FullTransfer();
             p.transactions[0].tax->records.pop_back();
         },
         tx + "/Tax/Rcrd"},
        {"duplicate adjustment reason",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0] = FullTransfer();
             p.transactions[0].structured_remittance->adjustments[1].reason =
                 AdjustmentReason::kVlcp;
         },
         tx + "/RmtInf/Strd/RfrdDocAmt/AdjstmntAmtAndRsn"},
        {"three adjustments",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0] = FullTransfer();
             p.transactions[0].structured_remittance->adjustments.push_back({});
         },
         tx + "/RmtInf/Strd/RfrdDocAmt/AdjstmntAmtAndRsn"},
        {"bad tax reference",
         [](AppHeader&, Pacs008& p) {
             p.transactions[0] = FullTransfer();
             p.transactions[0].tax->reference_number = "NF-e 1";
         },
         tx + "/Tax/RefNb"},
    };
    for (const BadPacs008& bad : cases) {
        SCOPED_TRACE(bad.name);
        AppHeader header = SampleHeader();
        Pacs008 pacs008 = SamplePacs008();
        bad.change(header, pacs008);
        auto xml = BuildPacs008(header, pacs008);
        ASSERT_FALSE(xml.ok());
        EXPECT_EQ(xml.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(xml.error().field, bad.field) << xml.error().message;
        EXPECT_EQ(xml.error().message.rfind(bad.field + ": ", 0), 0u) << xml.error().message;
    }
}

TEST(BuildErrors, Pacs002NamesTheField) {
    Pacs002 pacs002 = SamplePacs002();
    pacs002.statuses[1].reasons[0].code = "XX99";
    auto xml = BuildPacs002(SpiReplyHeader(), pacs002);
    ASSERT_FALSE(xml.ok());
    EXPECT_EQ(xml.error().field,
              "Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts[2]/StsRsnInf[1]/Rsn/Cd");

    pacs002 = SamplePacs002();
    pacs002.statuses[1].reasons[0].additional_info.push_back(std::string(106, 'i'));
    xml = BuildPacs002(SpiReplyHeader(), pacs002);
    ASSERT_FALSE(xml.ok());
    EXPECT_EQ(xml.error().field,
              "Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts[2]/StsRsnInf[1]/AddtlInf[2]");

    pacs002 = SamplePacs002();
    pacs002.statuses[0].original_settlement_date = std::chrono::year_month_day(
        std::chrono::year(2026), std::chrono::month(2), std::chrono::day(30));
    xml = BuildPacs002(SpiReplyHeader(), pacs002);
    ASSERT_FALSE(xml.ok());
    EXPECT_EQ(xml.error().field,
              "Envelope/Document/FIToFIPmtStsRpt/TxInfAndSts[1]/OrgnlTxRef/IntrBkSttlmDt");

    pacs002 = SamplePacs002();
    pacs002.statuses.clear();
    EXPECT_FALSE(BuildPacs002(SpiReplyHeader(), pacs002).ok());
}

TEST(BuildErrors, EchoFollowsItsVersion) {
    Pibr001 echo = SamplePibr001();
    echo.data = std::string(36, 'd');
    auto xml = BuildPibr001(SampleHeader(), echo);
    ASSERT_FALSE(xml.ok());
    EXPECT_EQ(xml.error().field, "Envelope/Document/EchoReq/EchoTxInf/Data");

    // Catalog 1.0 allows digits only in ISPBs; 1.3 allows capital letters.
    AppHeader header = SampleHeader();
    header.from_ispb = "6074694A";
    EXPECT_TRUE(BuildPibr002(header, SamplePibr002(EchoVersion::kV1_3)).ok());
    auto legacy = BuildPibr002(header, SamplePibr002(EchoVersion::kV1_0));
    ASSERT_FALSE(legacy.ok());
    EXPECT_EQ(legacy.error().field, "Envelope/AppHdr/Fr/FIId/FinInstnId/Othr/Id");
}

TEST(BuildErrors, RefusesMessagesOverTheSizeLimit) {
    Pacs008 pacs008 = SamplePacs008();
    pacs008.transactions.assign(500, FullTransfer());
    auto xml = BuildPacs008(SampleHeader(), pacs008);
    ASSERT_FALSE(xml.ok());
    EXPECT_NE(xml.error().message.find("over the limit of 1048576 bytes"), std::string::npos)
        << xml.error().message;
}

}  // namespace
}  // namespace dictra::formats::iso20022
