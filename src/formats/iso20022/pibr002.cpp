#include "formats/iso20022/pibr002.hpp"

#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022 {
namespace internal {

Status WritePibr002Document(XmlWriter& writer, const Pibr002& pibr002,
                            const MessageDefinition& definition) {
    return WriteEchoDocument(
        writer, "EchoRpt", "OrgnlData",
        EchoDocument{pibr002.msg_id, pibr002.created_at, pibr002.original_data}, definition);
}

Result<Pibr002> ReadPibr002Document(const Element& document, const MessageDefinition& definition) {
    DICTRA_ASSIGN_OR_RETURN(EchoDocument echo,
                            ReadEchoDocument(document, "EchoRpt", "OrgnlData", definition));
    return Pibr002{std::move(echo.msg_id), echo.created_at, std::move(echo.data),
                   definition.legacy_header ? EchoVersion::kV1_0 : EchoVersion::kV1_3};
}

}  // namespace internal

Result<std::string> BuildPibr002(const AppHeader& header, const Pibr002& pibr002) {
    const MessageDefinition& definition =
        internal::DefinitionFor(MessageType::kPibr002, pibr002.version == EchoVersion::kV1_0);
    internal::XmlWriter writer;
    DICTRA_RETURN_IF_ERROR(internal::WriteEnvelopeStart(writer, header, definition));
    DICTRA_RETURN_IF_ERROR(internal::WritePibr002Document(writer, pibr002, definition));
    return internal::FinishEnvelope(std::move(writer));
}

Result<Envelope<Pibr002>> ParsePibr002(std::string_view xml) {
    DICTRA_ASSIGN_OR_RETURN(internal::ParsedEnvelope parsed, internal::ParseEnvelope(xml));
    if (parsed.definition->type != MessageType::kPibr002) {
        return internal::WrongMessageType(MessageType::kPibr002, *parsed.definition);
    }
    DICTRA_ASSIGN_OR_RETURN(Pibr002 pibr002,
                            internal::ReadPibr002Document(parsed.document, *parsed.definition));
    return Envelope<Pibr002>{std::move(parsed.header), std::move(pibr002)};
}

}  // namespace dictra::formats::iso20022
