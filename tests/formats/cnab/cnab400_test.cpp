#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cnab_test_util.hpp"
#include "formats/cnab/cnab400_reader.hpp"
#include "formats/cnab/cnab400_writer.hpp"
#include "sample_payments.hpp"

namespace dictra::formats::cnab {
namespace {

using namespace testing;

const std::string kGoldenPath = DICTRA_SOURCE_DIR "/tests/data/cnab400/pix_payments.rem";

Cnab400WriterOptions SampleOptions() {
    return {.bank_code = "341",
            .bank_name = "BANCO ITAU SA",
            .company_name = "ACME PAGAMENTOS LTDA",
            .agreement_code = "PIX-ACME-0001",
            .file_sequence_number = 42,
            .generated_at = GeneratedAt()};
}

std::string Write(const std::vector<PaymentRecord>& payments) {
    std::ostringstream output;
    auto writer = Cnab400Writer::Create(output, SampleOptions());
    EXPECT_TRUE(writer.ok()) << writer.error().message;
    for (const auto& payment : payments) {
        auto added = writer->Add(payment);
        EXPECT_TRUE(added.ok()) << added.error().message;
    }
    EXPECT_TRUE(writer->Finish().ok());
    return output.str();
}

// Set DICTRA_WRITE_GOLDEN=1 to rewrite the golden file after a deliberate layout change; then
// check the diff by hand against docs/formats/cnab400.md.
TEST(Cnab400GoldenTest, WriterProducesTheGoldenFile) {
    const std::string written = Write(SamplePayments());
    if (std::getenv("DICTRA_WRITE_GOLDEN") != nullptr) {
        std::ofstream(kGoldenPath, std::ios::binary) << written;
    }
    EXPECT_EQ(written, ReadFileBytes(kGoldenPath));
}

TEST(Cnab400GoldenTest, FieldsSitAtTheDocumentedPositions) {
    const auto lines = SplitCrlf(ReadFileBytes(kGoldenPath));
    ASSERT_EQ(lines.size(), 7u);  // header, 5 payments, trailer
    for (const auto& line : lines) EXPECT_EQ(line.size(), 400u);
    for (std::size_t line_idx = 0; line_idx < lines.size(); ++line_idx) {
        EXPECT_EQ(At(lines[line_idx], 395, 400), "00000" + std::to_string(line_idx + 1));
    }
    const std::string& header = lines[0];
    EXPECT_EQ(At(header, 1, 26), "01REMESSA45PIX PAGAMENTOS ");
    EXPECT_EQ(At(header, 77, 79), "341");
    EXPECT_EQ(At(header, 95, 115), "230120261830050000042");

    const std::string& first = lines[1];
    EXPECT_EQ(At(first, 1, 16), "1607011903410001");
    EXPECT_EQ(At(first, 17, 36), "00000000000001234567");
    EXPECT_EQ(At(first, 37, 41), "    2");  // no debtor account type; a CNPJ
    EXPECT_EQ(At(first, 140, 169), "JOS\xC9 DA SILVA" + std::string(17, ' '));
    EXPECT_EQ(At(first, 170, 185), "01+5511987654321");
    EXPECT_EQ(At(first, 249, 269), "000000001500024012026");
    EXPECT_EQ(At(first, 86, 93), "        ");  // no creditor ISPB: blank, not Banco do Brasil

    const std::string& bank_data = lines[3];
    EXPECT_EQ(At(bank_data, 86, 124), "0000000000112340000000000000098765XSVGS");
    EXPECT_EQ(At(bank_data, 170, 171), "05");

    const std::string& trailer = lines[6];
    EXPECT_EQ(At(trailer, 1, 25), "9000005000000000101499716");
}

TEST(Cnab400GoldenTest, ReadsBackTheSamePayments) {
    const ReadResult result = Read400(ReadFileBytes(kGoldenPath));
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.summary.warnings, 0u) << result.Describe();
    EXPECT_EQ(result.Payments(), SamplePayments());
    EXPECT_EQ(result.outcomes.front().detail,
              "header: DICTRA Pix payments (service 45), bank 341 BANCO ITAU SA, company ACME "
              "PAGAMENTOS LTDA, generated 2026-01-23, file 0000042");
    EXPECT_EQ(result.outcomes.back().detail, "trailer: 5 payments, total 1014997.16");
}

TEST(Cnab400RoundTripTest, WrittenPaymentsReadBackWithMatchingTrailer) {
    std::vector<PaymentRecord> payments;
    for (int payment_idx = 0; payment_idx < 300; ++payment_idx) {
        PaymentRecord payment = SamplePayments()[static_cast<std::size_t>(payment_idx % 5)];
        payment.amount_centavos = 1 + payment_idx * 104729;
        payment.debtor.account_type = AccountType::kTran;
        payment.external_id = "RT-" + std::to_string(payment_idx);
        payments.push_back(payment);
    }
    const std::string written = Write(payments);
    std::string lf;
    for (const auto& line : SplitCrlf(written)) lf += line + "\n";
    for (const std::string& bytes : {written, lf}) {
        const ReadResult result = Read400(bytes);
        ASSERT_TRUE(result.summary.clean()) << result.Describe();
        EXPECT_EQ(result.Payments(), payments);
        EXPECT_EQ(Write(result.Payments()), written);
    }
}

class Cnab400FaultTest : public ::testing::Test {
 protected:
    std::vector<std::string> lines_ = SplitCrlf(ReadFileBytes(kGoldenPath));

