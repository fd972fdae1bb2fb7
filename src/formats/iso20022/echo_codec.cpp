// The document shape pibr.001 and pibr.002 share (see envelope_codec.hpp).
#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022::internal {

Status WriteEchoDocument(XmlWriter& writer, std::string_view root, std::string_view data_element,
                         const EchoDocument& echo, const MessageDefinition& definition) {
    const std::string path = "Envelope/Document/" + std::string(root);
    DICTRA_RETURN_IF_ERROR(CheckText(MsgIdTypeOf(definition), echo.msg_id, path + "/GrpHdr/MsgId"));
    DICTRA_RETURN_IF_ERROR(CheckDateTime(echo.created_at, path + "/GrpHdr/CreDtTm"));
    DICTRA_RETURN_IF_ERROR(
        CheckText(kMax35Text, echo.data, path + "/EchoTxInf/" + std::string(data_element)));
    writer.Open(root);
    writer.Open("GrpHdr");
    writer.Leaf("MsgId", echo.msg_id);
    writer.Leaf("CreDtTm", FormatDateTime(echo.created_at));
    writer.Close();
    writer.LeafIn({"EchoTxInf"}, data_element, echo.data);
    writer.Close();
    return Ok();
}

Result<EchoDocument> ReadEchoDocument(const Element& document, std::string_view root,
                                      std::string_view data_element,
                                      const MessageDefinition& definition) {
    const std::string_view ns = definition.namespace_uri;
    DICTRA_ASSIGN_OR_RETURN(Element echo_element, Descend(document, ns, {root}));
    Children children(echo_element, ns);
    EchoDocument echo;
    DICTRA_ASSIGN_OR_RETURN(Element group_header, children.Required("GrpHdr"));
    Children header(group_header, ns);
    DICTRA_ASSIGN_OR_RETURN(Element msg_id, header.Required("MsgId"));
    DICTRA_ASSIGN_OR_RETURN(echo.msg_id, ReadText(msg_id, MsgIdTypeOf(definition)));
    DICTRA_ASSIGN_OR_RETURN(Element created, header.Required("CreDtTm"));
    DICTRA_ASSIGN_OR_RETURN(echo.created_at, ReadDateTime(created));
    DICTRA_RETURN_IF_ERROR(header.End());
    DICTRA_ASSIGN_OR_RETURN(Element data, RequiredChain(children, ns, "EchoTxInf", {data_element}));
    DICTRA_ASSIGN_OR_RETURN(echo.data, ReadText(data, kMax35Text));
    DICTRA_RETURN_IF_ERROR(children.End());
    return echo;
}

}  // namespace dictra::formats::iso20022::internal
