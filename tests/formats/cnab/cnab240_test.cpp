#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cnab_test_util.hpp"
#include "formats/cnab/cnab240_reader.hpp"
#include "formats/cnab/cnab240_writer.hpp"
#include "sample_payments.hpp"

namespace dictra::formats::cnab {
namespace {

using namespace testing;

const std::string kGoldenPath = DICTRA_SOURCE_DIR "/tests/data/cnab240/pix_payments.rem";

Cnab240WriterOptions SampleOptions() {
    return {.bank_code = "341",
            .bank_name = "BANCO ITAU SA",
            .company_name = "ACME PAGAMENTOS LTDA",
            .company_tax_id = "12345678000195",
            .agreement_code = "PIX-ACME-0001",
            .file_sequence_number = 42,
            .generated_at = GeneratedAt()};
}

std::string Write(const std::vector<PaymentRecord>& payments,
                  Cnab240WriterOptions options = SampleOptions()) {
    std::ostringstream output;
    auto writer = Cnab240Writer::Create(output, std::move(options));
    EXPECT_TRUE(writer.ok()) << writer.error().message;
    for (const auto& payment : payments) {
        auto added = writer->Add(payment);
        EXPECT_TRUE(added.ok()) << added.error().message;
    }
    EXPECT_TRUE(writer->Finish().ok());
    return output.str();
}

ReadResult ReadSample(const std::string& bytes) {
    return Read240(bytes, {.debtor_ispb = kDebtorIspb});
}

std::vector<PaymentRecord> ExpectedPayments() {
    std::vector<PaymentRecord> expected;
    for (const auto& payment : SamplePayments()) expected.push_back(AsCnab240Carries(payment));
    return expected;
}

// ---- The golden file ------------------------------------------------------------------------

// Set DICTRA_WRITE_GOLDEN=1 to rewrite the golden file after a deliberate layout change; then
// check the diff by hand against docs/formats/cnab240.md.
TEST(Cnab240GoldenTest, WriterProducesTheGoldenFile) {
    const std::string written = Write(SamplePayments());
    if (std::getenv("DICTRA_WRITE_GOLDEN") != nullptr) {
        std::ofstream(kGoldenPath, std::ios::binary) << written;
    }
    EXPECT_EQ(written, ReadFileBytes(kGoldenPath));
}

TEST(Cnab240GoldenTest, LinesAre240Latin1BytesEndingInCrlf) {
    const std::string golden = ReadFileBytes(kGoldenPath);
    ASSERT_FALSE(golden.empty());
    const auto lines = SplitCrlf(golden);
    // File header; lot 1: header, 3 x (A, B), trailer; lot 2: header, 2 x (A, B), trailer; file
    // trailer.
    ASSERT_EQ(lines.size(), 16u);
    for (const auto& line : lines) EXPECT_EQ(line.size(), 240u) << line;
    EXPECT_EQ(golden.size(), 16u * 242u);
    // "JOSÉ": É is the one byte 0xC9, not UTF-8's two.
    EXPECT_EQ(At(lines[2], 44, 73), "JOS\xC9 DA SILVA" + std::string(17, ' '));
}

TEST(Cnab240GoldenTest, FieldsSitAtTheirFebrabanPositions) {
    const auto lines = SplitCrlf(ReadFileBytes(kGoldenPath));
    ASSERT_EQ(lines.size(), 16u);
    const std::string& file_header = lines[0];
    EXPECT_EQ(At(file_header, 1, 8), "34100000");
    EXPECT_EQ(At(file_header, 143, 143), "1");               // remessa
    EXPECT_EQ(At(file_header, 144, 157), "23012026183005");  // DDMMAAAA HHMMSS
    EXPECT_EQ(At(file_header, 158, 166), "000042103");       // NSA, layout 103

    const std::string& lot_header = lines[1];
    EXPECT_EQ(At(lot_header, 1, 17), "34100011C9845046 ");
    EXPECT_EQ(At(lot_header, 18, 32), "212345678000195");
    EXPECT_EQ(At(lot_header, 53, 72), "00001 0000001234567 ");

    const std::string& a = lines[2];
    EXPECT_EQ(At(a, 1, 14), "3410001300001A");
    EXPECT_EQ(At(a, 15, 20), "000009");  // inclusion, Pix
    EXPECT_EQ(At(a, 94, 104), "24012026BRL");
    EXPECT_EQ(At(a, 120, 134), "000000000015000");
    EXPECT_EQ(At(a, 74, 93), "PAY-0001" + std::string(12, ' '));

    const std::string& b = lines[3];
    EXPECT_EQ(At(b, 1, 14), "3410001300002B");
    EXPECT_EQ(At(b, 15, 17), "01 ");  // phone
    EXPECT_EQ(At(b, 18, 32), "100052998224725");
    EXPECT_EQ(At(b, 128, 226), "+5511987654321" + std::string(85, ' '));
    EXPECT_EQ(At(b, 233, 240), "        ");  // no ISPB given: blank, not Banco do Brasil

    const std::string& bank_data_a = lines[6];
    EXPECT_EQ(At(bank_data_a, 21, 43), "00101234 000000098765X ");
    EXPECT_EQ(At(bank_data_a, 225, 226), "PP");
    const std::string& bank_data_b = lines[7];
    EXPECT_EQ(At(bank_data_b, 15, 17), "05 ");
    EXPECT_EQ(At(bank_data_b, 233, 240), "00000000");

    const std::string& lot_trailer = lines[8];
    EXPECT_EQ(At(lot_trailer, 1, 8), "34100015");
    EXPECT_EQ(At(lot_trailer, 18, 23), "000008");
    EXPECT_EQ(At(lot_trailer, 24, 41), "000000000000265149");  // 150.00 + 2500.50 + 0.99

    EXPECT_EQ(At(lines[9], 4, 7), "0002");  // the second debtor opens lot 2
    const std::string& file_trailer = lines[15];
    EXPECT_EQ(At(file_trailer, 1, 8), "34199999");
    EXPECT_EQ(At(file_trailer, 18, 29), "000002000016");
}

TEST(Cnab240GoldenTest, ReadsBackTheSamePayments) {
    const ReadResult result = ReadSample(ReadFileBytes(kGoldenPath));
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.summary.warnings, 0u) << result.Describe();
    EXPECT_EQ(result.Payments(), ExpectedPayments());
    EXPECT_EQ(result.summary.payments, 5u);
    EXPECT_EQ(result.summary.payments_amount_centavos, 15000 + 250050 + 99 + 1234567 + 100000000);
    EXPECT_EQ(result.summary.lines, 16u);
    std::vector<std::string> kinds;
    for (const auto& outcome : result.outcomes) kinds.push_back(outcome.kind);
    EXPECT_EQ(kinds, (std::vector<std::string>{"0", "1", "3AB", "3AB", "3AB", "5", "1", "3AB",
                                               "3AB", "5", "9"}));
    EXPECT_EQ(result.outcomes[2].line_number, 3u);
    EXPECT_EQ(result.outcomes[2].line_count, 2u);
    EXPECT_EQ(result.outcomes[5].detail, "lot 0001 trailer: 8 records, total 2651.49");
}

TEST(Cnab240ReaderTest, AcceptsLfAndAMissingFinalNewline) {
    std::string golden = ReadFileBytes(kGoldenPath);
    std::string lf;
    for (const auto& line : SplitCrlf(golden)) lf += line + "\n";
    lf.pop_back();
    const ReadResult result = ReadSample(lf);
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.Payments(), ExpectedPayments());
}

