#include "app/brcode_command.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <sstream>

namespace dictra::app {
namespace {

// BCB's manual example.
constexpr std::string_view kManualExample =
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR"
    "5913Fulano de Tal6008BRASILIA62070503***63041D3D";

struct CliRun {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Parses `args` like `dictra` would and runs the brcode command.
CliRun RunCli(std::vector<std::string> args, const std::string& stdin_text = "") {
    CLI::App app{"test", "dictra"};
    BrcodeCommand command(app);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    EXPECT_TRUE(command.parsed());
    std::istringstream in(stdin_text);
    std::ostringstream out;
    std::ostringstream err;
    CliRun run;
    run.exit_code = command.Run(in, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

TEST(BrcodeDecodeCommand, PrintsFieldsAndDataObjectsOfAValidCode) {
    const CliRun run = RunCli({"brcode", "decode", std::string(kManualExample)});
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_EQ(run.out.rfind("valid static BR Code\n", 0), 0u) << run.out;
    EXPECT_NE(run.out.find("pix key         123e4567-e12b-12d1-a456-426655440000"),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("merchant name   Fulano de Tal"), std::string::npos);
    EXPECT_NE(run.out.find("txid            *** (none)"), std::string::npos);
    EXPECT_NE(run.out.find("crc             1D3D (computed 1D3D)"), std::string::npos);
    EXPECT_NE(run.out.find("  26-00  br.gov.bcb.pix\n"), std::string::npos);
}

TEST(BrcodeDecodeCommand, ListsErrorsAndExitsOneWhenInvalid) {
    std::string payload(kManualExample);
    payload.replace(payload.size() - 4, 4, "1D3E");
    const CliRun run = RunCli({"brcode", "decode", payload});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.out.rfind("invalid BR Code: 1 error\n", 0), 0u) << run.out;
    EXPECT_NE(run.out.find("63     crc_mismatch    63 CRC: the payload says 1D3E but its CRC16 "
                           "is 1D3D"),
              std::string::npos)
        << run.out;
}

TEST(BrcodeDecodeCommand, ReadsStandardInputAndIgnoresSurroundingWhitespace) {
    const CliRun run =
        RunCli({"brcode", "decode", "-"}, "  " + std::string(kManualExample) + "\r\n");
    EXPECT_EQ(run.exit_code, 0) << run.out;
}

TEST(BrcodeDecodeCommand, ShowsControlBytesEscaped) {
    std::ostringstream out;
    EXPECT_EQ(RunBrcodeDecode("000201\x01", out), 1);
    EXPECT_NE(out.str().find("\\x01"), std::string::npos) << out.str();
    EXPECT_EQ(out.str().find('\x01'), std::string::npos);
}

TEST(BrcodeEncodeCommand, PrintsThePayload) {
    const CliRun run = RunCli({"brcode", "encode", "--key", "123e4567-e12b-12d1-a456-426655440000",
                               "--name", "Fulano de Tal", "--city", "BRASILIA"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out, std::string(kManualExample) + "\n");
}

TEST(BrcodeEncodeCommand, TakesEveryOption) {
    const CliRun run = RunCli({"brcode",
                               "encode",
                               "--url",
                               "pix.example.com/qr/1",
                               "--name",
                               "Jo\xC3\xA3o",
                               "--city",
                               "S\xC3\xA3o Paulo",
                               "--amount",
                               "150.00",
                               "--single-use",
                               "--info",
                               "Pedido",
                               "--fss",
                               "99999008",
                               "--mcc",
                               "5812",
                               "--postal-code",
                               "01310100",
                               "--recurrence-url",
                               "pix.example.com/rec/1"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const std::string payload = run.out.substr(0, run.out.size() - 1);
    EXPECT_EQ(payload.substr(0, 12), "000201010212");
    for (std::string_view part :
         {"2520pix.example.com/qr/1", "0206Pedido", "030899999008", "52045812", "5406150.00",
          "5904Joao", "6009Sao Paulo", "610801310100", "2521pix.example.com/rec/1"}) {
        EXPECT_NE(payload.find(part), std::string::npos) << part << " in " << payload;
    }
    std::ostringstream decoded;
    EXPECT_EQ(RunBrcodeDecode(payload, decoded), 0) << decoded.str();
}

TEST(BrcodeEncodeCommand, RefusesWithTheTagAndExitsOne) {
    CliRun run =
        RunCli({"brcode", "encode", "--key", "k", "--name", std::string(26, 'N'), "--city", "C"});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_TRUE(run.out.empty());
    EXPECT_EQ(run.err, "dictra brcode encode: 59 merchant name: 26 characters; at most 25\n");

    run = RunCli(
        {"brcode", "encode", "--key", "k", "--name", "N", "--city", "C", "--amount", "10,00"});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("--amount '10,00'"), std::string::npos) << run.err;

    run = RunCli(
        {"brcode", "encode", "--key", "k", "--name", "N", "--city", "C", "--txid", "no-dashes"});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.err.find("62-05 txid"), std::string::npos) << run.err;
}

TEST(BrcodeEncodeCommand, KeyAndUrlExcludeEachOther) {
    CLI::App app{"test", "dictra"};
    BrcodeCommand command(app);
    std::vector<std::string> args = {"b",     "--city", "a",     "--name", "u",
                                     "--url", "k",      "--key", "encode", "brcode"};
    EXPECT_THROW(app.parse(args), CLI::ExcludesError);
}

}  // namespace
}  // namespace dictra::app
