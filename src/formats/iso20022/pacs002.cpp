#include "formats/iso20022/pacs002.hpp"

#include <algorithm>
#include <array>

#include "core/time.hpp"
#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022 {
namespace {

using internal::Children;
using internal::Element;
using internal::EnumCode;
using internal::XmlWriter;

constexpr std::array<EnumCode<TransactionStatus>, 4> kStatuses{{
    {TransactionStatus::kAccc, "ACCC"},
    {TransactionStatus::kAcsc, "ACSC"},
    {TransactionStatus::kAcsp, "ACSP"},
    {TransactionStatus::kRjct, "RJCT"},
}};

// ExternalStatusReason1Code of pacs.002.spi.1.17.xsd, in the XSD's order.
constexpr std::array<std::string_view, 45> kReasonCodes = {
    "AB03", "AB09", "AB11", "AC03", "AC06", "AC07", "AC14", "AG03", "AG12", "AG13", "AGNT", "AM01",
    "AM02", "AM04", "AM09", "AM12", "AM18", "AM23", "BE01", "BE05", "BE15", "BE17", "CH11", "CH16",
    "CN01", "DS02", "DS04", "DS0G", "DS27", "DT02", "DT05", "DU03", "DUPL", "ED05", "FF07", "FF08",
    "FRAD", "INDT", "MD01", "RC09", "RC10", "RR04", "RR06", "SL02", "UPAY"};

Status WriteStatus(XmlWriter& writer, const PaymentStatus& status, const std::string& path) {
    DICTRA_RETURN_IF_ERROR(internal::CheckText(
        internal::kInstrIdType, status.original_instruction_id, path + "/OrgnlInstrId"));
    DICTRA_RETURN_IF_ERROR(internal::CheckText(
        internal::kEndToEndIdType, status.original_end_to_end_id, path + "/OrgnlEndToEndId"));
    DICTRA_RETURN_IF_ERROR(internal::CheckEnum(kStatuses, status.status, path + "/TxSts"));
    for (std::size_t reason_idx = 0; reason_idx < status.reasons.size(); ++reason_idx) {
        const StatusReason& reason = status.reasons[reason_idx];
        const std::string reason_path = path + "/StsRsnInf[" + std::to_string(reason_idx + 1) + "]";
        if (reason.code && !IsStatusReasonCode(*reason.code)) {
            return Error::InvalidArgument(reason_path +
                                              "/Rsn/Cd: " + internal::Quote(*reason.code) +
                                              " is not ExternalStatusReason1Code",
                                          reason_path + "/Rsn/Cd");
        }
        for (std::size_t info_idx = 0; info_idx < reason.additional_info.size(); ++info_idx) {
            DICTRA_RETURN_IF_ERROR(internal::CheckText(
                internal::kMax105Text, reason.additional_info[info_idx],
                reason_path + "/AddtlInf[" + std::to_string(info_idx + 1) + "]"));
        }
    }
    if (status.settled_at) {
        DICTRA_RETURN_IF_ERROR(
            internal::CheckDateTime(*status.settled_at, path + "/FctvIntrBkSttlmDt/DtTm"));
    }
    if (status.original_settlement_date) {
        DICTRA_RETURN_IF_ERROR(internal::CheckDate(*status.original_settlement_date,
                                                   path + "/OrgnlTxRef/IntrBkSttlmDt"));
    }

    writer.Open("TxInfAndSts");
    writer.Leaf("OrgnlInstrId", status.original_instruction_id);
    writer.Leaf("OrgnlEndToEndId", status.original_end_to_end_id);
    writer.Leaf("TxSts", ToString(status.status));
    for (const StatusReason& reason : status.reasons) {
        if (!reason.code && reason.additional_info.empty()) {
            writer.Empty("StsRsnInf");
            continue;
        }
        writer.Open("StsRsnInf");
        if (reason.code) writer.LeafIn({"Rsn"}, "Cd", *reason.code);
        for (const std::string& info : reason.additional_info) writer.Leaf("AddtlInf", info);
        writer.Close();
    }
    if (status.settled_at) {
        writer.LeafIn({"FctvIntrBkSttlmDt"}, "DtTm", internal::FormatDateTime(*status.settled_at));
    }
    if (status.original_settlement_date) {
        writer.LeafIn({"OrgnlTxRef"}, "IntrBkSttlmDt",
                      FormatIsoDate(*status.original_settlement_date));
    }
    writer.Close();
    return Ok();
}

Result<StatusReason> ReadReason(const Element& element, std::string_view ns) {
    Children children(element, ns);
    StatusReason reason;
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> reason_element, children.Optional("Rsn"));
    if (reason_element) {
        DICTRA_ASSIGN_OR_RETURN(Element code, internal::Descend(*reason_element, ns, {"Cd"}));
        DICTRA_ASSIGN_OR_RETURN(std::string text, code.Text());
        if (!IsStatusReasonCode(text)) {
            return code.Fail(internal::Quote(text) + " is not ExternalStatusReason1Code");
        }
        reason.code = std::move(text);
    }
    DICTRA_ASSIGN_OR_RETURN(std::vector<Element> infos,
                            children.Repeated("AddtlInf", 0, internal::kUnbounded));
    for (const Element& info : infos) {
        DICTRA_ASSIGN_OR_RETURN(std::string text, internal::ReadText(info, internal::kMax105Text));
        reason.additional_info.push_back(std::move(text));
    }
    DICTRA_RETURN_IF_ERROR(children.End());
    return reason;
}