TEST(Cnab240ReaderTest, DropsEmptyLinesAtTheEndButNotInTheMiddle) {
    const std::string golden = ReadFileBytes(kGoldenPath);
    EXPECT_TRUE(ReadSample(golden + "\r\n\r\n\n").summary.clean());

    auto lines = SplitCrlf(golden);
    lines.insert(lines.begin() + 1, "");
    const ReadResult result = ReadSample(JoinCrlf(lines));
    EXPECT_TRUE(HasError(result, 2, "line_length", "empty line; expected 240 bytes"))
        << result.Describe();
}

TEST(Cnab240ReaderTest, WithoutDebtorIspbOptionTheDebtorIspbIsEmpty) {
    const ReadResult result = Read240(ReadFileBytes(kGoldenPath));
    ASSERT_EQ(result.Payments().size(), 5u);
    EXPECT_EQ(result.Payments()[0].debtor.ispb, "");
    EXPECT_EQ(result.Payments()[0].debtor.bank_code, "341");
}

// ---- Round trips ----------------------------------------------------------------------------

TEST(Cnab240RoundTripTest, WrittenPaymentsReadBackWithMatchingTrailers) {
    std::vector<PaymentRecord> payments;
    for (int payment_idx = 0; payment_idx < 250; ++payment_idx) {
        PaymentRecord payment = SamplePayments()[static_cast<std::size_t>(payment_idx % 5)];
        payment.amount_centavos = 1 + payment_idx * 7919;
        payment.external_id = "RT-" + std::to_string(payment_idx);
        // Change the debtor every 40 payments: 7 lots.
        payment.debtor = Acme();
        payment.debtor.account = std::to_string(1000 + payment_idx / 40) + "9";
        payments.push_back(payment);
    }
    const std::string written = Write(payments);
    const ReadResult result = ReadSample(written);
    ASSERT_TRUE(result.summary.clean()) << result.Describe();
    std::vector<PaymentRecord> expected;
    for (const auto& payment : payments) expected.push_back(AsCnab240Carries(payment));
    EXPECT_EQ(result.Payments(), expected);

    std::int64_t total = 0;
    for (const auto& payment : payments) total += payment.amount_centavos;
    EXPECT_EQ(result.summary.payments_amount_centavos, total);
    std::size_t lot_trailers = 0;
    for (const auto& outcome : result.outcomes) {
        if (outcome.kind == "5") ++lot_trailers;
    }
    EXPECT_EQ(lot_trailers, 7u);
    EXPECT_EQ(result.outcomes.back().detail,
              "file trailer: 7 lots, " + std::to_string(1 + 7 * 2 + 250 * 2 + 1) + " records");
    // Writing what was read gives the same bytes.
    EXPECT_EQ(Write(result.Payments()), written);
}

