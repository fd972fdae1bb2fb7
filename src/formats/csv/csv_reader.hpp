// Streaming RFC 4180 CSV reader, one record at a time.
//
// Accepted: fields separated by `delimiter`; fields in double quotes may hold the delimiter,
// CR, LF and quotes written twice (""); records end in CRLF or LF, and the last one may end at
// the end of input; a UTF-8 byte order mark at the very start is skipped. A blank line is a
// record with no fields (callers usually skip it); `""` is a record with one empty field.
// Refused, as a CsvFault on the record (line and column say where): a quote inside an unquoted
// field, anything but a delimiter or line end after a closing quote, a CR not followed by LF
// outside quotes, a quoted field still open at the end of input, text that is not UTF-8 (when
// `require_utf8`), and anything past the limits. After a fault the reader skips to the end of
// that physical line and goes on with the next record, so one bad row costs one record.
//
// Limits bound what one record can make us hold (field and record bytes, fields per record)
// and how long a file can run (records); past `records_max` the reader reports one fault and
// stops. Never throws; reads the input once, a byte at a time through its buffer.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dictra::formats::csv {

struct CsvLimits {
    std::size_t field_bytes_max = 4 * 1024;
    std::size_t record_bytes_max = 64 * 1024;
    std::size_t fields_per_record_max = 256;
    std::size_t records_max = 1'000'000;
};

struct CsvOptions {
    char delimiter = ',';
    bool require_utf8 = true;
    CsvLimits limits;
};

struct CsvFault {
    std::size_t line_number = 0;  // 1-based physical line where it was found
    std::size_t column = 0;       // 1-based field number; 0 = the record as a whole
    std::string message;
};

struct CsvRecord {
    std::vector<std::string> fields;
    std::size_t line_number = 0;  // first physical line, 1-based
    std::size_t line_count = 1;   // physical lines the record spans (quoted line breaks)
    // Set when the record is malformed; `fields` then holds only what was read before it.
    std::optional<CsvFault> fault;
};

class CsvReader {
 public:
    // REQUIRES: `input` outlives the reader; options.delimiter is neither '"', CR nor LF.
    explicit CsvReader(std::istream& input, CsvOptions options = {});

    // The next record, or nullopt at the end of input (or after the records_max fault).
    std::optional<CsvRecord> Next();

    // Physical lines read so far (a last line without terminator counts once it has a byte).
    std::size_t lines_read() const { return newlines_ + (partial_line_ ? 1 : 0); }

 private:
    enum class FieldEnd { kDelimiter, kRecordEnd, kFault };

    int Peek();
    int Bump();
    std::size_t line() const { return newlines_ + 1; }
    void SkipByteOrderMark();
    FieldEnd ReadField(CsvRecord& record, std::string& field);
    FieldEnd LineEnd(CsvRecord& record);
    FieldEnd Fault(CsvRecord& record, std::size_t column, std::string message);
    void SkipRestOfLine();

    std::streambuf* buffer_;
    CsvOptions options_;
    std::string pending_;  // bytes read while looking for a byte order mark that was not one
    std::size_t newlines_ = 0;
    bool partial_line_ = false;
    bool started_ = false;
    bool stopped_ = false;
    std::size_t records_ = 0;
};

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace dictra::formats::csv
