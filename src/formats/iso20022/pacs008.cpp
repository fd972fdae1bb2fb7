#include "formats/iso20022/pacs008.hpp"

#include <array>

#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022 {
namespace {

using internal::Children;
using internal::Element;
using internal::EnumCode;
using internal::XmlWriter;

constexpr std::array<EnumCode<InstructionPriority>, 2> kPriorities{{
    {InstructionPriority::kHigh, "HIGH"},
    {InstructionPriority::kNorm, "NORM"},
}};
constexpr std::array<EnumCode<ServiceLevel>, 3> kServiceLevels{{
    {ServiceLevel::kPagagd, "PAGAGD"},
    {ServiceLevel::kPagfrd, "PAGFRD"},
    {ServiceLevel::kPagpri, "PAGPRI"},
}};
constexpr std::array<EnumCode<LocalInstrument>, 8> kLocalInstruments{{
    {LocalInstrument::kApdn, "APDN"},
    {LocalInstrument::kApes, "APES"},
    {LocalInstrument::kAuto, "AUTO"},
    {LocalInstrument::kDict, "DICT"},
    {LocalInstrument::kInic, "INIC"},
    {LocalInstrument::kManu, "MANU"},
    {LocalInstrument::kQrdn, "QRDN"},
    {LocalInstrument::kQres, "QRES"},
}};
constexpr std::array<EnumCode<AccountType>, 5> kAccountTypes{{
    {AccountType::kCacc, "CACC"},
    {AccountType::kOthr, "OTHR"},
    {AccountType::kSlry, "SLRY"},
    {AccountType::kSvgs, "SVGS"},
    {AccountType::kTran, "TRAN"},
}};
constexpr std::array<EnumCode<Purpose>, 5> kPurposes{{
    {Purpose::kGscb, "GSCB"},
    {Purpose::kIpay, "IPAY"},
    {Purpose::kIprt, "IPRT"},
    {Purpose::kOthr, "OTHR"},
    {Purpose::kRefu, "REFU"},
}};
constexpr std::array<EnumCode<AgentModality>, 3> kAgentModalities{{
    {AgentModality::kAgfss, "AGFSS"},
    {AgentModality::kAgtec, "AGTEC"},
    {AgentModality::kAgtot, "AGTOT"},
}};
constexpr std::array<EnumCode<AdjustmentReason>, 2> kAdjustmentReasons{{
    {AdjustmentReason::kVlcp, "VLCP"},
    {AdjustmentReason::kVldn, "VLDN"},
}};
constexpr std::array<EnumCode<TaxType>, 2> kTaxTypes{{
    {TaxType::kCbsSplit, "CBSSPLIT"},
    {TaxType::kIbsSplit, "IBSSPLIT"},
}};

// Values the XSD fixes.
constexpr std::string_view kSettlementMethod = "CLRG";
constexpr std::string_view kChargeBearer = "SLEV";
constexpr std::string_view kTaxCategory = "INF";
constexpr std::string_view kCurrency = "BRL";

constexpr std::size_t kAdjustmentsMax = 2;
constexpr std::size_t kTaxRecords = 2;

template <typename Enum, std::size_t N>
std::optional<Enum> FromCode(const std::array<EnumCode<Enum>, N>& codes, std::string_view code) {
    for (const auto& entry : codes) {
        if (entry.code == code) return entry.value;
    }
    return std::nullopt;
}

// --- Building ---

Status WriteAmount(XmlWriter& writer, std::string_view name, AmountCentavos amount,
                   const std::string& path) {
    DICTRA_RETURN_IF_ERROR(internal::CheckAmount(amount, path));
    writer.Leaf(name, "Ccy", kCurrency, FormatAmount(amount));
    return Ok();
}

template <typename Enum, std::size_t N>
Result<std::string_view> Code(const std::array<EnumCode<Enum>, N>& codes, Enum value,
                              const std::string& path) {
    DICTRA_RETURN_IF_ERROR(internal::CheckEnum(codes, value, path));
    return internal::CodeOf(codes, value);
}

Status WriteAccount(XmlWriter& writer, std::string_view name, const Account& account,
                    const std::optional<std::string>& proxy, const std::string& path) {
    DICTRA_RETURN_IF_ERROR(
        internal::CheckText(internal::kContaUsuarioType, account.number, path + "/Id/Othr/Id"));
    if (account.branch) {
        DICTRA_RETURN_IF_ERROR(
            internal::CheckText(internal::kMax4Numeric, *account.branch, path + "/Id/Othr/Issr"));
    }
    DICTRA_ASSIGN_OR_RETURN(std::string_view type,
                            Code(kAccountTypes, account.type, path + "/Tp/Cd"));
    if (proxy) {
        DICTRA_RETURN_IF_ERROR(
            internal::CheckText(internal::kMax77Text, *proxy, path + "/Prxy/Id"));
    }
    writer.Open(name);
    writer.Open("Id");
    writer.Open("Othr");
    writer.Leaf("Id", account.number);
    if (account.branch) writer.Leaf("Issr", *account.branch);
    writer.Close();
    writer.Close();
    writer.LeafIn({"Tp"}, "Cd", type);
    if (proxy) writer.LeafIn({"Prxy"}, "Id", *proxy);
    writer.Close();
    return Ok();
}

Status WriteAgent(XmlWriter& writer, std::string_view name, const std::string& ispb,
                  const std::string& path) {
    DICTRA_RETURN_IF_ERROR(
        internal::CheckText(internal::kIspbType, ispb, path + "/FinInstnId/ClrSysMmbId/MmbId"));
    writer.LeafIn({name, "FinInstnId", "ClrSysMmbId"}, "MmbId", ispb);
    return Ok();
}

Status WriteTax(XmlWriter& writer, const TaxInformation& tax, const std::string& path) {
    DICTRA_RETURN_IF_ERROR(
        internal::CheckText(internal::kDocFiscalType, tax.reference_number, path + "/RefNb"));
    if (tax.records.size() != kTaxRecords) {
        return Error::InvalidArgument(path + "/Rcrd: exactly 2 records are required, got " +
                                          std::to_string(tax.records.size()),
                                      path + "/Rcrd");
    }
    writer.Open("Tax");
    writer.Leaf("RefNb", tax.reference_number);
    for (std::size_t record_idx = 0; record_idx < tax.records.size(); ++record_idx) {
        const TaxRecord& record = tax.records[record_idx];
        const std::string record_path = path + "/Rcrd[" + std::to_string(record_idx + 1) + "]";
        DICTRA_ASSIGN_OR_RETURN(std::string_view type,
                                Code(kTaxTypes, record.type, record_path + "/Tp"));
        writer.Open("Rcrd");
        writer.Leaf("Tp", type);
        writer.Leaf("Ctgy", kTaxCategory);
        writer.Open("TaxAmt");
        DICTRA_RETURN_IF_ERROR(
            WriteAmount(writer, "TtlAmt", record.total_amount, record_path + "/TaxAmt/TtlAmt"));
        writer.Close();
        writer.Close();
    }
    writer.Close();
    return Ok();
}

Status CheckAdjustmentReasonsUnique(const std::vector<AdjustmentReason>& reasons,
                                    const std::string& path) {
    for (std::size_t first = 0; first < reasons.size(); ++first) {
        for (std::size_t second = first + 1; second < reasons.size(); ++second) {
            if (reasons[first] == reasons[second]) {
                return Error::InvalidArgument(path + ": reason " +
                                                  std::string(ToString(reasons[first])) +
                                                  " appears twice (the XSD's unique key uniqueRsn)",
                                              path);
            }
        }
    }
    return Ok();
}

Status WriteStructured(XmlWriter& writer, const StructuredRemittance& structured,
                       const std::string& path) {
    DICTRA_ASSIGN_OR_RETURN(
        std::string_view modality,
        Code(kAgentModalities, structured.agent_modality, path + "/RfrdDocInf/Tp/CdOrPrtry/Prtry"));
    DICTRA_RETURN_IF_ERROR(internal::CheckText(internal::kIspbType, structured.agent_ispb,
                                               path + "/RfrdDocInf/Tp/Issr"));
    const std::string amounts_path = path + "/RfrdDocAmt/AdjstmntAmtAndRsn";
    if (structured.adjustments.empty() || structured.adjustments.size() > kAdjustmentsMax) {
        return Error::InvalidArgument(amounts_path + ": 1 or 2 adjustments are required, got " +
                                          std::to_string(structured.adjustments.size()),
                                      amounts_path);
    }
    std::vector<AdjustmentReason> reasons;
    for (const Adjustment& adjustment : structured.adjustments) {
        reasons.push_back(adjustment.reason);
    }
    DICTRA_RETURN_IF_ERROR(CheckAdjustmentReasonsUnique(reasons, amounts_path));

    writer.Open("Strd");
    writer.Open("RfrdDocInf");
    writer.Open("Tp");
    writer.LeafIn({"CdOrPrtry"}, "Prtry", modality);
    writer.Leaf("Issr", structured.agent_ispb);
    writer.Close();
    writer.Close();
    writer.Open("RfrdDocAmt");
    for (std::size_t adjustment_idx = 0; adjustment_idx < structured.adjustments.size();
         ++adjustment_idx) {
        const Adjustment& adjustment = structured.adjustments[adjustment_idx];
        const std::string adjustment_path =
            amounts_path + "[" + std::to_string(adjustment_idx + 1) + "]";
        DICTRA_ASSIGN_OR_RETURN(std::string_view reason, Code(kAdjustmentReasons, adjustment.reason,
                                                              adjustment_path + "/Rsn"));
        writer.Open("AdjstmntAmtAndRsn");
        DICTRA_RETURN_IF_ERROR(
            WriteAmount(writer, "Amt", adjustment.amount, adjustment_path + "/Amt"));
        writer.Leaf("Rsn", reason);
        writer.Close();
    }
    writer.Close();
    writer.Close();
    return Ok();
}

Status WriteTransaction(XmlWriter& writer, const CreditTransfer& tx, const std::string& path) {
    using internal::CheckText;
    if (tx.instruction_id) {
        DICTRA_RETURN_IF_ERROR(
            CheckText(internal::kInstrIdType, *tx.instruction_id, path + "/PmtId/InstrId"));
    }
    DICTRA_RETURN_IF_ERROR(
        CheckText(internal::kEndToEndIdType, tx.end_to_end_id, path + "/PmtId/EndToEndId"));
    if (tx.tx_id) {
        DICTRA_RETURN_IF_ERROR(CheckText(internal::kTxIdType, *tx.tx_id, path + "/PmtId/TxId"));
    }
    DICTRA_RETURN_IF_ERROR(internal::CheckDateTime(tx.accepted_at, path + "/AccptncDtTm"));
    DICTRA_ASSIGN_OR_RETURN(
        std::string_view local_instrument,
        Code(kLocalInstruments, tx.local_instrument, path + "/MndtRltdInf/Tp/LclInstrm/Prtry"));
    if (tx.initiating_party_cnpj) {
        DICTRA_RETURN_IF_ERROR(CheckText(internal::kPiCnpj, *tx.initiating_party_cnpj,
                                         path + "/InitgPty/Id/OrgId/Othr/Id"));
    }
    DICTRA_RETURN_IF_ERROR(CheckText(internal::kMax140Text, tx.debtor_name, path + "/Dbtr/Nm"));
    DICTRA_RETURN_IF_ERROR(
        CheckText(internal::kPiCpfCnpj, tx.debtor_tax_id, path + "/Dbtr/Id/PrvtId/Othr/Id"));
    DICTRA_RETURN_IF_ERROR(
        CheckText(internal::kPiCpfCnpj, tx.creditor_tax_id, path + "/Cdtr/Id/PrvtId/Othr/Id"));
    DICTRA_ASSIGN_OR_RETURN(std::string_view purpose,
                            Code(kPurposes, tx.purpose, path + "/Purp/Cd"));
    if (tx.remittance_information) {
        DICTRA_RETURN_IF_ERROR(
            CheckText(internal::kMax140Text, *tx.remittance_information, path + "/RmtInf/Ustrd"));
    }

    writer.Open("CdtTrfTxInf");
    writer.Open("PmtId");
    if (tx.instruction_id) writer.Leaf("InstrId", *tx.instruction_id);
    writer.Leaf("EndToEndId", tx.end_to_end_id);
    if (tx.tx_id) writer.Leaf("TxId", *tx.tx_id);
    writer.Close();
    DICTRA_RETURN_IF_ERROR(
        WriteAmount(writer, "IntrBkSttlmAmt", tx.amount, path + "/IntrBkSttlmAmt"));
    writer.Leaf("AccptncDtTm", internal::FormatDateTime(tx.accepted_at));
    writer.Leaf("ChrgBr", kChargeBearer);
    writer.LeafIn({"MndtRltdInf", "Tp", "LclInstrm"}, "Prtry", local_instrument);
    if (tx.initiating_party_cnpj) {
        writer.LeafIn({"InitgPty", "Id", "OrgId", "Othr"}, "Id", *tx.initiating_party_cnpj);
    }
    writer.Open("Dbtr");
    writer.Leaf("Nm", tx.debtor_name);
    writer.LeafIn({"Id", "PrvtId", "Othr"}, "Id", tx.debtor_tax_id);
    writer.Close();
    DICTRA_RETURN_IF_ERROR(
        WriteAccount(writer, "DbtrAcct", tx.debtor_account, std::nullopt, path + "/DbtrAcct"));
    DICTRA_RETURN_IF_ERROR(WriteAgent(writer, "DbtrAgt", tx.debtor_agent_ispb, path + "/DbtrAgt"));
    DICTRA_RETURN_IF_ERROR(
        WriteAgent(writer, "CdtrAgt", tx.creditor_agent_ispb, path + "/CdtrAgt"));
    writer.LeafIn({"Cdtr", "Id", "PrvtId", "Othr"}, "Id", tx.creditor_tax_id);
    DICTRA_RETURN_IF_ERROR(WriteAccount(writer, "CdtrAcct", tx.creditor_account, tx.creditor_proxy,
                                        path + "/CdtrAcct"));
    writer.LeafIn({"Purp"}, "Cd", purpose);
    if (tx.tax) DICTRA_RETURN_IF_ERROR(WriteTax(writer, *tx.tax, path + "/Tax"));
    if (tx.remittance_information || tx.structured_remittance) {
        writer.Open("RmtInf");
        if (tx.remittance_information) writer.Leaf("Ustrd", *tx.remittance_information);
        if (tx.structured_remittance) {
            DICTRA_RETURN_IF_ERROR(
                WriteStructured(writer, *tx.structured_remittance, path + "/RmtInf/Strd"));
        }
        writer.Close();
    }
    writer.Close();
    return Ok();
}

// --- Parsing ---

Result<Account> ReadAccount(Children& transaction, std::string_view name, std::string_view ns,
                            std::optional<std::string>* proxy) {
    DICTRA_ASSIGN_OR_RETURN(Element account_element, transaction.Required(name));
    Children account_children(account_element, ns);
    Account account;
    DICTRA_ASSIGN_OR_RETURN(Element other, RequiredChain(account_children, ns, "Id", {"Othr"}));
    Children other_children(other, ns);
    DICTRA_ASSIGN_OR_RETURN(Element number, other_children.Required("Id"));
    DICTRA_ASSIGN_OR_RETURN(account.number,
                            internal::ReadText(number, internal::kContaUsuarioType));
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> branch, other_children.Optional("Issr"));
    if (branch) {
        DICTRA_ASSIGN_OR_RETURN(account.branch,
                                internal::ReadText(*branch, internal::kMax4Numeric));
    }
    DICTRA_RETURN_IF_ERROR(other_children.End());
    DICTRA_ASSIGN_OR_RETURN(Element type, RequiredChain(account_children, ns, "Tp", {"Cd"}));
    DICTRA_ASSIGN_OR_RETURN(
        account.type, internal::ReadEnum(type, kAccountTypes, "ExternalCashAccountType1Code"));
    if (proxy != nullptr) {
        DICTRA_ASSIGN_OR_RETURN(std::optional<Element> proxy_element,
                                account_children.Optional("Prxy"));
        if (proxy_element) {
            DICTRA_ASSIGN_OR_RETURN(Element id, internal::Descend(*proxy_element, ns, {"Id"}));
            DICTRA_ASSIGN_OR_RETURN(*proxy, internal::ReadText(id, internal::kMax77Text));
        }
    }
    DICTRA_RETURN_IF_ERROR(account_children.End());
    return account;
}

