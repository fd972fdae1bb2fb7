#include "app/cnab_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

namespace dictra::app {
namespace {

struct CommandRun {
    int exit_code = 0;
    std::string out;
    std::string err;
};

CommandRun Inspect(const std::string& file, std::string layout = "auto",
                   std::string debtor_ispb = {}) {
    std::ostringstream out;
    std::ostringstream err;
    const int exit_code = RunCnabCommand(
        {.file = file, .layout = std::move(layout), .debtor_ispb = std::move(debtor_ispb)}, out,
        err);
    return {exit_code, out.str(), err.str()};
}

CommandRun ParseAndRun(std::vector<std::string> args) {
    CLI::App app;
    CnabCommandOptions options;
    CLI::App* cnab = AddCnabCommand(app, options);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    EXPECT_TRUE(cnab->parsed());
    std::ostringstream out;
    std::ostringstream err;
    const int exit_code = RunCnabCommand(options, out, err);
    return {exit_code, out.str(), err.str()};
}

TEST(CnabCommandTest, InspectsAPaymentFile) {
    const CommandRun run = ParseAndRun({"cnab", "inspect", "--debtor-ispb", "60701190",
                                        DICTRA_SOURCE_DIR "/tests/data/cnab240/pix_payments.rem"});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(run.out.rfind("CNAB240\n", 0), 0u) << run.out;
    EXPECT_NE(run.out.find("3-4          3AB   PAYMENT  amount 150.00, date 2026-01-24, PHONE key "
                           "+5511987654321; debtor ispb 60701190 bank 341"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("summary: 16 lines, 5 payments (1014997.16), 0 skipped, 6 control, 0 "
                           "errors, 0 warnings"),
              std::string::npos)
        << run.out;
}

TEST(CnabCommandTest, DetectsCnab400) {
    const CommandRun run = Inspect(DICTRA_SOURCE_DIR "/tests/data/cnab400/pix_payments.rem");
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    EXPECT_EQ(run.out.rfind("CNAB400\n", 0), 0u) << run.out;
}

TEST(CnabCommandTest, ErrorsGiveExitCodeOne) {
    const std::filesystem::path malformed = std::filesystem::path(DICTRA_SOURCE_DIR) / ".." /
                                            "shared" / "reference" / "cnab-malformed" /
                                            "laravel-boleto__banco_brasil.ret";
    if (!std::filesystem::exists(malformed)) GTEST_SKIP() << malformed << " is absent";
    const CommandRun run = Inspect(malformed.string());
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.out.find("error: line 2 (line_length): expected 240 bytes, found 241"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("1 errors"), std::string::npos) << run.out;
}

TEST(CnabCommandTest, RefusesWhatItCannotRead) {
    CommandRun run = Inspect("/nonexistent/file.rem");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.err, "dictra: cannot open /nonexistent/file.rem\n");

    run = Inspect(DICTRA_SOURCE_DIR "/tests/data/csv/seed_example.csv");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("not a CNAB file"), std::string::npos) << run.err;

    run = Inspect(DICTRA_SOURCE_DIR "/tests/data/cnab240/pix_payments.rem", "auto", "123");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.err, "dictra: --debtor-ispb must be 8 digits\n");
}

TEST(CnabCommandTest, AForcedLayoutReportsEveryLine) {
    const CommandRun run = Inspect(DICTRA_SOURCE_DIR "/tests/data/cnab240/pix_payments.rem", "400");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.out.find("error: line 1 (line_length): expected 400 bytes, found 240"),
              std::string::npos)
        << run.out;
}

}  // namespace
}  // namespace dictra::app