TEST(Cnab240RoundTripTest, AnEmptyFileIsHeaderAndTrailer) {
    const std::string written = Write({});
    EXPECT_EQ(SplitCrlf(written).size(), 2u);
    const ReadResult result = ReadSample(written);
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.summary.payments, 0u);
}

// ---- Faults in payment files: each is named with line, positions and field ------------------

class Cnab240FaultTest : public ::testing::Test {
 protected:
    std::vector<std::string> lines_ = SplitCrlf(ReadFileBytes(kGoldenPath));

    ReadResult ReadEdited() const { return ReadSample(JoinCrlf(lines_)); }
};

TEST_F(Cnab240FaultTest, LotTrailerCountAndTotalAreChecked) {
    Put(lines_[8], 18, "000009");
    Put(lines_[8], 24, "000000000000265150");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(
        HasError(result, 9, "lot_record_count", "the lot trailer says 9 records, the lot has 8"))
        << result.Describe();
    EXPECT_TRUE(HasError(result, 9, "lot_amount_total",
                         "says a total of 2651.50, the lot's Segment A amounts add up to 2651.49"))
        << result.Describe();
    const Diagnostic& first = result.outcomes[5].errors.at(0);
    EXPECT_EQ(first.first_position, 18u);
    EXPECT_EQ(first.last_position, 23u);
    EXPECT_EQ(Describe(first),
              "line 9, positions 18-23 (lot_record_count): the lot trailer says 9 records, the "
              "lot has 8 (header and trailer included)");
}

TEST_F(Cnab240FaultTest, FileTrailerCountsAreChecked) {
    Put(lines_[15], 18, "000003000017");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 16, "file_lot_count", "says 3 lots, the file has 2"));
    EXPECT_TRUE(HasError(result, 16, "file_record_count", "says 17 records, the file has 16"));
}