Result<PaymentStatus> ReadStatus(const Element& element, std::string_view ns) {
    Children children(element, ns);
    PaymentStatus status;
    DICTRA_ASSIGN_OR_RETURN(Element instruction_id, children.Required("OrgnlInstrId"));
    DICTRA_ASSIGN_OR_RETURN(status.original_instruction_id,
                            internal::ReadText(instruction_id, internal::kInstrIdType));
    DICTRA_ASSIGN_OR_RETURN(Element end_to_end_id, children.Required("OrgnlEndToEndId"));
    DICTRA_ASSIGN_OR_RETURN(status.original_end_to_end_id,
                            internal::ReadText(end_to_end_id, internal::kEndToEndIdType));
    DICTRA_ASSIGN_OR_RETURN(Element status_code, children.Required("TxSts"));
    DICTRA_ASSIGN_OR_RETURN(
        status.status,
        internal::ReadEnum(status_code, kStatuses, "ExternalPaymentTransactionStatus1Code"));
    DICTRA_ASSIGN_OR_RETURN(std::vector<Element> reasons,
                            children.Repeated("StsRsnInf", 0, internal::kUnbounded));
    for (const Element& reason_element : reasons) {
        DICTRA_ASSIGN_OR_RETURN(StatusReason reason, ReadReason(reason_element, ns));
        status.reasons.push_back(std::move(reason));
    }
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> settled, children.Optional("FctvIntrBkSttlmDt"));
    if (settled) {
        DICTRA_ASSIGN_OR_RETURN(Element date_time, internal::Descend(*settled, ns, {"DtTm"}));
        DICTRA_ASSIGN_OR_RETURN(status.settled_at, internal::ReadDateTime(date_time));
    }
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> original, children.Optional("OrgnlTxRef"));
    if (original) {
        DICTRA_ASSIGN_OR_RETURN(Element date, internal::Descend(*original, ns, {"IntrBkSttlmDt"}));
        DICTRA_ASSIGN_OR_RETURN(status.original_settlement_date, internal::ReadDate(date));
    }
    DICTRA_RETURN_IF_ERROR(children.End());
    return status;
}

}  // namespace

std::string_view ToString(TransactionStatus value) {
    return internal::CodeOf(kStatuses, value);
}

std::optional<TransactionStatus> ParseTransactionStatus(std::string_view code) {
    for (const auto& entry : kStatuses) {
        if (entry.code == code) return entry.value;
    }
    return std::nullopt;
}

bool IsStatusReasonCode(std::string_view code) {
    return std::find(kReasonCodes.begin(), kReasonCodes.end(), code) != kReasonCodes.end();
}

