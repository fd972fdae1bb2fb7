#include "formats/cnab/line_reader.hpp"

#include "core/check.hpp"

namespace dictra::formats::cnab {

LineReader::LineReader(std::istream& input, std::size_t kept_bytes_max)
    : buffer_(input.rdbuf()), kept_bytes_max_(kept_bytes_max) {
    DICTRA_CHECK(kept_bytes_max > 0);
}

bool LineReader::AtEnd() {
    return buffer_ == nullptr || std::streambuf::traits_type::eq_int_type(
                                     buffer_->sgetc(), std::streambuf::traits_type::eof());
}

bool LineReader::Next(Line& line) {
    using Traits = std::streambuf::traits_type;
    if (AtEnd()) return false;
    line.bytes.clear();
    line.length_bytes = 0;
    line.number = ++lines_read_;
    while (true) {
        const Traits::int_type next = buffer_->sbumpc();
        if (Traits::eq_int_type(next, Traits::eof())) break;
        const char c = Traits::to_char_type(next);
        if (c == '\n') break;
        if (c == '\r') {
            const Traits::int_type after = buffer_->sgetc();
            if (Traits::eq_int_type(after, Traits::to_int_type('\n'))) {
                buffer_->sbumpc();
                break;
            }
            // A CR at the very end of input ends the last line like CRLF would.
            if (Traits::eq_int_type(after, Traits::eof())) break;
        }
        if (line.bytes.size() < kept_bytes_max_) line.bytes.push_back(c);
        ++line.length_bytes;
    }
    return true;
}

std::optional<Line> RecordLines::Take() {
    if (given_back_) {
        std::optional<Line> line = std::move(given_back_);
        given_back_.reset();
        return line;
    }
    if (empty_lines_pending_ > 0) {
        --empty_lines_pending_;
        Line empty;
        empty.number = next_empty_line_number_++;
        return empty;
    }
    if (deferred_) {
        std::optional<Line> line = std::move(deferred_);
        deferred_.reset();
        return line;
    }
    Line line;
    if (!lines_.Next(line)) return std::nullopt;
    if (line.length_bytes != 0) return line;
    std::size_t empty_lines = 1;
    Line next;
    while (lines_.Next(next)) {
        if (next.length_bytes != 0) {
            deferred_ = std::move(next);
            empty_lines_pending_ = empty_lines - 1;
            next_empty_line_number_ = line.number + 1;
            return line;
        }
        ++empty_lines;
    }
    return std::nullopt;
}

void RecordLines::GiveBack(Line line) {
    DICTRA_CHECK(!given_back_);
    given_back_ = std::move(line);
}

}  // namespace dictra::formats::cnab