TEST_F(Cnab240FaultTest, EveryBadFieldOfAPaymentIsReported) {
    Put(lines_[2], 120, "00000000001500X");  // amount
    Put(lines_[2], 94, "30022026");          // 30 February
    Put(lines_[3], 15, "09 ");               // initiation
    const ReadResult result = ReadEdited();
    const RecordOutcome& payment = result.outcomes[2];
    EXPECT_EQ(payment.status, RecordStatus::kError);
    EXPECT_FALSE(payment.payment.has_value());
    EXPECT_TRUE(HasError(result, 3, "amount", "expected 15 digits, found \"00000000001500X\""));
    EXPECT_TRUE(HasError(result, 3, "payment_date", "\"30022026\", which is no calendar day"));
    EXPECT_TRUE(HasError(result, 4, "initiation", "found \"09 \""));
    // The other payments are still read; the lot total cannot be checked and says so.
    EXPECT_EQ(result.summary.payments, 4u);
    bool total_not_checked = false;
    for (const auto& warning : result.Warnings()) {
        if (warning.field == "lot_amount_total" &&
            warning.message.find("not checked") != std::string::npos) {
            total_not_checked = true;
        }
    }
    EXPECT_TRUE(total_not_checked) << result.Describe();
}

TEST_F(Cnab240FaultTest, AKeyMustMatchItsInitiation) {
    Put(lines_[3], 15, "02 ");  // e-mail, but the key is a phone number
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 4, "pix_key",
                         "\"+5511987654321\" is not a key of the type initiation 02 (EMAIL) says"))
        << result.Describe();
}

TEST_F(Cnab240FaultTest, BankDataNeedsIspbAndAccount) {
    Put(lines_[7], 233, "        ");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 8, "creditor_ispb", "ISPB is required with initiation 05"));
}

TEST_F(Cnab240FaultTest, APhoneKeyWithoutPlusIsNormalised) {
    Put(lines_[3], 128, "5511987654321 ");
    const ReadResult result = ReadEdited();
    ASSERT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.Payments()[0].pix_key, "+5511987654321");
}

TEST_F(Cnab240FaultTest, APixSegmentAWithoutSegmentBIsAnError) {
    lines_.erase(lines_.begin() + 3);
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(
        HasError(result, 3, "segment", "must be followed by its Segment B, found line 4 instead"))
        << result.Describe();
}

TEST_F(Cnab240FaultTest, ASegmentBWithoutSegmentAIsAnError) {
    lines_.erase(lines_.begin() + 2);
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 3, "segment", "Segment B without its Segment A"))
        << result.Describe();
    EXPECT_TRUE(HasError(result, 3, "sequence_number", "sequence number 2, expected 1"));
}

TEST_F(Cnab240FaultTest, OneLineOfTheWrongLengthIsOneError) {
    lines_[4] += "X";
    const ReadResult result = ReadEdited();
    ASSERT_EQ(result.Errors().size(), 1u) << result.Describe();
    EXPECT_EQ(Describe(result.Errors()[0]), "line 5 (line_length): expected 240 bytes, found 241");
    EXPECT_EQ(result.summary.payments, 4u);
}

TEST_F(Cnab240FaultTest, UnknownRecordTypeAndRecordsAfterTheTrailer) {
    Put(lines_[1], 8, "7");
    lines_.push_back(lines_[0]);
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 2, "record_type", "unknown record type \"7\""));
    EXPECT_TRUE(HasError(result, 17, "record_type", "record after the file trailer (line 16)"));
}

TEST_F(Cnab240FaultTest, AMissingFileTrailerIsAnErrorInAPaymentFile) {
    lines_.pop_back();
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 0, "record_type", "file trailer (record type 9) missing"));
}

TEST_F(Cnab240FaultTest, ATruncatedFileEndsInsideALot) {
    lines_.resize(12);
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 0, "record_type",
                         "the file ends inside lot 0002 (line 10): lot trailer missing"));
}

TEST_F(Cnab240FaultTest, SequenceNumbersCountFromOne) {
    Put(lines_[4], 9, "00004");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 5, "sequence_number", "sequence number 4, expected 3"));
}

TEST_F(Cnab240FaultTest, ControlBytesInTextAreRefused) {
    Put(lines_[2], 50, "\t");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 3, "creditor_name", "control byte \"\\x09\" at position 50"))
        << result.Describe();
}

TEST_F(Cnab240FaultTest, AVeryLongLineIsCountedNotKept) {
    lines_[5] = std::string(5000, 'A');
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 6, "line_length", "expected 240 bytes, found 5000"));
}