Result<std::string> ReadAgent(Children& transaction, std::string_view name, std::string_view ns) {
    DICTRA_ASSIGN_OR_RETURN(Element member, RequiredChain(transaction, ns, name,
                                                          {"FinInstnId", "ClrSysMmbId", "MmbId"}));
    return internal::ReadText(member, internal::kIspbType);
}

Result<AmountCentavos> ReadAmountChild(Children& children, std::string_view name) {
    DICTRA_ASSIGN_OR_RETURN(Element amount, children.Required(name, {"Ccy"}));
    return internal::ReadAmount(amount);
}

Result<TaxInformation> ReadTax(const Element& tax_element, std::string_view ns) {
    Children tax_children(tax_element, ns);
    TaxInformation tax;
    DICTRA_ASSIGN_OR_RETURN(Element reference, tax_children.Required("RefNb"));
    DICTRA_ASSIGN_OR_RETURN(tax.reference_number,
                            internal::ReadText(reference, internal::kDocFiscalType));
    DICTRA_ASSIGN_OR_RETURN(std::vector<Element> records,
                            tax_children.Repeated("Rcrd", kTaxRecords, kTaxRecords));
    for (const Element& record_element : records) {
        Children record_children(record_element, ns);
        TaxRecord record;
        DICTRA_ASSIGN_OR_RETURN(Element type, record_children.Required("Tp"));
        DICTRA_ASSIGN_OR_RETURN(record.type,
                                internal::ReadEnum(type, kTaxTypes, "ProprietaryTaxTypeCode"));
        DICTRA_ASSIGN_OR_RETURN(Element category, record_children.Required("Ctgy"));
        DICTRA_ASSIGN_OR_RETURN(std::string category_code, category.Text());
        if (category_code != kTaxCategory) {
            return category.Fail(internal::Quote(category_code) +
                                 " is not ProprietaryTaxCategory1Code (INF)");
        }
        DICTRA_ASSIGN_OR_RETURN(Element tax_amount, record_children.Required("TaxAmt"));
        Children amount_children(tax_amount, ns);
        DICTRA_ASSIGN_OR_RETURN(record.total_amount, ReadAmountChild(amount_children, "TtlAmt"));
        DICTRA_RETURN_IF_ERROR(amount_children.End());
        DICTRA_RETURN_IF_ERROR(record_children.End());
        tax.records.push_back(record);
    }
    DICTRA_RETURN_IF_ERROR(tax_children.End());
    return tax;
}

