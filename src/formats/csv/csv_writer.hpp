// RFC 4180 CSV writer, one record at a time.
//
// Each record ends in CRLF. A field is quoted when it holds the delimiter, a quote, CR or LF,
// and quotes inside are written twice; a record of one empty field is written `""` so that it
// reads back as such and not as a blank line (a record with no fields). Whatever CsvReader
// reads, CsvWriter writes back so that CsvReader reads the same fields.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dictra::formats::csv {

class CsvWriter {
 public:
    // REQUIRES: `output` outlives the writer; `delimiter` is neither '"', CR nor LF.
    explicit CsvWriter(std::ostream& output, char delimiter = ',');

    // kUnavailable when the stream fails.
    Status WriteRecord(const std::vector<std::string>& fields);

 private:
    std::ostream* output_;
    char delimiter_;
};

// One field as CsvWriter writes it: quoted when needed.
std::string QuoteField(std::string_view field, char delimiter = ',');

}  // namespace dictra::formats::csv
