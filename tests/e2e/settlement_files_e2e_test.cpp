// Settlement payment files against the real binary: every endpoint of the document's "File
// Operations" section, the refused uploads with their error bodies, processing in the
// background, and export -> import round trips.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "e2e/settlement_fixture.hpp"

namespace dictra::testing {
namespace {

constexpr const char* kBoundary = "---BOUNDARY";

std::string Multipart(const std::string& content, const std::string& file_type,
                      const std::string& filename = "payments.csv",
                      const std::string& debtor_ispb = "") {
    std::string body = std::string("--") + kBoundary +
                       "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
                       "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
    if (!file_type.empty())
        body += std::string("--") + kBoundary +
                "\r\nContent-Disposition: form-data; name=\"file_type\"\r\n\r\n" + file_type +
                "\r\n";
    if (!debtor_ispb.empty())
        body += std::string("--") + kBoundary +
                "\r\nContent-Disposition: form-data; name=\"debtor_ispb\"\r\n\r\n" + debtor_ispb +
                "\r\n";
    return body + "--" + kBoundary + "--\r\n";
}

std::string ReadBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

constexpr const char* kSeedCsv =
    "debtor_ispb,creditor_ispb,amount,description\r\n"
    "12345678,87654321,15000,Payment 1\r\n"
    "12345678,87654321,25000,Payment 2\r\n";

constexpr const char* kFullCsv =
    "debtor_ispb,debtor_tax_id,debtor_account,debtor_account_type,creditor_ispb,"
    "creditor_tax_id,creditor_account,creditor_account_type,amount,description\n"
    "12345678,12345678901,123456,CACC,87654321,98765432100,654321,SVGS,15000,Payment 1\n"
    "12345678,12345678901,123456,CACC,87654321,98765432100,,SVGS,25000,No account\n";

// Two POST /payments bodies; the second is in dollars, which only processing refuses.
constexpr const char* kJsonOneInDollars =
    R"([{"amount":15000,"currency":"BRL","debtor_ispb":"12345678","debtor_document":"12345678901",)"
    R"("debtor_account_no":"123456","debtor_account_type":"CACC","creditor_ispb":"87654321",)"
    R"("creditor_document":"98765432100","creditor_account_no":"654321",)"
    R"("creditor_account_type":"SVGS","description":"Payment 1"},)"
    R"({"amount":25000,"currency":"USD","debtor_ispb":"12345678","debtor_document":"12345678901",)"
    R"("debtor_account_no":"123456","debtor_account_type":"CACC","creditor_ispb":"87654321",)"
    R"("creditor_document":"98765432100","creditor_account_no":"654321",)"
    R"("creditor_account_type":"SVGS","description":"Dollars"}])";

class SettlementFilesE2eTest : public SettlementE2eTest {
 protected:
    static constexpr std::uint64_t kLimitBytes = 64 * 1024;
    std::vector<std::string> ExtraArgs() const override {
        return {"--import-max-bytes", std::to_string(kLimitBytes)};
    }

