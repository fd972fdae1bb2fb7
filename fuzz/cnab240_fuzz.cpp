// libFuzzer target for the CNAB240 reader and writer. Any bytes read to the end without a crash,
// and every outcome is consistent (an ERROR has errors and no payment, a PAYMENT has a payment
// and no errors) and the same whether each outcome is new or one outcome is refilled. What reads
// cleanly round-trips: its payments write to a file that reads back to the same payments, and
// writing those gives the same bytes again. Build: docs/kernel.md ("Fuzzing"); seeds:
// tests/data/cnab240/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "formats/cnab/cnab240_reader.hpp"
#include "formats/cnab/cnab240_writer.hpp"

namespace {

using dictra::formats::PaymentRecord;
using dictra::formats::RecordOutcome;
using dictra::formats::RecordStatus;
namespace cnab = dictra::formats::cnab;

void Require(bool condition) {
    if (!condition) std::abort();
}

constexpr char kDebtorIspb[] = "60701190";

struct Read {
    std::vector<PaymentRecord> payments;
    bool clean = false;
};

bool Same(const RecordOutcome& left, const RecordOutcome& right) {
    return left.status == right.status && left.line_number == right.line_number &&
           left.line_count == right.line_count && left.kind == right.kind &&
           left.payment == right.payment && left.detail == right.detail &&
           left.errors == right.errors && left.warnings == right.warnings;
}

Read ReadAll(const std::string& bytes) {
    std::istringstream input(bytes);
    cnab::Cnab240Reader reader(input, {.debtor_ispb = kDebtorIspb});
    // A second reader fills one reused outcome: nothing of an earlier record may show through.
    std::istringstream input_again(bytes);
    cnab::Cnab240Reader reader_again(input_again, {.debtor_ispb = kDebtorIspb});
    RecordOutcome reused;
    Read read;
    std::size_t errors = 0;
    while (auto outcome = reader.Next()) {
        Require((outcome->status == RecordStatus::kError) == !outcome->errors.empty());
        Require((outcome->status == RecordStatus::kPayment) == outcome->payment.has_value());
        Require(reader_again.Next(reused) && Same(*outcome, reused));
        if (outcome->status == RecordStatus::kError) ++errors;
        if (outcome->payment) read.payments.push_back(*outcome->payment);
    }
    Require(!reader.Next().has_value());
    Require(!reader_again.Next(reused));
    Require(reader.summary().errors == errors);
    Require(reader.summary().payments == read.payments.size());
    read.clean = errors == 0;
    return read;
}

std::string WriteAll(const std::vector<PaymentRecord>& payments) {
    std::ostringstream output;
    auto writer = cnab::Cnab240Writer::Create(
        output, {.bank_code = payments.front().debtor.bank_code, .file_sequence_number = 1});
    Require(writer.ok());
    for (const auto& payment : payments) Require(writer->Add(payment).ok());
    Require(writer->Finish().ok());
    return output.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    const Read first = ReadAll(bytes);
    if (!first.clean || first.payments.empty()) return 0;

    const std::string written = WriteAll(first.payments);
    const Read second = ReadAll(written);
    Require(second.clean);
    Require(second.payments == first.payments);
    Require(WriteAll(second.payments) == written);
    return 0;
}
