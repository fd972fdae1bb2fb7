#include "formats/csv/payment_csv.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

namespace dictra::formats::csv {
namespace {

using namespace std::chrono_literals;

struct ReadResult {
    std::vector<RecordOutcome> outcomes;
    ReadSummary summary;

    std::vector<PaymentRecord> Payments() const {
        std::vector<PaymentRecord> payments;
        for (const auto& outcome : outcomes) {
            if (outcome.payment) payments.push_back(*outcome.payment);
        }
        return payments;
    }
    std::vector<std::string> Errors() const {
        std::vector<std::string> errors;
        for (const auto& outcome : outcomes) {
            for (const auto& error : outcome.errors) errors.push_back(Describe(error));
        }
        return errors;
    }
};

ReadResult Read(const std::string& bytes) {
    std::istringstream input(bytes);
    PaymentCsvReader reader(input);
    ReadResult result;
    while (auto outcome = reader.Next()) result.outcomes.push_back(std::move(*outcome));
    result.summary = reader.summary();
    return result;
}

std::string FileBytes(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), {});
}

std::vector<PaymentRecord> Sample() {
    return {
        PaymentRecord{.amount_centavos = 15000,
                      .payment_date = 2026y / 1 / 24,
                      .debtor = {.ispb = "60701190",
                                 .bank_code = "341",
                                 .branch = "0001",
                                 .account = "1234567",
                                 .account_type = AccountType::kCacc,
                                 .name = "ACME PAGAMENTOS LTDA",
                                 .tax_id = "12345678000195"},
                      .creditor = {.ispb = "18236120",
                                   .name = "JOSÉ \"ZÉ\" DA SILVA, JR.",
                                   .tax_id = "52998224725"},
                      .pix_key = "+5511987654321",
                      .initiation = PixInitiation::kPhone,
                      .description = "Aluguel de janeiro\u00a0— parcela 1/12",
                      .external_id = "PAY-0001"},
        PaymentRecord{.amount_centavos = 99,
                      .debtor = {.ispb = "60701190"},
                      .creditor = {.ispb = "00000000",
                                   .bank_code = "001",
                                   .branch = "1234",
                                   .account = "98765X",
                                   .account_type = AccountType::kSvgs,
                                   .tax_id = "11222333000181"},
                      .initiation = PixInitiation::kBankData},
        PaymentRecord{.amount_centavos = 1234567,
                      .debtor = {.ispb = "60701190"},
                      .creditor = {.ispb = "87654321"},
                      .pix_key = "11222333000181",
                      .initiation = PixInitiation::kTaxId,
                      .tx_id = "7b1f2c3d4e5f60718293a4b5c6d7e8f9"},
        PaymentRecord{.amount_centavos = 5,
                      .creditor = {.ispb = "87654321"},
                      .pix_key = "123e4567-e89b-12d3-a456-426614174000",
                      .initiation = PixInitiation::kRandomKey},
    };
}

std::string Write(const std::vector<PaymentRecord>& payments) {
    std::ostringstream output;
    PaymentCsvWriter writer(output);
    for (const auto& payment : payments) {
        auto added = writer.Add(payment);
        EXPECT_TRUE(added.ok()) << added.error().message;
    }
    EXPECT_TRUE(writer.Finish().ok());
    return output.str();
}

// The example of spec/settlement-service-api.txt, "File Operations", exactly.
constexpr char kSeedExample[] =
    "debtor_ispb,creditor_ispb,amount,description\n"
    "12345678,87654321,15000,Payment 1\n"
    "12345678,87654321,25000,Payment 2\n";

TEST(PaymentCsvSeedTest, TheDocumentsFourColumnExampleReads) {
    EXPECT_EQ(FileBytes(DICTRA_SOURCE_DIR "/tests/data/csv/seed_example.csv"), kSeedExample);
    const ReadResult result = Read(kSeedExample);
    ASSERT_TRUE(result.summary.clean()) << ::testing::PrintToString(result.Errors());
    ASSERT_EQ(result.outcomes.size(), 3u);
    EXPECT_EQ(result.outcomes[0].status, RecordStatus::kControl);
    EXPECT_EQ(result.outcomes[0].detail, "header: debtor_ispb, creditor_ispb, amount, description");
    const std::vector<PaymentRecord> expected = {
        PaymentRecord{.amount_centavos = 15000,
                      .debtor = {.ispb = "12345678"},
                      .creditor = {.ispb = "87654321"},
                      .description = "Payment 1"},
        PaymentRecord{.amount_centavos = 25000,
                      .debtor = {.ispb = "12345678"},
                      .creditor = {.ispb = "87654321"},
                      .description = "Payment 2"},
    };
    EXPECT_EQ(result.Payments(), expected);
    EXPECT_EQ(result.outcomes[2].line_number, 3u);
    EXPECT_EQ(result.summary.payments_amount_centavos, 40000);
    EXPECT_EQ(result.summary.lines, 3u);
}

