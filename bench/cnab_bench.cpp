// CNAB240 read + validate on one core (issue 5's figure; docs/performance.md).
//
// A remessa of 100,000 Pix payments (200,000 detail lines, Segment A + B, in lots of up to 1,000
// payments, with their headers and trailers) is written once with Cnab240Writer, then read from
// memory with Cnab240Reader: line splitting, record order, every field of every segment, Latin-1
// to UTF-8, the PaymentRecord of each payment, and trailer counts and totals. items/s is lines
// per second.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <istream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>

#include "formats/cnab/cnab240_reader.hpp"
#include "formats/cnab/cnab240_writer.hpp"

namespace {

namespace cnab = dictra::formats::cnab;
using namespace std::chrono_literals;

constexpr int kPayments = 100'000;
constexpr int kPaymentsPerDebtor = 1'000;  // a new debtor opens a new lot

// Writes a remessa of `payments` Pix payments to `output`; returns its line count. With
// `creditor_ispb` every payee names its bank's ISPB, which the settlement service requires of a
// payment (bench/cnab_import_load.sh); the benchmark's file leaves it blank, as files addressed
// by key may.
std::size_t WriteRemessa(std::ostream& output, int payments, std::string_view creditor_ispb) {
    auto writer = cnab::Cnab240Writer::Create(
                      output, {.bank_code = "341",
                               .bank_name = "BANCO ITAU SA",
                               .company_name = "ACME PAGAMENTOS LTDA",
                               .company_tax_id = "12345678000195",
                               .agreement_code = "PIX-ACME-0001",
                               .file_sequence_number = 1,
                               .generated_at = dictra::SystemTimePoint(1'769'250'000s)})
                      .value();
    for (int payment_idx = 0; payment_idx < payments; ++payment_idx) {
        const int debtor_idx = payment_idx / kPaymentsPerDebtor;
        dictra::formats::PaymentRecord payment{
            .amount_centavos = 100 + payment_idx,
            .payment_date = 2026y / 1 / 24,
            .debtor = {.bank_code = "341",
                       .branch = "0001",
                       .account = std::to_string(1'000'000 + debtor_idx),
                       .name = "ACME PAGAMENTOS LTDA",
                       .tax_id = "12345678000195"},
            .creditor = {.ispb = std::string(creditor_ispb),
                         .name = "JOSÉ DA SILVA",
                         .tax_id = "52998224725"},
            .pix_key = "jose.silva" + std::to_string(payment_idx) + "@example.com",
            .initiation = dictra::formats::PixInitiation::kEmail,
            .description = "Pagamento de fornecedor",
            .external_id = "PAY-" + std::to_string(payment_idx)};
        if (!writer.Add(payment).ok()) throw std::runtime_error("cannot write a payment");
    }
    if (!writer.Finish().ok()) throw std::runtime_error("cannot finish the file");
    const std::size_t lots =
        (static_cast<std::size_t>(payments) + kPaymentsPerDebtor - 1) / kPaymentsPerDebtor;
    return 2 + 2 * lots + 2 * static_cast<std::size_t>(payments);
}

struct File {
    std::string bytes;
    std::size_t lines = 0;
};

const File& Remessa() {
    static const File file = [] {
        std::ostringstream output;
        WriteRemessa(output, kPayments, "");
        File made{output.str(), 0};
        for (const char c : made.bytes) made.lines += c == '\n' ? 1 : 0;
        return made;
    }();
    return file;
}

// Reads bytes already in memory, as an istream, without copying them the way an
// istringstream would (48 MB per iteration, which is the benchmark's cost, not the reader's).
class MemoryBuffer : public std::streambuf {
 public:
    explicit MemoryBuffer(const std::string& bytes) {
        char* begin = const_cast<char*>(bytes.data());  // only read: the get area
        setg(begin, begin, begin + bytes.size());
    }
};

void BM_ReadCnab240(benchmark::State& state) {
    const File& file = Remessa();
    for (auto _ : state) {
        MemoryBuffer buffer(file.bytes);
        std::istream input(&buffer);
        cnab::Cnab240Reader reader(input, {.debtor_ispb = "60701190"});
        std::size_t payments = 0;
        dictra::formats::RecordOutcome outcome;
        while (reader.Next(outcome)) {
            payments += outcome.status == dictra::formats::RecordStatus::kPayment ? 1 : 0;
            benchmark::DoNotOptimize(outcome);
        }
        if (payments != kPayments || reader.summary().errors != 0) {
            state.SkipWithError("the file did not read back cleanly");
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(file.lines));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file.bytes.size()));
}
BENCHMARK(BM_ReadCnab240)->Unit(benchmark::kMillisecond);

}  // namespace

// `cnab_bench remessa PAYMENTS FILE [CREDITOR_ISPB]` writes the same kind of remessa to FILE
// (for bench/cnab_import_load.sh) and prints its line count; anything else runs the benchmarks.
int main(int argc, char** argv) {
    if (argc >= 4 && std::string_view(argv[1]) == "remessa") {
        const int payments = std::stoi(argv[2]);
        std::ofstream output(argv[3], std::ios::binary);
        const std::size_t lines = WriteRemessa(output, payments, argc >= 5 ? argv[4] : "");
        output.close();
        if (!output) {
            std::fprintf(stderr, "cannot write %s\n", argv[3]);
            return 1;
        }
        std::printf("%zu\n", lines);
        return 0;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
