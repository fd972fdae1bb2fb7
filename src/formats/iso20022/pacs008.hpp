// pacs.008 (SPI catalog pacs.008.spi.1.16): FIToFICstmrCdtTrf, the credit transfer a payer's PSP
// sends to the SPI, which settles it and forwards it to the payee's PSP.
//
// The structs hold every element of the XSD, with its cardinality; the elements the XSD fixes to
// one value (SttlmMtd CLRG, ChrgBr SLEV, Ccy BRL, Tax Rcrd/Ctgy INF) are written by the builder
// and checked by the parser. NbOfTxs is the number of transactions (the parser refuses a
// mismatch). The field-to-XML mapping is in docs/formats/iso20022.md.
//
// BuildPacs008 checks every value against its XSD type (patterns, lengths, enumerations, amount
// digits) and refuses, naming the XML path, what the XSD would refuse; so what it returns
// validates against pacs.008.spi.1.16.xsd. ParsePacs008 accepts what that XSD accepts (stricter
// only where docs/formats/iso20022.md says), with an error naming line and path otherwise.
// Business rules that the XSD does not carry (a DICT payment needs a proxy, the amount adds up
// with the cash-back parts) belong to the SPI service, not here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"
#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"

namespace dictra::formats::iso20022 {

// GrpHdr/PmtTpInf/InstrPrty.
enum class InstructionPriority { kHigh, kNorm };
// GrpHdr/PmtTpInf/SvcLvl/Prtry: PAGPRI priority, PAGFRD under fraud analysis, PAGAGD scheduled.
enum class ServiceLevel { kPagpri, kPagfrd, kPagagd };
// CdtTrfTxInf/MndtRltdInf/Tp/LclInstrm/Prtry: how the payment was initiated.
enum class LocalInstrument {
    kManu,  // manual entry of account data
    kDict,  // manual entry of a Pix key (DICT lookup)
    kQrdn,  // dynamic QR code
    kQres,  // static QR code
    kInic,  // payment initiator
    kAuto,  // Pix Automático
    kApdn,  // proximity payment, dynamic QR data
    kApes,  // proximity payment, static QR data
};
// Account Tp/Cd: current, other, salary, savings, payment (transactional) account.
enum class AccountType { kCacc, kOthr, kSlry, kSvgs, kTran };
// CdtTrfTxInf/Purp/Cd: GSCB purchase with change (Pix Troco), IPAY payment, IPRT, OTHR (Pix
// Saque), REFU refund.
enum class Purpose { kGscb, kIpay, kIprt, kOthr, kRefu };
// RmtInf/Strd/RfrdDocInf/Tp/CdOrPrtry/Prtry: the Pix Saque/Troco agent's modality.
enum class AgentModality { kAgfss, kAgtec, kAgtot };
// RmtInf/Strd/RfrdDocAmt/AdjstmntAmtAndRsn/Rsn: VLCP purchase value, VLDN cash value.
enum class AdjustmentReason { kVlcp, kVldn };
// Tax/Rcrd/Tp.
enum class TaxType { kCbsSplit, kIbsSplit };

// The codes as the XSD spells them ("HIGH", "PAGPRI", "DICT", "CACC", "IPAY", "AGTEC", "VLCP",
// "CBSSPLIT"), and back. Parse functions return nullopt for anything else.
std::string_view ToString(InstructionPriority value);
std::string_view ToString(ServiceLevel value);
std::string_view ToString(LocalInstrument value);
std::string_view ToString(AccountType value);
std::string_view ToString(Purpose value);
std::string_view ToString(AgentModality value);
std::string_view ToString(AdjustmentReason value);
std::string_view ToString(TaxType value);
std::optional<LocalInstrument> ParseLocalInstrument(std::string_view code);
std::optional<AccountType> ParseAccountType(std::string_view code);
std::optional<Purpose> ParsePurpose(std::string_view code);
std::optional<ServiceLevel> ParseServiceLevel(std::string_view code);

// CashAccount38: DbtrAcct / CdtrAcct.
struct Account {
    std::string number;                     // Id/Othr/Id: ContaUsuarioType [0-9A-Z]{1,20}
    std::optional<std::string> branch;      // Id/Othr/Issr: Max4Numeric [0-9]{1,4} ("0001" kept)
    AccountType type = AccountType::kCacc;  // Tp/Cd

    friend bool operator==(const Account&, const Account&) = default;
};

// RmtInf/Strd/RfrdDocAmt/AdjstmntAmtAndRsn.
struct Adjustment {
    AmountCentavos amount;  // Amt (Ccy BRL)
    AdjustmentReason reason = AdjustmentReason::kVlcp;