// Set DICTRA_WRITE_GOLDEN=1 to rewrite tests/data/csv/payments.csv after a deliberate change.
TEST(PaymentCsvGoldenTest, WriterProducesTheGoldenFile) {
    const std::string path = DICTRA_SOURCE_DIR "/tests/data/csv/payments.csv";
    const std::string written = Write(Sample());
    if (std::getenv("DICTRA_WRITE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << written;
    }
    EXPECT_EQ(written, FileBytes(path));
    EXPECT_EQ(written.substr(0, written.find("\r\n")),
              "external_id,amount,payment_date,debtor_ispb,debtor_bank_code,debtor_branch,"
              "debtor_account,debtor_account_type,debtor_name,debtor_tax_id,creditor_ispb,"
              "creditor_bank_code,creditor_branch,creditor_account,creditor_account_type,"
              "creditor_name,creditor_tax_id,pix_key,pix_key_type,description,tx_id");
}

TEST(PaymentCsvRoundTripTest, WrittenPaymentsReadBackTheSame) {
    const std::string written = Write(Sample());
    const ReadResult result = Read(written);
    ASSERT_TRUE(result.summary.clean()) << ::testing::PrintToString(result.Errors());
    EXPECT_EQ(result.Payments(), Sample());
    EXPECT_EQ(result.summary.payments_amount_centavos, 15000 + 99 + 1234567 + 5);
    EXPECT_EQ(Write(result.Payments()), written);
}

TEST(PaymentCsvReaderTest, AcceptsAliasesCaseBomCrlfAndFriendlyForms) {
    const ReadResult result = Read(
        "\xEF\xBB\xBF Debtor_ISPB ,AMOUNT_BRL,scheduled_date,creditor_document,creditor_account_no,"
        "creditor_branch,pix_key,pix_key_type\r\n"
        "12345678,150.00,2026-01-24,529.982.247-25,12345-6,1,5511987654321,phone\r\n"
        "\r\n"
        "12345678,0.99,,12.345.678/0001-95,0000123x,00001,ana@example.com,\r\n");
    ASSERT_TRUE(result.summary.clean()) << ::testing::PrintToString(result.Errors());
    const auto payments = result.Payments();
    ASSERT_EQ(payments.size(), 2u);
    EXPECT_EQ(payments[0].amount_centavos, 15000);
    EXPECT_EQ(payments[0].payment_date, 2026y / 1 / 24);
    EXPECT_EQ(payments[0].creditor.tax_id, "52998224725");
    EXPECT_EQ(payments[0].creditor.account, "123456");
    EXPECT_EQ(payments[0].creditor.branch, "0001");
    EXPECT_EQ(payments[0].pix_key, "+5511987654321");
    EXPECT_EQ(payments[0].initiation, PixInitiation::kPhone);
    EXPECT_EQ(payments[1].creditor.tax_id, "12345678000195");
    EXPECT_EQ(payments[1].creditor.account, "123X");
    EXPECT_EQ(payments[1].initiation, PixInitiation::kEmail);  // inferred from the key
    EXPECT_EQ(result.outcomes[2].status, RecordStatus::kSkipped);
    EXPECT_EQ(result.outcomes[2].detail, "blank line");
}

TEST(PaymentCsvReaderTest, AnExportsReportColumnsAreReadAndIgnored) {
    // The settlement document's export example: status and end_to_end_id describe the payment
    // exported; an import takes the payment and ignores them.
    const ReadResult result = Read(
        "debtor_ispb,creditor_ispb,amount,status,end_to_end_id\n"
        "12345678,87654321,15000,COMPLETED,E1234567820260124103000000001\n");
    ASSERT_TRUE(result.summary.clean()) << ::testing::PrintToString(result.Errors());
    ASSERT_EQ(result.Payments().size(), 1u);
    EXPECT_EQ(result.Payments()[0].amount_centavos, 15000);
}

TEST(PaymentCsvReaderTest, AHeaderItCannotUnderstandStopsTheFile) {
    auto errors = Read("debtor_ispb,amout,debtor_ispb\n1,2,3\n").Errors();
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "line 1, column 2 (header): unknown column \"amout\" "
                          "(docs/formats/csv.md lists the accepted names)",
                          "line 1, column 3 (header): column \"debtor_ispb\" given twice; no row "
                          "was read"}));
    EXPECT_EQ(Read("debtor_ispb,description\n").Errors(),
              (std::vector<std::string>{"line 1 (header): an amount column is required (amount, "
                                        "in centavos, or amount_brl); no row was read"}));
    EXPECT_EQ(Read("amount,amount_brl\n").Errors(),
              (std::vector<std::string>{
                  "line 1, column 2 (header): column \"amount_brl\" given twice; no row was "
                  "read"}));
    EXPECT_EQ(Read("").Errors(),
              (std::vector<std::string>{"file (header): empty file: the header row is missing"}));
}