TEST_F(Cnab240FaultTest, UtfEightTextIsExplained) {
    // "JOSÉ" in UTF-8 takes one byte more than in Latin-1.
    lines_[2] = lines_[2].substr(0, 43) + "JOS\xC3\x89" + lines_[2].substr(47);
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(HasError(result, 3, "line_length",
                         "found 241 (240 characters in UTF-8: the text is UTF-8 where CNAB "
                         "requires ISO-8859-1"))
        << result.Describe();
}

TEST(Cnab240ReaderTest, AnEmptyInputIsAnError) {
    const ReadResult result = Read240("");
    EXPECT_TRUE(HasError(result, 0, "file", "empty file"));
}

// ---- What is skipped, and why ---------------------------------------------------------------

TEST_F(Cnab240FaultTest, NonPixSegmentAIsSkippedWithItsSegmentB) {
    Put(lines_[2], 18, "018");  // TED
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.outcomes[2].status, RecordStatus::kSkipped);
    EXPECT_EQ(result.outcomes[2].detail,
              "segment A with clearing code 018 (TED): only 009 (Pix) is read as a payment; "
              "amount 150.00");
    EXPECT_EQ(result.outcomes[3].status, RecordStatus::kSkipped);
    EXPECT_EQ(result.outcomes[3].detail, "segment B of the Segment A on line 3, which is skipped");
    EXPECT_EQ(result.summary.payments, 4u);
}

TEST_F(Cnab240FaultTest, MovementsOtherThanInclusionAreSkipped) {
    Put(lines_[2], 15, "9");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_NE(result.outcomes[2].detail.find("movement type 9 (exclusion)"), std::string::npos);
}

TEST_F(Cnab240FaultTest, AReturnFileHasNoPaymentsToMake) {
    Put(lines_[0], 143, "2");
    const ReadResult result = ReadEdited();
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.summary.payments, 0u);
    EXPECT_EQ(result.summary.skipped, 10u);
}

// ---- The seed corpus of fuzz/cnab240_fuzz.cpp: valid and invalid golden inputs ------------------

TEST(Cnab240SeedTest, EveryGoldenInputReadsAsExpected) {
    const std::map<std::string, std::string> first_error = {
        {"invalid_amount.rem",
         "line 3, positions 120-134 (amount): expected 15 digits, found \"00000000001500X\""},
        {"invalid_initiation.rem",
         "line 4, positions 15-17 (initiation): expected the Pix initiation form 01 (phone), 02 "
         "(e-mail), 03 (CPF/CNPJ), 04 (random key) or 05 (bank data), found \"09 \""},
        {"invalid_line_length.rem", "line 5 (line_length): expected 240 bytes, found 241"},
        {"invalid_lot_trailer_count.rem",
         "line 9, positions 18-23 (lot_record_count): the lot trailer says 9 records, the lot has "
         "8 (header and trailer included)"},
        {"invalid_missing_segment_b.rem",
         "line 3, position 14 (segment): a Segment A with clearing code 009 (Pix) must be "
         "followed by its Segment B, found line 4 instead"},
        {"invalid_no_file_trailer.rem", "file (record_type): file trailer (record type 9) missing"},
        {"invalid_utf8_text.rem",
         "line 3 (line_length): expected 240 bytes, found 241 (240 characters in UTF-8: the text "
         "is UTF-8 where CNAB requires ISO-8859-1, one byte per character)"},
    };
    std::size_t invalid_files = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(DICTRA_SOURCE_DIR "/tests/data/cnab240")) {
        const std::string name = entry.path().filename().string();
        const ReadResult result = ReadSample(ReadFileBytes(entry.path().string()));
        if (name.rfind("invalid_", 0) != 0) {
            EXPECT_TRUE(result.summary.clean()) << name << "\n" << result.Describe();
            EXPECT_EQ(result.Payments(), ExpectedPayments()) << name;
            continue;
        }
        ++invalid_files;
        ASSERT_TRUE(first_error.contains(name)) << name << " has no expectation here";
        ASSERT_FALSE(result.Errors().empty()) << name;
        EXPECT_EQ(Describe(result.Errors()[0]), first_error.at(name)) << result.Describe();
    }
    EXPECT_EQ(invalid_files, first_error.size());
}