    friend bool operator==(const Adjustment&, const Adjustment&) = default;
};

// RmtInf/Strd: Pix Saque / Pix Troco details.
struct StructuredRemittance {
    AgentModality agent_modality = AgentModality::kAgtec;  // RfrdDocInf/Tp/CdOrPrtry/Prtry
    std::string agent_ispb;                                // RfrdDocInf/Tp/Issr: ISPBType
    // RfrdDocAmt/AdjstmntAmtAndRsn: one or two, each reason at most once (XSD unique key).
    std::vector<Adjustment> adjustments;

    friend bool operator==(const StructuredRemittance&, const StructuredRemittance&) = default;
};

// Tax/Rcrd: Ctgy is always INF.
struct TaxRecord {
    TaxType type = TaxType::kCbsSplit;  // Tp
    AmountCentavos total_amount;        // TaxAmt/TtlAmt (Ccy BRL)

    friend bool operator==(const TaxRecord&, const TaxRecord&) = default;
};

// Tax: the CBS/IBS split of the tax reform.
struct TaxInformation {
    std::string reference_number;    // RefNb: DocFiscalType [a-zA-Z0-9]{1,50}
    std::vector<TaxRecord> records;  // Rcrd: exactly two

    friend bool operator==(const TaxInformation&, const TaxInformation&) = default;
};

// One CdtTrfTxInf.
struct CreditTransfer {
    std::optional<std::string> instruction_id;  // PmtId/InstrId: InstrId2Type
    std::string end_to_end_id;                  // PmtId/EndToEndId: EndToEndIdType
    std::optional<std::string> tx_id;           // PmtId/TxId: TxIdType [a-zA-Z0-9]{1,35}
    AmountCentavos amount;                      // IntrBkSttlmAmt (Ccy BRL)
    SystemTimePoint accepted_at;                // AccptncDtTm (milliseconds)
    LocalInstrument local_instrument = LocalInstrument::kManu;  // MndtRltdInf/Tp/LclInstrm/Prtry
    // InitgPty/Id/OrgId/Othr/Id: the payment initiator's CNPJ (PICnpj).
    std::optional<std::string> initiating_party_cnpj;
    std::string debtor_name;          // Dbtr/Nm: Max140Text
    std::string debtor_tax_id;        // Dbtr/Id/PrvtId/Othr/Id: CPF (11 digits) or CNPJ (PICpfCnpj)
    Account debtor_account;           // DbtrAcct
    std::string debtor_agent_ispb;    // DbtrAgt/FinInstnId/ClrSysMmbId/MmbId
    std::string creditor_agent_ispb;  // CdtrAgt/FinInstnId/ClrSysMmbId/MmbId
    std::string creditor_tax_id;      // Cdtr/Id/PrvtId/Othr/Id: PICpfCnpj
    Account creditor_account;         // CdtrAcct
    std::optional<std::string> creditor_proxy;          // CdtrAcct/Prxy/Id: the Pix key, Max77Text
    Purpose purpose = Purpose::kIpay;                   // Purp/Cd
    std::optional<TaxInformation> tax;                  // Tax
    std::optional<std::string> remittance_information;  // RmtInf/Ustrd: Max140Text
    std::optional<StructuredRemittance> structured_remittance;  // RmtInf/Strd

    friend bool operator==(const CreditTransfer&, const CreditTransfer&) = default;
};

// The Document of a pacs.008.
struct Pacs008 {
    std::string msg_id;                                         // GrpHdr/MsgId: MsgIdType
    SystemTimePoint created_at;                                 // GrpHdr/CreDtTm (milliseconds)
    InstructionPriority priority = InstructionPriority::kHigh;  // GrpHdr/PmtTpInf/InstrPrty
    ServiceLevel service_level = ServiceLevel::kPagpri;         // GrpHdr/PmtTpInf/SvcLvl/Prtry
    std::vector<CreditTransfer> transactions;  // CdtTrfTxInf: one or more; NbOfTxs is the count

    friend bool operator==(const Pacs008&, const Pacs008&) = default;
};

// The message as XML (UTF-8, indented), Sgntr holding the unsigned signature template (see
// envelope.hpp). kInvalidArgument naming the XML path of the first value the XSD would refuse,
// or when the message would exceed kXmlBytesMax.
Result<std::string> BuildPacs008(const AppHeader& header, const Pacs008& pacs008);

// Parses a pacs.008.spi.1.16 message. kInvalidArgument "line N: <path>: <what>" for anything
// the XSD refuses (or the safety limits), kPayloadTooLarge over kXmlBytesMax, and an error
// naming the type when the XML is another message.
Result<Envelope<Pacs008>> ParsePacs008(std::string_view xml);

}  // namespace dictra::formats::iso20022
