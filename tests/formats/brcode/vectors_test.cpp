// Interop: the shared reference vectors (../shared/reference/brcode/vectors.json, from pix-utils'
// tests and BCB's manual) decode to their documented CRC and fields and re-encode byte for byte.
#include <gtest/gtest.h>

#include <map>

#include "brcode_testing.hpp"
#include "core/json/json.hpp"
#include "formats/brcode/brcode.hpp"
#include "formats/brcode/crc16.hpp"

namespace dictra::formats::brcode {
namespace {

using testing::ReadFile;
using testing::VectorsPath;

struct Expected {
    BrCodeKind kind;
    BrCode fields;
};

BrCode Fields(std::string pix_key, std::string url, std::string name, std::string city) {
    BrCode code;
    code.pix_key = std::move(pix_key);
    code.url = std::move(url);
    code.merchant_name = std::move(name);
    code.merchant_city = std::move(city);
    return code;
}

// The fields each vector documents, read off its payload by hand and checked here.
std::map<std::string, Expected> ExpectedFields() {
    const std::string thales = "THALES OGLIARI";
    const std::string sao_miguel = "SAO MIGUEL DO O";
    const std::string psp_url = "payload.psp.com/3ec9d2f9-5f03-4e0e-820d-63a81e769e87";
    const std::string psp_rec = "payload.psp.com/rec/3ec9d2f9-5f03-4e0e-820d-63a81e769e87";
    const std::string sandbox = "qr-h.sandbox.pix.bcb.gov.br/rest/api/";
    std::map<std::string, Expected> expected;

    BrCode code = Fields("thalesog@me.com", "", thales, sao_miguel);
    code.info = "Pedido 123";
    code.amount = AmountCentavos(1000);
    expected["STATIC_TEST_EMV"] = {BrCodeKind::kStatic, code};
    code.amount.reset();
    expected["STATIC_TEST_NO_VALUE_EMV"] = {BrCodeKind::kStatic, code};
    expected["STATIC_TEST_NO_VALUE_ELEMENT_EMV"] = {BrCodeKind::kStatic, code};
    code.fss_ispb = "12341234";
    expected["STATIC_TEST_NO_VALUE_WITHFSS_EMV"] = {BrCodeKind::kStatic, code};

    code = Fields("", psp_url, thales, sao_miguel);
    expected["DYNAMIC_TEST_EMV"] = {BrCodeKind::kDynamic, code};
    code.single_use = true;
    expected["DYNAMIC_ONE_TIME_TEST_EMV"] = {BrCodeKind::kDynamic, code};
    expected["DYNAMIC_TEST_NORMALIZED_NAME"] = {BrCodeKind::kDynamic,
                                                Fields("", psp_url, "BARBARA PELE", sao_miguel)};

    code = Fields("", "", thales, sao_miguel);
    code.recurrence_url = psp_rec;
    expected["RECURRENCE_REC_ONLY"] = {BrCodeKind::kRecurrence, code};

    expected["BCB_MANUAL_EXAMPLE"] = {
        BrCodeKind::kStatic,
        Fields("123e4567-e12b-12d1-a456-426655440000", "", "Fulano de Tal", "BRASILIA")};

    code = Fields("4004901d-bd85-4769-8e52-cb4c42c506dc", "", "Pix", "BRASILIA");
    code.info = "Jornada pagador 43107";
    code.fss_ispb = "99999008";
    code.amount = AmountCentavos(57757);
    code.txid = "99ed983ea570413d8d336301d";
    expected["STATIC_TEST_WITH_FSS"] = {BrCodeKind::kStatic, code};

    code = Fields("f4c6089a-bfde-4c00-a2d9-9eaa584b0219", "", "Pix", "BRASILIA");
    code.info = "CobrancaEstatica";
    code.amount = AmountCentavos(65034);
    code.txid = "80a2d0a923984e8dbb80b4adf";
    code.recurrence_url = sandbox + "rec/d7913bcbfc4947c9811669db12b40374";
    expected["RECURRENCE_STATIC_UNRESERVED_EMV"] = {BrCodeKind::kStatic, code};

    code = Fields("thalesog@me.com", "", thales, sao_miguel);
    code.amount = AmountCentavos(1000);
    code.recurrence_url = psp_rec;
    expected["RECURRENCE_STATIC_UNRESERVED_EMV2"] = {BrCodeKind::kStatic, code};

    code = Fields("", sandbox + "v2/7b2d64c4eb744a2d92a4dd5f8cfc4dfa", "FULANO DE TAL", "BRASILIA");
    code.single_use = true;
    code.recurrence_url = sandbox + "rec/3d29b94249c54b3f8c533d729f59b5e5";
    expected["RECURRENCE_DYNAMIC_UNRESERVED_EMV"] = {BrCodeKind::kDynamic, code};

    code = Fields("", "", "Fulano de Tal", "BRASILIA");
    code.recurrence_url = sandbox + "rec/5ee5232ead29422396b44f5eb67180d6";
    expected["RECURRENCE_DYNAMIC_UNRESERVED_REC"] = {BrCodeKind::kRecurrence, code};
    return expected;
}

std::string Show(const BrCode& code) {
    return "key=" + code.pix_key + " info=" + code.info + " fss=" + code.fss_ispb +
           " url=" + code.url + " single_use=" + (code.single_use ? "yes" : "no") +
           " mcc=" + code.merchant_category_code +
           " amount=" + (code.amount ? FormatAmount(*code.amount) : "none") +
           " name=" + code.merchant_name + " city=" + code.merchant_city +
           " postal=" + code.postal_code + " txid=" + code.txid +
           " recurrence_url=" + code.recurrence_url;
}

class BrCodeVectors : public ::testing::Test {
 protected:
    void SetUp() override {
        if (!std::filesystem::exists(VectorsPath())) {
            GTEST_SKIP() << "reference vectors not found at " << VectorsPath()
                         << " (the shared folder is a sibling of the repository)";
        }
        auto parsed = json::Parse(ReadFile(VectorsPath()));
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        document_ = std::move(parsed).value();
        ASSERT_TRUE(document_.is_object());
    }

