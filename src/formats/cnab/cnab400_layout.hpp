// CNAB400 positions of DICTRA's Pix payment layout (docs/formats/cnab400.md).
//
// CNAB400 has no FEBRABAN payment layout: each bank defines its own, and the shared frame is only
// "400 bytes per line, header record 0 first, trailer record 9 last, a sequential record number in
// 395-400". DICTRA's layout keeps that frame and carries a whole payment, both parties included,
// in one detail record 1. A file is in this layout when its header says operation 1 REMESSA,
// service 45 and "PIX PAGAMENTOS"; any other CNAB400 file (bank collection files) is read for its
// frame only. 1-based inclusive positions; names as in Diagnostics and the doc.
#pragma once

#include <cstddef>
#include <string_view>

#include "formats/cnab/field.hpp"

namespace dictra::formats::cnab::cnab400 {

inline constexpr std::size_t kLineBytes = 400;
// The sequential record number has 6 digits.
inline constexpr std::size_t kRecordsPerFileMax = 999'999;
inline constexpr std::string_view kOperation = "1REMESSA";
inline constexpr std::string_view kServiceCode = "45";
inline constexpr std::string_view kServiceName = "PIX PAGAMENTOS";

// Every record.
inline constexpr Field kRecordType{1, 1, "record_type"};
inline constexpr Field kSequence{395, 400, "sequence_number"};

// Record type 0: header.
namespace header {
inline constexpr Field kOperation{2, 9, "operation"};  // "1REMESSA"
inline constexpr Field kServiceCode{10, 11, "service_code"};
inline constexpr Field kServiceName{12, 26, "service_name"};
inline constexpr Field kAgreement{27, 46, "agreement_code"};
inline constexpr Field kCompanyName{47, 76, "company_name"};
inline constexpr Field kBankCode{77, 79, "bank_code"};
inline constexpr Field kBankName{80, 94, "bank_name"};
inline constexpr Field kGenerationDate{95, 102, "generation_date"};
inline constexpr Field kGenerationTime{103, 108, "generation_time"};
inline constexpr Field kFileSequence{109, 115, "file_sequence_number"};
}  // namespace header

// Record type 1: one payment.
namespace detail {
inline constexpr Field kDebtorIspb{2, 9, "debtor_ispb"};
inline constexpr Field kDebtorBankCode{10, 12, "debtor_bank_code"};
inline constexpr Field kDebtorBranch{13, 16, "debtor_branch"};
inline constexpr Field kDebtorAccount{17, 35, "debtor_account"};
inline constexpr Field kDebtorAccountCheckDigit{36, 36, "debtor_account_check_digit"};
inline constexpr Field kDebtorAccountType{37, 40, "debtor_account_type"};
inline constexpr Field kDebtorTaxIdType{41, 41, "debtor_tax_id_type"};
inline constexpr Field kDebtorTaxId{42, 55, "debtor_tax_id"};
inline constexpr Field kDebtorName{56, 85, "debtor_name"};
inline constexpr Field kCreditorIspb{86, 93, "creditor_ispb"};
inline constexpr Field kCreditorBankCode{94, 96, "creditor_bank_code"};
inline constexpr Field kCreditorBranch{97, 100, "creditor_branch"};
inline constexpr Field kCreditorAccount{101, 119, "creditor_account"};
inline constexpr Field kCreditorAccountCheckDigit{120, 120, "creditor_account_check_digit"};
inline constexpr Field kCreditorAccountType{121, 124, "creditor_account_type"};
inline constexpr Field kCreditorTaxIdType{125, 125, "creditor_tax_id_type"};
inline constexpr Field kCreditorTaxId{126, 139, "creditor_tax_id"};
inline constexpr Field kCreditorName{140, 169, "creditor_name"};
inline constexpr Field kInitiation{170, 171, "initiation"};
inline constexpr Field kPixKey{172, 248, "pix_key"};
inline constexpr Field kAmount{249, 261, "amount"};
inline constexpr Field kPaymentDate{262, 269, "payment_date"};
inline constexpr Field kExternalId{270, 299, "external_id"};
inline constexpr Field kTxId{300, 334, "tx_id"};
inline constexpr Field kDescription{335, 394, "description"};
}  // namespace detail

// Record type 9: trailer.
namespace trailer {
inline constexpr Field kPaymentCount{2, 7, "payment_count"};
inline constexpr Field kAmountTotal{8, 25, "amount_total"};
}  // namespace trailer

}  // namespace dictra::formats::cnab::cnab400
