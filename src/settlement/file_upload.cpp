#include "settlement/file_upload.hpp"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <fstream>
#include <memory>

#include "core/http/message.hpp"

namespace dictra::settlement {
namespace {

constexpr std::size_t kReadChunkBytes = 64 * 1024;

struct DigestDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Digest = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

Digest NewSha256() {
    Digest digest(EVP_MD_CTX_new());
    if (digest && EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1) digest.reset();
    return digest;
}

std::string HexDigest(EVP_MD_CTX* context) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> bytes{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(context, bytes.data(), &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int byte_idx = 0; byte_idx < length; ++byte_idx) {
        hex.push_back(kHex[bytes[byte_idx] >> 4]);
        hex.push_back(kHex[bytes[byte_idx] & 0xF]);
    }
    return hex;
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// The value of parameter `name` in a header value ("form-data; name=\"file\""), unquoted.
std::optional<std::string> Parameter(std::string_view value, std::string_view name) {
    std::size_t start = value.find(';');
    while (start != std::string_view::npos) {
        std::size_t end = start + 1;
        bool quoted = false;
        while (end < value.size() && (quoted || value[end] != ';')) {
            if (value[end] == '"') quoted = !quoted;
            ++end;
        }
        std::string_view item = Trim(value.substr(start + 1, end - start - 1));
        const std::size_t equals = item.find('=');
        if (equals != std::string_view::npos &&
            http::EqualsIgnoreCase(Trim(item.substr(0, equals)), name)) {
            std::string_view raw = Trim(item.substr(equals + 1));
            std::string text;
            if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
                raw = raw.substr(1, raw.size() - 2);
                for (std::size_t char_idx = 0; char_idx < raw.size(); ++char_idx) {
                    if (raw[char_idx] == '\\' && char_idx + 1 < raw.size()) ++char_idx;
                    text.push_back(raw[char_idx]);
                }
            } else {
                text = std::string(raw);
            }
            return text;
        }
        start = end < value.size() ? end : std::string_view::npos;
    }
    return std::nullopt;
}

// A window over the body file: what was read and not consumed yet.
class BodyWindow {
 public:
    explicit BodyWindow(const std::filesystem::path& path) : input_(path, std::ios::binary) {}
    bool ok() const { return static_cast<bool>(input_) || input_.eof(); }

    // Reads more bytes; false at the end of the file.
    bool Fill() {
        if (input_.eof()) return false;
        std::string chunk(kReadChunkBytes, '\0');
        input_.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto got = static_cast<std::size_t>(input_.gcount());
        data_.append(chunk.data(), got);
        return got > 0;
    }
    std::string& data() { return data_; }

 private:
    std::ifstream input_;
    std::string data_;
};

Error Malformed(std::string message) {
    return Error::InvalidArgument("malformed multipart/form-data body: " + std::move(message),
                                  "file");
}

}  // namespace

std::string FileTooLargeMessage(std::uint64_t file_bytes_max) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    if (file_bytes_max % kMiB == 0)
        return "file exceeds maximum size of " + std::to_string(file_bytes_max / kMiB) + "MB";
    return "file exceeds maximum size of " + std::to_string(file_bytes_max) + " bytes";
}

Result<std::string> FormDataBoundary(std::string_view content_type) {
    const std::size_t semicolon = content_type.find(';');
    if (!http::EqualsIgnoreCase(Trim(content_type.substr(0, semicolon)), "multipart/form-data"))
        return Error::InvalidArgument("Content-Type must be multipart/form-data", "Content-Type");
    auto boundary = Parameter(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70)
        return Error::InvalidArgument(
            "Content-Type multipart/form-data needs a boundary of 1 to 70 characters",
            "Content-Type");
    return *boundary;
}