// Next(RecordOutcome&) refills one outcome: whatever came before (a payment, errors, a reason),
// each outcome must equal the one Next() returns new, on every seed, valid or not.
TEST(Cnab240SeedTest, ARefilledOutcomeEqualsANewOne) {
    std::size_t outcomes_compared = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(DICTRA_SOURCE_DIR "/tests/data/cnab240")) {
        const std::string bytes = ReadFileBytes(entry.path().string());
        const ReadResult fresh = ReadSample(bytes);
        std::istringstream input(bytes);
        Cnab240Reader reader(input, {.debtor_ispb = kDebtorIspb});
        RecordOutcome reused;
        std::size_t outcome_idx = 0;
        while (reader.Next(reused)) {
            const std::string where =
                entry.path().filename().string() + " outcome " + std::to_string(outcome_idx);
            ASSERT_LT(outcome_idx, fresh.outcomes.size()) << where;
            const RecordOutcome& expected = fresh.outcomes[outcome_idx];
            EXPECT_EQ(reused.status, expected.status) << where;
            EXPECT_EQ(reused.line_number, expected.line_number) << where;
            EXPECT_EQ(reused.line_count, expected.line_count) << where;
            EXPECT_EQ(reused.kind, expected.kind) << where;
            EXPECT_EQ(reused.payment, expected.payment) << where;
            EXPECT_EQ(reused.detail, expected.detail) << where;
            EXPECT_EQ(reused.errors, expected.errors) << where;
            EXPECT_EQ(reused.warnings, expected.warnings) << where;
            ++outcome_idx;
        }
        EXPECT_EQ(outcome_idx, fresh.outcomes.size()) << entry.path();
        EXPECT_EQ(reader.summary().payments, fresh.summary.payments) << entry.path();
        EXPECT_EQ(reader.summary().errors, fresh.summary.errors) << entry.path();
        outcomes_compared += outcome_idx;
    }
    EXPECT_GT(outcomes_compared, 50u);
}

// ---- Real files from banks (collection remittances and returns) ------------------------------

std::vector<std::filesystem::path> FilesIn(const std::string& dir) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry);
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Cnab240ReferenceTest, RealBankFilesReadWithoutError) {
    const std::string dir = ReferenceDir("cnab/cnab240");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab/cnab240 is absent";
    const auto files = FilesIn(dir);
    ASSERT_EQ(files.size(), 10u);
    for (const auto& file : files) {
        const ReadResult result = Read240(ReadFileBytes(file.string()));
        EXPECT_TRUE(result.summary.clean()) << file << "\n" << result.Describe();
        EXPECT_EQ(result.summary.payments, 0u) << file;
        EXPECT_GT(result.summary.skipped, 0u) << file;
        for (const auto& outcome : result.outcomes) {
            if (outcome.status == RecordStatus::kSkipped) {
                EXPECT_NE(outcome.detail.find("collection"), std::string::npos)
                    << file << ": " << outcome.detail;
            }
        }
    }
}

TEST(Cnab240ReferenceTest, BankQuirksAreWarningsNotErrors) {
    const std::string dir = ReferenceDir("cnab/cnab240");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab/cnab240 is absent";
    const ReadResult santander = Read240(ReadFileBytes(dir + "/laravel-boleto__santander.ret"));
    std::vector<std::string> fields;
    for (const auto& warning : santander.Warnings()) fields.push_back(warning.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"lot_number", "lot_record_count", "lot_number"}))
        << santander.Describe();

    const ReadResult caixa = Read240(ReadFileBytes(dir + "/laravel-boleto__caixa.ret"));
    EXPECT_EQ(caixa.summary.warnings, 0u) << caixa.Describe();
    EXPECT_EQ(caixa.summary.skipped, 18u);
}

