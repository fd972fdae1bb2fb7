// Build -> parse gives back the same structs; the builder's output is pinned by golden files.
#include <gtest/gtest.h>

#include <cstdlib>

#include "iso20022_testing.hpp"

namespace dictra::formats::iso20022 {
namespace {

using namespace testing;

template <typename Document>
void ExpectRoundTrip(const AppHeader& header, const Document& document,
                     Result<std::string> (*build)(const AppHeader&, const Document&),
                     Result<Envelope<Document>> (*parse)(std::string_view)) {
    auto xml = build(header, document);
    ASSERT_TRUE(xml.ok()) << xml.error().message;
    auto parsed = parse(*xml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << *xml;
    EXPECT_EQ(parsed->header, header);
    EXPECT_TRUE(parsed->document == document);
    auto any = ParseAny(*xml);
    ASSERT_TRUE(any.ok()) << any.error().message;
    auto rebuilt = Build(*any);
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.error().message;
    EXPECT_EQ(*rebuilt, *xml);  // building is deterministic
}

TEST(RoundTrip, Pacs008) {
    ExpectRoundTrip(SampleHeader(), SamplePacs008(), &BuildPacs008, &ParsePacs008);
    Pacs008 batch = SamplePacs008();
    batch.transactions = {FullTransfer(), SampleTransfer(), FullTransfer()};
    batch.transactions[1].amount = AmountCentavos(9'999'999'999'999'999'99);  // 18 digits
    batch.transactions[2].structured_remittance->adjustments.resize(1);
    batch.transactions[2].remittance_information.reset();
    ExpectRoundTrip(SampleHeader(), batch, &BuildPacs008, &ParsePacs008);
}

TEST(RoundTrip, Pacs002) {
    ExpectRoundTrip(SpiReplyHeader(), SamplePacs002(), &BuildPacs002, &ParsePacs002);
    Pacs002 sparse = SamplePacs002();
    sparse.statuses[1].reasons = {StatusReason{}, StatusReason{"AB03", {}},
                                  StatusReason{std::nullopt, {"um", "dois"}}};
    ExpectRoundTrip(SpiReplyHeader(), sparse, &BuildPacs002, &ParsePacs002);
}

TEST(RoundTrip, EchoBothVersions) {
    for (EchoVersion version : {EchoVersion::kV1_3, EchoVersion::kV1_0}) {
        ExpectRoundTrip(SampleHeader(), SamplePibr001(version), &BuildPibr001, &ParsePibr001);
        ExpectRoundTrip(SpiReplyHeader(), SamplePibr002(version), &BuildPibr002, &ParsePibr002);
    }
}

TEST(RoundTrip, TimesAreWrittenWithMillisecondsAndTruncated) {
    AppHeader header = SampleHeader();
    header.created_at = At("2026-01-24T10:30:12.345999Z");
    auto xml = BuildPibr001(header, SamplePibr001());
    ASSERT_TRUE(xml.ok());
    EXPECT_NE(xml->find("<CreDt>2026-01-24T10:30:12.345Z</CreDt>"), std::string::npos) << *xml;
    auto parsed = ParsePibr001(*xml);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->header.created_at, At("2026-01-24T10:30:12.345Z"));
}

TEST(RoundTrip, TextIsEscapedAndKeptExactly) {
    Pacs008 pacs008 = SamplePacs008();
    pacs008.transactions[0].remittance_information = "a<b>&c\"d'e\tf\r\ng ]]> çã 😀";
    auto xml = BuildPacs008(SampleHeader(), pacs008);
    ASSERT_TRUE(xml.ok()) << xml.error().message;
    EXPECT_NE(xml->find("a&lt;b&gt;&amp;c\"d'e\tf&#13;\ng ]]&gt; çã 😀"), std::string::npos);
    auto parsed = ParsePacs008(*xml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->document.transactions[0].remittance_information,
              pacs008.transactions[0].remittance_information);
}

TEST(RoundTrip, BuildWritesTheUnsignedSignatureTemplate) {
    auto xml = BuildPacs002(SpiReplyHeader(), SamplePacs002());
    ASSERT_TRUE(xml.ok());
    EXPECT_NE(xml->find("<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"),
              std::string::npos);
    EXPECT_NE(xml->find("<ds:SignatureValue/>"), std::string::npos);
    EXPECT_NE(xml->find("<MsgDefIdr>pacs.002.spi.1.17</MsgDefIdr>"), std::string::npos);
    EXPECT_EQ(xml->rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Envelope "
                         "xmlns=\"https://www.bcb.gov.br/pi/pacs.002/1.17\">",
                         0),
              0u);
}

// The builder's exact output for the sample messages. Regenerate after an intended change with
// DICTRA_UPDATE_GOLDEN=1 (the files are also seeds of the fuzz corpus).
TEST(RoundTrip, GoldenOutput) {
    Pacs008 full = SamplePacs008();
    full.transactions.push_back(FullTransfer());
    const std::pair<std::string, Result<std::string>> cases[] = {
        {"valid_pacs008.xml", BuildPacs008(SampleHeader(), full)},
        {"valid_pacs002.xml", BuildPacs002(SpiReplyHeader(), SamplePacs002())},
        {"valid_pibr001.xml", BuildPibr001(SampleHeader(), SamplePibr001())},
        {"valid_pibr002_v1_0.xml",
         BuildPibr002(SpiReplyHeader(), SamplePibr002(EchoVersion::kV1_0))},
    };
    const bool update = std::getenv("DICTRA_UPDATE_GOLDEN") != nullptr;
    for (const auto& [name, xml] : cases) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(xml.ok()) << xml.error().message;
        if (update) {
            std::ofstream(DataDir() / name, std::ios::binary) << *xml;
        }
        EXPECT_EQ(*xml, ReadFile(DataDir() / name));
    }
}

TEST(RoundTrip, SignedMessageParsesAndValidates) {
    const std::string xml = ReadFile(DataDir() / "valid_pacs008_signed.xml");
    auto parsed = ParsePacs008(xml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->document, SamplePacs008());

    if (!std::filesystem::exists(SpiXsd("pacs.008.spi.1.16.xsd"))) return;
    auto validator = SchemaValidator::Load({SpiXsd("pacs.008.spi.1.16.xsd"), XmlDsigXsd()});
    ASSERT_TRUE(validator.ok()) << validator.error().message;
    EXPECT_TRUE(validator->Validate(xml).ok()) << validator->Validate(xml).error().message;
}

}  // namespace
}  // namespace dictra::formats::iso20022
