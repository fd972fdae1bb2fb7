#include "formats/csv/csv_reader.hpp"

#include <cstdint>

#include "core/check.hpp"
#include "core/utf8.hpp"

namespace dictra::formats::csv {
namespace {

using Traits = std::streambuf::traits_type;
constexpr int kEnd = -1;

}  // namespace

bool IsValidUtf8(std::string_view text) {
    return !FindInvalidUtf8(text).has_value();
}

CsvReader::CsvReader(std::istream& input, CsvOptions options)
    : buffer_(input.rdbuf()), options_(options) {
    DICTRA_CHECK(options_.delimiter != '"' && options_.delimiter != '\r' &&
                 options_.delimiter != '\n');
}

int CsvReader::Peek() {
    if (!pending_.empty()) return static_cast<unsigned char>(pending_.front());
    if (buffer_ == nullptr) return kEnd;
    const Traits::int_type next = buffer_->sgetc();
    return Traits::eq_int_type(next, Traits::eof())
               ? kEnd
               : static_cast<unsigned char>(Traits::to_char_type(next));
}

int CsvReader::Bump() {
    int c = kEnd;
    if (!pending_.empty()) {
        c = static_cast<unsigned char>(pending_.front());
        pending_.erase(0, 1);
    } else if (buffer_ != nullptr) {
        const Traits::int_type next = buffer_->sbumpc();
        if (!Traits::eq_int_type(next, Traits::eof())) {
            c = static_cast<unsigned char>(Traits::to_char_type(next));
        }
    }
    if (c == '\n') {
        ++newlines_;
        partial_line_ = false;
    } else if (c != kEnd) {
        partial_line_ = true;
    }
    return c;
}

void CsvReader::SkipByteOrderMark() {
    if (Peek() != 0xEF) return;
    Bump();
    if (Peek() != 0xBB) {
        pending_ = "\xEF";
        return;
    }
    Bump();
    if (Peek() != 0xBF) {
        pending_ = "\xEF\xBB";
        return;
    }
    Bump();
    partial_line_ = false;
}

CsvReader::FieldEnd CsvReader::Fault(CsvRecord& record, std::size_t column, std::string message) {
    if (!record.fault) record.fault = CsvFault{line(), column, std::move(message)};
    return FieldEnd::kFault;
}

void CsvReader::SkipRestOfLine() {
    while (true) {
        const int c = Bump();
        if (c == kEnd || c == '\n') return;
    }
}

// After a field: a line end (LF or CRLF) or the end of input closes the record.
CsvReader::FieldEnd CsvReader::LineEnd(CsvRecord& record) {
    const int c = Peek();
    if (c == kEnd) return FieldEnd::kRecordEnd;
    if (c == '\n') {
        Bump();
        return FieldEnd::kRecordEnd;
    }
    DICTRA_ASSERT(c == '\r');
    Bump();
    if (Peek() == '\n') {
        Bump();
        return FieldEnd::kRecordEnd;
    }
    return Fault(record, record.fields.size() + 1,
                 "a CR not followed by LF (records end in CRLF or LF)");
}

CsvReader::FieldEnd CsvReader::ReadField(CsvRecord& record, std::string& field) {
    const std::size_t column = record.fields.size() + 1;
    const std::size_t field_bytes_max = options_.limits.field_bytes_max;
    bool too_long = false;
    auto append = [&](char c) {
        if (field.size() < field_bytes_max) {
            field.push_back(c);
        } else {
            too_long = true;
        }
    };
    FieldEnd end = FieldEnd::kRecordEnd;
    if (Peek() == '"') {
        const std::size_t opened_on = line();
        Bump();
        while (true) {
            const int c = Bump();
            if (c == kEnd) {
                // Said where it opened: the end of the file is no place to look for it.
                record.fault = CsvFault{opened_on, column,
                                        "a quoted field opened on line " +
                                            std::to_string(opened_on) + " is never closed"};
                return FieldEnd::kFault;
            }
            if (c == '"') {
                if (Peek() != '"') break;
                Bump();
            }
            append(static_cast<char>(c));
        }
        const int after = Peek();
        if (after == options_.delimiter) {
            Bump();
            end = FieldEnd::kDelimiter;
        } else if (after == kEnd || after == '\n' || after == '\r') {
            end = LineEnd(record);
        } else {
            return Fault(record, column, "characters after the closing quote");
        }
    } else {
        while (true) {
            const int c = Peek();
            if (c == options_.delimiter) {
                Bump();
                end = FieldEnd::kDelimiter;
                break;
            }
            if (c == kEnd || c == '\n' || c == '\r') {
                end = LineEnd(record);
                break;
            }
            if (c == '"') {
                return Fault(record, column,
                             "a quote inside an unquoted field (quote the whole field and "
                             "write the quote twice)");
            }
            append(static_cast<char>(Bump()));
        }
    }
    if (end == FieldEnd::kFault) return end;
    if (too_long) {
        Fault(record, column,
              "the field is longer than " + std::to_string(field_bytes_max) + " bytes");
    } else if (options_.require_utf8 && !IsValidUtf8(field)) {
        Fault(record, column, "the field is not valid UTF-8");
    }
    return end;
}

std::optional<CsvRecord> CsvReader::Next() {
    if (stopped_) return std::nullopt;
    if (!started_) {
        started_ = true;
        SkipByteOrderMark();
    }
    if (Peek() == kEnd) return std::nullopt;
    CsvRecord record;
    record.line_number = line();
    const std::size_t newlines_before = newlines_;
    if (records_ == options_.limits.records_max) {
        stopped_ = true;
        record.fault = CsvFault{line(), 0,
                                "more than " + std::to_string(options_.limits.records_max) +
                                    " records; the rest of the file was not read"};
        return record;
    }
    ++records_;

    FieldEnd end = FieldEnd::kRecordEnd;
    const int first = Peek();
    if (first == '\n' || first == '\r') {
        end = LineEnd(record);  // a blank line: a record without fields
    } else {
        std::size_t record_bytes = 0;
        do {
            std::string field;
            end = ReadField(record, field);
            if (record.fault) break;
            record_bytes += field.size();
            if (record_bytes > options_.limits.record_bytes_max) {
                Fault(record, 0,
                      "the record is longer than " +
                          std::to_string(options_.limits.record_bytes_max) + " bytes");
                break;
            }
            if (record.fields.size() == options_.limits.fields_per_record_max) {
                Fault(record, 0,
                      "the record has more than " +
                          std::to_string(options_.limits.fields_per_record_max) + " fields");
                break;
            }
            record.fields.push_back(std::move(field));
        } while (end == FieldEnd::kDelimiter);
    }
    if (record.fault && end != FieldEnd::kRecordEnd) SkipRestOfLine();
    record.line_count = newlines_ - newlines_before + (partial_line_ ? 1 : 0);
    if (record.line_count == 0) record.line_count = 1;
    return record;
}

}  // namespace dictra::formats::csv
