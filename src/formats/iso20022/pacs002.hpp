// pacs.002 (SPI catalog pacs.002.spi.1.17): FIToFIPmtStsRpt, the status of one or more credit
// transfers. The SPI sends it to the payer's PSP (ACSP accepted, ACCC settled, RJCT rejected
// with a reason code such as AM04 insufficient funds); the payee's PSP sends it to the SPI to
// accept or reject a pacs.008 it received.
//
// The structs hold every element of the XSD with its cardinality. BuildPacs002 refuses, naming
// the XML path, any value the XSD would refuse (so what it returns validates against
// pacs.002.spi.1.17.xsd); ParsePacs002 accepts what that XSD accepts, stricter only where
// docs/formats/iso20022.md says.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"

namespace dictra::formats::iso20022 {

// TxInfAndSts/TxSts.
enum class TransactionStatus {
    kAccc,  // accepted, settlement completed (credited)
    kAcsc,  // accepted, settlement completed (debtor side)
    kAcsp,  // accepted, settlement in process
    kRjct,  // rejected
};
// "ACCC", "ACSC", "ACSP", "RJCT"; Parse returns nullopt for anything else.
std::string_view ToString(TransactionStatus value);
std::optional<TransactionStatus> ParseTransactionStatus(std::string_view code);

// True for the codes of ExternalStatusReason1Code in pacs.002.spi.1.17 ("AM04", "AB03", ...).
bool IsStatusReasonCode(std::string_view code);

// One StsRsnInf. Both parts are optional in the XSD.
struct StatusReason {
    std::optional<std::string> code;           // Rsn/Cd: ExternalStatusReason1Code
    std::vector<std::string> additional_info;  // AddtlInf: Max105Text each

    friend bool operator==(const StatusReason&, const StatusReason&) = default;
};

// One TxInfAndSts.
struct PaymentStatus {
    std::string original_instruction_id;                  // OrgnlInstrId: [E|D] + ISPB + stamp + 11
    std::string original_end_to_end_id;                   // OrgnlEndToEndId: EndToEndIdType
    TransactionStatus status = TransactionStatus::kAcsp;  // TxSts
    std::vector<StatusReason> reasons;                    // StsRsnInf: zero or more
    std::optional<SystemTimePoint> settled_at;            // FctvIntrBkSttlmDt/DtTm
    // OrgnlTxRef/IntrBkSttlmDt: the settlement date of the original transaction.
    std::optional<std::chrono::year_month_day> original_settlement_date;

    friend bool operator==(const PaymentStatus&, const PaymentStatus&) = default;
};

// The Document of a pacs.002.
struct Pacs002 {
    std::string msg_id;                   // GrpHdr/MsgId: MsgIdType
    SystemTimePoint created_at;           // GrpHdr/CreDtTm (milliseconds)
    std::vector<PaymentStatus> statuses;  // TxInfAndSts: one or more

    friend bool operator==(const Pacs002&, const Pacs002&) = default;
};

// Same contract as BuildPacs008 (pacs008.hpp).
Result<std::string> BuildPacs002(const AppHeader& header, const Pacs002& pacs002);
// Same contract as ParsePacs008, for pacs.002.spi.1.17.
Result<Envelope<Pacs002>> ParsePacs002(std::string_view xml);

}  // namespace dictra::formats::iso20022
