// The mapping of file records onto payment requests, and what a file's content looks like.
#include "settlement/file_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

using namespace std::chrono_literals;

formats::PaymentRecord SampleRecord() {
    formats::PaymentRecord record;
    record.amount_centavos = 1234;
    record.payment_date = 2026y / 1 / 24;
    record.debtor = {.branch = "0001", .account = "123456", .name = "Ana", .tax_id = "12345678901"};
    record.creditor = {.ispb = "87654321",
                       .branch = "0002",
                       .account = "654321",
                       .account_type = formats::AccountType::kSvgs,
                       .name = "Bia",
                       .tax_id = "98765432100"};
    record.pix_key = "bia@example.com";
    record.initiation = formats::PixInitiation::kEmail;
    record.description = "Aluguel";
    record.external_id = "REF-1";
    return record;
}

TEST(FileRecordMappingTest, ARecordBecomesTheCreateBodyItStandsFor) {
    const FileReadOptions options{.debtor_ispb = "12345678", .today = 2026y / 1 / 24};
    CreatePaymentCommand command = CommandFromRecord(SampleRecord(), options, "CACC");
    EXPECT_EQ(command.amount_centavos, 1234);
    EXPECT_EQ(command.debtor.ispb, "12345678");  // from the importer: CNAB240 has none
    EXPECT_EQ(command.debtor.account_type, "CACC");
    EXPECT_EQ(command.debtor.document, "12345678901");
    EXPECT_EQ(command.debtor.account_no, "123456");
    EXPECT_EQ(command.debtor.branch, "0001");
    EXPECT_EQ(command.creditor.account_type, "SVGS");
    EXPECT_EQ(command.creditor.name, "Bia");
    EXPECT_EQ(command.description, "Aluguel");
    EXPECT_EQ(command.external_id, "REF-1");
    EXPECT_FALSE(command.tx_id.has_value());
    EXPECT_FALSE(command.scheduled_date.has_value());  // due today: immediate
    ASSERT_EQ(command.additional_info.size(), 2u);
    EXPECT_EQ(command.additional_info[0].key, "pix_key");
    EXPECT_EQ(command.additional_info[1].value, "EMAIL");

    formats::PaymentRecord later = SampleRecord();
    later.payment_date = 2026y / 2 / 1;
    later.debtor.ispb = "11111111";  // the file's own ISPB wins
    command = CommandFromRecord(later, options, "");
    EXPECT_EQ(command.scheduled_date, "2026-02-01T00:00:00Z");
    EXPECT_EQ(command.debtor.ispb, "11111111");
    EXPECT_EQ(command.debtor.account_type, "");  // left for the rules to refuse
}

TEST(FileRecordMappingTest, AStoredPaymentBecomesTheRecordAnExportWrites) {
    PaymentRequest payment;
    payment.amount_centavos = 99;
    payment.created_at = At("2026-01-24T10:30:00Z");
    payment.debtor = {.ispb = "12345678",
                      .document = "12345678901",
                      .account_no = "1",
                      .account_type = AccountType::kCacc};
    payment.creditor = {.ispb = "87654321",
                        .document = "98765432100",
                        .name = "Bia",
                        .account_no = "2",
                        .account_type = AccountType::kTran,
                        .branch = "0002"};
    payment.additional_info = {{"pix_key", "+5511987654321"}, {"pix_initiation", "PHONE"}};
    formats::PaymentRecord record = RecordFromPayment(payment);
    EXPECT_EQ(record.payment_date, 2026y / 1 / 24);
    EXPECT_EQ(record.creditor.account_type, formats::AccountType::kTran);
    EXPECT_EQ(record.creditor.branch, "0002");
    EXPECT_EQ(record.pix_key, "+5511987654321");
    EXPECT_EQ(record.initiation, formats::PixInitiation::kPhone);
    payment.scheduled_date = At("2026-03-05T15:00:00Z");
    EXPECT_EQ(RecordFromPayment(payment).payment_date, 2026y / 3 / 5);
}

TEST(FileRecordMappingTest, TruncationNeverSplitsACharacter) {
    EXPECT_EQ(TruncateUtf8("abc", 10), "abc");
    EXPECT_EQ(TruncateUtf8("aé", 2), "a");  // é is two bytes
    EXPECT_EQ(TruncateUtf8("aé", 3), "aé");
    EXPECT_EQ(TruncateUtf8("€€", 4), "€");
}

TEST(FileRecordMappingTest, SniffingTellsTheTypesApart) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("dictra-sniff-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto sniff = [&](const std::string& content) {
        std::ofstream(dir / "f", std::ios::binary) << content;
        return *SniffFileType(dir / "f");
    };
    EXPECT_EQ(sniff("\xEF\xBB\xBF \n [ {} ]"), FileType::kJson);
    EXPECT_EQ(sniff("{\"amount\": 1}"), FileType::kJson);
    EXPECT_EQ(sniff("amount\n1\n"), FileType::kCsv);
    EXPECT_EQ(sniff(std::string(240, '0') + "\r\n" + std::string(240, '1') + "\r\n"),
              FileType::kCnab240);
    EXPECT_EQ(sniff(std::string(400, '0') + "\n" + std::string(400, '9') + "\n"),
              FileType::kCnab400);
    EXPECT_FALSE(SniffFileType(dir / "missing").ok());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dictra::settlement
