// pacs.008 and pacs.002: build and parse on one core (issue 6's figures; docs/performance.md).
//
// One message of each as the SPI exchanges them: a pacs.008 with one DICT transfer (every
// mandatory element plus proxy and remittance text) and a pacs.002 with one ACCC status. Build is
// fields -> XML (escaping, formatting, the XSD's field rules); parse is XML -> fields with the
// safe libxml2 reader and the same rules. items/s is messages per second.
#include <benchmark/benchmark.h>

#include <string>

#include "core/time.hpp"
#include "formats/iso20022/pacs002.hpp"
#include "formats/iso20022/pacs008.hpp"

namespace {

namespace iso = dictra::formats::iso20022;

dictra::SystemTimePoint At(std::string_view rfc3339) {
    return dictra::ParseRfc3339(rfc3339).value();
}

iso::AppHeader Header(std::string from, std::string to) {
    return iso::AppHeader{std::move(from), std::move(to), "M60746948xK3pQ9rT2vW8yZ1aB4cD6eF",
                          At("2026-01-24T10:30:12.345Z")};
}

iso::Pacs008 SamplePacs008() {
    iso::CreditTransfer tx;
    tx.end_to_end_id = "E60746948202601241030a1B2c3D4e5F";
    tx.amount = dictra::AmountCentavos(1'234'56);
    tx.accepted_at = At("2026-01-24T10:30:11.900Z");
    tx.local_instrument = iso::LocalInstrument::kDict;
    tx.debtor_name = "Joao da Silva";
    tx.debtor_tax_id = "12345678901";
    tx.debtor_account = iso::Account{"00012345678", "0001", iso::AccountType::kCacc};
    tx.debtor_agent_ispb = "60746948";
    tx.creditor_agent_ispb = "00000000";
    tx.creditor_tax_id = "11222333000181";
    tx.creditor_account = iso::Account{"987654", "1234", iso::AccountType::kTran};
    tx.creditor_proxy = "maria@example.com";
    tx.purpose = iso::Purpose::kIpay;
    tx.remittance_information = "Aluguel de janeiro";
    iso::Pacs008 pacs008;
    pacs008.msg_id = "M60746948xK3pQ9rT2vW8yZ1aB4cD6eF";
    pacs008.created_at = At("2026-01-24T10:30:12.345Z");
    pacs008.priority = iso::InstructionPriority::kHigh;
    pacs008.service_level = iso::ServiceLevel::kPagpri;
    pacs008.transactions = {tx};
    return pacs008;
}

iso::Pacs002 SamplePacs002() {
    iso::PaymentStatus settled;
    settled.original_instruction_id = "E60746948202601241030a1B2c3D4e5F";
    settled.original_end_to_end_id = "E60746948202601241030a1B2c3D4e5F";
    settled.status = iso::TransactionStatus::kAccc;
    settled.settled_at = At("2026-01-24T10:30:12.870Z");
    settled.original_settlement_date = std::chrono::year_month_day(
        std::chrono::year(2026), std::chrono::month(1), std::chrono::day(24));
    iso::Pacs002 pacs002;
    pacs002.msg_id = "M00038166Qw3Er5Ty7Ui9Op1As3Df5Gh";
    pacs002.created_at = At("2026-01-24T10:30:12.901Z");
    pacs002.statuses = {settled};
    return pacs002;
}

void BM_BuildPacs008(benchmark::State& state) {
    const iso::AppHeader header = Header("60746948", "00038166");
    const iso::Pacs008 message = SamplePacs008();
    for (auto _ : state) {
        auto xml = iso::BuildPacs008(header, message);
        if (!xml.ok()) state.SkipWithError("build failed");
        benchmark::DoNotOptimize(xml);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildPacs008);

void BM_ParsePacs008(benchmark::State& state) {
    const std::string xml =
        iso::BuildPacs008(Header("60746948", "00038166"), SamplePacs008()).value();
    for (auto _ : state) {
        auto parsed = iso::ParsePacs008(xml);
        if (!parsed.ok()) state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes"] = static_cast<double>(xml.size());
}
BENCHMARK(BM_ParsePacs008);

void BM_BuildPacs002(benchmark::State& state) {
    const iso::AppHeader header = Header("00038166", "60746948");
    const iso::Pacs002 message = SamplePacs002();
    for (auto _ : state) {
        auto xml = iso::BuildPacs002(header, message);
        if (!xml.ok()) state.SkipWithError("build failed");
        benchmark::DoNotOptimize(xml);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildPacs002);

void BM_ParsePacs002(benchmark::State& state) {
    const std::string xml =
        iso::BuildPacs002(Header("00038166", "60746948"), SamplePacs002()).value();
    for (auto _ : state) {
        auto parsed = iso::ParsePacs002(xml);
        if (!parsed.ok()) state.SkipWithError("parse failed");
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["bytes"] = static_cast<double>(xml.size());
}
BENCHMARK(BM_ParsePacs002);

}  // namespace

BENCHMARK_MAIN();
