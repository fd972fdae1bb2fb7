// BR Code encode and decode+validate on one core (issue 4's figures; docs/performance.md).
//
// The cases are bench/brcode_vs_pixutils/cases.json, which the pix-utils side of
// bench/brcode_vs_pixutils/run.sh reads too, so both encode the same fields and decode the same
// payloads. Each benchmark goes round the cases; items/s is codes per second. BRCODE_CASES and
// BRCODE_PAYLOADS (see Payloads()) point elsewhere.
//
//   BM_EncodeTo      fields -> payload in a PayloadBuffer (the allocation-free path)
//   BM_DecodeValid   payload -> verdict + field views (the allocation-free path)
//   BM_Encode        the same as BM_EncodeTo, returning a std::string
//   BM_Decode        the detailed decoder: every field copied, raw data objects, errors
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "formats/brcode/brcode.hpp"

namespace {

namespace brcode = dictra::formats::brcode;

std::string CasesPath() {
    if (const char* path = std::getenv("BRCODE_CASES")) return path;
    return std::string(DICTRA_SOURCE_DIR) + "/bench/brcode_vs_pixutils/cases.json";
}

std::string Field(const boost::json::object& object, const char* name) {
    const auto* value = object.if_contains(name);
    return value != nullptr ? std::string(value->as_string()) : std::string();
}

const std::vector<brcode::BrCode>& Cases() {
    static const std::vector<brcode::BrCode> cases = [] {
        std::ifstream file(CasesPath());
        if (!file) throw std::runtime_error("cannot read " + CasesPath());
        const std::string text((std::istreambuf_iterator<char>(file)), {});
        std::vector<brcode::BrCode> parsed;
        const boost::json::value document = boost::json::parse(text);
        for (const auto& entry : document.as_array()) {
            const auto& object = entry.as_object();
            brcode::BrCode code;
            if (Field(object, "type") == "dynamic") {
                code.url = Field(object, "url");
            } else {
                code.pix_key = Field(object, "pixKey");
                code.info = Field(object, "infoAdicional");
                code.txid = Field(object, "txid");
            }
            code.merchant_name = Field(object, "merchantName");
            code.merchant_city = Field(object, "merchantCity");
            if (const std::string amount = Field(object, "transactionAmount"); !amount.empty()) {
                code.amount = dictra::ParseAmount(amount).value();
            }
            parsed.push_back(code);
        }
        return parsed;
    }();
    return cases;
}

// The payloads to decode: BRCODE_PAYLOADS (one per line; run.sh passes the ones pix-utils
// wrote), else our own encoding of the cases.
const std::vector<std::string>& Payloads() {
    static const std::vector<std::string> payloads = [] {
        std::vector<std::string> encoded;
        if (const char* path = std::getenv("BRCODE_PAYLOADS")) {
            std::ifstream file(path);
            for (std::string line; std::getline(file, line);) {
                if (!line.empty()) encoded.push_back(line);
            }
            if (encoded.empty()) throw std::runtime_error(std::string("no payloads in ") + path);
            return encoded;
        }
        for (const auto& code : Cases()) encoded.push_back(brcode::Encode(code).value());
        return encoded;
    }();
    return payloads;
}

void BM_EncodeTo(benchmark::State& state) {
    const auto& cases = Cases();
    brcode::PayloadBuffer buffer;
    std::size_t case_idx = 0;
    for (auto _ : state) {
        const dictra::Status status = brcode::EncodeTo(cases[case_idx], buffer);
        if (!status.ok()) state.SkipWithError("a case did not encode");
        benchmark::DoNotOptimize(buffer);
        case_idx = case_idx + 1 == cases.size() ? 0 : case_idx + 1;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeTo);

void BM_DecodeValid(benchmark::State& state) {
    const auto& payloads = Payloads();
    brcode::BrCodeView view;
    std::size_t case_idx = 0;
    for (auto _ : state) {
        if (!brcode::DecodeValid(payloads[case_idx], view))
            state.SkipWithError("a case is invalid");
        benchmark::DoNotOptimize(view);
        case_idx = case_idx + 1 == payloads.size() ? 0 : case_idx + 1;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeValid);

void BM_Encode(benchmark::State& state) {
    const auto& cases = Cases();
    std::size_t case_idx = 0;
    for (auto _ : state) {
        auto payload = brcode::Encode(cases[case_idx]);
        benchmark::DoNotOptimize(payload);
        case_idx = case_idx + 1 == cases.size() ? 0 : case_idx + 1;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Encode);

void BM_Decode(benchmark::State& state) {
    const auto& payloads = Payloads();
    std::size_t case_idx = 0;
    for (auto _ : state) {
        auto decoded = brcode::Decode(payloads[case_idx]);
        benchmark::DoNotOptimize(decoded);
        case_idx = case_idx + 1 == payloads.size() ? 0 : case_idx + 1;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decode);

}  // namespace

BENCHMARK_MAIN();