Result<StructuredRemittance> ReadStructured(const Element& structured_element,
                                            std::string_view ns) {
    Children structured_children(structured_element, ns);
    StructuredRemittance structured;
    DICTRA_ASSIGN_OR_RETURN(Element type,
                            RequiredChain(structured_children, ns, "RfrdDocInf", {"Tp"}));
    Children type_children(type, ns);
    DICTRA_ASSIGN_OR_RETURN(Element modality,
                            RequiredChain(type_children, ns, "CdOrPrtry", {"Prtry"}));
    DICTRA_ASSIGN_OR_RETURN(structured.agent_modality,
                            internal::ReadEnum(modality, kAgentModalities, "ModalidadeAgenteCode"));
    DICTRA_ASSIGN_OR_RETURN(Element issuer, type_children.Required("Issr"));
    DICTRA_ASSIGN_OR_RETURN(structured.agent_ispb, internal::ReadText(issuer, internal::kIspbType));
    DICTRA_RETURN_IF_ERROR(type_children.End());

    DICTRA_ASSIGN_OR_RETURN(Element amounts, structured_children.Required("RfrdDocAmt"));
    DICTRA_RETURN_IF_ERROR(structured_children.End());
    Children amounts_children(amounts, ns);
    DICTRA_ASSIGN_OR_RETURN(std::vector<Element> adjustments,
                            amounts_children.Repeated("AdjstmntAmtAndRsn", 1, kAdjustmentsMax));
    DICTRA_RETURN_IF_ERROR(amounts_children.End());
    std::vector<AdjustmentReason> reasons;
    for (const Element& adjustment_element : adjustments) {
        Children adjustment_children(adjustment_element, ns);
        Adjustment adjustment;
        DICTRA_ASSIGN_OR_RETURN(adjustment.amount, ReadAmountChild(adjustment_children, "Amt"));
        DICTRA_ASSIGN_OR_RETURN(Element reason, adjustment_children.Required("Rsn"));
        DICTRA_ASSIGN_OR_RETURN(adjustment.reason,
                                internal::ReadEnum(reason, kAdjustmentReasons, "RsnAmtCode"));
        DICTRA_RETURN_IF_ERROR(adjustment_children.End());
        reasons.push_back(adjustment.reason);
        structured.adjustments.push_back(adjustment);
    }
    auto unique = CheckAdjustmentReasonsUnique(reasons, amounts.path());
    if (!unique.ok()) return amounts.Fail("a reason (Rsn) appears twice; the XSD's key uniqueRsn");
    return structured;
}

