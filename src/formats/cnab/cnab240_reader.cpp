#include "formats/cnab/cnab240_reader.hpp"

#include <deque>
#include <utility>
#include <vector>

#include "core/check.hpp"
#include "core/ids.hpp"
#include "formats/cnab/cnab240_layout.hpp"
#include "formats/cnab/field.hpp"
#include "formats/cnab/latin1.hpp"
#include "formats/cnab/line_reader.hpp"
#include "formats/cnab/outcome.hpp"
#include "formats/cnab/payment_fields.hpp"

namespace dictra::formats::cnab {
namespace {

namespace layout = cnab240;

// Longer lines are reported with their real length but not kept beyond this.
constexpr std::size_t kLineBytesKept = 1024;

enum class LotKind {
    kPayment,     // operation C: FEBRABAN payments, where Pix lives
    kCollection,  // operation R or T: boleto remittance or return
    kOther,       // any other operation (statements, debits, ...)
    kUnreadable,  // its header line had the wrong length
};

enum class LastSegmentA { kNone, kSkipped };

struct Lot {
    std::string number;  // the header's 4 characters, as written
    LotKind kind = LotKind::kOther;
    std::size_t header_line = 0;
    std::size_t records = 0;  // header and details so far (the trailer adds one)
    std::optional<std::uint64_t> last_sequence;
    bool sequence_known = true;  // false after an unreadable detail line
    std::string bank_code;
    Party debtor;
    std::uint64_t amount_sum_centavos = 0;
    // False when a Segment A amount was unreadable or the lot holds segments whose amounts
    // are elsewhere (J, N, O): the trailer's total is then not compared.
    bool amount_checkable = true;
    std::string amount_uncheckable_reason;
    LastSegmentA last_a = LastSegmentA::kNone;
    std::size_t last_a_line = 0;
    bool after_unreadable_detail = false;
};

std::string SegmentMeaning(char segment) {
    switch (segment) {
        case 'A': return "payment to a bank account";
        case 'B': return "payee data";
        case 'C': return "complementary payee data";
        case 'J': return "boleto payment";
        case 'N': return "tax payment without barcode";
        case 'O': return "utility or tax payment with barcode";
        case 'P': return "collection: boleto registration";
        case 'Q': return "collection: payer data";
        case 'R': return "collection: discounts and fines";
        case 'S': return "collection: printing messages";
        case 'T': return "collection return: boleto";
        case 'U': return "collection return: amounts";
        case 'W': return "complementary information";
        case 'Y': return "collection: optional data";
        case 'Z': return "authentication";
        default: return "not used by DICTRA";
    }
}

std::string ClearingMeaning(std::string_view code) {
    if (code == "000") return "credit in account";
    if (code == "018") return "TED";
    if (code == "700") return "DOC";
    if (code == "988") return "TED by ISPB";
    return "not Pix";
}

std::string MovementMeaning(char movement) {
    switch (movement) {
        case '3': return "reversal";
        case '5': return "alteration";
        case '7': return "settlement";
        case '9': return "exclusion";
        default: return "not an inclusion";
    }
}

std::optional<AccountType> AccountTypeFromCnab(std::string_view code) {
    if (code == "CC") return AccountType::kCacc;
    if (code == "PP") return AccountType::kSvgs;
    if (code == "PG") return AccountType::kTran;
    if (code == "CS") return AccountType::kSlry;
    return std::nullopt;
}

void ClearKeepingCapacity(Party& party) {
    party.ispb.clear();
    party.bank_code.clear();
    party.branch.clear();
    party.account.clear();
    party.account_type.reset();
    party.name.clear();
    party.tax_id.clear();
}

void ClearKeepingCapacity(PaymentRecord& payment) {
    payment.amount_centavos = 0;
    payment.payment_date.reset();
    ClearKeepingCapacity(payment.debtor);
    ClearKeepingCapacity(payment.creditor);
    payment.pix_key.clear();
    payment.initiation.reset();
    payment.description.clear();
    payment.external_id.clear();
    payment.tx_id.clear();
}

}  // namespace

class Cnab240Reader::Impl {
 public:
    Impl(std::istream& input, Cnab240ReaderOptions options)
        : lines_(input, kLineBytesKept), options_(std::move(options)) {
        DICTRA_CHECK(options_.debtor_ispb.empty() || IsIspb(options_.debtor_ispb));
    }

