// Streaming reader of FEBRABAN CNAB240 files (layout v10.x), one outcome at a time.
//
// What it turns into payments: Segment A with clearing code 009 (Pix) followed by its Segment B
// in the Pix form, inside a payment lot (lot header operation type 'C') of a remessa (file header
// direction 1). Everything else that is well-formed is SKIPPED with the reason: collection lots
// (boleto remessa/retorno: segments P, Q, R, T, U, ...), TED/DOC Segment A, boleto or tax
// segments, return files. Headers and trailers are CONTROL outcomes.
//
// What it checks, and how hard:
// - Every line is 240 bytes (CRLF or LF, a last line without either is fine); record types are
//   0, 1, 3, 5, 9 in their order; nothing follows the file trailer. Always errors.
// - Detail sequence numbers (1, 2, ... within a lot), lot numbers and bank codes agreeing with the
//   lot header, lot trailer record count and amount total, file trailer lot and record counts,
//   a missing file header or trailer: errors where a payment lot is concerned; in files or lots
//   that carry no payments they are warnings, because each bank's collection manual fills those
//   fields its own way and nothing of them is imported.
// - Every field DICTRA takes into a PaymentRecord (see docs/formats/cnab240.md): errors name the
//   line, the positions and the field, e.g. "line 3, positions 120-134 (amount): ...". All bad
//   fields of a record are reported, not only the first.
// A line of the wrong length is reported and its record type (position 8) still drives the
// structure checks, so one bad line gives one error, not a cascade.
//
// Limits: lines of 240 bytes (longer ones are counted, not kept), kRecordsPerFileMax records
// (the trailer's 6 digits); past that the reader reports one error and stops.
//
// Text arrives as ISO-8859-1 and leaves as UTF-8. The reader never throws and never reads ahead
// more than one line.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string>

#include "formats/payment_record.hpp"

namespace dictra::formats::cnab {

struct Cnab240ReaderOptions {
    // CNAB240 names the debtor's bank by its COMPE code only (positions 1-3). The importer knows
    // which participant sent the file; its ISPB given here is put in every payment's
    // debtor.ispb. Empty: debtor.ispb stays empty.
    std::string debtor_ispb;
};

class Cnab240Reader {
 public:
    // REQUIRES: `input` outlives the reader (open it in binary mode); options.debtor_ispb is
    // empty or 8 digits (checked).
    explicit Cnab240Reader(std::istream& input, Cnab240ReaderOptions options = {});
    ~Cnab240Reader();
    Cnab240Reader(const Cnab240Reader&) = delete;
    Cnab240Reader& operator=(const Cnab240Reader&) = delete;

    // The next outcome in file order, written over `outcome`; false once the input is exhausted
    // and the end-of-file checks were reported (`outcome` is then unspecified). File-level
    // findings have kind "file". Passing the same outcome every time reuses its strings'
    // capacity, so a file of well-formed payments is read without an allocation per record.
    bool Next(RecordOutcome& outcome);

    // The same, as a new value; nullopt at the end.
    std::optional<RecordOutcome> Next();

    // Totals of the outcomes returned so far.
    const ReadSummary& summary() const;

 private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dictra::formats::cnab
