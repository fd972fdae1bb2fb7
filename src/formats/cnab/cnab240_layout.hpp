// CNAB240 positions used by DICTRA: FEBRABAN "Layout Padrão CNAB240" v10.x, Pagamentos.
//
// One table per record kind, 1-based inclusive positions as in the manual; the names are the
// ones readers put in Diagnostics and docs/formats/cnab240.md lists. Only the fields DICTRA
// reads or writes are named; the rest of a record is blanks (alphanumeric) or zeros (numeric)
// on write and ignored on read. Fields shared by every record (bank, lot, record type) come
// first; detail records add sequence number and segment.
#pragma once

#include <cstddef>
#include <string_view>

#include "formats/cnab/field.hpp"

namespace dictra::formats::cnab::cnab240 {

inline constexpr std::size_t kLineBytes = 240;
// The file trailer counts records in 6 digits and lots in 6; a lot numbers its details in 5.
inline constexpr std::size_t kRecordsPerFileMax = 999'999;
inline constexpr std::size_t kDetailsPerLotMax = 99'999;
// The file header says which layout version the file follows; the lot header its own.
inline constexpr std::string_view kFileLayoutVersion = "103";
inline constexpr std::string_view kLotLayoutVersion = "046";
// Segment A "câmara centralizadora" for Pix (P001).
inline constexpr std::string_view kClearingPix = "009";
// Lot header "forma de lançamento" (G029) DICTRA writes: Pix transfer.
inline constexpr std::string_view kEntryFormPixTransfer = "45";
// Lot header "tipo de serviço" (G025) DICTRA writes: miscellaneous payments.
inline constexpr std::string_view kServiceMiscPayments = "98";

// Every record.
inline constexpr Field kBankCode{1, 3, "bank_code"};
inline constexpr Field kLotNumber{4, 7, "lot_number"};
inline constexpr Field kRecordType{8, 8, "record_type"};

// Record type 0: file header.
namespace file_header {
inline constexpr Field kCompanyTaxIdType{18, 18, "company_tax_id_type"};
inline constexpr Field kCompanyTaxId{19, 32, "company_tax_id"};
inline constexpr Field kAgreement{33, 52, "agreement_code"};
inline constexpr Field kBranch{53, 57, "company_branch"};
inline constexpr Field kAccount{59, 70, "company_account"};
inline constexpr Field kAccountCheckDigit{71, 71, "company_account_check_digit"};
inline constexpr Field kCompanyName{73, 102, "company_name"};
inline constexpr Field kBankName{103, 132, "bank_name"};
inline constexpr Field kDirection{143, 143, "direction"};  // 1 remessa, 2 retorno
inline constexpr Field kGenerationDate{144, 151, "generation_date"};
inline constexpr Field kGenerationTime{152, 157, "generation_time"};
inline constexpr Field kFileSequence{158, 163, "file_sequence_number"};
inline constexpr Field kLayoutVersion{164, 166, "layout_version"};
inline constexpr Field kDensity{167, 171, "recording_density"};
}  // namespace file_header

// Record type 1: lot header (payments: "Pagamento através de Crédito em Conta, ... PIX").
namespace lot_header {
inline constexpr Field kOperation{9, 9, "operation_type"};  // C credit, R/T collection, ...
inline constexpr Field kService{10, 11, "service_type"};
inline constexpr Field kEntryForm{12, 13, "entry_form"};
inline constexpr Field kLayoutVersion{14, 16, "lot_layout_version"};
inline constexpr Field kDebtorTaxIdType{18, 18, "debtor_tax_id_type"};
inline constexpr Field kDebtorTaxId{19, 32, "debtor_tax_id"};
inline constexpr Field kAgreement{33, 52, "agreement_code"};
inline constexpr Field kDebtorBranch{53, 57, "debtor_branch"};
inline constexpr Field kDebtorBranchCheckDigit{58, 58, "debtor_branch_check_digit"};
inline constexpr Field kDebtorAccount{59, 70, "debtor_account"};
inline constexpr Field kDebtorAccountCheckDigit{71, 71, "debtor_account_check_digit"};
inline constexpr Field kDebtorName{73, 102, "debtor_name"};
inline constexpr Field kAddressNumber{173, 177, "address_number"};
inline constexpr Field kPostalCode{213, 217, "postal_code"};
inline constexpr Field kPaymentForm{223, 224, "payment_form"};
}  // namespace lot_header

// Record type 3: every detail segment.
namespace detail {
inline constexpr Field kSequence{9, 13, "sequence_number"};
inline constexpr Field kSegment{14, 14, "segment"};
}  // namespace detail

// Segment A: the payment and the payee's bank account.
namespace segment_a {
inline constexpr Field kMovementType{15, 15, "movement_type"};  // 0 inclusion
inline constexpr Field kInstruction{16, 17, "movement_instruction"};
inline constexpr Field kClearing{18, 20, "clearing_code"};  // 009 Pix
inline constexpr Field kCreditorBankCode{21, 23, "creditor_bank_code"};
inline constexpr Field kCreditorBranch{24, 28, "creditor_branch"};
inline constexpr Field kCreditorBranchCheckDigit{29, 29, "creditor_branch_check_digit"};
inline constexpr Field kCreditorAccount{30, 41, "creditor_account"};
inline constexpr Field kCreditorAccountCheckDigit{42, 42, "creditor_account_check_digit"};
inline constexpr Field kCreditorName{44, 73, "creditor_name"};
inline constexpr Field kExternalId{74, 93, "external_id"};
inline constexpr Field kPaymentDate{94, 101, "payment_date"};
inline constexpr Field kCurrency{102, 104, "currency"};
inline constexpr Field kCurrencyQuantity{105, 119, "currency_quantity"};
inline constexpr Field kAmount{120, 134, "amount"};
inline constexpr Field kBankReference{135, 154, "bank_reference"};
inline constexpr Field kEffectiveDate{155, 162, "effective_date"};
inline constexpr Field kEffectiveAmount{163, 177, "effective_amount"};
inline constexpr Field kCreditorAccountType{225, 226, "creditor_account_type"};
inline constexpr Field kNotice{230, 230, "payee_notice"};
inline constexpr Field kOccurrences{231, 240, "occurrences"};
}  // namespace segment_a

// Segment B in its Pix form (v10.x): how the payee is addressed.
namespace segment_b {
inline constexpr Field kInitiation{15, 17, "initiation"};  // 01..05, note G100
inline constexpr Field kCreditorTaxIdType{18, 18, "creditor_tax_id_type"};
inline constexpr Field kCreditorTaxId{19, 32, "creditor_tax_id"};
inline constexpr Field kTxId{33, 67, "tx_id"};                // "Informação 10"
inline constexpr Field kDescription{68, 127, "description"};  // "Informação 11"
inline constexpr Field kPixKey{128, 226, "pix_key"};          // "Informação 12"
inline constexpr Field kSiape{227, 232, "siape"};
inline constexpr Field kCreditorIspb{233, 240, "creditor_ispb"};
}  // namespace segment_b

// Record type 5: lot trailer (payments).
namespace lot_trailer {
inline constexpr Field kRecordCount{18, 23, "lot_record_count"};
inline constexpr Field kAmountTotal{24, 41, "lot_amount_total"};
inline constexpr Field kCurrencyTotal{42, 59, "lot_currency_quantity_total"};
inline constexpr Field kDebitNotice{60, 65, "debit_notice_number"};
}  // namespace lot_trailer

// Record type 9: file trailer.
namespace file_trailer {
inline constexpr Field kLotCount{18, 23, "file_lot_count"};
inline constexpr Field kRecordCount{24, 29, "file_record_count"};
inline constexpr Field kAccountCount{30, 35, "reconciliation_account_count"};
}  // namespace file_trailer

}  // namespace dictra::formats::cnab::cnab240
