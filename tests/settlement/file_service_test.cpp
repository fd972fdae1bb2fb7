// Payment-file rules without HTTP: import checks, processing (once, with progress), export and
// the round trips export -> import.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/jobs/scheduler.hpp"
#include "formats/cnab/cnab240_reader.hpp"
#include "settlement/file_json.hpp"
#include "settlement/file_upload.hpp"
#include "settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

std::string ReferenceDir(const std::string& name) {
    const std::filesystem::path dir =
        std::filesystem::path(DICTRA_SOURCE_DIR).parent_path() / "shared" / "reference" / name;
    return std::filesystem::exists(dir) ? dir.string() : std::string();
}

std::string ReadBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

constexpr std::string_view kSeedCsv =
    "debtor_ispb,creditor_ispb,amount,description\n"
    "12345678,87654321,15000,Payment 1\n"
    "12345678,87654321,25000,Payment 2\n";

// Every column the service needs, so rows become payments.
constexpr std::string_view kFullCsv =
    "debtor_ispb,debtor_tax_id,debtor_account,debtor_account_type,creditor_ispb,"
    "creditor_tax_id,creditor_account,creditor_account_type,amount,description,external_id\n"
    "12345678,12345678901,123456,CACC,87654321,98765432100,654321,SVGS,15000,Payment 1,A-1\n"
    "12345678,12345678901,123456,CACC,87654321,98765432100,654321,SVGS,25000,Payment 2,A-2\n"
    "\n"
    "12345678,12345678901,123456,CACC,87654321,98765432100,,SVGS,1,No account,A-3\n";

// POST /payments bodies, one per line from line 2; the third is in dollars, which only
// processing refuses.
#define DICTRA_TEST_PARTIES_                                                                    \
    R"("debtor_ispb":"12345678","debtor_document":"12345678901","debtor_account_no":"123456",)" \
    R"("debtor_account_type":"CACC","creditor_ispb":"87654321",)"                               \
    R"("creditor_document":"98765432100","creditor_account_no":"654321",)"                      \
    R"("creditor_account_type":"SVGS")"
constexpr std::string_view kJsonOneInDollars =
    "[\n"
    R"({"amount":15000,"currency":"BRL","external_id":"A-1",)" DICTRA_TEST_PARTIES_
    "},\n"
    R"({"amount":25000,"currency":"BRL","external_id":"A-2",)" DICTRA_TEST_PARTIES_
    "},\n"
    R"({"amount":1,"currency":"USD","external_id":"A-3",)" DICTRA_TEST_PARTIES_
    "}\n"
    "]\n";
constexpr std::string_view kJsonAllInDollars =
    "["
    R"({"amount":100,"currency":"USD",)" DICTRA_TEST_PARTIES_
    "},"
    R"({"amount":200,"currency":"USD",)" DICTRA_TEST_PARTIES_
    "}"
    "]";
#undef DICTRA_TEST_PARTIES_

