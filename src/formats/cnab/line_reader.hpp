// Physical lines of a fixed-width file, one at a time, with a bound on what is kept.
//
// A line ends at LF, CRLF, or the end of input; the terminator is not part of the line, and a
// final line without terminator counts, and so does a lone CR at the very end of input. Any other
// CR that is not followed by LF stays in the line (it then makes the line too long, which the
// reader reports). At most `kept_bytes_max` bytes of a
// line are kept; the rest is skipped but still counted, so a reader can say "found 1 000 000
// bytes" without holding them. The input is read in blocks of kBlockBytes, so the stream's
// position after reading is past the current line: seek before reading the stream again.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace dictra::formats::cnab {

struct Line {
    std::string bytes;             // the first kept_bytes_max bytes, terminator excluded
    std::size_t number = 0;        // 1-based
    std::size_t length_bytes = 0;  // the real length, terminator excluded (>= bytes.size())
};

class LineReader {
 public:
    // REQUIRES: `input` outlives the reader; kept_bytes_max > 0.
    LineReader(std::istream& input, std::size_t kept_bytes_max);

    // Reads the next line into `line`. False at the end of input (`line` unchanged).
    bool Next(Line& line);

    // True when no byte is left to read.
    bool AtEnd();

    std::size_t lines_read() const { return lines_read_; }

    static constexpr std::size_t kBlockBytes = 64 * 1024;

 private:
    // Reads the next block when the current one is used up. False at the end of input.
    bool Fill();

    std::streambuf* buffer_;
    std::size_t kept_bytes_max_;
    std::size_t lines_read_ = 0;
    std::vector<char> block_;
    std::size_t block_begin_ = 0;  // the next unread byte
    std::size_t block_end_ = 0;
};

// The lines of a record file as a reader wants them. Empty lines that only lead to the end of
// input are dropped (an editor's, not the file's); empty lines followed by more records are
// handed out one by one, to be reported, and only their count is kept meanwhile. A reader that
// took one line too many (looking for a record's continuation) gives it back.
class RecordLines {
 public:
    // REQUIRES: `input` outlives this; kept_bytes_max > 0.
    RecordLines(std::istream& input, std::size_t kept_bytes_max) : lines_(input, kept_bytes_max) {}

    // The next line into `line`, reusing its buffer; false at the end (`line` unspecified).
    bool Take(Line& line);
    // The next line; nullopt at the end.
    std::optional<Line> Take();
    // REQUIRES: nothing given back since the last Take().
    void GiveBack(Line line);
    // Physical lines read from the input so far.
    std::size_t lines_read() const { return lines_.lines_read(); }

 private:
    LineReader lines_;
    // Held lines are swapped in and out rather than copied, so their buffers are reused.
    Line given_back_;
    bool has_given_back_ = false;
    std::size_t empty_lines_pending_ = 0;
    std::size_t next_empty_line_number_ = 0;
    Line deferred_;  // the record after a run of empty lines
    bool has_deferred_ = false;
};

}  // namespace dictra::formats::cnab
