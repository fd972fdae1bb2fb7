// Streaming writer of CNAB400 files in DICTRA's Pix payment layout (docs/formats/cnab400.md).
//
// Create() writes the header; each Add() writes one detail record 1 holding the whole payment;
// Finish() writes the trailer with the payment count and the amount total. Lines are 400 bytes of
// ISO-8859-1 ending in CRLF, numbered 1, 2, 3, ... at 395-400.
//
// Text that does not fit its positions is refused, never cut. Add() validates the whole payment
// before writing anything: on error nothing is written and the writer can take the next payment.
// Errors are kInvalidArgument whose `field` is the PaymentRecord path ("creditor.name");
// kResourceExhausted past 999 999 records; kUnavailable when the stream fails.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

struct Cnab400WriterOptions {
    std::string bank_code;                   // 3 digits (COMPE): the bank the file is for
    std::string bank_name;                   // at most 15 characters
    std::string company_name;                // who sends the file, at most 30 characters
    std::string agreement_code;              // "convênio" with the bank, at most 20 characters
    std::uint32_t file_sequence_number = 1;  // 1 to 9 999 999
    SystemTimePoint generated_at{};          // header date and time, written as given (UTC)
};

class Cnab400Writer {
 public:
    // Checks the options and writes the header. REQUIRES: `output` outlives the writer.
    static Result<Cnab400Writer> Create(std::ostream& output, const Cnab400WriterOptions& options);

    Status Add(const PaymentRecord& payment);

    // Writes the trailer. REQUIRES: not finished yet.
    Status Finish();

    std::size_t records_written() const { return records_written_; }

 private:
    explicit Cnab400Writer(std::ostream& output) : output_(&output) {}

    Status WriteLine(std::string line);

    std::ostream* output_;
    std::size_t records_written_ = 0;
    std::size_t payments_ = 0;
    std::uint64_t amount_sum_centavos_ = 0;
    bool finished_ = false;
};

}  // namespace dictra::formats::cnab
