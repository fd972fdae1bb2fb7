// multipart/form-data uploads read from disk (no server).
#include "settlement/file_upload.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace dictra::settlement {
namespace {

class FileUploadTest : public ::testing::Test {
 protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("dictra-upload-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path Write(const std::string& name, const std::string& bytes) {
        std::ofstream out(dir_ / name, std::ios::binary);
        out << bytes;
        return dir_ / name;
    }
    static std::string Body(const std::string& content, const std::string& file_type = "CSV") {
        return "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; "
               "filename=\"payments.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
               content + "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file_type\"\r\n\r\n" +
               file_type + "\r\n--XyZ--\r\n";
    }
    static std::string ReadFile(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }

    std::filesystem::path dir_;
};

TEST_F(FileUploadTest, BoundaryComesFromTheContentType) {
    EXPECT_EQ(*FormDataBoundary("multipart/form-data; boundary=---BOUNDARY"), "---BOUNDARY");
    EXPECT_EQ(*FormDataBoundary("Multipart/Form-Data; charset=x; boundary=\"a b\""), "a b");
    EXPECT_FALSE(FormDataBoundary("application/json").ok());
    EXPECT_FALSE(FormDataBoundary("multipart/form-data").ok());
    EXPECT_FALSE(FormDataBoundary("multipart/form-data; boundary=" + std::string(71, 'b')).ok());
}

TEST_F(FileUploadTest, TheFilePartGoesToDiskWithItsHash) {
    const std::string content = "debtor_ispb,creditor_ispb,amount\r\n12345678,87654321,1\r\n";
    auto form = ReadUploadForm(Write("body", Body(content)), "XyZ", dir_ / "out", 1000);
    ASSERT_TRUE(form.ok()) << form.error().message;
    EXPECT_TRUE(form->has_file);
    EXPECT_EQ(form->filename, "payments.csv");
    EXPECT_EQ(form->file_bytes, content.size());
    EXPECT_EQ(ReadFile(dir_ / "out"), content);
    EXPECT_EQ(form->fields.at("file_type"), "CSV");
    EXPECT_EQ(form->file_sha256, *Sha256OfFile(dir_ / "out"));
    EXPECT_EQ(*Sha256OfFile(Write("abc", "abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(FileUploadTest, ADelimiterSplitAcrossReadsIsFound) {
    // Larger than the 64 KiB read window, with CR LF and dashes near every chunk edge.
    std::string content;
    while (content.size() < 300 * 1024) content += "line\r\n--XyY not the boundary\r\n--Xy";
    auto form = ReadUploadForm(Write("body", Body(content)), "XyZ", dir_ / "out", 1 << 20);
    ASSERT_TRUE(form.ok()) << form.error().message;
    EXPECT_EQ(form->file_bytes, content.size());
    EXPECT_EQ(ReadFile(dir_ / "out"), content);
}

TEST_F(FileUploadTest, AFileOverTheLimitIsFileTooLarge) {
    auto form =
        ReadUploadForm(Write("body", Body(std::string(101, 'x'))), "XyZ", dir_ / "out", 100);
    ASSERT_FALSE(form.ok());
    EXPECT_EQ(form.error().code, ErrorCode::kPayloadTooLarge);
    EXPECT_EQ(form.error().reason, "FILE_TOO_LARGE");
    EXPECT_EQ(form.error().message, "file exceeds maximum size of 100 bytes");
    EXPECT_EQ(FileTooLargeMessage(100 * 1024 * 1024), "file exceeds maximum size of 100MB");
    EXPECT_TRUE(
        ReadUploadForm(Write("body2", Body(std::string(100, 'x'))), "XyZ", dir_ / "out", 100).ok());
}

TEST_F(FileUploadTest, MalformedBodiesAreRefused) {
    auto refused = [&](const std::string& body, const std::string& part) {
        auto form = ReadUploadForm(Write("body", body), "XyZ", dir_ / "out", 1000);
        ASSERT_FALSE(form.ok()) << body;
        EXPECT_EQ(form.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(form.error().message.find(part), std::string::npos) << form.error().message;
    };
    refused("no boundary at all", "no opening boundary");
    refused("--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc",
            "ends before the closing boundary");
    refused("--XyZ\r\nContent-Type: text/plain\r\n\r\nabc\r\n--XyZ--",
            "has no Content-Disposition");
    refused("--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" +
                std::string(2000, 'n') + "\r\n--XyZ--",
            "over 1024 bytes");
    const std::string file_part =
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n";
    refused(file_part + file_part + "--XyZ--", "more than one \"file\" part");
}

TEST_F(FileUploadTest, AFormWithoutFileSaysSo) {
    auto form = ReadUploadForm(
        Write("body",
              "--XyZ\r\nContent-Disposition: form-data; name=\"file_type\"\r\n\r\nCSV\r\n"
              "--XyZ--\r\n"),
        "XyZ", dir_ / "out", 1000);
    ASSERT_TRUE(form.ok()) << form.error().message;
    EXPECT_FALSE(form->has_file);
}

}  // namespace
}  // namespace dictra::settlement
