#include "formats/cnab/detect.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "cnab_test_util.hpp"
#include "sample_payments.hpp"

namespace dictra::formats::cnab {
namespace {

using namespace testing;

Result<Layout> Detect(const std::string& bytes) {
    std::istringstream input(bytes);
    return DetectLayout(input);
}

TEST(DetectLayoutTest, ByLineLength) {
    EXPECT_EQ(*Detect(ReadFileBytes(DICTRA_SOURCE_DIR "/tests/data/cnab240/pix_payments.rem")),
              Layout::kCnab240);
    EXPECT_EQ(*Detect(ReadFileBytes(DICTRA_SOURCE_DIR "/tests/data/cnab400/pix_payments.rem")),
              Layout::kCnab400);
    EXPECT_EQ(*Detect(std::string(400, '9')), Layout::kCnab400);  // no final newline
}

TEST(DetectLayoutTest, ABrokenFirstLineDoesNotHide) {
    const std::string line_240(240, '0');
    EXPECT_EQ(*Detect("\xEF\xBB\xBF" + line_240 + "\r\n" + line_240 + "\r\n"), Layout::kCnab240);
    EXPECT_EQ(*Detect(std::string(39, 'D') + "\n" + std::string(400, '1') + "\n"),
              Layout::kCnab400);
}

TEST(DetectLayoutTest, NotCnab) {
    auto csv = Detect("debtor_ispb,creditor_ispb,amount\n12345678,87654321,15000\n");
    ASSERT_FALSE(csv.ok());
    EXPECT_EQ(csv.error().message,
              "no line of 240 or 400 bytes among the first 2: not a CNAB file (the first line "
              "has 32 bytes)");
    EXPECT_EQ(Detect("").error().message, "empty file: not a CNAB file");
}

TEST(DetectLayoutTest, ReferenceFiles) {
    for (const auto& [relative, layout] : {std::pair{"cnab/cnab240", Layout::kCnab240},
                                           std::pair{"cnab/cnab400", Layout::kCnab400}}) {
        const std::string dir = ReferenceDir(relative);
        if (dir.empty()) GTEST_SKIP() << "../shared/reference/" << relative << " is absent";
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            auto detected = Detect(ReadFileBytes(entry.path().string()));
            ASSERT_TRUE(detected.ok()) << entry.path();
            EXPECT_EQ(*detected, layout) << entry.path();
        }
    }
}

}  // namespace
}  // namespace dictra::formats::cnab
