// Payment files as CSV: a header row naming the columns, then one payment per row.
//
// The header names PaymentRecord fields in the settlement document's vocabulary ("debtor_ispb",
// "creditor_ispb", "amount", "description", ...; the full list with aliases is in
// docs/formats/csv.md). Names are matched ignoring case and surrounding spaces; an unknown or
// repeated name, or no amount column, makes the header an ERROR and no row is read. Columns may
// come in any order and any subset; an empty value means "not given". `amount` is an integer
// number of centavos, as in the JSON API (15000 is R$ 150,00); `amount_brl` takes a decimal
// ("150.00") instead.
//
// Each row becomes a RecordOutcome: PAYMENT, SKIPPED for a blank line, or ERROR naming the line,
// the column and the column's name, with every bad value of the row reported. The reader checks
// the shape of values (digits, lengths, dates, a Pix key of the type named), not whether a
// payment is complete: the settlement service decides which fields it requires.
//
// PaymentCsvWriter writes every column, canonical names, CRLF line ends; each row is checked with
// the reader's own rules before it is written, so what it writes reads back.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/csv/csv_reader.hpp"
#include "formats/csv/csv_writer.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::csv {

// Bounds on values, in UTF-8 characters unless said otherwise.
inline constexpr std::size_t kNameCharsMax = 140;
inline constexpr std::size_t kDescriptionCharsMax = 140;  // as settlement's description
inline constexpr std::size_t kExternalIdBytesMax = 255;
inline constexpr std::size_t kTxIdBytesMax = 35;
inline constexpr std::size_t kPixKeyBytesMax = 77;  // DICT's longest key (an e-mail)
inline constexpr std::int64_t kAmountCentavosMax = 999'999'999'999'999;

// The canonical column names, in the order PaymentCsvWriter writes them.
const std::vector<std::string_view>& PaymentColumns();

class PaymentCsvReader {
 public:
    // REQUIRES: `input` outlives the reader.
    explicit PaymentCsvReader(std::istream& input, CsvOptions options = {});
    ~PaymentCsvReader();
    PaymentCsvReader(const PaymentCsvReader&) = delete;
    PaymentCsvReader& operator=(const PaymentCsvReader&) = delete;

    // The header's outcome first (CONTROL, or ERROR and nothing after), then one per row;
    // nullopt at the end.
    std::optional<RecordOutcome> Next();

    const ReadSummary& summary() const;

 private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

class PaymentCsvWriter {
 public:
    // REQUIRES: `output` outlives the writer. Nothing is written before the first Add/Finish.
    explicit PaymentCsvWriter(std::ostream& output) : csv_(output), output_(&output) {}

    // Writes the header before the first payment. kInvalidArgument (field = the column name,
    // message as the reader would report it) when the payment would not read back; nothing is
    // written then. kUnavailable when the stream fails.
    Status Add(const PaymentRecord& payment);

    // Writes the header if no payment was added, and flushes.
    Status Finish();

 private:
    Status WriteHeaderOnce();

    CsvWriter csv_;
    std::ostream* output_;
    bool header_written_ = false;
};

}  // namespace dictra::formats::csv
