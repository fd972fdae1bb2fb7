// Reading whole files into outcome lists and editing fixed-width lines, for the CNAB tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "formats/cnab/cnab240_reader.hpp"
#include "formats/cnab/cnab400_reader.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab::testing {

struct ReadResult {
    std::vector<RecordOutcome> outcomes;
    ReadSummary summary;

    std::vector<PaymentRecord> Payments() const {
        std::vector<PaymentRecord> payments;
        for (const auto& outcome : outcomes) {
            if (outcome.payment) payments.push_back(*outcome.payment);
        }
        return payments;
    }
    std::vector<Diagnostic> Errors() const {
        std::vector<Diagnostic> errors;
        for (const auto& outcome : outcomes) {
            errors.insert(errors.end(), outcome.errors.begin(), outcome.errors.end());
        }
        return errors;
    }
    std::vector<Diagnostic> Warnings() const {
        std::vector<Diagnostic> warnings;
        for (const auto& outcome : outcomes) {
            warnings.insert(warnings.end(), outcome.warnings.begin(), outcome.warnings.end());
        }
        return warnings;
    }
    // Every error and warning, one per line, for failure messages.
    std::string Describe() const {
        std::string text;
        for (const auto& outcome : outcomes) {
            for (const auto& error : outcome.errors)
                text += "error " + formats::Describe(error) + "\n";
            for (const auto& warning : outcome.warnings) {
                text += "warning " + formats::Describe(warning) + "\n";
            }
        }
        return text;
    }
};

template <typename Reader>
ReadResult Drain(Reader& reader) {
    ReadResult result;
    while (std::optional<RecordOutcome> outcome = reader.Next()) {
        result.outcomes.push_back(std::move(*outcome));
    }
    result.summary = reader.summary();
    return result;
}

inline ReadResult Read240(const std::string& bytes, Cnab240ReaderOptions options = {}) {
    std::istringstream input(bytes);
    Cnab240Reader reader(input, std::move(options));
    return Drain(reader);
}

inline ReadResult Read400(const std::string& bytes) {
    std::istringstream input(bytes);
    Cnab400Reader reader(input);
    return Drain(reader);
}

// The lines of a CRLF file, without terminators.
inline std::vector<std::string> SplitCrlf(const std::string& bytes) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < bytes.size()) {
        std::size_t end = bytes.find("\r\n", start);
        if (end == std::string::npos) end = bytes.size();
        lines.push_back(bytes.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

inline std::string JoinCrlf(const std::vector<std::string>& lines) {
    std::string bytes;
    for (const auto& line : lines) bytes += line + "\r\n";
    return bytes;
}

// Overwrites 1-based positions first.. of `line` with `text`.
inline void Put(std::string& line, std::size_t first, std::string_view text) {
    line.replace(first - 1, text.size(), text);
}

// The 1-based inclusive positions first..last of `line`.
inline std::string At(const std::string& line, std::size_t first, std::size_t last) {
    return line.substr(first - 1, last - first + 1);
}

// DICTRA_SOURCE_DIR/../shared/reference/<relative>, or "" when that folder is absent.
inline std::string ReferenceDir(const std::string& relative) {
    const std::filesystem::path dir =
        std::filesystem::path(DICTRA_SOURCE_DIR) / ".." / "shared" / "reference" / relative;
    return std::filesystem::is_directory(dir) ? dir.string() : std::string();
}

inline bool HasError(const ReadResult& result, std::size_t line_number, std::string_view field,
                     std::string_view message_part) {
    for (const auto& error : result.Errors()) {
        if (error.line_number == line_number && error.field == field &&
            error.message.find(message_part) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace dictra::formats::cnab::testing