    bool Next(RecordOutcome& outcome) {
        if (ready_.empty()) {
            target_ = &outcome;
            target_taken_ = false;
            while (!target_taken_ && !finished_) Step();
            target_ = nullptr;
            if (!target_taken_) return false;
        } else {
            outcome = std::move(ready_.front());
            ready_.pop_front();
        }
        Tally(summary_, outcome);
        return true;
    }

    const ReadSummary& summary() const { return summary_; }

 private:
    // Reads one line (or ends the file) and queues what it yields.
    void Step() {
        if (!Take(line_)) {
            Finish();
            return;
        }
        Process(line_);
    }

    bool Take(Line& line) {
        const bool taken = lines_.Take(line);
        summary_.lines = lines_.lines_read();
        return taken;
    }

    void Process(const Line& line) {
        if (line.number > layout::kRecordsPerFileMax) {
            EmitFinding(FileFinding(line.number, "file_record_count",
                                    "more than " + std::to_string(layout::kRecordsPerFileMax) +
                                        " records; the rest of the file was not read",
                                    /*strict=*/true));
            finished_ = true;
            return;
        }
        ++records_seen_;
        const bool first_record = records_seen_ == 1;
        if (file_trailer_seen_) {
            RecordOutcome& outcome = Start(line, KindOf(line));
            outcome.errors.push_back({.line_number = line.number,
                                      .field = "record_type",
                                      .message = "record after the file trailer (line " +
                                                 std::to_string(file_trailer_line_) + ")"});
            Emit(outcome);
            return;
        }
        if (line.length_bytes != layout::kLineBytes) {
            ReportLength(line);
            TrackUnreadable(line);
            return;
        }
        const char type = line.bytes[layout::kRecordType.first - 1];
        if (first_record && type != '0' && type != '1') {
            EmitFinding(
                FileFinding(1, "record_type",
                            "file header (record type 0) missing: the file starts with record "
                            "type " +
                                Quoted(std::string_view(&type, 1)),
                            /*strict=*/true));
        }
        switch (type) {
            case '0': FileHeader(line); break;
            case '1': LotHeader(line, first_record); break;
            case '3': Detail(line); break;
            case '5': LotTrailer(line); break;
            case '9': FileTrailer(line); break;
            default: {
                RecordOutcome& outcome = Start(line, std::string(1, type));
                outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                      "unknown record type " +
                                                          Quoted(std::string_view(&type, 1)) +
                                                          " (expected 0, 1, 3, 5 or 9)"));
                Emit(outcome);
            }
        }
    }

    // ---- Wrong-length lines -------------------------------------------------------------

    void ReportLength(const Line& line) {
        RecordOutcome& outcome = Start(line, KindOf(line));
        outcome.errors.push_back(WrongLengthDiagnostic(line, layout::kLineBytes));
        Emit(outcome);
    }

    // What a line of the wrong length still tells: its record type, so the structure checks go
    // on without blaming the next lines for this one.
    void TrackUnreadable(const Line& line) {
        const std::string_view bytes = RecordBytes(line);
        if (bytes.size() < layout::kRecordType.first) return;
        switch (bytes[layout::kRecordType.first - 1]) {
            case '0': file_header_seen_ = true; break;
            case '1':
                CloseLotQuietly();
                ++lots_seen_;
                // Its lot number is not trusted either: the first readable detail sets it.
                lot_ = Lot{.kind = LotKind::kUnreadable, .header_line = line.number, .records = 1};
                break;
            case '3':
                if (lot_) {
                    ++lot_->records;
                    lot_->sequence_known = false;
                    lot_->after_unreadable_detail = true;
                    lot_->last_a = LastSegmentA::kNone;
                    MarkAmountUncheckable("a detail line of the wrong length (line " +
                                          std::to_string(line.number) + ")");
                }
                break;
            case '5': CloseLotQuietly(); break;
            case '9':
                CloseLotQuietly();
                file_trailer_seen_ = true;
                file_trailer_line_ = line.number;
                break;
            default: break;
        }
    }

    // ---- File header and trailer --------------------------------------------------------

    void FileHeader(const Line& line) {
        RecordOutcome& outcome = Start(line, "0");
        if (file_header_seen_) {
            outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                  "a second file header (the first is on line " +
                                                      std::to_string(file_header_line_) + ")"));
        } else if (records_seen_ != 1) {
            outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                  "the file header must be the first record"));
        }
        file_header_seen_ = true;
        file_header_line_ = line.number;
        file_bank_code_ = std::string(line.bytes.substr(0, layout::kBankCode.length()));
        // Nothing in the file header goes into a payment: what it says is shown, and what is
        // odd about it is a warning.
        FieldReader fields(line, outcome.warnings);
        if (fields.Raw(layout::kLotNumber) != "0000") {
            fields.Fail(layout::kLotNumber, "expected 0000 in a file header, found " +
                                                Quoted(fields.Raw(layout::kLotNumber)));
        }
        const char direction = fields.Raw(layout::file_header::kDirection)[0];
        direction_ = direction;
        std::string direction_text = direction == '1'   ? "remessa"
                                     : direction == '2' ? "retorno"
                                                        : "direction " + Quoted({&direction, 1});
        if (direction != '1' && direction != '2') {
            fields.Fail(layout::file_header::kDirection,
                        "expected 1 (remessa) or 2 (retorno), found " + Quoted({&direction, 1}));
        }
        std::string generated;
        if (auto date = fields.Date(layout::file_header::kGenerationDate, /*optional=*/true)) {
            generated = ", generated " + FormatDate(*date);
        }
        outcome.status = RecordStatus::kControl;
        outcome.detail = "file header: bank " + std::string(fields.Raw(layout::kBankCode)) + " " +
                         fields.Text(layout::file_header::kBankName) + ", company " +
                         fields.Text(layout::file_header::kCompanyName) + ", " + direction_text +
                         generated + ", file " +
                         std::string(fields.Raw(layout::file_header::kFileSequence)) + ", layout " +
                         std::string(fields.Raw(layout::file_header::kLayoutVersion));
        Emit(outcome);
    }

    void FileTrailer(const Line& line) {
        RecordOutcome& outcome = Start(line, "9");
        if (lot_) {
            outcome.errors.push_back(
                DiagnosticAt(line.number, layout::kRecordType,
                             "file trailer while lot " + lot_->number + " (line " +
                                 std::to_string(lot_->header_line) + ") has no lot trailer"));
            CloseLotQuietly();
        }
        file_trailer_seen_ = true;
        file_trailer_line_ = line.number;
        const bool strict = any_payment_lot_;
        FieldReader fields(line, strict ? outcome.errors : outcome.warnings);
        if (fields.Raw(layout::kLotNumber) != "9999") {
            fields.Fail(layout::kLotNumber, "expected 9999 in a file trailer, found " +
                                                Quoted(fields.Raw(layout::kLotNumber)));
        }
        auto lots = fields.Number(layout::file_trailer::kLotCount);
        if (lots && *lots != lots_seen_) {
            fields.Fail(layout::file_trailer::kLotCount,
                        "the file trailer says " + std::to_string(*lots) + " lots, the file has " +
                            std::to_string(lots_seen_));
        }
        auto records = fields.Number(layout::file_trailer::kRecordCount);
        if (records && *records != records_seen_) {
            fields.Fail(layout::file_trailer::kRecordCount,
                        "the file trailer says " + std::to_string(*records) +
                            " records, the file has " + std::to_string(records_seen_) +
                            " (headers and trailers included)");
        }
        outcome.status = RecordStatus::kControl;
        outcome.detail = "file trailer: " + std::to_string(lots_seen_) + " lots, " +
                         std::to_string(records_seen_) + " records";
        Emit(outcome);
    }

    // ---- Lots -----------------------------------------------------------------------------

    void LotHeader(const Line& line, bool first_record) {
        std::vector<Diagnostic> probe;  // the operation decides how strict the rest is
        FieldReader peek(line, probe);
        const char operation = peek.Raw(layout::lot_header::kOperation)[0];
        const LotKind kind = operation == 'C'                       ? LotKind::kPayment
                             : operation == 'R' || operation == 'T' ? LotKind::kCollection
                                                                    : LotKind::kOther;
        const bool strict = kind == LotKind::kPayment;
        if (first_record && !file_header_seen_) {
            EmitFinding(FileFinding(1, "record_type",
                                    "file header (record type 0) missing: the file starts with a "
                                    "lot header",
                                    strict));
        }
        RecordOutcome& outcome = Start(line, "1");
        if (lot_) {
            outcome.errors.push_back(
                DiagnosticAt(line.number, layout::kRecordType,
                             "lot header while lot " + lot_->number + " (line " +
                                 std::to_string(lot_->header_line) + ") has no lot trailer"));
            CloseLotQuietly();
        }
        ++lots_seen_;
        Lot lot{.kind = kind, .header_line = line.number, .records = 1};
        if (strict) any_payment_lot_ = true;
        FieldReader fields(line, strict ? outcome.errors : outcome.warnings);
        lot.number = std::string(fields.Raw(layout::kLotNumber));
        lot.bank_code = std::string(fields.Raw(layout::kBankCode));
        if (auto number = fields.Number(layout::kLotNumber); number && *number != lots_seen_) {
            fields.Fail(layout::kLotNumber, "lot number " + lot.number + ", expected " +
                                                std::to_string(lots_seen_) +
                                                " (lots are numbered from 1 in file order)");
        }
        const std::string service(fields.Raw(layout::lot_header::kService));
        const std::string entry_form(fields.Raw(layout::lot_header::kEntryForm));
        if (lot.kind == LotKind::kPayment) {
            // A file goes to one bank: every lot names the same one.
            if (fields.Digits(layout::kBankCode) && !file_bank_code_.empty() &&
                lot.bank_code != file_bank_code_) {
                fields.Fail(layout::kBankCode, "bank code " + lot.bank_code +
                                                   " differs from the file header's " +
                                                   file_bank_code_);
            }
            lot.debtor = ReadDebtor(fields);
            lot.debtor.bank_code = lot.bank_code;
            lot.debtor.ispb = options_.debtor_ispb;
            outcome.detail = "lot " + lot.number + " header: payments (operation C, service " +
                             service + ", entry form " + entry_form + "), debtor " +
                             (lot.debtor.name.empty() ? "-" : lot.debtor.name) + " " +
                             (lot.debtor.tax_id.empty() ? "-" : lot.debtor.tax_id) + ", bank " +
                             lot.bank_code + " branch " +
                             (lot.debtor.branch.empty() ? "-" : lot.debtor.branch) + " account " +
                             (lot.debtor.account.empty() ? "-" : lot.debtor.account);
        } else {
            const std::string what =
                lot.kind == LotKind::kCollection ? "collection" : "not payments";
            outcome.detail = "lot " + lot.number + " header: " + what + " (operation " +
                             Quoted({&operation, 1}) + ", service " + service +
                             "); its records are not payments";
        }
        outcome.status = RecordStatus::kControl;
        lot_ = std::move(lot);
        Emit(outcome);
    }

    Party ReadDebtor(FieldReader& fields) {
        namespace h = layout::lot_header;
        Party debtor;
        debtor.tax_id = ReadTaxId(fields, h::kDebtorTaxIdType, h::kDebtorTaxId);
        if (auto branch = fields.DigitsOrBlank(h::kDebtorBranch)) {
            debtor.branch = NormalBranch(*branch);
        }
        debtor.account = ReadAccount(fields, h::kDebtorAccount, h::kDebtorAccountCheckDigit);
        debtor.name = fields.Text(h::kDebtorName);
        return debtor;
    }

    void LotTrailer(const Line& line) {
        RecordOutcome& outcome = Start(line, "5");
        if (!lot_) {
            outcome.errors.push_back(
                DiagnosticAt(line.number, layout::kRecordType, "lot trailer without a lot header"));
            Emit(outcome);
            return;
        }
        Lot& lot = *lot_;
        ++lot.records;
        const bool strict = lot.kind == LotKind::kPayment;
        FieldReader fields(line, strict ? outcome.errors : outcome.warnings);
        CheckLotNumber(fields, lot);
        outcome.detail = "lot " + lot.number + " trailer";
        if (lot.kind == LotKind::kUnreadable) {
            outcome.warnings.push_back(DiagnosticAt(line.number, layout::lot_trailer::kRecordCount,
                                                    "not checked: the lot header (line " +
                                                        std::to_string(lot.header_line) +
                                                        ") is unreadable"));
        } else if (auto count = fields.Number(layout::lot_trailer::kRecordCount)) {
            outcome.detail += ": " + std::to_string(*count) + " records";
            if (*count != lot.records) {
                fields.Fail(layout::lot_trailer::kRecordCount,
                            "the lot trailer says " + std::to_string(*count) +
                                " records, the lot has " + std::to_string(lot.records) +
                                " (header and trailer included)");
            }
        }
        if (lot.kind == LotKind::kPayment) {
            if (auto total = fields.Number(layout::lot_trailer::kAmountTotal)) {
                outcome.detail += ", total " + FormatCentavos(*total);
                if (!lot.amount_checkable) {
                    outcome.warnings.push_back(
                        DiagnosticAt(line.number, layout::lot_trailer::kAmountTotal,
                                     "total not checked: " + lot.amount_uncheckable_reason));
                } else if (*total != lot.amount_sum_centavos) {
                    fields.Fail(layout::lot_trailer::kAmountTotal,
                                "the lot trailer says a total of " + FormatCentavos(*total) +
                                    ", the lot's Segment A amounts add up to " +
                                    FormatCentavos(lot.amount_sum_centavos));
                }
            }
        }
        outcome.status = RecordStatus::kControl;
        lot_.reset();
        Emit(outcome);
    }

    void CloseLotQuietly() { lot_.reset(); }

    void CheckLotNumber(FieldReader& fields, Lot& lot) {
        if (lot.number.empty()) lot.number = std::string(fields.Raw(layout::kLotNumber));
        if (fields.Raw(layout::kLotNumber) != lot.number) {
            fields.Fail(layout::kLotNumber, "lot number " + Quoted(fields.Raw(layout::kLotNumber)) +
                                                " differs from its lot header's " + lot.number +
                                                " (line " + std::to_string(lot.header_line) + ")");
        }
    }

    void MarkAmountUncheckable(std::string reason) {
        if (lot_ && lot_->amount_checkable) {
            lot_->amount_checkable = false;
            lot_->amount_uncheckable_reason = std::move(reason);
        }
    }

    // ---- Details --------------------------------------------------------------------------

    // Checks shared by every detail record: lot, sequence, bank. Counts the record in the lot.
    void CheckDetailEnvelope(FieldReader& fields, Lot& lot) {
        ++lot.records;
        CheckLotNumber(fields, lot);
        if (lot.kind == LotKind::kPayment && fields.Raw(layout::kBankCode) != lot.bank_code) {
            fields.Fail(layout::kBankCode, "bank code " + Quoted(fields.Raw(layout::kBankCode)) +
                                               " differs from its lot header's " + lot.bank_code);
        }
        auto sequence = fields.Number(layout::detail::kSequence);
        if (!sequence) {
            lot.sequence_known = false;
            return;
        }
        const std::uint64_t expected = lot.last_sequence ? *lot.last_sequence + 1 : 1;
        if (lot.sequence_known && *sequence != expected) {
            fields.Fail(layout::detail::kSequence, "sequence number " + std::to_string(*sequence) +
                                                       ", expected " + std::to_string(expected));
        }
        if (*sequence > layout::kDetailsPerLotMax) {
            fields.Fail(
                layout::detail::kSequence,
                "more than " + std::to_string(layout::kDetailsPerLotMax) + " details in one lot");
        }
        lot.last_sequence = *sequence;
        lot.sequence_known = true;
    }

    void Detail(const Line& line) {
        const char segment = line.bytes[layout::detail::kSegment.first - 1];
        RecordOutcome& outcome = Start(line, std::string("3") + segment);
        if (!lot_) {
            outcome.errors.push_back(DiagnosticAt(line.number, layout::kRecordType,
                                                  "detail record outside a lot (no lot header "
                                                  "before it)"));
            Emit(outcome);
            return;
        }
        Lot& lot = *lot_;
        const bool strict = lot.kind == LotKind::kPayment;
        FieldReader envelope(line, strict ? outcome.errors : outcome.warnings);
        CheckDetailEnvelope(envelope, lot);
        const bool after_unreadable = std::exchange(lot.after_unreadable_detail, false);

        if (lot.kind != LotKind::kPayment) {
            lot.last_a = LastSegmentA::kNone;
            const std::string lot_text =
                lot.kind == LotKind::kCollection   ? "collection lot " + lot.number
                : lot.kind == LotKind::kUnreadable ? "lot " + lot.number + " (header unreadable)"
                                                   : "non-payment lot " + lot.number;
            Skip(outcome, "segment " + std::string(1, segment) + " (" + SegmentMeaning(segment) +
                              ") in " + lot_text);
            return;
        }
        switch (segment) {
            case 'A': SegmentA(line, outcome); return;
            case 'B': {
                const LastSegmentA last_a = std::exchange(lot.last_a, LastSegmentA::kNone);
                if (last_a == LastSegmentA::kSkipped) {
                    Skip(outcome, "segment B of the Segment A on line " +
                                      std::to_string(lot.last_a_line) + ", which is skipped");
                } else if (after_unreadable) {
                    Skip(outcome, "segment B after an unreadable line");
                } else {
                    outcome.errors.push_back(DiagnosticAt(line.number, layout::detail::kSegment,
                                                          "Segment B without its Segment A"));
                    Emit(outcome);
                }
                return;
            }
            case 'J':
            case 'N':
            case 'O':
                MarkAmountUncheckable("the lot has segment " + std::string(1, segment) +
                                      " records, whose amounts DICTRA does not read");
                break;
            default: break;
        }
        lot.last_a = LastSegmentA::kNone;
        Skip(outcome, "segment " + std::string(1, segment) + " (" + SegmentMeaning(segment) +
                          "): not a Pix payment");
    }

    void SegmentA(const Line& line, RecordOutcome& outcome) {
        namespace a = layout::segment_a;
        Lot& lot = *lot_;
        lot.last_a = LastSegmentA::kNone;
        FieldReader fields(line, outcome.errors);
        // Every Segment A amount counts in the lot trailer's total, Pix or not.
        std::optional<std::uint64_t> amount = fields.Number(a::kAmount);
        if (amount) {
            if (__builtin_add_overflow(lot.amount_sum_centavos, *amount,
                                       &lot.amount_sum_centavos)) {
                MarkAmountUncheckable("the Segment A amounts add up past 2^64");
            }
        } else {
            MarkAmountUncheckable("the Segment A amount on line " + std::to_string(line.number) +
                                  " is unreadable");
        }
        const std::string_view clearing = fields.Raw(a::kClearing);
        const char movement = fields.Raw(a::kMovementType)[0];
        std::string skip_reason;
        if (direction_ == '2') {
            skip_reason =
                "segment A in a return file (retorno): it reports on a payment, it "
                "does not request one; occurrences " +
                Quoted(fields.Raw(a::kOccurrences));
        } else if (clearing != layout::kClearingPix) {
            skip_reason = "segment A with clearing code " + std::string(clearing) + " (" +
                          ClearingMeaning(clearing) + "): only 009 (Pix) is read as a payment";
        } else if (movement != '0' && movement >= '0' && movement <= '9') {
            skip_reason = "segment A with movement type " + std::string(1, movement) + " (" +
                          MovementMeaning(movement) +
                          "): only 0 (inclusion) is read as a new payment";
        }
        if (!skip_reason.empty()) {
            lot.last_a = LastSegmentA::kSkipped;
            lot.last_a_line = line.number;
            if (amount) skip_reason += "; amount " + FormatCentavos(*amount);
            Skip(outcome, std::move(skip_reason));
            return;
        }

        // A Pix Segment A needs the Segment B that follows it.
        const bool next_taken = Take(b_line_);
        const bool next_is_b = next_taken && b_line_.length_bytes == layout::kLineBytes &&
                               b_line_.bytes[layout::kRecordType.first - 1] == '3' &&
                               b_line_.bytes[layout::detail::kSegment.first - 1] == 'B';
        if (!next_is_b) {
            fields.Fail(
                layout::detail::kSegment,
                "a Segment A with clearing code 009 (Pix) must be followed by its "
                "Segment B, " +
                    (next_taken ? "found line " + std::to_string(b_line_.number) + " instead"
                                : std::string("found the end of the file")));
            if (next_taken) lines_.GiveBack(std::move(b_line_));
            Emit(outcome);
            return;
        }
        const Line& b_line = b_line_;
        ++records_seen_;
        outcome.line_count = 2;
        outcome.kind = "3AB";
        FieldReader b_fields(b_line, outcome.errors);
        CheckDetailEnvelope(b_fields, lot);

        // Filled in place: an outcome the caller reuses keeps its strings' capacity.
        PaymentRecord& payment = outcome.payment ? *outcome.payment : outcome.payment.emplace();
        ClearKeepingCapacity(payment);
        payment.debtor = lot.debtor;
        if (movement != '0') {
            fields.Fail(a::kMovementType,
                        "expected a digit (0 inclusion), found " + Quoted({&movement, 1}));
        }
        ReadSegmentA(fields, payment);
        ReadSegmentB(b_fields, payment);
        CheckPixAddressing(payment, {.key_reader = &b_fields,
                                     .key = layout::segment_b::kPixKey,
                                     .ispb_reader = &b_fields,
                                     .ispb = layout::segment_b::kCreditorIspb,
                                     .account_reader = &fields,
                                     .account = a::kCreditorAccount});
        if (amount) payment.amount_centavos = static_cast<std::int64_t>(*amount);
        if (outcome.errors.empty()) outcome.status = RecordStatus::kPayment;
        Emit(outcome);
    }

    void ReadSegmentA(FieldReader& fields, PaymentRecord& payment) {
        namespace a = layout::segment_a;
        Party& creditor = payment.creditor;
        if (auto bank = fields.DigitsOrBlank(a::kCreditorBankCode)) {
            creditor.bank_code = StripLeadingZeros(*bank).empty() ? std::string_view() : *bank;
        }
        if (auto branch = fields.DigitsOrBlank(a::kCreditorBranch)) {
            creditor.branch = NormalBranch(*branch);
        }
        creditor.account = ReadAccount(fields, a::kCreditorAccount, a::kCreditorAccountCheckDigit);
        fields.TextInto(a::kCreditorName, creditor.name);
        fields.TextInto(a::kExternalId, payment.external_id);
        payment.payment_date = fields.Date(a::kPaymentDate);
        const std::string_view currency = fields.Raw(a::kCurrency);
        if (currency != "BRL" && currency != "009" && currency != "   ") {
            fields.Fail(a::kCurrency, "expected BRL (or 009), found " + Quoted(currency));
        }
        if (fields.IsZeros(a::kAmount)) fields.Fail(a::kAmount, "the amount must be above zero");
        const std::string_view account_type = fields.Raw(a::kCreditorAccountType);
        if (account_type != "  ") {
            creditor.account_type = AccountTypeFromCnab(account_type);
            if (!creditor.account_type) {
                fields.Fail(a::kCreditorAccountType,
                            "expected CC, PP, PG or CS (or blanks), found " + Quoted(account_type));
            }
        }
    }

    void ReadSegmentB(FieldReader& fields, PaymentRecord& payment) {
        namespace b = layout::segment_b;
        Party& creditor = payment.creditor;
        payment.initiation = ReadInitiation(fields, b::kInitiation);
        creditor.tax_id = ReadTaxId(fields, b::kCreditorTaxIdType, b::kCreditorTaxId);
        fields.TextInto(b::kTxId, payment.tx_id);
        fields.TextInto(b::kDescription, payment.description);
        fields.TextInto(b::kPixKey, payment.pix_key);
        if (auto ispb = fields.DigitsOrBlank(b::kCreditorIspb)) creditor.ispb = *ispb;
    }

    // ---- Plumbing -------------------------------------------------------------------------

    // The outcome to fill next: the caller's own while it is free (nothing is moved, and the
    // capacity of its strings is reused), else one queued behind it, in the order they are
    // started.
    RecordOutcome& Slot() {
        if (target_ != nullptr && !target_taken_) {
            target_taken_ = true;
            return *target_;
        }
        return ready_.emplace_back();
    }

    RecordOutcome& Start(const Line& line, std::string_view kind) {
        RecordOutcome& outcome = Slot();
        RestartOutcome(outcome, line, kind);
        return outcome;
    }

    static std::string KindOf(const Line& line) {
        const std::string_view bytes = RecordBytes(line);
        if (bytes.size() < layout::kRecordType.first) return "?";
        const char type = bytes[layout::kRecordType.first - 1];
        if (type == '3' && bytes.size() >= layout::detail::kSegment.first) {
            return std::string("3") + bytes[layout::detail::kSegment.first - 1];
        }
        return std::string(1, type);
    }

    void Skip(RecordOutcome& outcome, std::string reason) {
        outcome.detail = std::move(reason);
        if (outcome.errors.empty()) outcome.status = RecordStatus::kSkipped;
        Emit(outcome);
    }

    // REQUIRES: `outcome` came from Start() or Slot() in this step, and outcomes are emitted in
    // the order they were started.
    void Emit(RecordOutcome& outcome) { Finalize(outcome); }

    void EmitFinding(RecordOutcome finding) {
        RecordOutcome& outcome = Slot();
        outcome = std::move(finding);
        Emit(outcome);
    }

    void Finish() {
        finished_ = true;
        if (records_seen_ == 0) {
            EmitFinding(FileFinding(0, "file", "empty file: no records", /*strict=*/true));
            return;
        }
        if (lot_) {
            EmitFinding(FileFinding(0, "record_type",
                                    "the file ends inside lot " + lot_->number + " (line " +
                                        std::to_string(lot_->header_line) +
                                        "): lot trailer missing",
                                    lot_->kind == LotKind::kPayment));
            lot_.reset();
        }
        if (!file_trailer_seen_) {
            EmitFinding(FileFinding(0, "record_type", "file trailer (record type 9) missing",
                                    any_payment_lot_));
        }
    }

    RecordLines lines_;
    Line line_;    // the record being read
    Line b_line_;  // the Segment B after a Pix Segment A
    Cnab240ReaderOptions options_;
    // The caller's outcome while Next() runs; a line that yields more than one outcome (a
    // file-level finding before the record) queues the rest in ready_.
    RecordOutcome* target_ = nullptr;
    bool target_taken_ = false;
    std::deque<RecordOutcome> ready_;
    ReadSummary summary_;
    bool finished_ = false;

    std::size_t records_seen_ = 0;
    std::size_t lots_seen_ = 0;
    bool file_header_seen_ = false;
    std::size_t file_header_line_ = 0;
    bool file_trailer_seen_ = false;
    std::size_t file_trailer_line_ = 0;
    bool any_payment_lot_ = false;
    std::string file_bank_code_;  // as the file header says it
    char direction_ = '1';
    std::optional<Lot> lot_;
};

Cnab240Reader::Cnab240Reader(std::istream& input, Cnab240ReaderOptions options)
    : impl_(std::make_unique<Impl>(input, std::move(options))) {}

Cnab240Reader::~Cnab240Reader() = default;

bool Cnab240Reader::Next(RecordOutcome& outcome) {
    return impl_->Next(outcome);
}

std::optional<RecordOutcome> Cnab240Reader::Next() {
    RecordOutcome outcome;
    if (!impl_->Next(outcome)) return std::nullopt;
    return outcome;
}

const ReadSummary& Cnab240Reader::summary() const {
    return impl_->summary();
}

}  // namespace dictra::formats::cnab
