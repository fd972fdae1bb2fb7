// Golden invalid inputs (tests/data/iso20022/, also the fuzz corpus): each is refused with its
// precise error, never a crash. And the parser's safety limits.
#include <gtest/gtest.h>

#include <thread>

#include "iso20022_testing.hpp"

namespace dictra::formats::iso20022 {
namespace {

using namespace testing;

struct Golden {
    std::string file;
    ErrorCode code;
    std::string message;  // the whole error message
};

TEST(InvalidInput, GoldenFilesFailWithTheirError) {
    const std::string tx = "Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]";
    const std::vector<Golden> cases = {
        {"empty.xml", ErrorCode::kInvalidArgument, "malformed XML: empty document"},
        {"malformed.xml", ErrorCode::kInvalidArgument,
         "line 5: malformed XML: tag mismatch: end tag 'AppHdr' does not close the element "
         "open here"},
        {"doctype_xxe.xml", ErrorCode::kInvalidArgument,
         "line 2: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"billion_laughs.xml", ErrorCode::kInvalidArgument,
         "line 2: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"too_deep.xml", ErrorCode::kInvalidArgument,
         "line 4: elements nested deeper than 32 levels"},
        {"latin1_encoding.xml", ErrorCode::kInvalidArgument,
         "encoding 'ISO-8859-1' is not allowed: SPI messages are UTF-8"},
        {"not_envelope.xml", ErrorCode::kInvalidArgument,
         "line 2: Envelope: the root element is 'Document', expected 'Envelope'"},
        {"wrong_namespace.xml", ErrorCode::kInvalidArgument,
         "line 2: Envelope: unknown message namespace 'https://www.bcb.gov.br/pi/pacs.008/1.13'"},
        {"unknown_message.xml", ErrorCode::kInvalidArgument,
         "line 2: Envelope: unknown message namespace 'https://www.bcb.gov.br/pi/camt.060/1.10'"},
        {"msgdefidr_mismatch.xml", ErrorCode::kInvalidArgument,
         "line 23: Envelope/AppHdr/MsgDefIdr: 'pacs.002.spi.1.17' does not match the namespace "
         "'https://www.bcb.gov.br/pi/pacs.008/1.16', which is 'pacs.008.spi.1.16'"},
        {"wrong_order.xml", ErrorCode::kInvalidArgument,
         "line 4: Envelope/AppHdr/To: expected element 'Fr' here"},
        {"missing_end_to_end_id.xml", ErrorCode::kInvalidArgument,
         "line 67: " + tx + "/PmtId: missing element 'EndToEndId'"},
        {"missing_debtor.xml", ErrorCode::kInvalidArgument,
         "line 80: " + tx + "/DbtrAcct: expected element 'Dbtr' here"},
        {"bad_amount.xml", ErrorCode::kInvalidArgument,
         "line 70: " + tx + "/IntrBkSttlmAmt: amount '1234.567' has more than 2 fraction digits"},
        {"negative_amount.xml", ErrorCode::kInvalidArgument,
         "line 70: " + tx + "/IntrBkSttlmAmt: amount '-1234.56' is negative"},
        {"bad_currency.xml", ErrorCode::kInvalidArgument,
         "line 70: " + tx + "/IntrBkSttlmAmt: currency 'USD' is not BRL"},
        {"nboftxs_mismatch.xml", ErrorCode::kInvalidArgument,
         "line 55: Envelope/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs: NbOfTxs '3' but the "
         "message has 2 CdtTrfTxInf"},
        {"bad_end_to_end_id.xml", ErrorCode::kInvalidArgument,
         "line 68: " + tx +
             "/PmtId/EndToEndId: 'E6074694820260124103a1B2c3D4e5F' is not EndToEndIdType (E, "
             "ISPB, yyyyMMddHHmm, 11 letters or digits; 32 characters)"},
        {"bad_local_instrument.xml", ErrorCode::kInvalidArgument,
         "line 76: " + tx +
             "/MndtRltdInf/Tp/LclInstrm/Prtry: 'PIX' is not PrtryLclInstrmCode (APDN, APES, "
             "AUTO, DICT, INIC, MANU, QRDN, QRES)"},
        {"bad_datetime.xml", ErrorCode::kInvalidArgument,
         "line 24: Envelope/AppHdr/CreDt: '2026-01-24T10:30:12Z' is not ISONormalisedDateTime "
         "(YYYY-MM-DDThh:mm:ss.sssZ, UTC)"},
        {"impossible_date.xml", ErrorCode::kInvalidArgument,
         "line 24: Envelope/AppHdr/CreDt: '2026-02-30T10:30:12.345Z' is not "
         "ISONormalisedDateTime (YYYY-MM-DDThh:mm:ss.sssZ, UTC): not a real date and time"},
        {"unexpected_element.xml", ErrorCode::kInvalidArgument,
         "line 69: " + tx + "/PmtId/Foo: unexpected element"},
        {"unexpected_attribute.xml", ErrorCode::kInvalidArgument,
         "line 53: Envelope/Document/FIToFICstmrCdtTrf/GrpHdr/MsgId: unexpected attribute "
         "'Id'"},
        {"unexpected_text.xml", ErrorCode::kInvalidArgument,
         "line 53: Envelope/Document/FIToFICstmrCdtTrf/GrpHdr: unexpected text 'oops'"},
        {"foreign_signature.xml", ErrorCode::kInvalidArgument,
         "line 26: Envelope/AppHdr/Sgntr/Signature: Sgntr must hold an element of the XMLDSig "
         "namespace 'http://www.w3.org/2000/09/xmldsig#'"},
    };
    for (const Golden& golden : cases) {
        SCOPED_TRACE(golden.file);
        const std::string xml = ReadFile(DataDir() / golden.file);
        auto parsed = ParseAny(xml);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().code, golden.code);
        EXPECT_EQ(parsed.error().message, golden.message);
    }
}

TEST(InvalidInput, WrongMessageTypeForTheParser) {
    const std::string xml = ReadFile(DataDir() / "valid_pacs002.xml");
    auto parsed = ParsePacs008(xml);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message,
              "expected a pacs.008 message, found pacs.002 (pacs.002.spi.1.17)");
    EXPECT_TRUE(ParsePacs002(xml).ok());
    EXPECT_FALSE(ParsePibr001(xml).ok());
}