TEST(PaymentCsvReaderTest, EveryBadValueOfARowIsReportedWithItsColumn) {
    const ReadResult result = Read(
        "amount,creditor_ispb,payment_date,creditor_tax_id,pix_key,pix_key_type,description\n"
        "150.00,1234567,2026-02-30,123,+5511987654321,EMAIL,ok\n"
        "15000,12345678\n"
        "15000,12345678,,,,,\"two\nlines\"\n"
        "0,12345678,,,,,\n"
        "15000,12345678,,,,,fine\n");
    EXPECT_EQ(result.Errors(),
              (std::vector<std::string>{
                  "line 2, column 1 (amount): expected a whole number of centavos (15000 is R$ "
                  "150,00), got \"150.00\"",
                  "line 2, column 2 (creditor_ispb): expected 8 digits, got \"1234567\"",
                  "line 2, column 3 (payment_date): expected a date YYYY-MM-DD, got "
                  "\"2026-02-30\"",
                  "line 2, column 4 (creditor_tax_id): expected a CPF (11 digits) or a CNPJ (14 "
                  "digits), got \"123\"",
                  "line 2, column 5 (pix_key): \"+5511987654321\" is not a EMAIL key",
                  "line 3 (csv): the row has 2 fields, the header 7",
                  "line 4, column 7 (description): control characters (line breaks, tabs) are "
                  "not allowed in a value",
                  "line 6, column 1 (amount): the amount must be between 1 and "
                  "999999999999999 centavos"}));
    EXPECT_EQ(result.summary.payments, 1u);
    EXPECT_EQ(result.outcomes.back().line_number, 7u);
}

TEST(PaymentCsvReaderTest, CsvSyntaxFaultsNameTheColumn) {
    const ReadResult result = Read("amount,description\n15000,\"unclosed\n");
    EXPECT_EQ(result.Errors(),
              (std::vector<std::string>{"line 2, column 2 (description): a quoted field opened on "
                                        "line 2 is never closed"}));
}

TEST(PaymentCsvWriterTest, RefusesWhatWouldNotReadBackAndWritesNothingThen) {
    std::ostringstream output;
    PaymentCsvWriter writer(output);
    PaymentRecord payment = Sample()[0];
    payment.creditor.ispb = "123";
    auto added = writer.Add(payment);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().field, "creditor_ispb");
    payment = Sample()[0];
    payment.description = "line\nbreak";
    EXPECT_EQ(writer.Add(payment).error().field, "description");
    payment = Sample()[0];
    payment.amount_centavos = -5;
    EXPECT_EQ(writer.Add(payment).error().field, "amount");
    EXPECT_TRUE(output.str().empty());
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(Read(output.str()).summary.controls, 1u);  // the header only
}

TEST(PaymentCsvSeedCorpusTest, EveryGoldenInputReadsAsExpected) {
    const std::map<std::string, std::string> first_error = {
        {"invalid_amount.csv",
         "line 3, column 3 (amount): expected a whole number of centavos (15000 is R$ 150,00), "
         "got \"250,00\""},
        {"invalid_row_fields.csv", "line 2 (csv): the row has 3 fields, the header 4"},
        {"invalid_unknown_column.csv",
         "line 1, column 3 (header): unknown column \"valor\" (docs/formats/csv.md lists the "
         "accepted names); no row was read"},
        {"invalid_unclosed_quote.csv",
         "line 3, column 4 (description): a quoted field opened on line 3 is never closed"},
    };
    std::size_t invalid_files = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(DICTRA_SOURCE_DIR "/tests/data/csv")) {
        const std::string name = entry.path().filename().string();
        const ReadResult result = Read(FileBytes(entry.path().string()));
        if (name.rfind("invalid_", 0) != 0) {
            EXPECT_TRUE(result.summary.clean())
                << name << ::testing::PrintToString(result.Errors());
            EXPECT_GT(result.summary.payments, 0u) << name;
            continue;
        }
        ++invalid_files;
        ASSERT_TRUE(first_error.contains(name)) << name << " has no expectation here";
        ASSERT_FALSE(result.Errors().empty()) << name;
        EXPECT_EQ(result.Errors()[0], first_error.at(name));
    }
    EXPECT_EQ(invalid_files, first_error.size());
}

}  // namespace
}  // namespace dictra::formats::csv
