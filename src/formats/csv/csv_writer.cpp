#include "formats/csv/csv_writer.hpp"

#include "core/check.hpp"

namespace dictra::formats::csv {

std::string QuoteField(std::string_view field, char delimiter) {
    // A leading byte order mark would be taken for the file's own at the start of a file.
    const bool needs_quotes =
        field.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos ||
        field.starts_with("\xEF\xBB\xBF");
    if (!needs_quotes) return std::string(field);
    std::string quoted = "\"";
    for (char c : field) {
        if (c == '"') quoted.push_back('"');
        quoted.push_back(c);
    }
    quoted.push_back('"');
    return quoted;
}

CsvWriter::CsvWriter(std::ostream& output, char delimiter)
    : output_(&output), delimiter_(delimiter) {
    DICTRA_CHECK(delimiter != '"' && delimiter != '\r' && delimiter != '\n');
}

Status CsvWriter::WriteRecord(const std::vector<std::string>& fields) {
    std::string line;
    if (fields.size() == 1 && fields[0].empty()) {
        line = "\"\"";
    } else {
        for (std::size_t field_idx = 0; field_idx < fields.size(); ++field_idx) {
            if (field_idx > 0) line.push_back(delimiter_);
            line += QuoteField(fields[field_idx], delimiter_);
        }
    }
    line += "\r\n";
    output_->write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!*output_) return Error::Unavailable("writing the CSV file failed");
    return Ok();
}

}  // namespace dictra::formats::csv
