#include "formats/iso20022/pibr001.hpp"

#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022 {
namespace internal {

Status WritePibr001Document(XmlWriter& writer, const Pibr001& pibr001,
                            const MessageDefinition& definition) {
    return WriteEchoDocument(writer, "EchoReq", "Data",
                             EchoDocument{pibr001.msg_id, pibr001.created_at, pibr001.data},
                             definition);
}

Result<Pibr001> ReadPibr001Document(const Element& document, const MessageDefinition& definition) {
    DICTRA_ASSIGN_OR_RETURN(EchoDocument echo,
                            ReadEchoDocument(document, "EchoReq", "Data", definition));
    return Pibr001{std::move(echo.msg_id), echo.created_at, std::move(echo.data),
                   definition.legacy_header ? EchoVersion::kV1_0 : EchoVersion::kV1_3};
}

}  // namespace internal

Result<std::string> BuildPibr001(const AppHeader& header, const Pibr001& pibr001) {
    const MessageDefinition& definition =
        internal::DefinitionFor(MessageType::kPibr001, pibr001.version == EchoVersion::kV1_0);
    internal::XmlWriter writer;
    DICTRA_RETURN_IF_ERROR(internal::WriteEnvelopeStart(writer, header, definition));
    DICTRA_RETURN_IF_ERROR(internal::WritePibr001Document(writer, pibr001, definition));
    return internal::FinishEnvelope(std::move(writer));
}

Result<Envelope<Pibr001>> ParsePibr001(std::string_view xml) {
    DICTRA_ASSIGN_OR_RETURN(internal::ParsedEnvelope parsed, internal::ParseEnvelope(xml));
    if (parsed.definition->type != MessageType::kPibr001) {
        return internal::WrongMessageType(MessageType::kPibr001, *parsed.definition);
    }
    DICTRA_ASSIGN_OR_RETURN(Pibr001 pibr001,
                            internal::ReadPibr001Document(parsed.document, *parsed.definition));
    return Envelope<Pibr001>{std::move(parsed.header), std::move(pibr001)};
}

}  // namespace dictra::formats::iso20022