Result<std::string> ReadPartyId(Children& transaction, std::string_view ns, std::string_view name,
                                std::optional<std::string>* debtor_name) {
    DICTRA_ASSIGN_OR_RETURN(Element party, transaction.Required(name));
    Children party_children(party, ns);
    if (debtor_name != nullptr) {
        DICTRA_ASSIGN_OR_RETURN(Element name_element, party_children.Required("Nm"));
        DICTRA_ASSIGN_OR_RETURN(*debtor_name,
                                internal::ReadText(name_element, internal::kMax140Text));
    }
    DICTRA_ASSIGN_OR_RETURN(Element id,
                            RequiredChain(party_children, ns, "Id", {"PrvtId", "Othr", "Id"}));
    DICTRA_RETURN_IF_ERROR(party_children.End());
    return internal::ReadText(id, internal::kPiCpfCnpj);
}

Result<CreditTransfer> ReadTransaction(const Element& element, std::string_view ns) {
    Children children(element, ns);
    CreditTransfer tx;

    DICTRA_ASSIGN_OR_RETURN(Element payment_id, children.Required("PmtId"));
    Children id_children(payment_id, ns);
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> instruction_id, id_children.Optional("InstrId"));
    if (instruction_id) {
        DICTRA_ASSIGN_OR_RETURN(tx.instruction_id,
                                internal::ReadText(*instruction_id, internal::kInstrIdType));
    }
    DICTRA_ASSIGN_OR_RETURN(Element end_to_end_id, id_children.Required("EndToEndId"));
    DICTRA_ASSIGN_OR_RETURN(tx.end_to_end_id,
                            internal::ReadText(end_to_end_id, internal::kEndToEndIdType));
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> tx_id, id_children.Optional("TxId"));
    if (tx_id) {
        DICTRA_ASSIGN_OR_RETURN(tx.tx_id, internal::ReadText(*tx_id, internal::kTxIdType));
    }
    DICTRA_RETURN_IF_ERROR(id_children.End());

    DICTRA_ASSIGN_OR_RETURN(tx.amount, ReadAmountChild(children, "IntrBkSttlmAmt"));
    DICTRA_ASSIGN_OR_RETURN(Element accepted, children.Required("AccptncDtTm"));
    DICTRA_ASSIGN_OR_RETURN(tx.accepted_at, internal::ReadDateTime(accepted));
    DICTRA_ASSIGN_OR_RETURN(Element charge_bearer, children.Required("ChrgBr"));
    DICTRA_ASSIGN_OR_RETURN(std::string charge_bearer_code, charge_bearer.Text());
    if (charge_bearer_code != kChargeBearer) {
        return charge_bearer.Fail(internal::Quote(charge_bearer_code) +
                                  " is not ChargeBearerType1Code (SLEV)");
    }
    DICTRA_ASSIGN_OR_RETURN(Element local_instrument, RequiredChain(children, ns, "MndtRltdInf",
                                                                    {"Tp", "LclInstrm", "Prtry"}));
    DICTRA_ASSIGN_OR_RETURN(
        tx.local_instrument,
        internal::ReadEnum(local_instrument, kLocalInstruments, "PrtryLclInstrmCode"));
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> initiating_party, children.Optional("InitgPty"));
    if (initiating_party) {
        DICTRA_ASSIGN_OR_RETURN(
            Element id, internal::Descend(*initiating_party, ns, {"Id", "OrgId", "Othr", "Id"}));
        DICTRA_ASSIGN_OR_RETURN(tx.initiating_party_cnpj,
                                internal::ReadText(id, internal::kPiCnpj));
    }
    std::optional<std::string> debtor_name;
    DICTRA_ASSIGN_OR_RETURN(tx.debtor_tax_id, ReadPartyId(children, ns, "Dbtr", &debtor_name));
    tx.debtor_name = std::move(*debtor_name);
    DICTRA_ASSIGN_OR_RETURN(tx.debtor_account, ReadAccount(children, "DbtrAcct", ns, nullptr));
    DICTRA_ASSIGN_OR_RETURN(tx.debtor_agent_ispb, ReadAgent(children, "DbtrAgt", ns));
    DICTRA_ASSIGN_OR_RETURN(tx.creditor_agent_ispb, ReadAgent(children, "CdtrAgt", ns));
    DICTRA_ASSIGN_OR_RETURN(tx.creditor_tax_id, ReadPartyId(children, ns, "Cdtr", nullptr));
    DICTRA_ASSIGN_OR_RETURN(tx.creditor_account,
                            ReadAccount(children, "CdtrAcct", ns, &tx.creditor_proxy));
    DICTRA_ASSIGN_OR_RETURN(Element purpose, RequiredChain(children, ns, "Purp", {"Cd"}));
    DICTRA_ASSIGN_OR_RETURN(tx.purpose,
                            internal::ReadEnum(purpose, kPurposes, "ExternalPurpose1Code"));
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> tax, children.Optional("Tax"));
    if (tax) {
        DICTRA_ASSIGN_OR_RETURN(tx.tax, ReadTax(*tax, ns));
    }
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> remittance, children.Optional("RmtInf"));
    if (remittance) {
        Children remittance_children(*remittance, ns);
        DICTRA_ASSIGN_OR_RETURN(std::optional<Element> unstructured,
                                remittance_children.Optional("Ustrd"));
        if (unstructured) {
            DICTRA_ASSIGN_OR_RETURN(tx.remittance_information,
                                    internal::ReadText(*unstructured, internal::kMax140Text));
        }
        DICTRA_ASSIGN_OR_RETURN(std::optional<Element> structured,
                                remittance_children.Optional("Strd"));
        if (structured) {
            DICTRA_ASSIGN_OR_RETURN(tx.structured_remittance, ReadStructured(*structured, ns));
        }
        DICTRA_RETURN_IF_ERROR(remittance_children.End());
    }
    DICTRA_RETURN_IF_ERROR(children.End());
    return tx;
}

}  // namespace