    ClientResponse Upload(const std::string& body, const std::string& token, Headers extra = {}) {
        extra.emplace_back("Authorization", "Bearer " + token);
        extra.emplace_back("Content-Type",
                           std::string("multipart/form-data; boundary=") + kBoundary);
        auto response = client_->Send("POST", "/api/v1/files/import", extra, body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    ClientResponse Import(const std::string& content, const std::string& type,
                          const std::string& filename = "payments.csv",
                          const std::string& debtor_ispb = "") {
        return Upload(Multipart(content, type, filename, debtor_ispb), operator_token_,
                      {{"X-User-ID", "maria.ops@bank.com"}});
    }
    std::int64_t ImportOk(const std::string& content, const std::string& type,
                          const std::string& debtor_ispb = "") {
        ClientResponse response = Import(content, type, "payments." + type, debtor_ispb);
        EXPECT_EQ(response.status, 201) << response.body;
        return response.status == 201 ? ParseBody(response).at("id").as_int64() : 0;
    }
    // Polls GET /files/imports/{id} until it leaves PROCESSING.
    boost::json::object WaitProcessed(std::int64_t id) {
        boost::json::object file;
        for (int attempt = 0; attempt < 100; ++attempt) {
            file = ParseBody(Send("GET", "/api/v1/files/imports/" + std::to_string(id)));
            if (file.at("status").as_string() != "PROCESSING") return file;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "import " << id << " still PROCESSING";
        return file;
    }
    boost::json::object Process(std::int64_t id) {
        ClientResponse started =
            Send("POST", "/api/v1/files/imports/" + std::to_string(id) + "/process");
        EXPECT_EQ(started.status, 200) << started.body;
        auto body = ParseBody(started);
        EXPECT_EQ(body.at("status").as_string(), "PROCESSING");
        EXPECT_TRUE(body.contains("started_at"));
        return WaitProcessed(id);
    }
};

TEST_F(SettlementFilesE2eTest, ImportListGetAndRecordsOfTheDocumentsCsv) {
    ClientResponse response = Import(kSeedCsv, "CSV");
    ASSERT_EQ(response.status, 201) << response.body;
    auto file = ParseBody(response);
    const std::int64_t id = file.at("id").as_int64();
    EXPECT_EQ(file.at("filename").as_string(), "payments.csv");
    EXPECT_EQ(file.at("file_type").as_string(), "CSV");
    EXPECT_EQ(file.at("file_size").as_int64(), static_cast<std::int64_t>(strlen(kSeedCsv)));
    EXPECT_EQ(file.at("file_hash").as_string().size(), 64u);
    EXPECT_EQ(file.at("status").as_string(), "UPLOADED");
    EXPECT_EQ(file.at("total_records").as_int64(), 2);
    EXPECT_EQ(file.at("processed_records").as_int64(), 0);
    EXPECT_EQ(file.at("failed_records").as_int64(), 0);
    EXPECT_EQ(file.at("skipped_records").as_int64(), 0);
    EXPECT_EQ(file.at("success_rate").as_int64(), 0);  // an integer, as the document writes it
    EXPECT_NE(response.body.find("\"success_rate\":0,"), std::string::npos) << response.body;
    EXPECT_EQ(file.at("created_by").as_string(), "maria.ops@bank.com");
    EXPECT_TRUE(file.contains("unique_id") && file.contains("created_at") &&
                file.contains("updated_at"));

    // Without X-User-ID the token's sub is the creator.
    ClientResponse by_token =
        Upload(Multipart(std::string(kSeedCsv) + "12345678,87654321,1,Payment 3\r\n", "CSV"),
               operator_token_);
    ASSERT_EQ(by_token.status, 201) << by_token.body;
    EXPECT_EQ(ParseBody(by_token).at("created_by").as_string(), kOperatorSub);

    auto got = ParseBody(Send("GET", "/api/v1/files/imports/" + std::to_string(id)));
    EXPECT_EQ(got.at("id").as_int64(), id);
    EXPECT_EQ(got.at("status").as_string(), "UPLOADED");

    auto list = ParseBody(Send("GET",
                               "/api/v1/files/imports?status=UPLOADED&file_type=CSV&"
                               "created_by=maria.ops@bank.com&limit=20&offset=0"));
    ASSERT_EQ(list.at("data").as_array().size(), 1u);
    EXPECT_EQ(list.at("data").as_array()[0].at("id").as_int64(), id);
    EXPECT_EQ(list.at("pagination").at("total").as_int64(), 1);
    EXPECT_EQ(list.at("pagination").at("page_size").as_int64(), 20);
    EXPECT_EQ(ParseBody(Send("GET", "/api/v1/files/imports?limit=1"))
                  .at("pagination")
                  .at("total")
                  .as_int64(),
              2);
    EXPECT_EQ(
        ParseBody(Send("GET", "/api/v1/files/imports?file_type=JSON")).at("data").as_array().size(),
        0u);
    ExpectError(Send("GET", "/api/v1/files/imports?status=DONE"), 400, "VALIDATION_ERROR",
                "status");
    ExpectError(Send("GET", "/api/v1/files/imports?limit=101"), 400, "VALIDATION_ERROR", "limit");

    auto records = ParseBody(Send("GET", "/api/v1/files/imports/" + std::to_string(id) +
                                             "/records?status=PENDING&limit=100&offset=0"));
    ASSERT_EQ(records.at("records").as_array().size(), 2u);
    EXPECT_EQ(records.at("count").as_int64(), 2);
    EXPECT_EQ(records.at("limit").as_int64(), 100);
    EXPECT_EQ(records.at("offset").as_int64(), 0);
    auto first = records.at("records").as_array()[0].as_object();
    EXPECT_EQ(first.at("file_import_id").as_int64(), id);
    EXPECT_EQ(first.at("line_number").as_int64(), 2);
    EXPECT_EQ(first.at("raw_data").as_string(), "12345678,87654321,15000,Payment 1");
    EXPECT_EQ(first.at("status").as_string(), "PENDING");
    ExpectError(Send("GET", "/api/v1/files/imports/" + std::to_string(id) + "/records?limit=1001"),
                400, "VALIDATION_ERROR", "limit");
    ExpectError(Send("GET", "/api/v1/files/imports/" + std::to_string(id) + "/records?status=X"),
                400, "VALIDATION_ERROR", "status");

    // Unknown ids, and another participant's view, are the document's 404.
    ExpectError(Send("GET", "/api/v1/files/imports/999999"), 404, "NOT_FOUND",
                "file import not found");
    ExpectError(Send("GET", "/api/v1/files/imports/999999/records"), 404, "NOT_FOUND",
                "file import not found");
    ExpectError(Send("POST", "/api/v1/files/imports/999999/process"), 404, "NOT_FOUND",
                "file import not found");
    ExpectError(SendAs(stranger_token_, "GET", "/api/v1/files/imports/" + std::to_string(id)), 404,
                "NOT_FOUND", "file import not found");
    ExpectError(Send("GET", "/api/v1/files/imports/abc"), 400, "VALIDATION_ERROR", "id");
}

TEST_F(SettlementFilesE2eTest, ProcessingCreatesPaymentsInTheBackgroundOnce) {
    const std::int64_t id = ImportOk(kJsonOneInDollars, "JSON");
    auto done = Process(id);
    EXPECT_EQ(done.at("status").as_string(), "COMPLETED");
    EXPECT_EQ(done.at("processed_records").as_int64(), 2);
    EXPECT_EQ(done.at("failed_records").as_int64(), 1);
    EXPECT_EQ(done.at("success_rate").as_int64(), 50);
    EXPECT_TRUE(done.contains("started_at") && done.contains("completed_at"));

    auto success = ParseBody(
        Send("GET", "/api/v1/files/imports/" + std::to_string(id) + "/records?status=SUCCESS"));
    ASSERT_EQ(success.at("records").as_array().size(), 1u);
    auto record = success.at("records").as_array()[0].as_object();
    const std::int64_t payment_id = record.at("payment_request_id").as_int64();
    EXPECT_TRUE(record.contains("processed_at"));
    auto payment = ParseBody(Send("GET", "/api/v1/payments/" + std::to_string(payment_id)));
    EXPECT_EQ(payment.at("amount").as_int64(), 15000);
    EXPECT_EQ(payment.at("description").as_string(), "Payment 1");
    auto failed = ParseBody(
        Send("GET", "/api/v1/files/imports/" + std::to_string(id) + "/records?status=FAILED"));
    ASSERT_EQ(failed.at("records").as_array().size(), 1u);
    EXPECT_EQ(failed.at("records").as_array()[0].at("reason").as_string(), "currency must be BRL");

    // Processing twice never creates payments twice.
    ExpectError(Send("POST", "/api/v1/files/imports/" + std::to_string(id) + "/process"), 400,
                "INVALID_TRANSITION", "COMPLETED");
    EXPECT_EQ(ParseBody(Send("GET", "/api/v1/payments")).at("pagination").at("total").as_int64(),
              1);
    auto list = ParseBody(Send("GET", "/api/v1/files/imports?status=COMPLETED"));
    ASSERT_EQ(list.at("data").as_array().size(), 1u);
    EXPECT_TRUE(list.at("data").as_array()[0].as_object().contains("completed_at"));
}

TEST_F(SettlementFilesE2eTest, TheDocumentsFourColumnCsvCreatesItsTwoPayments) {
    const std::int64_t id = ImportOk(kSeedCsv, "CSV");
    auto done = Process(id);
    EXPECT_EQ(done.at("status").as_string(), "COMPLETED");
    EXPECT_EQ(done.at("processed_records").as_int64(), 2);
    EXPECT_EQ(done.at("failed_records").as_int64(), 0);
    auto payments = ParseBody(Send("GET", "/api/v1/payments"));
    ASSERT_EQ(payments.at("data").as_array().size(), 2u);
    for (const auto& payment : payments.at("data").as_array()) {
        EXPECT_EQ(payment.at("debtor_ispb").as_string(), "12345678");
        EXPECT_EQ(payment.at("creditor_ispb").as_string(), "87654321");
    }
}

TEST_F(SettlementFilesE2eTest, BadUploadsAreRefusedWithTheDocumentsErrors) {
    ExpectError(Import("", "CSV"), 400, "VALIDATION_ERROR", "file is empty (0 bytes)");
    ExpectError(Import(kSeedCsv, "XLS"), 400, "VALIDATION_ERROR",
                "file_type must be one of CNAB240, CNAB400, CSV, JSON");
    ExpectError(Import(kSeedCsv, ""), 400, "VALIDATION_ERROR", "file_type is required");
    ExpectError(Import("[]", "CSV"), 400, "VALIDATION_ERROR",
                "file_type is CSV but the content looks like a JSON file");
    ExpectError(Import("{\"amount\": 1}", "JSON"), 400, "VALIDATION_ERROR",
                "line 1: expected '[' (a JSON payment file is an array of payment requests)");
    ExpectError(Import("amount\n1\nabc\n", "CSV"), 400, "VALIDATION_ERROR",
                "line 3, column 1 (amount)");
    ExpectError(Import(kSeedCsv, "CSV", "p.csv", "123"), 400, "VALIDATION_ERROR", "debtor_ispb");
    ExpectError(Send("POST", "/api/v1/files/import", "{}"), 400, "VALIDATION_ERROR",
                "multipart/form-data");
    ExpectError(Upload("garbage", operator_token_), 400, "VALIDATION_ERROR", "multipart");

    // Over the limit: the document's FILE_TOO_LARGE, whether the framing is within the route's
    // limit (found while reading the part) or not (refused before reading).
    ExpectError(Import(std::string(kLimitBytes + 1, 'a'), "CSV"), 413, "FILE_TOO_LARGE",
                "file exceeds maximum size of 65536 bytes");
    {
        // Only the header: the declared length alone is refused, before any body is sent.
        HttpClient raw(process_.Port("settlement"));
        ASSERT_TRUE(raw.WriteRaw("POST /api/v1/files/import HTTP/1.1\r\nHost: x\r\n"
                                 "Authorization: Bearer " +
                                 operator_token_ +
                                 "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
                                 "\r\nContent-Length: " + std::to_string(4 * kLimitBytes) +
                                 "\r\n\r\n")
                        .ok());
        auto refused = raw.ReadResponse();
        ASSERT_TRUE(refused.ok()) << refused.error().message;
        ExpectError(*refused, 413, "FILE_TOO_LARGE", "file exceeds maximum size of 65536 bytes");
    }

    // The same bytes twice: refused, naming the first import.
    const std::int64_t first = ImportOk(kSeedCsv, "CSV");
    ExpectError(Import(kSeedCsv, "CSV", "again.csv"), 409, "DUPLICATE_FILE",
                "already imported as file import " + std::to_string(first));

    // Nothing half-made: only the one good import exists and no part file is left behind.
    EXPECT_EQ(
        ParseBody(Send("GET", "/api/v1/files/imports")).at("pagination").at("total").as_int64(), 1);
    std::size_t stored = 0;
    for (const auto& entry : std::filesystem::directory_iterator(process_.temp_dir() / "files")) {
        EXPECT_EQ(entry.path().filename().string().find("upload-"), std::string::npos)
            << entry.path();
        if (entry.path().extension() == ".csv") ++stored;
    }
    EXPECT_EQ(stored, 1u);
}

TEST_F(SettlementFilesE2eTest, MalformedBankFilesAreRefusedWithLineAndLengths) {
    const std::filesystem::path dir =
        SourceDir().parent_path() / "shared" / "reference" / "cnab-malformed";
    if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent";
    ExpectError(Import(ReadBytes(dir / "laravel-boleto__banco_brasil.ret"), "CNAB240"), 400,
                "VALIDATION_ERROR", "line 2 (line_length): expected 240 bytes, found 241");
    ExpectError(Import(ReadBytes(dir / "laravel-boleto__btg.ret"), "CNAB240"), 400,
                "VALIDATION_ERROR", "line 2 (line_length): expected 240 bytes, found 227");
    ExpectError(
        Import(ReadBytes(dir / "brcobranca__remessa-banco-brasilia-cnab400.rem"), "CNAB400"), 400,
        "VALIDATION_ERROR", "line 1 (line_length): expected 400 bytes, found 39");
    ExpectError(Import(ReadBytes(dir / "brcobranca__remessa-banco-brasilia-cnab400.rem"), "CSV"),
                400, "VALIDATION_ERROR",
                "file_type is CSV but the content looks like a CNAB400 file");
}

TEST_F(SettlementFilesE2eTest, ExportInEveryFormatWithFiltersAndItsFileName) {
    const std::int64_t completed = CompletedPayment();
    auto cheap = ValidBody();
    cheap["amount"] = 500;
    cheap.erase("discounts");
    CreatePayment(cheap);

    ClientResponse csv = Send("GET", "/api/v1/files/export");
    ASSERT_EQ(csv.status, 200) << csv.body;
    EXPECT_EQ(csv.Header("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_TRUE(std::regex_match(csv.Header("Content-Disposition"),
                                 std::regex(R"(attachment; filename="export_\d{8}_\d{6}\.csv")")))
        << csv.Header("Content-Disposition");
    const std::string header = csv.body.substr(0, csv.body.find("\r\n"));
    EXPECT_EQ(header.substr(0, header.find(',')), "external_id");
    EXPECT_EQ(header.substr(header.size() - 21), ",status,end_to_end_id") << header;
    EXPECT_NE(csv.body.find(",COMPLETED,E12345678"), std::string::npos) << csv.body;

    ClientResponse json = Send("GET",
                               "/api/v1/files/export?format=json&status=COMPLETED&"
                               "debtor_ispb=12345678&creditor_ispb=87654321&"
                               "min_amount=1000&max_amount=100000&max_records=1000");
    ASSERT_EQ(json.status, 200) << json.body;
    EXPECT_EQ(json.Header("Content-Type"), "application/json");
    EXPECT_TRUE(std::regex_match(json.Header("Content-Disposition"),
                                 std::regex(R"(attachment; filename="export_\d{8}_\d{6}\.json")")));
    auto exported = boost::json::parse(json.body).as_array();
    ASSERT_EQ(exported.size(), 1u);
    EXPECT_EQ(exported[0].at("id").as_int64(), completed);
    EXPECT_EQ(exported[0].at("status").as_string(), "COMPLETED");
    EXPECT_TRUE(exported[0].as_object().contains("end_to_end_id"));

    auto count = [&](const std::string& query) {
        ClientResponse response = Send("GET", "/api/v1/files/export?format=json&" + query);
        EXPECT_EQ(response.status, 200) << response.body;
        return boost::json::parse(response.body).as_array().size();
    };
    EXPECT_EQ(count("max_amount=1000"), 1u);
    EXPECT_EQ(count("max_records=1"), 1u);
    EXPECT_EQ(count("from=2000-01-01&to=2099-12-31"), 2u);
    EXPECT_EQ(count("to=2000-01-01"), 0u);
    EXPECT_EQ(count("creditor_ispb=11111111"), 0u);
    ClientResponse as_stranger = SendAs(stranger_token_, "GET", "/api/v1/files/export?format=json");
    EXPECT_EQ(boost::json::parse(as_stranger.body).as_array().size(), 0u);

    for (const char* format : {"cnab240", "cnab400"}) {
        ClientResponse cnab = Send("GET", std::string("/api/v1/files/export?format=") + format);
        ASSERT_EQ(cnab.status, 200) << cnab.body;
        EXPECT_TRUE(std::regex_match(
            cnab.Header("Content-Disposition"),
            std::regex(std::string(R"(attachment; filename="export_\d{8}_\d{6}\.)") + format +
                       "\"")));
    }
    ExpectError(Send("GET", "/api/v1/files/export?format=xml"), 400, "VALIDATION_ERROR", "format");
    ExpectError(Send("GET", "/api/v1/files/export?from=2026-13-01"), 400, "VALIDATION_ERROR",
                "from");
    ExpectError(Send("GET", "/api/v1/files/export?max_records=0"), 400, "VALIDATION_ERROR",
                "max_records");
    ExpectError(Send("GET", "/api/v1/files/export?min_amount=-1"), 400, "VALIDATION_ERROR",
                "min_amount");
}

TEST_F(SettlementFilesE2eTest, Cnab240ExportImportsBackToTheSamePayments) {
    auto body = ValidBody();
    body.erase("discounts");
    body.erase("additional_info");
    body.erase("qr_code_data");
    const std::int64_t original = CreatePayment(body);
    ClientResponse exported = Send("GET", "/api/v1/files/export?format=cnab240");
    ASSERT_EQ(exported.status, 200) << exported.body;
    // Every line 240 bytes, CRLF.
    std::size_t start = 0;
    std::size_t lines = 0;
    while (start < exported.body.size()) {
        const std::size_t end = exported.body.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_EQ(end - start, 240u);
        start = end + 2;
        ++lines;
    }
    EXPECT_EQ(lines, 6u);  // file header, lot header, segments A and B, lot trailer, trailer

    const std::int64_t id = ImportOk(exported.body, "CNAB240", "12345678");
    auto done = Process(id);
    ASSERT_EQ(done.at("status").as_string(), "COMPLETED") << boost::json::serialize(done);
    auto records = ParseBody(
        Send("GET", "/api/v1/files/imports/" + std::to_string(id) + "/records?status=SUCCESS"));
    ASSERT_EQ(records.at("records").as_array().size(), 1u);
    const std::int64_t copy_id =
        records.at("records").as_array()[0].at("payment_request_id").as_int64();
    auto a = ParseBody(Send("GET", "/api/v1/payments/" + std::to_string(original)));
    auto b = ParseBody(Send("GET", "/api/v1/payments/" + std::to_string(copy_id)));
    for (const char* field :
         {"amount", "currency", "debtor_ispb", "debtor_document", "debtor_name",
          "debtor_account_no", "debtor_account_type", "debtor_branch", "creditor_ispb",
          "creditor_document", "creditor_name", "creditor_account_no", "creditor_account_type",
          "creditor_branch", "description", "tx_id", "status"}) {
        EXPECT_EQ(boost::json::serialize(a.at(field)), boost::json::serialize(b.at(field)))
            << field;
    }
}

}  // namespace
}  // namespace dictra::testing
