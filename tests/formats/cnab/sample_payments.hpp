// The payments of the golden files tests/data/cnab240/pix_payments.rem and
// tests/data/cnab400/pix_payments.rem, and helpers the CNAB tests share.
#pragma once

#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "formats/payment_record.hpp"

namespace dictra::formats::cnab::testing {

using namespace std::chrono_literals;

inline constexpr char kDebtorIspb[] = "60701190";

inline Party Acme() {
    return Party{.ispb = kDebtorIspb,
                 .bank_code = "341",
                 .branch = "0001",
                 .account = "1234567",
                 .name = "ACME PAGAMENTOS LTDA",
                 .tax_id = "12345678000195"};
}

inline Party Padaria() {
    return Party{.ispb = kDebtorIspb,
                 .bank_code = "341",
                 .branch = "1500",
                 .account = "99887",
                 .name = "PADARIA SÃO JOÃO",
                 .tax_id = "52998224725"};
}

// Five payments, one per initiation form; the last two have another debtor (a second lot).
inline std::vector<PaymentRecord> SamplePayments() {
    std::vector<PaymentRecord> payments;
    payments.push_back(
        PaymentRecord{.amount_centavos = 15000,
                      .payment_date = 2026y / 1 / 24,
                      .debtor = Acme(),
                      .creditor = Party{.name = "JOSÉ DA SILVA", .tax_id = "52998224725"},
                      .pix_key = "+5511987654321",
                      .initiation = PixInitiation::kPhone,
                      .description = "Aluguel de janeiro",
                      .external_id = "PAY-0001"});
    payments.push_back(PaymentRecord{
        .amount_centavos = 250050,
        .payment_date = 2026y / 1 / 24,
        .debtor = Acme(),
        .creditor = Party{.ispb = "18236120", .name = "MARIA CONCEIÇÃO", .tax_id = "11144477735"},
        .pix_key = "maria.conceicao@example.com.br",
        .initiation = PixInitiation::kEmail,
        .description = "Serviços de março",
        .external_id = "PAY-0002",
        .tx_id = "7b1f2c3d4e5f60718293a4b5c6d7e8f9"});
    payments.push_back(PaymentRecord{.amount_centavos = 99,
                                     .payment_date = 2026y / 2 / 28,
                                     .debtor = Acme(),
                                     .creditor = Party{.ispb = "00000000",
                                                       .bank_code = "001",
                                                       .branch = "1234",
                                                       .account = "98765X",
                                                       .account_type = AccountType::kSvgs,
                                                       .name = "COOPERATIVA AGRÍCOLA",
                                                       .tax_id = "11222333000181"},
                                     .initiation = PixInitiation::kBankData,
                                     .description = "Cota-parte",
                                     .external_id = "PAY-0003"});
    payments.push_back(PaymentRecord{
        .amount_centavos = 1234567,
        .payment_date = 2026y / 3 / 2,
        .debtor = Padaria(),
        .creditor = Party{.name = "FORNECEDOR DE FARINHA SA", .tax_id = "11222333000181"},
        .pix_key = "123e4567-e89b-12d3-a456-426614174000",
        .initiation = PixInitiation::kRandomKey,
        .external_id = "NF-88"});
    payments.push_back(PaymentRecord{.amount_centavos = 100000000,
                                     .payment_date = 2026y / 3 / 2,
                                     .debtor = Padaria(),
                                     .creditor = Party{.name = "ANA LÚCIA"},
                                     .pix_key = "52998224725",
                                     .initiation = PixInitiation::kTaxId,
                                     .description = "Salário"});
    return payments;
}

// CNAB240 carries neither the debtor's account type nor ISPB (the reader takes the ISPB from
// its options): what a CNAB240 round trip gives back.
inline PaymentRecord AsCnab240Carries(PaymentRecord payment) {
    payment.debtor.account_type.reset();
    payment.debtor.ispb = kDebtorIspb;
    return payment;
}

inline std::string ReadFileBytes(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(file)), {});
}

// When the golden files say they were generated: 2026-01-23 18:30:05.
inline SystemTimePoint GeneratedAt() {
    return SystemTimePoint(std::chrono::sys_days(2026y / 1 / 23) + 18h + 30min + 5s);
}

}  // namespace dictra::formats::cnab::testing
