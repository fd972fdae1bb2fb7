#include "formats/cnab/line_reader.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/check.hpp"

namespace dictra::formats::cnab {

LineReader::LineReader(std::istream& input, std::size_t kept_bytes_max)
    : buffer_(input.rdbuf()), kept_bytes_max_(kept_bytes_max), block_(kBlockBytes) {
    DICTRA_CHECK(kept_bytes_max > 0);
}

bool LineReader::Fill() {
    if (block_begin_ < block_end_) return true;
    if (buffer_ == nullptr) return false;
    block_begin_ = 0;
    block_end_ = static_cast<std::size_t>(
        buffer_->sgetn(block_.data(), static_cast<std::streamsize>(block_.size())));
    return block_end_ > 0;
}

bool LineReader::AtEnd() {
    return !Fill();
}

bool LineReader::Next(Line& line) {
    if (AtEnd()) return false;
    line.bytes.clear();
    line.length_bytes = 0;
    line.number = ++lines_read_;
    char last = '\0';
    while (Fill()) {
        const char* start = block_.data() + block_begin_;
        const std::size_t available = block_end_ - block_begin_;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
        const std::size_t taken =
            newline != nullptr ? static_cast<std::size_t>(newline - start) : available;
        if (line.bytes.size() < kept_bytes_max_) {
            line.bytes.append(start, std::min(taken, kept_bytes_max_ - line.bytes.size()));
        }
        line.length_bytes += taken;
        if (taken > 0) last = start[taken - 1];
        block_begin_ += taken;
        if (newline != nullptr) {
            ++block_begin_;
            break;
        }
    }
    // A CR right before the LF, or at the very end of input, belongs to the terminator; any
    // other CR stays in the line.
    if (line.length_bytes > 0 && last == '\r') {
        --line.length_bytes;
        if (line.bytes.size() > line.length_bytes) line.bytes.pop_back();
    }
    return true;
}

bool RecordLines::Take(Line& line) {
    if (has_given_back_) {
        std::swap(line, given_back_);
        has_given_back_ = false;
        return true;
    }
    if (empty_lines_pending_ > 0) {
        --empty_lines_pending_;
        line.bytes.clear();
        line.length_bytes = 0;
        line.number = next_empty_line_number_++;
        return true;
    }
    if (has_deferred_) {
        std::swap(line, deferred_);
        has_deferred_ = false;
        return true;
    }
    if (!lines_.Next(line)) return false;
    if (line.length_bytes != 0) return true;
    std::size_t empty_lines = 1;
    while (lines_.Next(deferred_)) {
        if (deferred_.length_bytes != 0) {
            has_deferred_ = true;
            empty_lines_pending_ = empty_lines - 1;
            next_empty_line_number_ = line.number + 1;
            return true;
        }
        ++empty_lines;
    }
    return false;
}

std::optional<Line> RecordLines::Take() {
    Line line;
    if (!Take(line)) return std::nullopt;
    return line;
}

void RecordLines::GiveBack(Line line) {
    DICTRA_CHECK(!has_given_back_);
    given_back_ = std::move(line);
    has_given_back_ = true;
}

}  // namespace dictra::formats::cnab