TEST(InvalidInput, OversizedInputIsRefusedBeforeParsing) {
    std::string xml = ReadFile(DataDir() / "valid_pibr001.xml");
    // A valid message padded with a comment to exactly the limit still parses.
    const std::string comment_open = "<!--";
    const std::string comment_close = "-->";
    std::string padded = xml;
    padded += comment_open;
    padded.append(kXmlBytesMax - xml.size() - comment_open.size() - comment_close.size(), 'x');
    padded += comment_close;
    ASSERT_EQ(padded.size(), kXmlBytesMax);
    EXPECT_TRUE(ParseAny(padded).ok());

    padded.insert(padded.size() - comment_close.size(), "x");
    auto parsed = ParseAny(padded);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, ErrorCode::kPayloadTooLarge);
    EXPECT_EQ(parsed.error().message, "XML of 1048577 bytes is over the limit of 1048576 bytes");
}

TEST(InvalidInput, DepthLimitIsCountedWhileParsing) {
    // 100 000 nested elements: refused at depth 33 by our own check, without recursion.
    std::string deep = "<?xml version=\"1.0\"?>\n";
    for (int level = 0; level < 100000; ++level) deep += "<a>";
    auto parsed = ParseAny(deep);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "line 2: elements nested deeper than 32 levels");
}

TEST(InvalidInput, ExternalEntitiesAreNeverRead) {
    // Even without a DOCTYPE check, the reader would not load the file (it has no code that reads
    // files or expands declared entities); the content of /etc/hostname must not appear in any
    // error either.
    const std::string xml = ReadFile(DataDir() / "doctype_xxe.xml");
    auto parsed = ParseAny(xml);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message.find("root:"), std::string::npos);
}

