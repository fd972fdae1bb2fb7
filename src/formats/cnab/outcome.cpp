#include "formats/cnab/outcome.hpp"

#include <utility>

namespace dictra::formats::cnab {

RecordOutcome StartOutcome(const Line& line, std::string kind) {
    RecordOutcome outcome;
    outcome.status = RecordStatus::kError;
    outcome.line_number = line.number;
    outcome.kind = std::move(kind);
    return outcome;
}

void RestartOutcome(RecordOutcome& outcome, const Line& line, std::string_view kind) {
    outcome.status = RecordStatus::kError;
    outcome.line_number = line.number;
    outcome.line_count = 1;
    outcome.kind.assign(kind);
    outcome.detail.clear();
    outcome.errors.clear();
    outcome.warnings.clear();
}

RecordOutcome FileFinding(std::size_t line_number, std::string field, std::string message,
                          bool strict) {
    RecordOutcome outcome;
    outcome.line_number = line_number;
    outcome.line_count = 0;
    outcome.kind = "file";
    Diagnostic diagnostic{
        .line_number = line_number, .field = std::move(field), .message = std::move(message)};
    if (strict) {
        outcome.status = RecordStatus::kError;
        outcome.errors.push_back(std::move(diagnostic));
    } else {
        outcome.status = RecordStatus::kControl;
        outcome.detail = "file structure";
        outcome.warnings.push_back(std::move(diagnostic));
    }
    return outcome;
}

void Finalize(RecordOutcome& outcome) {
    if (!outcome.errors.empty()) {
        outcome.status = RecordStatus::kError;
    } else if (outcome.status == RecordStatus::kError) {
        outcome.status = RecordStatus::kControl;
    }
    if (outcome.status != RecordStatus::kPayment) outcome.payment.reset();
}

}  // namespace dictra::formats::cnab
