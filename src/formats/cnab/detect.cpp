#include "formats/cnab/detect.hpp"

#include <string>

#include "formats/cnab/cnab240_layout.hpp"
#include "formats/cnab/cnab400_layout.hpp"
#include "formats/cnab/field.hpp"
#include "formats/cnab/line_reader.hpp"

namespace dictra::formats::cnab {

std::string_view ToString(Layout layout) {
    switch (layout) {
        case Layout::kCnab240: return "CNAB240";
        case Layout::kCnab400: return "CNAB400";
    }
    return "CNAB240";
}

Result<Layout> DetectLayout(std::istream& input) {
    LineReader lines(input, cnab400::kLineBytes + 1);
    std::size_t lines_240 = 0;
    std::size_t lines_400 = 0;
    std::size_t first_length = 0;
    Line line;
    while (lines.lines_read() < kDetectLinesMax && lines.Next(line)) {
        const std::size_t bom_bytes = line.bytes.size() - RecordBytes(line).size();
        const std::size_t length = line.length_bytes - bom_bytes;
        if (line.number == 1) first_length = line.length_bytes;
        if (length == cnab240::kLineBytes) ++lines_240;
        if (length == cnab400::kLineBytes) ++lines_400;
    }
    if (lines_240 == 0 && lines_400 == 0) {
        return Error::InvalidArgument(lines.lines_read() == 0
                                          ? std::string("empty file: not a CNAB file")
                                          : "no line of 240 or 400 bytes among the first " +
                                                std::to_string(lines.lines_read()) +
                                                ": not a CNAB file (the first line has " +
                                                std::to_string(first_length) + " bytes)");
    }
    return lines_400 > lines_240 ? Layout::kCnab400 : Layout::kCnab240;
}

}  // namespace dictra::formats::cnab