class FileServiceTest : public SettlementServiceTest {
 protected:
    void SetUp() override {
        SettlementServiceTest::SetUp();
        ASSERT_TRUE(jobs::Scheduler::Migrate(*database_).ok());
        scheduler_ = std::make_unique<jobs::Scheduler>(*database_, clock_);
        dir_ = std::filesystem::temp_directory_path() /
               ("dictra-files-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        ASSERT_TRUE(service_->SetFileOptions({.files_dir = dir_ / "files"}).ok());
        service_->EnableFileProcessing(*scheduler_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    Result<FileImport> Import(std::string_view content, std::string type,
                              const auth::Principal& principal,
                              std::optional<std::string> debtor_ispb = std::nullopt) {
        const std::filesystem::path path = dir_ / ("upload-" + std::to_string(++uploads_));
        {
            std::ofstream out(path, std::ios::binary);
            out << content;
        }
        ImportFileCommand command{.path = path,
                                  .filename = "payments." + type,
                                  .file_type = type,
                                  .file_size = content.size(),
                                  .file_hash = *Sha256OfFile(path),
                                  .debtor_ispb = std::move(debtor_ispb)};
        auto imported = service_->ImportFile(command, principal);
        std::filesystem::remove(path);
        return imported;
    }
    FileImport ImportOk(std::string_view content, std::string type,
                        std::optional<std::string> debtor_ispb = std::nullopt) {
        auto imported = Import(content, std::move(type), operator_, std::move(debtor_ispb));
        EXPECT_TRUE(imported.ok()) << imported.error().message;
        return imported.ok() ? *imported : FileImport{};
    }
    FileImport Processed(std::int64_t id) {
        auto started = service_->ProcessFileImport(id, operator_);
        EXPECT_TRUE(started.ok()) << started.error().message;
        EXPECT_EQ(started->status, FileImportStatus::kProcessing);
        EXPECT_TRUE(scheduler_->RunDueOnce().ok());
        return *service_->GetFileImport(id, operator_);
    }
    std::vector<FileRecord> Records(std::int64_t id, std::optional<std::string> status = {}) {
        auto page =
            service_->FileRecords(id, {.status = std::move(status), .limit = "1000"}, operator_);
        EXPECT_TRUE(page.ok()) << page.error().message;
        return page.ok() ? page->records : std::vector<FileRecord>{};
    }
    std::int64_t PaymentCount() { return service_->List({.limit = "1"}, operator_)->total; }

    std::unique_ptr<jobs::Scheduler> scheduler_;
    std::filesystem::path dir_;
    int uploads_ = 0;
};

TEST_F(FileServiceTest, TheDocumentsCsvImportsAsTwoRecords) {
    FileImport file = ImportOk(kSeedCsv, "CSV");
    EXPECT_EQ(file.status, FileImportStatus::kUploaded);
    EXPECT_EQ(file.total_records, 2);
    EXPECT_EQ(file.processed_records, 0);
    EXPECT_EQ(file.file_size, kSeedCsv.size());
    EXPECT_EQ(file.file_hash.size(), 64u);
    EXPECT_EQ(file.created_by, operator_.sub);
    EXPECT_EQ(ReadBytes(file.stored_path), kSeedCsv);
    auto records = Records(file.id);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].line_number, 2);
    EXPECT_EQ(records[0].raw_data, "12345678,87654321,15000,Payment 1");
    EXPECT_EQ(records[0].status, FileRecordStatus::kPending);
}

TEST_F(FileServiceTest, ImportRulesNameWhatIsWrong) {
    auto refused = [&](Result<FileImport> imported, ErrorCode code, std::string_view part) {
        ASSERT_FALSE(imported.ok());
        EXPECT_EQ(imported.error().code, code);
        EXPECT_NE(imported.error().message.find(part), std::string::npos)
            << imported.error().message;
    };
    refused(Import(kSeedCsv, "XML", operator_), ErrorCode::kInvalidArgument,
            "file_type must be one of CNAB240, CNAB400, CSV, JSON");
    refused(Import("", "CSV", operator_), ErrorCode::kInvalidArgument, "file is empty (0 bytes)");
    refused(Import("[]", "CSV", operator_), ErrorCode::kInvalidArgument,
            "file_type is CSV but the content looks like a JSON file");
    refused(Import(kSeedCsv, "JSON", operator_), ErrorCode::kInvalidArgument,
            "file_type is JSON but the content looks like a CSV file");
    refused(Import("[1, {", "JSON", operator_), ErrorCode::kInvalidArgument,
            "file is malformed (2 errors): line 1: expected a payment request object, found "
            "number; line 1: the element starting on line 1 is not closed");
    refused(Import(kSeedCsv, "CSV", operator_, "1234"), ErrorCode::kInvalidArgument,
            "debtor_ispb must be exactly 8 digits");
    refused(Import("amount\n1\nx\n", "CSV", operator_), ErrorCode::kInvalidArgument,
            "file is malformed (1 error): line 3, column 1 (amount)");
    EXPECT_EQ(PaymentCount(), 0);
    EXPECT_EQ(service_->ListFileImports({}, operator_)->total, 0);
}

TEST_F(FileServiceTest, TheSameFileTwiceIsRefusedNamingTheFirstImport) {
    FileImport first = ImportOk(kSeedCsv, "CSV");
    auto again = Import(kSeedCsv, "CSV", operator_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(again.error().reason, "DUPLICATE_FILE");
    EXPECT_NE(again.error().message.find("file import " + std::to_string(first.id)),
              std::string::npos)
        << again.error().message;
}

TEST_F(FileServiceTest, MalformedBankFilesAreRefusedWithLineAndLengths) {
    const std::string dir = ReferenceDir("cnab-malformed");
    if (dir.empty()) GTEST_SKIP() << "../shared/reference/cnab-malformed is absent";
    auto banco_brasil =
        Import(ReadBytes(dir + "/laravel-boleto__banco_brasil.ret"), "CNAB240", operator_);
    ASSERT_FALSE(banco_brasil.ok());
    EXPECT_EQ(banco_brasil.error().message,
              "file is malformed (1 error): line 2 (line_length): expected 240 bytes, found 241");
    auto btg = Import(ReadBytes(dir + "/laravel-boleto__btg.ret"), "CNAB240", operator_);
    ASSERT_FALSE(btg.ok());
    EXPECT_NE(btg.error().message.find("line 2 (line_length): expected 240 bytes, found 227"),
              std::string::npos)
        << btg.error().message;
    auto brasilia = Import(ReadBytes(dir + "/brcobranca__remessa-banco-brasilia-cnab400.rem"),
                           "CNAB400", operator_);
    ASSERT_FALSE(brasilia.ok());
    EXPECT_NE(brasilia.error().message.find("line 1 (line_length): expected 400 bytes, found 39"),
              std::string::npos)
        << brasilia.error().message;
    // The right content under the wrong type is a clear error too.
    auto wrong = Import(ReadBytes(dir + "/brcobranca__remessa-banco-brasilia-cnab400.rem"),
                        "CNAB240", operator_);
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().message.find("file_type is CNAB240 but the content looks like a "
                                         "CNAB400 file"),
              std::string::npos)
        << wrong.error().message;
}

TEST_F(FileServiceTest, ProcessingCreatesEachPaymentOnceAndRecordsWhatFailed) {
    FileImport file = ImportOk(kJsonOneInDollars, "JSON");
    EXPECT_EQ(file.total_records, 3);
    EXPECT_EQ(file.skipped_records, 0);
    FileImport done = Processed(file.id);
    EXPECT_EQ(done.status, FileImportStatus::kCompleted);
    EXPECT_EQ(done.processed_records, 3);
    EXPECT_EQ(done.failed_records, 1);
    EXPECT_EQ(done.success_records, 2);
    EXPECT_DOUBLE_EQ(SuccessRate(done), 66.67);
    ASSERT_TRUE(done.started_at && done.completed_at);

    auto success = Records(file.id, "SUCCESS");
    ASSERT_EQ(success.size(), 2u);
    auto payment = service_->Get(*success[0].payment_request_id, operator_);
    ASSERT_TRUE(payment.ok());
    EXPECT_EQ(payment->amount_centavos, 15000);
    EXPECT_EQ(payment->external_id, "A-1");
    EXPECT_EQ(payment->status, PaymentStatus::kPending);
    auto failed = Records(file.id, "FAILED");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].line_number, 4);
    EXPECT_EQ(failed[0].reason, "currency must be BRL");
    EXPECT_EQ(PaymentCount(), 2);

    // Running the job's work again, or a stray second job, creates nothing more.
    ASSERT_TRUE(service_->RunFileImport(file.id).ok());
    auto again = service_->ProcessFileImport(file.id, operator_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().reason, "INVALID_TRANSITION");
    EXPECT_EQ(PaymentCount(), 2);
}

