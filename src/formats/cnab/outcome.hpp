// Building RecordOutcomes the same way in both CNAB readers.
//
// A reader starts an outcome as an ERROR, collects Diagnostics into it, and Finalize() settles
// its status: any error makes it ERROR (and drops a payment); otherwise it keeps PAYMENT or
// SKIPPED if it was set, and a record that was only checked becomes CONTROL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "formats/cnab/line_reader.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

RecordOutcome StartOutcome(const Line& line, std::string kind);

// StartOutcome into an outcome used before, keeping the capacity of its strings and vectors.
// Its payment, if any, is kept too, for the reader to refill: Finalize drops it unless the
// outcome ends as a PAYMENT.
void RestartOutcome(RecordOutcome& outcome, const Line& line, std::string_view kind);

// A finding about the file as a whole, reported at `line_number` (0: at the end): an ERROR
// when `strict`, else a CONTROL outcome carrying it as a warning.
RecordOutcome FileFinding(std::size_t line_number, std::string field, std::string message,
                          bool strict);

void Finalize(RecordOutcome& outcome);

}  // namespace dictra::formats::cnab