Result<UploadForm> ReadUploadForm(const std::filesystem::path& body_path, std::string_view boundary,
                                  const std::filesystem::path& file_path,
                                  std::uint64_t file_bytes_max) {
    BodyWindow window(body_path);
    if (!window.ok()) return Error::Unavailable("cannot read the upload");
    std::string& data = window.data();
    const std::string opening = "--" + std::string(boundary);
    const std::string delimiter = "\r\n" + opening;
    UploadForm form;

    // The first delimiter may follow a preamble; it starts the body or a line.
    std::size_t at = std::string::npos;
    for (;;) {
        at = data.find(opening);
        while (at != std::string::npos && at != 0 && data[at - 1] != '\n')
            at = data.find(opening, at + 1);
        if (at != std::string::npos) break;
        if (data.size() > kPartHeaderBytesMax || !window.Fill())
            return Malformed("no opening boundary");
    }
    data.erase(0, at + opening.size());

    std::size_t parts = 0;
    for (;;) {
        // After a delimiter: "--" ends the body, CRLF starts a part.
        while (data.size() < 2 && window.Fill()) {
        }
        if (data.compare(0, 2, "--") == 0) break;
        if (data.compare(0, 2, "\r\n") != 0) return Malformed("a boundary is not followed by CRLF");
        data.erase(0, 2);
        if (++parts > kFormFieldsMax + 1) return Malformed("too many parts");

        // Part headers, up to the blank line.
        std::size_t headers_end;
        while ((headers_end = data.find("\r\n\r\n")) == std::string::npos) {
            if (data.size() > kPartHeaderBytesMax) return Malformed("part headers are too long");
            if (!window.Fill()) return Malformed("a part's headers are not terminated");
        }
        const std::string headers = data.substr(0, headers_end);
        data.erase(0, headers_end + 4);
        std::optional<std::string> name;
        std::optional<std::string> filename;
        std::size_t line_start = 0;
        while (line_start < headers.size()) {
            std::size_t line_end = headers.find("\r\n", line_start);
            if (line_end == std::string::npos) line_end = headers.size();
            std::string_view line(headers.data() + line_start, line_end - line_start);
            line_start = line_end + 2;
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            if (!http::EqualsIgnoreCase(Trim(line.substr(0, colon)), "Content-Disposition"))
                continue;
            std::string_view value = line.substr(colon + 1);
            name = Parameter(value, "name");
            filename = Parameter(value, "filename");
        }
        if (!name) return Malformed("a part has no Content-Disposition name");
        const bool is_file = *name == "file";
        if (is_file && form.has_file) return Malformed("more than one \"file\" part");

        // The part's body, up to the next delimiter.
        std::ofstream file_out;
        Digest digest;
        std::string field_value;
        if (is_file) {
            form.has_file = true;
            form.filename = filename.value_or("");
            file_out.open(file_path, std::ios::binary | std::ios::trunc);
            digest = NewSha256();
            if (!file_out || !digest) return Error::Unavailable("cannot store the uploaded file");
        }
        auto emit = [&](std::string_view bytes) -> Status {
            if (is_file) {
                form.file_bytes += bytes.size();
                if (form.file_bytes > file_bytes_max)
                    return Error{ErrorCode::kPayloadTooLarge, FileTooLargeMessage(file_bytes_max),
                                 "file", "FILE_TOO_LARGE"};
                file_out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                EVP_DigestUpdate(digest.get(), bytes.data(), bytes.size());
                if (!file_out) return Error::Unavailable("cannot store the uploaded file");
            } else {
                if (field_value.size() + bytes.size() > kFormFieldBytesMax)
                    return Malformed("field \"" + *name + "\" is over " +
                                     std::to_string(kFormFieldBytesMax) + " bytes");
                field_value.append(bytes);
            }
            return Ok();
        };
        for (;;) {
            const std::size_t found = data.find(delimiter);
            if (found != std::string::npos) {
                DICTRA_RETURN_IF_ERROR(emit(std::string_view(data).substr(0, found)));
                data.erase(0, found + delimiter.size());
                break;
            }
            // Keep what could be the start of a delimiter split across reads.
            if (data.size() >= delimiter.size()) {
                const std::size_t safe = data.size() - (delimiter.size() - 1);
                DICTRA_RETURN_IF_ERROR(emit(std::string_view(data).substr(0, safe)));
                data.erase(0, safe);
            }
            if (!window.Fill()) return Malformed("the body ends before the closing boundary");
        }
        if (is_file) {
            file_out.close();
            if (!file_out) return Error::Unavailable("cannot store the uploaded file");
            form.file_sha256 = HexDigest(digest.get());
        } else {
            form.fields[*name] = std::move(field_value);
        }
    }
    return form;
}

Result<std::string> Sha256OfFile(const std::filesystem::path& path) {
    std::ifstream input(path, std::ios::binary);
    Digest digest = NewSha256();
    if (!input || !digest) return Error::Unavailable("cannot read the file");
    std::string chunk(kReadChunkBytes, '\0');
    while (input.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) ||
           input.gcount() > 0) {
        EVP_DigestUpdate(digest.get(), chunk.data(), static_cast<std::size_t>(input.gcount()));
    }
    return HexDigest(digest.get());
}

}  // namespace dictra::settlement