TEST_F(FileServiceTest, TheDocumentsFourColumnCsvNeedsOnlyTheIspbs) {
    FileImport file = ImportOk(kSeedCsv, "CSV");  // no documents nor accounts
    FileImport done = Processed(file.id);
    EXPECT_EQ(done.status, FileImportStatus::kCompleted);
    EXPECT_EQ(done.success_records, 2);
    auto success = Records(file.id, "SUCCESS");
    ASSERT_EQ(success.size(), 2u);
    auto payment = service_->Get(*success[1].payment_request_id, operator_);
    ASSERT_TRUE(payment.ok());
    EXPECT_EQ(payment->amount_centavos, 25000);
    EXPECT_EQ(payment->debtor.ispb, "12345678");
    EXPECT_EQ(payment->creditor.ispb, "87654321");
    EXPECT_EQ(payment->debtor.account_type, AccountType::kCacc);  // the default
    EXPECT_EQ(payment->creditor.document, "");
}

TEST_F(FileServiceTest, AFileWhoseEveryRecordFailsIsFailedAndCanBeRetried) {
    FileImport file = ImportOk(kJsonAllInDollars, "JSON");
    FileImport done = Processed(file.id);
    EXPECT_EQ(done.status, FileImportStatus::kFailed);
    EXPECT_EQ(done.failure_reason, "every payment record failed");
    EXPECT_EQ(done.failed_records, 2);
    EXPECT_EQ(Records(file.id, "FAILED")[0].reason, "currency must be BRL");
    // A retry is allowed and, the records being done, creates nothing.
    clock_.Advance(std::chrono::minutes(1));
    FileImport retried = Processed(file.id);
    EXPECT_EQ(retried.status, FileImportStatus::kFailed);
    EXPECT_EQ(PaymentCount(), 0);
}