    ReadResult ReadEdited() const { return Read400(JoinCrlf(lines_)); }
};

TEST_F(Cnab400FaultTest, TrailerCountAndTotalAreChecked) {
    Put(lines_[6], 2, "000004000000000101499717");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 7, "payment_count", "the trailer says 4 payments, the file has 5"))
        << result.Describe();
    EXPECT_TRUE(HasError(result, 7, "amount_total",
                         "says a total of 1014997.17, the payments add up to 1014997.16"));
}

TEST_F(Cnab400FaultTest, SequenceNumbersArePositions) {
    Put(lines_[2], 395, "000009");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 3, "sequence_number", "sequence number 9, expected 3"));
    EXPECT_EQ(Describe(result.Errors()[0]),
              "line 3, positions 395-400 (sequence_number): sequence number 9, expected 3");
}

TEST_F(Cnab400FaultTest, EveryBadFieldOfAPaymentIsReported) {
    Put(lines_[1], 249, "00000000150,0");
    Put(lines_[1], 37, "CORR");
    Put(lines_[1], 41, "7");
    const ReadResult result = ReadEdited();
    EXPECT_EQ(result.outcomes[1].status, RecordStatus::kError);
    EXPECT_TRUE(HasError(result, 2, "amount", "found \"00000000150,0\""));
    EXPECT_TRUE(HasError(result, 2, "debtor_account_type", "found \"CORR\""));
    EXPECT_TRUE(HasError(result, 2, "debtor_tax_id_type", "expected 1 (CPF) or 2 (CNPJ)"));
    EXPECT_EQ(result.summary.payments, 4u);
}

TEST_F(Cnab400FaultTest, OnlyRecordTypesOfTheLayoutAreAccepted) {
    Put(lines_[2], 1, "2");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 3, "record_type", "record type \"2\" is not part of the DICTRA"));
}

TEST_F(Cnab400FaultTest, HeaderFirstTrailerLastNothingAfter) {
    std::swap(lines_[0], lines_[1]);
    Put(lines_[0], 395, "000001");
    Put(lines_[1], 395, "000002");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 1, "record_type", "the header (record type 0) is missing"));
    EXPECT_TRUE(HasError(result, 2, "record_type", "the header must be the first record"));

    lines_ = SplitCrlf(ReadFileBytes(kGoldenPath));
    lines_.push_back(lines_[1]);
    EXPECT_TRUE(HasError(ReadEdited(), 8, "record_type", "record after the trailer (line 7)"));

    lines_ = SplitCrlf(ReadFileBytes(kGoldenPath));
    lines_.pop_back();
    EXPECT_TRUE(HasError(ReadEdited(), 0, "record_type", "the trailer (record type 9) is missing"));
}

TEST_F(Cnab400FaultTest, OneLineOfTheWrongLengthIsOneError) {
    lines_[3].pop_back();
    const ReadResult result = ReadEdited();
    ASSERT_EQ(result.Errors().size(), 1u) << result.Describe();
    EXPECT_EQ(Describe(result.Errors()[0]), "line 4 (line_length): expected 400 bytes, found 399");
    // The trailer's total cannot be compared without that payment, and says so.
    ASSERT_EQ(result.Warnings().size(), 1u) << result.Describe();
    EXPECT_EQ(result.Warnings()[0].field, "amount_total");
}

