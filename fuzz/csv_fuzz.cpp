// libFuzzer target for the CSV reader and writer and the payment mapping. Any bytes read to the
// end without a crash. Records read without a fault write back to bytes that read as the same
// records. A payment file that reads cleanly round-trips: its payments write to a file that
// reads back to the same payments, and writing those gives the same bytes again.
// Build: docs/kernel.md ("Fuzzing"); seeds: tests/data/csv/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "formats/csv/csv_reader.hpp"
#include "formats/csv/csv_writer.hpp"
#include "formats/csv/payment_csv.hpp"

namespace {

namespace csv = dictra::formats::csv;
using dictra::formats::PaymentRecord;
using dictra::formats::RecordStatus;

void Require(bool condition) {
    if (!condition) std::abort();
}

// Every record's fields, or nothing when a record had a fault.
bool ReadRecords(const std::string& bytes, std::vector<std::vector<std::string>>& records) {
    std::istringstream input(bytes);
    csv::CsvReader reader(input);
    bool clean = true;
    while (auto record = reader.Next()) {
        if (record->fault) clean = false;
        records.push_back(std::move(record->fields));
    }
    return clean;
}

struct Payments {
    std::vector<PaymentRecord> payments;
    bool clean = false;
};

Payments ReadPayments(const std::string& bytes) {
    std::istringstream input(bytes);
    csv::PaymentCsvReader reader(input);
    Payments read;
    std::size_t errors = 0;
    while (auto outcome = reader.Next()) {
        Require((outcome->status == RecordStatus::kError) == !outcome->errors.empty());
        Require((outcome->status == RecordStatus::kPayment) == outcome->payment.has_value());
        if (outcome->status == RecordStatus::kError) ++errors;
        if (outcome->payment) read.payments.push_back(*outcome->payment);
    }
    Require(reader.summary().errors == errors);
    read.clean = errors == 0;
    return read;
}

std::string WritePayments(const std::vector<PaymentRecord>& payments) {
    std::ostringstream output;
    csv::PaymentCsvWriter writer(output);
    for (const auto& payment : payments) Require(writer.Add(payment).ok());
    Require(writer.Finish().ok());
    return output.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);

    std::vector<std::vector<std::string>> records;
    if (ReadRecords(bytes, records)) {
        std::ostringstream output;
        csv::CsvWriter writer(output);
        for (const auto& record : records) Require(writer.WriteRecord(record).ok());
        std::vector<std::vector<std::string>> reread;
        Require(ReadRecords(output.str(), reread));
        Require(reread == records);
    }

    const Payments first = ReadPayments(bytes);
    if (!first.clean || first.payments.empty()) return 0;
    const std::string written = WritePayments(first.payments);
    const Payments second = ReadPayments(written);
    Require(second.clean);
    Require(second.payments == first.payments);
    Require(WritePayments(second.payments) == written);
    return 0;
}
