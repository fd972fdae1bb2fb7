// Streaming writer of CNAB240 Pix payment files (FEBRABAN v10.x remessa), one payment at a time.
//
// Create() writes the file header; each Add() writes a Segment A (clearing 009) and a Segment B
// in the Pix form; Finish() writes the last lot trailer and the file trailer. Lines are 240
// bytes of ISO-8859-1 ending in CRLF. Payments go into lots by debtor: a payment whose debtor
// (tax id, branch, account, name) differs from the previous one closes the lot and opens
// another, whose lot header carries that debtor. Lot trailers carry the record count and the sum
// of the lot's amounts; the file trailer the lot and record counts. Positions:
// docs/formats/cnab240.md.
//
// What CNAB240 cannot carry is not written: the debtor's ISPB and account type (the reader gets
// the ISPB from its options). Text that does not fit its positions is refused, never cut: the
// file must say what the caller asked for.
//
// Add() validates the whole payment before writing anything: on error nothing is written and the
// writer can take the next payment. Errors are kInvalidArgument whose `field` is the
// PaymentRecord path ("creditor.name"); kResourceExhausted past the format's counters (999 999
// records per file, 9 999 lots); kUnavailable when the stream fails.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

struct Cnab240WriterOptions {
    std::string bank_code;       // 3 digits: the debtor's bank (COMPE), positions 1-3 of every line
    std::string bank_name;       // file header, at most 30 characters
    std::string company_name;    // file header: who sends the file, at most 30 characters
    std::string company_tax_id;  // file header: its CPF or CNPJ, or empty
    std::string agreement_code;  // "convênio" with the bank, file and lot headers, at most 20
    std::uint32_t file_sequence_number = 1;  // NSA, 1 to 999 999
    SystemTimePoint generated_at{};          // file header date and time, written as given (UTC)
};

class Cnab240Writer {
 public:
    // Checks the options and writes the file header. REQUIRES: `output` outlives the writer.
    static Result<Cnab240Writer> Create(std::ostream& output, Cnab240WriterOptions options);

    Status Add(const PaymentRecord& payment);

    // Writes the open lot's trailer and the file trailer. REQUIRES: not finished yet. A file with
    // no payment is a file header and trailer only.
    Status Finish();

    std::size_t records_written() const { return records_written_; }
    std::size_t lots_written() const { return lots_; }

 private:
    struct OpenLot {
        std::uint32_t number = 0;
        std::string debtor_key;  // what makes a payment belong to this lot
        std::size_t records = 0;
        std::uint64_t amount_sum_centavos = 0;
    };

    Cnab240Writer(std::ostream& output, Cnab240WriterOptions options)
        : output_(&output), options_(std::move(options)) {}

    Status WriteLine(const std::string& line);
    Status CloseLot();

    std::ostream* output_;
    Cnab240WriterOptions options_;
    std::optional<OpenLot> lot_;
    std::size_t records_written_ = 0;
    std::uint32_t lots_ = 0;
    bool finished_ = false;
};

}  // namespace dictra::formats::cnab