TEST(InvalidInput, Libxml2PrintsNothing) {
    ::testing::internal::CaptureStderr();
    for (const std::string file : {"malformed.xml", "doctype_xxe.xml", "billion_laughs.xml",
                                   "too_deep.xml", "latin1_encoding.xml", "empty.xml"}) {
        EXPECT_FALSE(ParseAny(ReadFile(DataDir() / file)).ok());
    }
    EXPECT_FALSE(ParseAny(std::string("<a>\xff\xfe</a>")).ok());
    EXPECT_FALSE(ParseAny(std::string("\xff\xfe<\0a\0/\0>\0", 10)).ok());
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(InvalidInput, ParsingIsThreadSafe) {
    const std::string valid = ReadFile(DataDir() / "valid_pacs008.xml");
    const std::string malformed = ReadFile(DataDir() / "malformed.xml");
    const std::string deep = ReadFile(DataDir() / "too_deep.xml");
    constexpr int kThreads = 4;
    constexpr int kRoundsPerThread = 50;
    std::vector<int> failures(kThreads, 0);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&, thread_idx] {
            for (int round = 0; round < kRoundsPerThread; ++round) {
                auto good = ParsePacs008(valid);
                auto bad = ParseAny(malformed);
                auto too_deep = ParseAny(deep);
                if (!good.ok() || bad.ok() ||
                    bad.error().message.find("tag mismatch") == std::string::npos ||
                    too_deep.ok() || too_deep.error().message.find("deeper") == std::string::npos) {
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

TEST(InvalidInput, LenientWhereTheXsdIsLenient) {
    std::string xml = ReadFile(DataDir() / "valid_pacs008.xml");
    // xs:decimal spellings, collapsed whitespace around decimals and times, comments, CDATA.
    const std::string amount = "<IntrBkSttlmAmt Ccy=\"BRL\">1234.56</IntrBkSttlmAmt>";
    xml.replace(xml.find(amount), amount.size(),
                "<IntrBkSttlmAmt Ccy=\"BRL\"> +001234.560 </IntrBkSttlmAmt>");
    const std::string name = "<Nm>João da Silva Conceição</Nm>";
    xml.replace(xml.find(name), name.size(),
                "<Nm><![CDATA[João da Silva]]><!-- c --> Conceição</Nm>");
    // Schema validators allow xsi:schemaLocation anywhere.
    const std::string root = "<Envelope xmlns=\"https://www.bcb.gov.br/pi/pacs.008/1.16\">";
    xml.replace(xml.find(root), root.size(),
                "<Envelope xmlns=\"https://www.bcb.gov.br/pi/pacs.008/1.16\" "
                "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                "xsi:schemaLocation=\"https://www.bcb.gov.br/pi/pacs.008/1.16 p.xsd\">");
    auto parsed = ParsePacs008(xml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->document.transactions[0].amount, AmountCentavos(123456));
    EXPECT_EQ(parsed->document.transactions[0].debtor_name, "João da Silva Conceição");
}

// Catalog 1.0's AppHdr may start with CharSet; the 1.3 one may not.
TEST(InvalidInput, CharSetOnlyInCatalog10) {
    std::string legacy = ReadFile(DataDir() / "valid_pibr002_v1_0.xml");
    legacy.replace(legacy.find("<AppHdr>"), 8, "<AppHdr><CharSet>UTF-8</CharSet>");
    auto parsed = ParsePibr002(legacy);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->document.version, EchoVersion::kV1_0);

    std::string current = ReadFile(DataDir() / "valid_pibr001.xml");
    current.replace(current.find("<AppHdr>"), 8, "<AppHdr><CharSet>UTF-8</CharSet>");
    auto refused = ParsePibr001(current);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message,
              "line 3: Envelope/AppHdr/CharSet: expected element 'Fr' here");
}

}  // namespace
}  // namespace dictra::formats::iso20022
