// Golden PIX keys (tests/data/pix_key/pix_keys.tsv) and the CID of DICT 2.12.1.
#include "dict/pix_key.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dict/cid.hpp"

namespace dictra::dict {
namespace {

struct GoldenKey {
    std::string type;
    std::string key;
    bool valid = false;
    std::string why;
};

std::vector<GoldenKey> ReadGolden() {
    std::ifstream file(std::string(DICTRA_SOURCE_DIR) + "/tests/data/pix_key/pix_keys.tsv");
    EXPECT_TRUE(file.good());
    std::vector<GoldenKey> keys;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line.front() == '#') continue;
        std::istringstream fields(line);
        GoldenKey golden;
        std::string verdict;
        std::getline(fields, golden.type, '\t');
        std::getline(fields, golden.key, '\t');
        std::getline(fields, verdict, '\t');
        std::getline(fields, golden.why, '\t');
        EXPECT_TRUE(verdict == "valid" || verdict == "invalid") << line;
        golden.valid = verdict == "valid";
        keys.push_back(std::move(golden));
    }
    return keys;
}

TEST(PixKeyTest, GoldenKeysValidateAsRecorded) {
    const std::vector<GoldenKey> keys = ReadGolden();
    ASSERT_GE(keys.size(), 40u);
    std::set<std::string> types_seen;
    for (const GoldenKey& golden : keys) {
        auto type = KeyTypeFromString(golden.type);
        ASSERT_TRUE(type.has_value()) << golden.type;
        types_seen.insert(golden.type);
        auto normalized = NormalizeKey(*type, golden.key);
        EXPECT_EQ(normalized.ok(), golden.valid)
            << golden.type << " " << golden.key << ": " << golden.why;
        if (!normalized.ok()) {
            EXPECT_EQ(normalized.error().field, "key");
            EXPECT_EQ(normalized.error().code, ErrorCode::kInvalidArgument);
        }
    }
    EXPECT_EQ(types_seen.size(), 5u);
}

TEST(PixKeyTest, AlphanumericCnpjIsUpperCased) {
    auto normalized = NormalizeKey(KeyType::kCnpj, "12abc34501de35");
    ASSERT_TRUE(normalized.ok());
    EXPECT_EQ(*normalized, "12ABC34501DE35");
    EXPECT_TRUE(IsValidCnpj("12ABC34501DE35"));
    EXPECT_FALSE(IsValidCnpj("12abc34501de35"));  // the validator wants the normalised form
}

TEST(PixKeyTest, OtherKeysAreKeptAsGiven) {
    EXPECT_EQ(*NormalizeKey(KeyType::kCpf, "52998224725"), "52998224725");
    EXPECT_EQ(*NormalizeKey(KeyType::kPhone, "+5511987654321"), "+5511987654321");
    EXPECT_EQ(*NormalizeKey(KeyType::kEmail, "pix@bcb.gov.br"), "pix@bcb.gov.br");
}

TEST(PixKeyTest, KeyTypesAreExactUpperCaseNames) {
    for (std::string_view name : {"CPF", "CNPJ", "PHONE", "EMAIL", "EVP"}) {
        auto type = KeyTypeFromString(name);
        ASSERT_TRUE(type.has_value()) << name;
        EXPECT_EQ(ToString(*type), name);
    }
    EXPECT_FALSE(KeyTypeFromString("cpf").has_value());
    EXPECT_FALSE(KeyTypeFromString("RANDOM").has_value());
    EXPECT_FALSE(KeyTypeFromString("").has_value());
}

TEST(PixKeyTest, MintedEvpsAreValidAndDistinct) {
    std::set<std::string> minted;
    constexpr int kMintCount = 200;
    for (int mint_idx = 0; mint_idx < kMintCount; ++mint_idx) {
        std::string evp = NewEvp();
        EXPECT_TRUE(IsValidEvp(evp)) << evp;
        minted.insert(std::move(evp));
    }
    EXPECT_EQ(minted.size(), static_cast<std::size_t>(kMintCount));
}

// The example of DICT 2.12.1, "Cálculo de CID".
TEST(CidTest, MatchesTheSpecificationVector) {
    const CidAttributes attributes{.key_type = "PHONE",
                                   .key = "+5511987654321",
                                   .owner_tax_id = "11122233300",
                                   .owner_name = "João Silva",
                                   .owner_trade_name = "",
                                   .participant = "12345678",
                                   .branch = "00001",
                                   .account_number = "0007654321",
                                   .account_type = "CACC"};
    EXPECT_EQ(CidMessage(attributes),
              "PHONE&+5511987654321&11122233300&João Silva&&12345678&00001&0007654321&CACC");
    const CidRequestId request_id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    EXPECT_EQ(ComputeCid(attributes, request_id),
              "28c06eb41c4dc9c3ae114831efcac7446c8747777fca8b145ecd31ff8480ae88");
}

TEST(CidTest, AnotherRequestIdOrAttributeGivesAnotherCid) {
    CidAttributes attributes{.key_type = "EMAIL", .key = "pix@bcb.gov.br"};
    const CidRequestId first = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    CidRequestId second = first;
    second[15] = 17;
    const std::string cid = ComputeCid(attributes, first);
    EXPECT_TRUE(IsCid(cid));
    EXPECT_NE(cid, ComputeCid(attributes, second));
    attributes.branch = "0001";
    EXPECT_NE(cid, ComputeCid(attributes, first));
}

TEST(CidTest, RequestIdsRoundTripThroughHex) {
    const CidRequestId request_id = NewCidRequestId();
    const std::string hex = ToHex(request_id);
    EXPECT_EQ(hex.size(), 2 * kCidRequestIdBytes);
    CidRequestId back{};
    ASSERT_TRUE(FromHex(hex, back));
    EXPECT_EQ(back, request_id);
    EXPECT_FALSE(FromHex("zz", back));
    EXPECT_FALSE(FromHex(std::string(32, 'g'), back));
}

TEST(CidTest, IsCidWantsSixtyFourHexCharacters) {
    EXPECT_TRUE(IsCid(std::string(64, 'a')));
    EXPECT_TRUE(IsCid(std::string(64, 'F')));
    EXPECT_FALSE(IsCid(std::string(63, 'a')));
    EXPECT_FALSE(IsCid("E1234567890123456789012345678901"));  // the document's example
    EXPECT_FALSE(IsCid(std::string(63, 'a') + "g"));
}

}  // namespace
}  // namespace dictra::dict
