// Streaming reader of CNAB400 files, one outcome at a time.
//
// Every CNAB400 file is read for its frame: 400-byte lines (CRLF or LF; a last line without
// either is fine), the header (record type 0) first, the trailer (9) last, nothing after it,
// and the sequential record number at 395-400 counting 1, 2, 3, ... from the header.
// Files in DICTRA's Pix payment layout (header "1REMESSA", service 45 "PIX PAGAMENTOS",
// docs/formats/cnab400.md) are also read for their payments: each detail record 1 becomes a
// PAYMENT, and the trailer's payment count and amount total are checked. The details of any
// other CNAB400 file (bank collection remittances and returns, whose detail layouts each bank
// defines) are SKIPPED with the reason.
//
// Strictness follows the CNAB240 reader: faults of the frame and of payment fields are errors
// in a payment file; in other files a wrong sequence number or a missing trailer is a warning,
// because nothing of them is imported. Line length and record order are always errors.
// Errors name line, positions and field ("line 2, positions 249-261 (amount): ...").
//
// Limits: 400-byte lines (longer ones are counted, not kept), kRecordsPerFileMax records.
// Text arrives as ISO-8859-1 and leaves as UTF-8. Never throws; reads one line at a time.
#pragma once

#include <istream>
#include <memory>
#include <optional>

#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

class Cnab400Reader {
 public:
    // REQUIRES: `input` outlives the reader. `input` should be opened in binary mode.
    explicit Cnab400Reader(std::istream& input);
    ~Cnab400Reader();
    Cnab400Reader(const Cnab400Reader&) = delete;
    Cnab400Reader& operator=(const Cnab400Reader&) = delete;

    // The next outcome in file order; nullopt once the input is exhausted and the end-of-file
    // checks were reported. File-level findings have kind "file".
    std::optional<RecordOutcome> Next();

    const ReadSummary& summary() const;

 private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dictra::formats::cnab