std::string_view ToString(InstructionPriority value) {
    return internal::CodeOf(kPriorities, value);
}
std::string_view ToString(ServiceLevel value) {
    return internal::CodeOf(kServiceLevels, value);
}
std::string_view ToString(LocalInstrument value) {
    return internal::CodeOf(kLocalInstruments, value);
}
std::string_view ToString(AccountType value) {
    return internal::CodeOf(kAccountTypes, value);
}
std::string_view ToString(Purpose value) {
    return internal::CodeOf(kPurposes, value);
}
std::string_view ToString(AgentModality value) {
    return internal::CodeOf(kAgentModalities, value);
}
std::string_view ToString(AdjustmentReason value) {
    return internal::CodeOf(kAdjustmentReasons, value);
}
std::string_view ToString(TaxType value) {
    return internal::CodeOf(kTaxTypes, value);
}
std::optional<LocalInstrument> ParseLocalInstrument(std::string_view code) {
    return FromCode(kLocalInstruments, code);
}
std::optional<AccountType> ParseAccountType(std::string_view code) {
    return FromCode(kAccountTypes, code);
}
std::optional<Purpose> ParsePurpose(std::string_view code) {
    return FromCode(kPurposes, code);
}
std::optional<ServiceLevel> ParseServiceLevel(std::string_view code) {
    return FromCode(kServiceLevels, code);
}

