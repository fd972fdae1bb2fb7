// multipart/form-data (RFC 7578) uploads, read from the request body on disk.
//
// The server streams an upload's body to a temporary file (RouteOptions::stream_body_to_disk);
// ReadUploadForm walks that file once with a small window, writes the part named "file" to its
// destination while computing its SHA-256, and keeps the other (small) fields in memory. The
// file part is never held in memory whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dictra::settlement {

inline constexpr std::size_t kFormFieldBytesMax = 1024;
inline constexpr std::size_t kFormFieldsMax = 16;
inline constexpr std::size_t kPartHeaderBytesMax = 8 * 1024;

struct UploadForm {
    bool has_file = false;
    std::string filename;  // from the file part's Content-Disposition ("" when absent)
    std::uint64_t file_bytes = 0;
    std::string file_sha256;                                 // lower-case hex
    std::map<std::string, std::string, std::less<>> fields;  // the other parts, by name
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type (optionally quoted).
// kInvalidArgument for another type or a missing or malformed boundary.
Result<std::string> FormDataBoundary(std::string_view content_type);

// Reads the form in `body_path`. The "file" part goes to `file_path` (created or truncated);
// when it passes `file_bytes_max` the reading stops with kPayloadTooLarge (reason
// FILE_TOO_LARGE). kInvalidArgument for a malformed body (no closing boundary, a part without
// a name, a field over kFormFieldBytesMax, two file parts); kUnavailable for I/O failures.
// On error `file_path` may hold part of the file: the caller removes it.
Result<UploadForm> ReadUploadForm(const std::filesystem::path& body_path, std::string_view boundary,
                                  const std::filesystem::path& file_path,
                                  std::uint64_t file_bytes_max);

// Lower-case hex SHA-256 of the bytes of a file; kUnavailable when it cannot be read.
Result<std::string> Sha256OfFile(const std::filesystem::path& path);

// "file exceeds maximum size of 100MB": the document's wording for any limit.
std::string FileTooLargeMessage(std::uint64_t file_bytes_max);

}  // namespace dictra::settlement