TEST_F(FileServiceTest, ProgressIsVisibleBetweenSteps) {
    std::string csv =
        "debtor_ispb,debtor_tax_id,debtor_account,debtor_account_type,"
        "creditor_ispb,creditor_tax_id,creditor_account,creditor_account_type,"
        "amount\n";
    const std::size_t rows = kProcessBatchRecords + 50;
    for (std::size_t row = 1; row <= rows; ++row)
        csv += "12345678,12345678901,123456,CACC,87654321,98765432100,654321,SVGS," +
               std::to_string(row) + "\n";
    FileImport file = ImportOk(csv, "CSV");
    ASSERT_TRUE(service_->ProcessFileImport(file.id, operator_).ok());
    // One step by hand: the counters move while the import is still PROCESSING.
    auto pending = store_->PendingFileRecords(file.id, 10);
    ASSERT_TRUE(pending.ok());
    std::vector<SettlementStore::RecordDecision> decisions;
    for (const FileRecord& record : *pending)
        decisions.push_back({.record_id = record.id, .failure_reason = "test"});
    auto step = store_->CommitFileRecords(file.id, decisions, "test", clock_.Now());
    ASSERT_TRUE(step.ok());
    EXPECT_EQ(step->status, FileImportStatus::kProcessing);
    EXPECT_EQ(step->processed_records, 10);
    EXPECT_EQ(step->failed_records, 10);
    ASSERT_TRUE(scheduler_->RunDueOnce().ok());
    FileImport done = *service_->GetFileImport(file.id, operator_);
    EXPECT_EQ(done.status, FileImportStatus::kCompleted);
    EXPECT_EQ(done.processed_records, static_cast<std::int64_t>(rows));
    EXPECT_EQ(PaymentCount(), static_cast<std::int64_t>(rows - 10));
}