namespace internal {

Status WritePacs008Document(XmlWriter& writer, const Pacs008& pacs008,
                            const MessageDefinition& definition) {
    const std::string root = "Envelope/Document/FIToFICstmrCdtTrf";
    DICTRA_RETURN_IF_ERROR(
        CheckText(MsgIdTypeOf(definition), pacs008.msg_id, root + "/GrpHdr/MsgId"));
    DICTRA_RETURN_IF_ERROR(CheckDateTime(pacs008.created_at, root + "/GrpHdr/CreDtTm"));
    DICTRA_ASSIGN_OR_RETURN(std::string_view priority, Code(kPriorities, pacs008.priority,
                                                            root + "/GrpHdr/PmtTpInf/InstrPrty"));
    DICTRA_ASSIGN_OR_RETURN(
        std::string_view service_level,
        Code(kServiceLevels, pacs008.service_level, root + "/GrpHdr/PmtTpInf/SvcLvl/Prtry"));
    if (pacs008.transactions.empty()) {
        return Error::InvalidArgument(root + "/CdtTrfTxInf: at least one transaction is required",
                                      root + "/CdtTrfTxInf");
    }

    writer.Open("FIToFICstmrCdtTrf");
    writer.Open("GrpHdr");
    writer.Leaf("MsgId", pacs008.msg_id);
    writer.Leaf("CreDtTm", FormatDateTime(pacs008.created_at));
    writer.Leaf("NbOfTxs", std::to_string(pacs008.transactions.size()));
    writer.LeafIn({"SttlmInf"}, "SttlmMtd", kSettlementMethod);
    writer.Open("PmtTpInf");
    writer.Leaf("InstrPrty", priority);
    writer.LeafIn({"SvcLvl"}, "Prtry", service_level);
    writer.Close();
    writer.Close();
    for (std::size_t tx_idx = 0; tx_idx < pacs008.transactions.size(); ++tx_idx) {
        DICTRA_RETURN_IF_ERROR(
            WriteTransaction(writer, pacs008.transactions[tx_idx],
                             root + "/CdtTrfTxInf[" + std::to_string(tx_idx + 1) + "]"));
    }
    writer.Close();
    return Ok();
}

Result<Pacs008> ReadPacs008Document(const Element& document, const MessageDefinition& definition) {
    const std::string_view ns = definition.namespace_uri;
    DICTRA_ASSIGN_OR_RETURN(Element transfer, Descend(document, ns, {"FIToFICstmrCdtTrf"}));
    Children children(transfer, ns);
    Pacs008 pacs008;

    DICTRA_ASSIGN_OR_RETURN(Element group_header, children.Required("GrpHdr"));
    Children header(group_header, ns);
    DICTRA_ASSIGN_OR_RETURN(Element msg_id, header.Required("MsgId"));
    DICTRA_ASSIGN_OR_RETURN(pacs008.msg_id, ReadText(msg_id, MsgIdTypeOf(definition)));
    DICTRA_ASSIGN_OR_RETURN(Element created, header.Required("CreDtTm"));
    DICTRA_ASSIGN_OR_RETURN(pacs008.created_at, ReadDateTime(created));
    DICTRA_ASSIGN_OR_RETURN(Element count_element, header.Required("NbOfTxs"));
    DICTRA_ASSIGN_OR_RETURN(std::string count_text, ReadText(count_element, kMax15Numeric));
    DICTRA_ASSIGN_OR_RETURN(Element method, RequiredChain(header, ns, "SttlmInf", {"SttlmMtd"}));
    DICTRA_ASSIGN_OR_RETURN(std::string method_code, method.Text());
    if (method_code != kSettlementMethod) {
        return method.Fail(Quote(method_code) + " is not SettlementMethod1Code (CLRG)");
    }
    DICTRA_ASSIGN_OR_RETURN(Element payment_type, header.Required("PmtTpInf"));
    DICTRA_RETURN_IF_ERROR(header.End());
    Children payment_type_children(payment_type, ns);
    DICTRA_ASSIGN_OR_RETURN(Element priority, payment_type_children.Required("InstrPrty"));
    DICTRA_ASSIGN_OR_RETURN(pacs008.priority, ReadEnum(priority, kPriorities, "Priority2Code"));
    DICTRA_ASSIGN_OR_RETURN(Element service_level,
                            RequiredChain(payment_type_children, ns, "SvcLvl", {"Prtry"}));
    DICTRA_ASSIGN_OR_RETURN(pacs008.service_level,
                            ReadEnum(service_level, kServiceLevels, "PrtrySvcLvlCode"));
    DICTRA_RETURN_IF_ERROR(payment_type_children.End());

    DICTRA_ASSIGN_OR_RETURN(std::vector<Element> transactions,
                            children.Repeated("CdtTrfTxInf", 1, internal::kUnbounded));
    DICTRA_RETURN_IF_ERROR(children.End());
    // NbOfTxs is [0-9]{1,15}; compare as text without leading zeros to avoid overflow.
    std::string_view count_digits = count_text;
    while (count_digits.size() > 1 && count_digits.front() == '0') count_digits.remove_prefix(1);
    if (count_digits != std::to_string(transactions.size())) {
        return count_element.Fail("NbOfTxs " + Quote(count_text) + " but the message has " +
                                  std::to_string(transactions.size()) + " CdtTrfTxInf");
    }
    for (const Element& transaction : transactions) {
        DICTRA_ASSIGN_OR_RETURN(CreditTransfer tx, ReadTransaction(transaction, ns));
        pacs008.transactions.push_back(std::move(tx));
    }
    return pacs008;
}

}  // namespace internal

Result<std::string> BuildPacs008(const AppHeader& header, const Pacs008& pacs008) {
    const MessageDefinition& definition = internal::DefinitionFor(MessageType::kPacs008, false);
    XmlWriter writer;
    DICTRA_RETURN_IF_ERROR(internal::WriteEnvelopeStart(writer, header, definition));
    DICTRA_RETURN_IF_ERROR(internal::WritePacs008Document(writer, pacs008, definition));
    return internal::FinishEnvelope(std::move(writer));
}

Result<Envelope<Pacs008>> ParsePacs008(std::string_view xml) {
    DICTRA_ASSIGN_OR_RETURN(internal::ParsedEnvelope parsed, internal::ParseEnvelope(xml));
    if (parsed.definition->type != MessageType::kPacs008) {
        return internal::WrongMessageType(MessageType::kPacs008, *parsed.definition);
    }
    DICTRA_ASSIGN_OR_RETURN(Pacs008 pacs008,
                            internal::ReadPacs008Document(parsed.document, *parsed.definition));
    return Envelope<Pacs008>{std::move(parsed.header), std::move(pacs008)};
}

}  // namespace dictra::formats::iso20022
