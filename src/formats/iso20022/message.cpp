#include "formats/iso20022/message.hpp"

#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022 {
namespace {

template <typename Document>
Message Wrap(AppHeader header, Document document) {
    return Message(Envelope<Document>{std::move(header), std::move(document)});
}

}  // namespace

MessageType TypeOf(const Message& message) {
    switch (message.index()) {
        case 0: return MessageType::kPacs008;
        case 1: return MessageType::kPacs002;
        case 2: return MessageType::kPibr001;
        default: return MessageType::kPibr002;
    }
}

Result<Message> ParseAny(std::string_view xml) {
    DICTRA_ASSIGN_OR_RETURN(internal::ParsedEnvelope parsed, internal::ParseEnvelope(xml));
    const MessageDefinition& definition = *parsed.definition;
    switch (definition.type) {
        case MessageType::kPacs008: {
            DICTRA_ASSIGN_OR_RETURN(Pacs008 document,
                                    internal::ReadPacs008Document(parsed.document, definition));
            return Wrap(std::move(parsed.header), std::move(document));
        }
        case MessageType::kPacs002: {
            DICTRA_ASSIGN_OR_RETURN(Pacs002 document,
                                    internal::ReadPacs002Document(parsed.document, definition));
            return Wrap(std::move(parsed.header), std::move(document));
        }
        case MessageType::kPibr001: {
            DICTRA_ASSIGN_OR_RETURN(Pibr001 document,
                                    internal::ReadPibr001Document(parsed.document, definition));
            return Wrap(std::move(parsed.header), std::move(document));
        }
        case MessageType::kPibr002: {
            DICTRA_ASSIGN_OR_RETURN(Pibr002 document,
                                    internal::ReadPibr002Document(parsed.document, definition));
            return Wrap(std::move(parsed.header), std::move(document));
        }
    }
    return Error::Internal("unhandled message type");
}

Result<std::string> Build(const Message& message) {
    struct Builder {
        Result<std::string> operator()(const Envelope<Pacs008>& m) const {
            return BuildPacs008(m.header, m.document);
        }
        Result<std::string> operator()(const Envelope<Pacs002>& m) const {
            return BuildPacs002(m.header, m.document);
        }
        Result<std::string> operator()(const Envelope<Pibr001>& m) const {
            return BuildPibr001(m.header, m.document);
        }
        Result<std::string> operator()(const Envelope<Pibr002>& m) const {
            return BuildPibr002(m.header, m.document);
        }
    };
    return std::visit(Builder{}, message);
}

}  // namespace dictra::formats::iso20022