TEST_F(FileServiceTest, RecordsAndListFiltersAreChecked) {
    FileImport file = ImportOk(kSeedCsv, "CSV");
    EXPECT_FALSE(service_->FileRecords(file.id, {.limit = "1001"}, operator_).ok());
    EXPECT_EQ(service_->FileRecords(file.id, {.limit = "1", .offset = "1"}, operator_)
                  ->records.at(0)
                  .line_number,
              3);
    EXPECT_FALSE(service_->FileRecords(file.id, {.status = "DONE"}, operator_).ok());
    EXPECT_EQ(service_->FileRecords(file.id + 1, {}, operator_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->ListFileImports({.status = "UPLOADED"}, operator_)->total, 1);
    EXPECT_EQ(service_->ListFileImports({.status = "COMPLETED"}, operator_)->total, 0);
    EXPECT_EQ(service_->ListFileImports({.file_type = "CSV"}, operator_)->total, 1);
    EXPECT_EQ(service_->ListFileImports({.file_type = "JSON"}, operator_)->total, 0);
    EXPECT_EQ(service_->ListFileImports({.created_by = operator_.sub}, operator_)->total, 1);
    EXPECT_EQ(service_->ListFileImports({.created_by = "someone"}, operator_)->total, 0);
    EXPECT_FALSE(service_->ListFileImports({.status = "DONE"}, operator_).ok());
    EXPECT_FALSE(service_->ListFileImports({.limit = "101"}, operator_).ok());
    // A participant sees only its own imports.
    auth::Principal participant{.sub = "bank-b", .ispb = "87654321"};
    EXPECT_EQ(service_->ListFileImports({}, participant)->total, 0);
    EXPECT_EQ(service_->GetFileImport(file.id, participant).error().code, ErrorCode::kNotFound);
}

TEST_F(FileServiceTest, ExportFiltersAndLimits) {
    CreatePaymentCommand small = ValidCommand();
    small.amount_centavos = 500;
    Completed(small);
    clock_.Advance(std::chrono::hours(48));
    Create();
    auto count = [&](ExportQuery query) -> std::size_t {
        query.format = "json";
        auto exported = service_->ExportPayments(query, operator_);
        EXPECT_TRUE(exported.ok()) << exported.error().message;
        return exported.ok() ? exported->records : 0;
    };
    EXPECT_EQ(count({}), 2u);
    EXPECT_EQ(count({.status = "COMPLETED"}), 1u);
    EXPECT_EQ(count({.min_amount = "1000"}), 1u);
    EXPECT_EQ(count({.max_amount = "1000"}), 1u);
    EXPECT_EQ(count({.from = "2026-01-25"}), 1u);
    EXPECT_EQ(count({.to = "2026-01-24"}), 1u);
    EXPECT_EQ(count({.from = "2026-01-24", .to = "2026-01-26"}), 2u);
    EXPECT_EQ(count({.debtor_ispb = "12345678"}), 2u);
    EXPECT_EQ(count({.creditor_ispb = "11111111"}), 0u);
    EXPECT_EQ(count({.max_records = "1"}), 1u);
    for (ExportQuery bad : {ExportQuery{.format = "xml"}, ExportQuery{.status = "DONE"},
                            ExportQuery{.from = "24/01/2026"}, ExportQuery{.max_records = "0"},
                            ExportQuery{.max_records = "10001"}, ExportQuery{.debtor_ispb = "1"},
                            ExportQuery{.from = "2026-02-01", .to = "2026-01-01"}}) {
        auto refused = service_->ExportPayments(bad, operator_);
        EXPECT_FALSE(refused.ok());
        if (!refused.ok()) {
            EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
        }
    }
    auto csv = service_->ExportPayments({}, operator_);
    ASSERT_TRUE(csv.ok()) << csv.error().message;
    EXPECT_EQ(csv->filename, "export_20260126_103000.csv");
    EXPECT_EQ(csv->content_type, "text/csv; charset=utf-8");
}

// Export -> import of the same payments gives the same payment fields, in every format.
class FileRoundTripTest : public FileServiceTest,
                          public ::testing::WithParamInterface<std::string> {};

TEST_P(FileRoundTripTest, ExportThenImportGivesTheSamePayments) {
    const std::string format = GetParam();
    CreatePaymentCommand first = ValidCommand();
    first.discounts.clear();
    first.additional_info = {{.key = "pix_key", .value = "maria@example.com"},
                             {.key = "pix_initiation", .value = "EMAIL"}};
    first.external_id = "INV-1";
    first.tx_id = "ABC123XYZ";
    CreatePaymentCommand second = first;
    second.external_id = "INV-2";
    second.amount_centavos = 99;
    second.description = "Segundo pagamento à vista";
    auto a = service_->Create(first, operator_);
    auto b = service_->Create(second, operator_);
    ASSERT_TRUE(a.ok() && b.ok());

    auto exported = service_->ExportPayments({.format = format}, operator_);
    ASSERT_TRUE(exported.ok()) << exported.error().message;
    EXPECT_EQ(exported->records, 2u);
    std::string type = format;
    for (char& c : type) c = static_cast<char>(std::toupper(c));
    FileImport file = ImportOk(exported->body, type, std::string("12345678"));
    EXPECT_EQ(file.total_records, 2);
    FileImport done = Processed(file.id);
    ASSERT_EQ(done.status, FileImportStatus::kCompleted) << done.failure_reason.value_or("");
    auto records = Records(file.id, "SUCCESS");
    ASSERT_EQ(records.size(), 2u);
    const PaymentRequest* originals[] = {&a->payment, &b->payment};
    for (std::size_t record_idx = 0; record_idx < records.size(); ++record_idx) {
        const PaymentRequest& original = *originals[record_idx];
        auto copy = service_->Get(*records[record_idx].payment_request_id, operator_);
        ASSERT_TRUE(copy.ok());
        EXPECT_NE(copy->id, original.id);
        EXPECT_EQ(copy->amount_centavos, original.amount_centavos) << format;
        EXPECT_EQ(copy->external_id, original.external_id) << format;
        EXPECT_EQ(copy->description, original.description) << format;
        EXPECT_EQ(copy->tx_id, original.tx_id) << format;
        EXPECT_EQ(copy->debtor.ispb, original.debtor.ispb) << format;
        EXPECT_EQ(copy->debtor.document, original.debtor.document) << format;
        EXPECT_EQ(copy->debtor.account_no, original.debtor.account_no) << format;
        EXPECT_EQ(copy->debtor.account_type, original.debtor.account_type) << format;
        EXPECT_EQ(copy->debtor.branch, original.debtor.branch) << format;
        EXPECT_EQ(copy->creditor.ispb, original.creditor.ispb) << format;
        EXPECT_EQ(copy->creditor.document, original.creditor.document) << format;
        EXPECT_EQ(copy->creditor.name, original.creditor.name) << format;
        EXPECT_EQ(copy->creditor.account_no, original.creditor.account_no) << format;
        EXPECT_EQ(copy->creditor.account_type, original.creditor.account_type) << format;
        EXPECT_EQ(copy->creditor.branch, original.creditor.branch) << format;
        EXPECT_EQ(copy->scheduled_date, original.scheduled_date) << format;
        EXPECT_EQ(copy->additional_info.size(), original.additional_info.size()) << format;
    }
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, FileRoundTripTest,
                         ::testing::Values("json", "csv", "cnab240", "cnab400"));

TEST_F(FileServiceTest, ACnab240ExportReadsBackWithMatchingTrailers) {
    Create();
    CreatePaymentCommand other = ValidCommand();
    other.debtor.document = "11222333000181";  // another debtor: another lot
    other.amount_centavos = 1234;
    other.additional_info.clear();
    other.discounts.clear();
    Create(other);
    auto exported = service_->ExportPayments({.format = "cnab240"}, operator_);
    ASSERT_TRUE(exported.ok()) << exported.error().message;
    EXPECT_EQ(exported->filename, "export_20260124_103000.cnab240");
    std::istringstream input(exported->body);
    formats::cnab::Cnab240Reader reader(input);
    std::size_t controls = 0;
    while (auto outcome = reader.Next()) {
        EXPECT_NE(outcome->status, formats::RecordStatus::kError)
            << (outcome->errors.empty() ? "" : formats::Describe(outcome->errors[0]));
        if (outcome->status == formats::RecordStatus::kControl) ++controls;
    }
    EXPECT_TRUE(reader.summary().clean());
    EXPECT_EQ(reader.summary().warnings, 0u);
    EXPECT_EQ(reader.summary().payments, 2u);
    EXPECT_EQ(reader.summary().payments_amount_centavos, 15000 + 1234);
    EXPECT_EQ(controls, 6u);  // file header, two lot headers, two lot trailers, file trailer
}

TEST_F(FileServiceTest, APaymentTheFormatCannotCarryMakesTheExportAClearError) {
    CreatePaymentCommand long_name = ValidCommand();
    long_name.creditor.name = std::string(40, 'N');
    PaymentRequest payment = Create(long_name);
    auto exported = service_->ExportPayments({.format = "cnab240"}, operator_);
    ASSERT_FALSE(exported.ok());
    EXPECT_EQ(exported.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(exported.error().message.find("payment " + std::to_string(payment.id) +
                                            " cannot be written as cnab240"),
              std::string::npos)
        << exported.error().message;
    EXPECT_TRUE(service_->ExportPayments({.format = "json"}, operator_).ok());
}

TEST_F(FileServiceTest, AParticipantsImportCreatesOnlyItsOwnPayments) {
    auth::Principal participant{.sub = "bank-c", .ispb = "11111111"};
    auto imported = Import(kFullCsv, "CSV", participant);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    ASSERT_TRUE(service_->ProcessFileImport(imported->id, participant).ok());
    ASSERT_TRUE(scheduler_->RunDueOnce().ok());
    FileImport done = *service_->GetFileImport(imported->id, participant);
    EXPECT_EQ(done.status, FileImportStatus::kFailed);
    EXPECT_EQ(Records(imported->id, "FAILED")[0].reason,
              "the importing participant 11111111 must be the debtor or the creditor");
    EXPECT_EQ(PaymentCount(), 0);
}

}  // namespace
}  // namespace dictra::settlement