TEST(Cnab240ReferenceTest, MalformedBankFilesAreReportedPrecisely) {
    const std::string dir = ReferenceDir("cnab-malformed");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab-malformed is absent";

    const ReadResult banco_brasil =
        Read240(ReadFileBytes(dir + "/laravel-boleto__banco_brasil.ret"));
    ASSERT_EQ(banco_brasil.Errors().size(), 1u) << banco_brasil.Describe();
    EXPECT_EQ(Describe(banco_brasil.Errors()[0]),
              "line 2 (line_length): expected 240 bytes, found 241");

    const ReadResult btg = Read240(ReadFileBytes(dir + "/laravel-boleto__btg.ret"));
    std::vector<std::string> errors;
    for (const auto& error : btg.Errors()) errors.push_back(Describe(error));
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "line 1 (line_length): expected 240 bytes, found 311 (the line starts "
                          "with a UTF-8 byte order mark; CNAB files are ISO-8859-1)",
                          "line 2 (line_length): expected 240 bytes, found 227",
                          "line 3 (line_length): expected 240 bytes, found 233",
                          "line 5 (line_length): expected 240 bytes, found 233"}))
        << btg.Describe();
}

// ---- The writer refuses what it cannot write faithfully ---------------------------------------

TEST(Cnab240WriterTest, RefusesWhatDoesNotFitAndWritesNothingThen) {
    std::ostringstream output;
    auto writer = Cnab240Writer::Create(output, SampleOptions());
    ASSERT_TRUE(writer.ok());
    const std::string after_header = output.str();

    auto refused = [&](PaymentRecord payment, std::string_view field) {
        auto added = writer->Add(payment);
        EXPECT_FALSE(added.ok()) << field;
        if (added.ok()) return;
        EXPECT_EQ(added.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(added.error().field, field) << added.error().message;
        EXPECT_EQ(output.str(), after_header) << field;
    };
    const PaymentRecord good = SamplePayments()[0];
    PaymentRecord payment = good;
    payment.creditor.name = std::string(31, 'N');
    refused(payment, "creditor.name");
    payment = good;
    payment.description = "Pagamento 💸";
    refused(payment, "description");
    payment = good;
    payment.description = "Preço em €";
    refused(payment, "description");
    payment = good;
    payment.amount_centavos = 0;
    refused(payment, "amount_centavos");
    payment = good;
    payment.amount_centavos = 1'000'000'000'000'000;
    refused(payment, "amount_centavos");
    payment = good;
    payment.payment_date.reset();
    refused(payment, "payment_date");
    payment = good;
    payment.creditor.tax_id = "123";
    refused(payment, "creditor.tax_id");
    payment = good;
    payment.creditor.account = "12-3";
    refused(payment, "creditor.account");
    payment = good;
    payment.creditor.ispb = "1234567";
    refused(payment, "creditor.ispb");
    payment = good;
    payment.pix_key = "not a key";
    refused(payment, "pix_key");
    payment = good;
    payment.debtor.bank_code = "001";
    refused(payment, "debtor.bank_code");
    payment = good;
    payment.external_id = std::string(21, 'E');
    refused(payment, "external_id");

    // Still usable after refusals.
    ASSERT_TRUE(writer->Add(good).ok());
    ASSERT_TRUE(writer->Finish().ok());
    const ReadResult result = ReadSample(output.str());
    EXPECT_TRUE(result.summary.clean()) << result.Describe();
    EXPECT_EQ(result.Payments(), std::vector<PaymentRecord>{AsCnab240Carries(good)});
}

TEST(Cnab240WriterTest, InfersTheInitiationFromTheKeyWhenNotGiven) {
    PaymentRecord payment = SamplePayments()[1];
    payment.initiation.reset();
    const ReadResult result = ReadSample(Write({payment}));
    ASSERT_EQ(result.Payments().size(), 1u) << result.Describe();
    EXPECT_EQ(result.Payments()[0].initiation, PixInitiation::kEmail);
}

TEST(Cnab240WriterTest, RefusesBadOptions) {
    std::ostringstream output;
    Cnab240WriterOptions options = SampleOptions();
    options.bank_code = "34";
    EXPECT_EQ(Cnab240Writer::Create(output, options).error().field, "bank_code");
    options = SampleOptions();
    options.file_sequence_number = 0;
    EXPECT_EQ(Cnab240Writer::Create(output, options).error().field, "file_sequence_number");
    options = SampleOptions();
    options.bank_name = std::string(31, 'B');
    EXPECT_EQ(Cnab240Writer::Create(output, options).error().field, "bank_name");
    EXPECT_TRUE(output.str().empty());
}

}  // namespace
}  // namespace dictra::formats::cnab
