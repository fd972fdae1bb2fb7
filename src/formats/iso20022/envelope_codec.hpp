// Internal to dictra_iso20022: writing and reading the parts every message shares (the Envelope
// root, AppHdr, the signature template, GrpHdr's MsgId/CreDtTm types), and the per-message
// document readers and writers that message.cpp dispatches to.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"
#include "formats/iso20022/fields.hpp"
#include "formats/iso20022/xml_reader.hpp"
#include "formats/iso20022/xml_writer.hpp"

namespace dictra::formats::iso20022 {
struct Pacs008;
struct Pacs002;
struct Pibr001;
struct Pibr002;
}  // namespace dictra::formats::iso20022

namespace dictra::formats::iso20022::internal {

// The definition of `type` whose namespace is `namespace_uri`, for builders.
// REQUIRES: the pair is in KnownMessageDefinitions().
const MessageDefinition& DefinitionFor(MessageType type, bool legacy);

// The ISPB and MsgId types of a definition (catalog 1.0 allowed digits only).
const TextType& IspbTypeOf(const MessageDefinition& definition);
const TextType& MsgIdTypeOf(const MessageDefinition& definition);

// Checks the header, then writes the XML declaration, <Envelope xmlns="...">, the whole AppHdr
// (with the unsigned signature template in Sgntr) and opens <Document>.
Status WriteEnvelopeStart(XmlWriter& writer, const AppHeader& header,
                          const MessageDefinition& definition);
// Closes Document and Envelope and returns the message, refused when over kXmlBytesMax.
Result<std::string> FinishEnvelope(XmlWriter&& writer);

// A message whose envelope and AppHdr were read; `document` is Envelope/Document.
struct ParsedEnvelope {
    XmlDocument tree;
    const MessageDefinition* definition;
    AppHeader header;
    Element document;
};

// Safe parse, then the root Envelope (its namespace picks the definition), AppHdr (MsgDefIdr must
// be the definition's; Sgntr may be empty, as in the catalog's examples, or hold one XMLDSig
// element, which is not inspected here) and the Document element.
Result<ParsedEnvelope> ParseEnvelope(std::string_view xml);

// Document readers and writers of each message (pacs008.cpp, pacs002.cpp, ...). Writers are
// called between WriteEnvelopeStart and FinishEnvelope.
Result<Pacs008> ReadPacs008Document(const Element& document, const MessageDefinition& definition);
Status WritePacs008Document(XmlWriter& writer, const Pacs008& pacs008,
                            const MessageDefinition& definition);
Result<Pacs002> ReadPacs002Document(const Element& document, const MessageDefinition& definition);
Status WritePacs002Document(XmlWriter& writer, const Pacs002& pacs002,
                            const MessageDefinition& definition);
Result<Pibr001> ReadPibr001Document(const Element& document, const MessageDefinition& definition);
Status WritePibr001Document(XmlWriter& writer, const Pibr001& pibr001,
                            const MessageDefinition& definition);
Result<Pibr002> ReadPibr002Document(const Element& document, const MessageDefinition& definition);
Status WritePibr002Document(XmlWriter& writer, const Pibr002& pibr002,
                            const MessageDefinition& definition);

// The shared shape of pibr.001 and pibr.002: <root><GrpHdr>MsgId, CreDtTm</GrpHdr>
// <EchoTxInf><data_element>text</data_element></EchoTxInf></root> (echo_codec.cpp).
struct EchoDocument {
    std::string msg_id;
    SystemTimePoint created_at;
    std::string data;
};
Status WriteEchoDocument(XmlWriter& writer, std::string_view root, std::string_view data_element,
                         const EchoDocument& echo, const MessageDefinition& definition);
Result<EchoDocument> ReadEchoDocument(const Element& document, std::string_view root,
                                      std::string_view data_element,
                                      const MessageDefinition& definition);

// "parse pacs.008: the message is a pacs.002 (pacs.002.spi.1.17)".
Error WrongMessageType(MessageType expected, const MessageDefinition& found);

}  // namespace dictra::formats::iso20022::internal