namespace internal {

Status WritePacs002Document(XmlWriter& writer, const Pacs002& pacs002,
                            const MessageDefinition& definition) {
    const std::string root = "Envelope/Document/FIToFIPmtStsRpt";
    DICTRA_RETURN_IF_ERROR(
        CheckText(MsgIdTypeOf(definition), pacs002.msg_id, root + "/GrpHdr/MsgId"));
    DICTRA_RETURN_IF_ERROR(CheckDateTime(pacs002.created_at, root + "/GrpHdr/CreDtTm"));
    if (pacs002.statuses.empty()) {
        return Error::InvalidArgument(root + "/TxInfAndSts: at least one status is required",
                                      root + "/TxInfAndSts");
    }
    writer.Open("FIToFIPmtStsRpt");
    writer.Open("GrpHdr");
    writer.Leaf("MsgId", pacs002.msg_id);
    writer.Leaf("CreDtTm", FormatDateTime(pacs002.created_at));
    writer.Close();
    for (std::size_t status_idx = 0; status_idx < pacs002.statuses.size(); ++status_idx) {
        DICTRA_RETURN_IF_ERROR(
            WriteStatus(writer, pacs002.statuses[status_idx],
                        root + "/TxInfAndSts[" + std::to_string(status_idx + 1) + "]"));
    }
    writer.Close();
    return Ok();
}

Result<Pacs002> ReadPacs002Document(const Element& document, const MessageDefinition& definition) {
    const std::string_view ns = definition.namespace_uri;
    DICTRA_ASSIGN_OR_RETURN(Element report, Descend(document, ns, {"FIToFIPmtStsRpt"}));
    Children children(report, ns);
    Pacs002 pacs002;
    DICTRA_ASSIGN_OR_RETURN(Element group_header, children.Required("GrpHdr"));
    Children header(group_header, ns);
    DICTRA_ASSIGN_OR_RETURN(Element msg_id, header.Required("MsgId"));
    DICTRA_ASSIGN_OR_RETURN(pacs002.msg_id, ReadText(msg_id, MsgIdTypeOf(definition)));
    DICTRA_ASSIGN_OR_RETURN(Element created, header.Required("CreDtTm"));
    DICTRA_ASSIGN_OR_RETURN(pacs002.created_at, ReadDateTime(created));
    DICTRA_RETURN_IF_ERROR(header.End());
    DICTRA_ASSIGN_OR_RETURN(std::vector<Element> statuses,
                            children.Repeated("TxInfAndSts", 1, internal::kUnbounded));
    DICTRA_RETURN_IF_ERROR(children.End());
    for (const Element& status_element : statuses) {
        DICTRA_ASSIGN_OR_RETURN(PaymentStatus status, ReadStatus(status_element, ns));
        pacs002.statuses.push_back(std::move(status));
    }
    return pacs002;
}

}  // namespace internal

Result<std::string> BuildPacs002(const AppHeader& header, const Pacs002& pacs002) {
    const MessageDefinition& definition = internal::DefinitionFor(MessageType::kPacs002, false);
    XmlWriter writer;
    DICTRA_RETURN_IF_ERROR(internal::WriteEnvelopeStart(writer, header, definition));
    DICTRA_RETURN_IF_ERROR(internal::WritePacs002Document(writer, pacs002, definition));
    return internal::FinishEnvelope(std::move(writer));
}

Result<Envelope<Pacs002>> ParsePacs002(std::string_view xml) {
    DICTRA_ASSIGN_OR_RETURN(internal::ParsedEnvelope parsed, internal::ParseEnvelope(xml));
    if (parsed.definition->type != MessageType::kPacs002) {
        return internal::WrongMessageType(MessageType::kPacs002, *parsed.definition);
    }
    DICTRA_ASSIGN_OR_RETURN(Pacs002 pacs002,
                            internal::ReadPacs002Document(parsed.document, *parsed.definition));
    return Envelope<Pacs002>{std::move(parsed.header), std::move(pacs002)};
}

}  // namespace dictra::formats::iso20022
