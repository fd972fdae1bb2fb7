#include "settlement/file_model.hpp"

#include <array>
#include <cmath>
#include <utility>

namespace dictra::settlement {
namespace {

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
    for (const auto& [candidate, name] : names)
        if (candidate == value) return name;
    return "UNKNOWN";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueOf(const std::array<std::pair<Enum, std::string_view>, N>& names,
                            std::string_view text) {
    for (const auto& [candidate, name] : names)
        if (name == text) return candidate;
    return std::nullopt;
}

constexpr std::array<std::pair<FileType, std::string_view>, 4> kFileTypeNames = {{
    {FileType::kCnab240, "CNAB240"},
    {FileType::kCnab400, "CNAB400"},
    {FileType::kCsv, "CSV"},
    {FileType::kJson, "JSON"},
}};

constexpr std::array<std::pair<FileImportStatus, std::string_view>, 4> kImportStatusNames = {{
    {FileImportStatus::kUploaded, "UPLOADED"},
    {FileImportStatus::kProcessing, "PROCESSING"},
    {FileImportStatus::kCompleted, "COMPLETED"},
    {FileImportStatus::kFailed, "FAILED"},
}};

constexpr std::array<std::pair<FileRecordStatus, std::string_view>, 4> kRecordStatusNames = {{
    {FileRecordStatus::kPending, "PENDING"},
    {FileRecordStatus::kSuccess, "SUCCESS"},
    {FileRecordStatus::kFailed, "FAILED"},
    {FileRecordStatus::kSkipped, "SKIPPED"},
}};

constexpr std::array<std::pair<ExportFormat, std::string_view>, 4> kExportFormatNames = {{
    {ExportFormat::kCnab240, "cnab240"},
    {ExportFormat::kCnab400, "cnab400"},
    {ExportFormat::kCsv, "csv"},
    {ExportFormat::kJson, "json"},
}};

}  // namespace

std::string_view ToString(FileType type) {
    return NameOf(kFileTypeNames, type);
}
std::optional<FileType> FileTypeFromString(std::string_view text) {
    return ValueOf(kFileTypeNames, text);
}
std::string_view ToString(FileImportStatus status) {
    return NameOf(kImportStatusNames, status);
}
std::optional<FileImportStatus> FileImportStatusFromString(std::string_view text) {
    return ValueOf(kImportStatusNames, text);
}
std::string_view ToString(FileRecordStatus status) {
    return NameOf(kRecordStatusNames, status);
}
std::optional<FileRecordStatus> FileRecordStatusFromString(std::string_view text) {
    return ValueOf(kRecordStatusNames, text);
}
std::string_view ToString(ExportFormat format) {
    return NameOf(kExportFormatNames, format);
}
std::optional<ExportFormat> ExportFormatFromString(std::string_view text) {
    return ValueOf(kExportFormatNames, text);
}

double SuccessRate(const FileImport& file) {
    if (file.processed_records <= 0) return 0;
    const double percent = 100.0 * static_cast<double>(file.success_records) /
                           static_cast<double>(file.processed_records);
    return std::round(percent * 100.0) / 100.0;
}

}  // namespace dictra::settlement
