// Settlement over HTTP, section "File Operations": /api/v1/files/import, /api/v1/files/imports,
// its records and processing, and /api/v1/files/export.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <filesystem>

#include "core/auth/principal.hpp"
#include "core/ids.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "settlement/file_upload.hpp"
#include "settlement/routes.hpp"
#include "settlement/rule_errors.hpp"

namespace dictra::settlement {
namespace {

std::optional<std::string> Query(const http::Request& request, std::string_view name) {
    auto value = request.QueryParam(name);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

void PutOptionalTime(boost::json::object& object, std::string_view key,
                     const std::optional<SystemTimePoint>& at) {
    if (at) object[key] = FormatRfc3339(*at);
}

// success_rate as the document writes it: 100, 0, 66.67 (Boost.JSON would write 1E2 for a
// double, so whole values go out as integers).
boost::json::value RateJson(const FileImport& file) {
    const double rate = SuccessRate(file);
    const auto whole = static_cast<std::int64_t>(rate);
    if (static_cast<double>(whole) == rate) return boost::json::value(whole);
    return boost::json::value(rate);
}

// The full resource (import, get).
boost::json::object ToJson(const FileImport& file) {
    boost::json::object object;
    object["id"] = file.id;
    object["unique_id"] = file.unique_id;
    object["filename"] = file.filename;
    object["file_type"] = ToString(file.file_type);
    object["file_size"] = file.file_size;
    object["file_hash"] = file.file_hash;
    object["status"] = ToString(file.status);
    object["total_records"] = file.total_records;
    object["processed_records"] = file.processed_records;
    object["failed_records"] = file.failed_records;
    object["skipped_records"] = file.skipped_records;
    object["success_rate"] = RateJson(file);
    if (file.debtor_ispb) object["debtor_ispb"] = *file.debtor_ispb;
    if (file.failure_reason) object["failure_reason"] = *file.failure_reason;
    object["created_by"] = file.created_by;
    PutOptionalTime(object, "started_at", file.started_at);
    PutOptionalTime(object, "completed_at", file.completed_at);
    object["created_at"] = FormatRfc3339(file.created_at);
    object["updated_at"] = FormatRfc3339(file.updated_at);
    return object;
}

// The list item of the document.
boost::json::object ToSummaryJson(const FileImport& file) {
    boost::json::object object;
    object["id"] = file.id;
    object["filename"] = file.filename;
    object["file_type"] = ToString(file.file_type);
    object["status"] = ToString(file.status);
    object["total_records"] = file.total_records;
    object["processed_records"] = file.processed_records;
    object["failed_records"] = file.failed_records;
    object["skipped_records"] = file.skipped_records;
    object["success_rate"] = RateJson(file);
    object["created_by"] = file.created_by;
    object["created_at"] = FormatRfc3339(file.created_at);
    PutOptionalTime(object, "completed_at", file.completed_at);
    return object;
}

boost::json::object ToJson(const FileRecord& record) {
    boost::json::object object;
    object["id"] = record.id;
    object["file_import_id"] = record.file_import_id;
    object["line_number"] = record.line_number;
    object["raw_data"] = record.raw_data;
    object["status"] = ToString(record.status);
    if (record.payment_request_id) object["payment_request_id"] = *record.payment_request_id;
    if (record.reason) object["reason"] = *record.reason;
    PutOptionalTime(object, "processed_at", record.processed_at);
    object["created_at"] = FormatRfc3339(record.created_at);
    return object;
}

http::Response Json(http::Status status, const boost::json::object& body) {
    return http::JsonText(status, json::Serialize(body));
}

// The multipart body on disk -> the import command. The file part is written to `part_path`.
Result<ImportFileCommand> ReadImport(const http::Request& request,
                                     const std::filesystem::path& part_path,
                                     std::uint64_t file_bytes_max) {
    DICTRA_ASSIGN_OR_RETURN(std::string boundary,
                            FormDataBoundary(request.Header("Content-Type").value_or("")));
    if (request.body_file.empty()) return Invalid("file", "is required (multipart part \"file\")");
    DICTRA_ASSIGN_OR_RETURN(UploadForm form,
                            ReadUploadForm(request.body_file, boundary, part_path, file_bytes_max));
    if (!form.has_file) return Invalid("file", "is required (multipart part \"file\")");
    auto file_type = form.fields.find("file_type");
    if (file_type == form.fields.end() || file_type->second.empty())
        return Invalid("file_type", "is required (CNAB240, CNAB400, CSV or JSON)");
    ImportFileCommand command;
    command.path = part_path;
    command.filename = std::filesystem::path(form.filename).filename().string();
    command.file_type = file_type->second;
    command.file_size = form.file_bytes;
    command.file_hash = form.file_sha256;
    if (auto user = request.Header("X-User-ID")) command.created_by = std::string(*user);
    if (auto debtor = form.fields.find("debtor_ispb"); debtor != form.fields.end())
        command.debtor_ispb = debtor->second;
    return command;
}

}  // namespace

void AddFileRoutes(http::Router& router, SettlementService& service) {
    const std::uint64_t file_bytes_max = service.file_options().import_bytes_max;
    router.Add(
        http::Method::kPost, "/api/v1/files/import",
        [&service, file_bytes_max](http::Request& request) -> Result<http::Response> {
            if (service.file_options().files_dir.empty())
                return Error::Unavailable("file imports are not configured");
            const std::filesystem::path part_path =
                service.file_options().files_dir / ("upload-" + NewUuidV4() + ".part");
            auto imported = [&]() -> Result<FileImport> {
                DICTRA_ASSIGN_OR_RETURN(ImportFileCommand command,
                                        ReadImport(request, part_path, file_bytes_max));
                return service.ImportFile(command, *request.principal);
            }();
            // Refused, or moved into place: either way no part file is left behind.
            std::error_code ignored;
            std::filesystem::remove(part_path, ignored);
            if (!imported.ok()) return std::move(imported).error();
            return Json(http::Status::kCreated, ToJson(*imported));
        },
        http::RouteOptions{.body_bytes_max = file_bytes_max + kImportFramingBytesMax,
                           .stream_body_to_disk = true,
                           .body_too_large_error = Error{ErrorCode::kPayloadTooLarge,
                                                         FileTooLargeMessage(file_bytes_max),
                                                         "file", "FILE_TOO_LARGE"}});
    router.Add(http::Method::kGet, "/api/v1/files/imports",
               [&service](http::Request& request) -> Result<http::Response> {
                   FileImportListQuery query{.status = Query(request, "status"),
                                             .file_type = Query(request, "file_type"),
                                             .created_by = Query(request, "created_by"),
                                             .limit = Query(request, "limit"),
                                             .offset = Query(request, "offset")};
                   DICTRA_ASSIGN_OR_RETURN(FileImportPage page,
                                           service.ListFileImports(query, *request.principal));
                   boost::json::array data;
                   for (const FileImport& file : page.data) data.push_back(ToSummaryJson(file));
                   return Json(
                       http::Status::kOk,
                       {{"data", std::move(data)},
                        {"pagination", PaginationJson(page.total, page.limit, page.offset)}});
               });
    router.Add(
        http::Method::kGet, "/api/v1/files/imports/{id}",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(std::int64_t id, ParsePaymentId(request.PathParam("id")));
            DICTRA_ASSIGN_OR_RETURN(FileImport file, service.GetFileImport(id, *request.principal));
            return Json(http::Status::kOk, ToJson(file));
        });
    router.Add(http::Method::kGet, "/api/v1/files/imports/{id}/records",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   FileRecordQuery query{.status = Query(request, "status"),
                                         .limit = Query(request, "limit"),
                                         .offset = Query(request, "offset")};
                   DICTRA_ASSIGN_OR_RETURN(FileRecordPage page,
                                           service.FileRecords(id, query, *request.principal));
                   boost::json::array records;
                   for (const FileRecord& record : page.records) records.push_back(ToJson(record));
                   const auto count = static_cast<std::int64_t>(records.size());
                   return Json(http::Status::kOk, {{"records", std::move(records)},
                                                   {"count", count},
                                                   {"limit", page.limit},
                                                   {"offset", page.offset}});
               });
    router.Add(http::Method::kPost, "/api/v1/files/imports/{id}/process",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_ASSIGN_OR_RETURN(FileImport file,
                                           service.ProcessFileImport(id, *request.principal));
                   boost::json::object body{{"id", file.id}, {"status", ToString(file.status)}};
                   PutOptionalTime(body, "started_at", file.started_at);
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kGet, "/api/v1/files/export",
               [&service](http::Request& request) -> Result<http::Response> {
                   ExportQuery query{.format = Query(request, "format"),
                                     .status = Query(request, "status"),
                                     .from = Query(request, "from"),
                                     .to = Query(request, "to"),
                                     .debtor_ispb = Query(request, "debtor_ispb"),
                                     .creditor_ispb = Query(request, "creditor_ispb"),
                                     .min_amount = Query(request, "min_amount"),
                                     .max_amount = Query(request, "max_amount"),
                                     .max_records = Query(request, "max_records")};
                   DICTRA_ASSIGN_OR_RETURN(ExportFile file,
                                           service.ExportPayments(query, *request.principal));
                   http::Response response =
                       http::Text(http::Status::kOk, file.content_type, std::move(file.body));
                   response.headers.Set("Content-Disposition",
                                        "attachment; filename=\"" + file.filename + "\"");
                   response.headers.Set("X-Export-Records", std::to_string(file.records));
                   return response;
               });
}

}  // namespace dictra::settlement