    boost::json::value document_;
};

TEST_F(BrCodeVectors, Crc16CheckValue) {
    const auto& check = document_.as_object().at("crc16_check").as_object();
    const std::string input(check.at("input").as_string());
    EXPECT_EQ(FormatCrc16(Crc16CcittFalse(input)), std::string(check.at("crc").as_string()));
}

TEST_F(BrCodeVectors, EveryVectorDecodesToItsCrcAndFieldsAndReencodesExactly) {
    const std::map<std::string, Expected> expected = ExpectedFields();
    const auto& vectors = document_.as_object().at("vectors").as_array();
    ASSERT_FALSE(vectors.empty());
    for (const auto& vector_value : vectors) {
        const auto& vector = vector_value.as_object();
        const std::string name(vector.at("name").as_string());
        const std::string payload(vector.at("payload").as_string());
        const std::string crc(vector.at("crc").as_string());
        SCOPED_TRACE(name);

        const Decoded decoded = Decode(payload);
        EXPECT_TRUE(decoded.ok()) << testing::Describe(decoded);
        EXPECT_EQ(decoded.crc, crc);
        EXPECT_EQ(decoded.crc_computed, crc);
        EXPECT_EQ(payload.substr(payload.size() - 8), "6304" + crc);

        const auto found = expected.find(name);
        if (found == expected.end()) {
            ADD_FAILURE() << "no expected fields for vector " << name
                          << ": add them to ExpectedFields()";
            continue;
        }
        EXPECT_EQ(decoded.kind, found->second.kind);
        EXPECT_EQ(decoded.fields, found->second.fields)
            << "decoded:  " << Show(decoded.fields) << "\nexpected: " << Show(found->second.fields);

        // Our writer produces the same canonical form as the vectors' generators.
        auto encoded = Encode(decoded.fields);
        ASSERT_TRUE(encoded.ok()) << encoded.error().message;
        EXPECT_EQ(*encoded, payload);
    }
}

TEST_F(BrCodeVectors, RawDataObjectsOfTheManualExample) {
    for (const auto& vector_value : document_.as_object().at("vectors").as_array()) {
        const auto& vector = vector_value.as_object();
        if (vector.at("name").as_string() != "BCB_MANUAL_EXAMPLE") continue;
        const Decoded decoded = Decode(std::string(vector.at("payload").as_string()));
        const std::vector<RawField> raw = {
            {"00", "01"},
            {"26", "0014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"},
            {"26-00", "br.gov.bcb.pix"},
            {"26-01", "123e4567-e12b-12d1-a456-426655440000"},
            {"52", "0000"},
            {"53", "986"},
            {"58", "BR"},
            {"59", "Fulano de Tal"},
            {"60", "BRASILIA"},
            {"62", "0503***"},
            {"62-05", "***"},
            {"63", "1D3D"},
        };
        EXPECT_EQ(decoded.raw, raw);
        return;
    }
    FAIL() << "BCB_MANUAL_EXAMPLE is not in the vectors";
}

}  // namespace
}  // namespace dictra::formats::brcode
