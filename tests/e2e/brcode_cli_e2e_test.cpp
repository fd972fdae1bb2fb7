// `dictra brcode` through the real binary: exit codes and output streams.
#include <gtest/gtest.h>

#include "testing/dictra_process.hpp"

namespace dictra::testing {
namespace {

TEST(BrcodeCliE2e, EncodeThenDecode) {
    auto encoded = DictraProcess::RunCommand({"brcode", "encode", "--key", "pix@example.com",
                                              "--name", "Fulano de Tal", "--city", "Brasilia",
                                              "--amount", "10.00", "--txid", "Pedido123"});
    ASSERT_TRUE(encoded.ok()) << encoded.error().message;
    ASSERT_EQ(encoded->first, 0) << encoded->second;
    std::string payload = encoded->second;
    ASSERT_FALSE(payload.empty());
    ASSERT_EQ(payload.back(), '\n');
    payload.pop_back();
    EXPECT_EQ(payload.rfind("000201", 0), 0u);

    auto decoded = DictraProcess::RunCommand({"brcode", "decode", payload});
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->first, 0) << decoded->second;
    EXPECT_NE(decoded->second.find("valid static BR Code"), std::string::npos);
    EXPECT_NE(decoded->second.find("Pedido123"), std::string::npos);

    payload.back() = payload.back() == '0' ? '1' : '0';
    auto refused = DictraProcess::RunCommand({"brcode", "decode", payload});
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->first, 1) << refused->second;
    EXPECT_NE(refused->second.find("crc_mismatch"), std::string::npos) << refused->second;
}

TEST(BrcodeCliE2e, EncodeRefusalExitsOne) {
    auto refused =
        DictraProcess::RunCommand({"brcode", "encode", "--url", "https://pix.example.com/qr/1",
                                   "--name", "F", "--city", "C"});
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->first, 1);
    EXPECT_NE(refused->second.find("26-25 URL"), std::string::npos) << refused->second;
}

}  // namespace
}  // namespace dictra::testing