// The seed corpus of fuzz/cnab400_fuzz.cpp: valid and invalid golden inputs.
TEST(Cnab400SeedTest, EveryGoldenInputReadsAsExpected) {
    const std::map<std::string, std::string> first_error = {
        {"invalid_amount.rem",
         "line 2, positions 249-261 (amount): expected 13 digits, found \"00000000150,0\""},
        {"invalid_line_length.rem", "line 4 (line_length): expected 400 bytes, found 399"},
        {"invalid_record_type.rem",
         "line 3, position 1 (record_type): record type \"2\" is not part of the DICTRA Pix "
         "payment layout (0 header, 1 payment, 9 trailer)"},
        {"invalid_sequence.rem",
         "line 3, positions 395-400 (sequence_number): sequence number 9, expected 3"},
        {"invalid_trailer_total.rem",
         "line 7, positions 8-25 (amount_total): the trailer says a total of 1014997.17, the "
         "payments add up to 1014997.16"},
    };
    std::size_t invalid_files = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(DICTRA_SOURCE_DIR "/tests/data/cnab400")) {
        const std::string name = entry.path().filename().string();
        const ReadResult result = Read400(ReadFileBytes(entry.path().string()));
        if (name.rfind("invalid_", 0) != 0) {
            EXPECT_TRUE(result.summary.clean()) << name << "\n" << result.Describe();
            EXPECT_EQ(result.Payments(), SamplePayments()) << name;
            continue;
        }
        ++invalid_files;
        ASSERT_TRUE(first_error.contains(name)) << name << " has no expectation here";
        ASSERT_FALSE(result.Errors().empty()) << name;
        EXPECT_EQ(Describe(result.Errors()[0]), first_error.at(name)) << result.Describe();
    }
    EXPECT_EQ(invalid_files, first_error.size());
}

TEST(Cnab400WriterTest, RefusesWhatDoesNotFitAndWritesNothingThen) {
    std::ostringstream output;
    auto writer = Cnab400Writer::Create(output, SampleOptions());
    ASSERT_TRUE(writer.ok());
    const std::string after_header = output.str();
    PaymentRecord payment = SamplePayments()[0];
    payment.creditor.name = std::string(31, 'N');
    auto added = writer->Add(payment);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().field, "creditor.name");
    payment = SamplePayments()[0];
    payment.amount_centavos = 10'000'000'000'000;  // 14 digits
    EXPECT_EQ(writer->Add(payment).error().field, "amount_centavos");
    payment = SamplePayments()[0];
    payment.debtor.branch = "12345";  // 4 digits in this layout
    EXPECT_EQ(writer->Add(payment).error().field, "debtor.branch");
    EXPECT_EQ(output.str(), after_header);
}

std::vector<std::filesystem::path> FilesIn(const std::string& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry);
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Cnab400ReferenceTest, RealBankFilesReadWithoutError) {
    const std::string dir = ReferenceDir("cnab/cnab400");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab/cnab400 is absent";
    const auto files = FilesIn(dir);
    ASSERT_EQ(files.size(), 29u);
    for (const auto& file : files) {
        const ReadResult result = Read400(ReadFileBytes(file.string()));
        EXPECT_TRUE(result.summary.clean()) << file << "\n" << result.Describe();
        EXPECT_EQ(result.summary.warnings, 0u) << file << "\n" << result.Describe();
        EXPECT_EQ(result.summary.payments, 0u) << file;
        EXPECT_GT(result.summary.skipped, 0u) << file;
        EXPECT_EQ(result.outcomes.front().kind, "0") << file;
        EXPECT_EQ(result.outcomes.back().kind, "9") << file;
    }
}

TEST(Cnab400ReferenceTest, ACollectionDetailIsSkippedWithTheReason) {
    const std::string dir = ReferenceDir("cnab/cnab400");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab/cnab400 is absent";
    const ReadResult result =
        Read400(ReadFileBytes(dir + "/brcobranca__remessa-santander-cnab400-pix.rem"));
    ASSERT_EQ(result.outcomes.size(), 4u);
    EXPECT_EQ(result.outcomes[2].kind, "8");
    EXPECT_EQ(result.outcomes[2].detail,
              "record type 8 in a file of service 01 COBRANCA: not the DICTRA Pix payment layout");
}

TEST(Cnab400ReferenceTest, AMalformedBankFileIsReportedPrecisely) {
    const std::string dir = ReferenceDir("cnab-malformed");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab-malformed is absent";
    const ReadResult result =
        Read400(ReadFileBytes(dir + "/brcobranca__remessa-banco-brasilia-cnab400.rem"));
    ASSERT_EQ(result.Errors().size(), 1u) << result.Describe();
    EXPECT_EQ(Describe(result.Errors()[0]), "line 1 (line_length): expected 400 bytes, found 39");
}

}  // namespace
}  // namespace dictra::formats::cnab
