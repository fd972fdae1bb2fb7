#include "formats/iso20022/envelope.hpp"

#include <array>

#include "core/check.hpp"
#include "formats/iso20022/envelope_codec.hpp"

namespace dictra::formats::iso20022 {
namespace {

// Current catalog (5.13.1) first: a builder without a version preference takes the first row of
// its type. The pibr 1.0 rows exist because their XSDs are the only pibr XSDs we hold; the
// structure of pibr 1.3 (the current catalog) is the same, with the URL namespace.
constexpr std::array kDefinitions = {
    MessageDefinition{MessageType::kPacs008, "pacs.008.spi.1.16",
                      "https://www.bcb.gov.br/pi/pacs.008/1.16"},
    MessageDefinition{MessageType::kPacs002, "pacs.002.spi.1.17",
                      "https://www.bcb.gov.br/pi/pacs.002/1.17"},
    MessageDefinition{MessageType::kPibr001, "pibr.001.spi.1.3",
                      "https://www.bcb.gov.br/pi/pibr.001/1.3"},
    MessageDefinition{MessageType::kPibr002, "pibr.002.spi.1.3",
                      "https://www.bcb.gov.br/pi/pibr.002/1.3"},
    MessageDefinition{MessageType::kPibr001, "pibr.001.spi.1.0", "pibr.001.spi.1.0.xsd", true},
    MessageDefinition{MessageType::kPibr002, "pibr.002.spi.1.0", "pibr.002.spi.1.0.xsd", true},
};

// What Build writes in AppHdr/Sgntr. The XSD wants exactly one XMLDSig element there (a strict
// wildcard), so an unsigned message still needs a ds:Signature. This is the shape the SPI's
// signatures have (exclusive c14n, RSA-SHA256, SHA-256 digests; one reference with URI="" and
// the enveloped-signature transform for the AppHdr, one without URI for the Document) with empty
// DigestValue and SignatureValue: a signature template. The signing step (xmlsec1) adds the
// KeyInfo (Id "key-info-id", the certificate's X509IssuerSerial) and its reference, and fills
// the digests and the signature value. A verifier must refuse the template as it is.
constexpr std::string_view kSignatureTemplateLines[] = {
    R"(<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">)",
    R"(    <ds:SignedInfo>)",
    R"(        <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)",
    R"(        <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>)",
    R"(        <ds:Reference URI="">)",
    R"(            <ds:Transforms>)",
    R"(                <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>)",
    R"(                <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)",
    R"(            </ds:Transforms>)",
    R"(            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>)",
    R"(            <ds:DigestValue/>)",
    R"(        </ds:Reference>)",
    R"(        <ds:Reference>)",
    R"(            <ds:Transforms>)",
    R"(                <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>)",
    R"(            </ds:Transforms>)",
    R"(            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>)",
    R"(            <ds:DigestValue/>)",
    R"(        </ds:Reference>)",
    R"(    </ds:SignedInfo>)",
    R"(    <ds:SignatureValue/>)",
    R"(</ds:Signature>)",
};

}  // namespace

std::string_view ToString(MessageType type) {
    switch (type) {
        case MessageType::kPacs008: return "pacs.008";
        case MessageType::kPacs002: return "pacs.002";
        case MessageType::kPibr001: return "pibr.001";
        case MessageType::kPibr002: return "pibr.002";
    }
    return "unknown";
}

std::span<const MessageDefinition> KnownMessageDefinitions() {
    return kDefinitions;
}

const MessageDefinition* FindDefinitionByNamespace(std::string_view namespace_uri) {
    for (const MessageDefinition& definition : kDefinitions) {
        if (definition.namespace_uri == namespace_uri) return &definition;
    }
    return nullptr;
}

namespace internal {

const MessageDefinition& DefinitionFor(MessageType type, bool legacy) {
    for (const MessageDefinition& definition : kDefinitions) {
        if (definition.type == type && definition.legacy_header == legacy) return definition;
    }
    DICTRA_CHECK(false && "no such message definition");
    return kDefinitions[0];
}

const TextType& IspbTypeOf(const MessageDefinition& definition) {
    return definition.legacy_header ? kIspbTypeLegacy : kIspbType;
}

const TextType& MsgIdTypeOf(const MessageDefinition& definition) {
    return definition.legacy_header ? kMsgIdTypeLegacy : kMsgIdType;
}

Error WrongMessageType(MessageType expected, const MessageDefinition& found) {
    return Error::InvalidArgument("expected a " + std::string(ToString(expected)) +
                                  " message, found " + std::string(ToString(found.type)) + " (" +
                                  std::string(found.msg_def_idr) + ")");
}

namespace {

void WriteParty(XmlWriter& writer, std::string_view element, const std::string& ispb) {
    writer.Open(element);
    writer.Open("FIId");
    writer.Open("FinInstnId");
    writer.Open("Othr");
    writer.Leaf("Id", ispb);
    writer.Close();
    writer.Close();
    writer.Close();
    writer.Close();
}

Result<std::string> ReadParty(Children& app_header, std::string_view name,
                              const MessageDefinition& definition) {
    DICTRA_ASSIGN_OR_RETURN(Element party, app_header.Required(name));
    Children party_children(party, definition.namespace_uri);
    DICTRA_ASSIGN_OR_RETURN(Element fi_id, party_children.Required("FIId"));
    DICTRA_RETURN_IF_ERROR(party_children.End());
    Children fi_id_children(fi_id, definition.namespace_uri);
    DICTRA_ASSIGN_OR_RETURN(Element institution, fi_id_children.Required("FinInstnId"));
    DICTRA_RETURN_IF_ERROR(fi_id_children.End());
    Children institution_children(institution, definition.namespace_uri);
    DICTRA_ASSIGN_OR_RETURN(Element other, institution_children.Required("Othr"));
    DICTRA_RETURN_IF_ERROR(institution_children.End());
    Children other_children(other, definition.namespace_uri);
    DICTRA_ASSIGN_OR_RETURN(Element id, other_children.Required("Id"));
    DICTRA_RETURN_IF_ERROR(other_children.End());
    return ReadText(id, IspbTypeOf(definition));
}

Status ReadSignature(const Element& signature) {
    Children content(signature, kXmlDsigNamespace);
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> first, content.NextAny());
    // The catalog's own examples carry an empty <Sgntr/>, which their XSD refuses; we accept it
    // so that unsigned test traffic and the examples parse. Signatures are checked elsewhere.
    if (!first) return Ok();
    if (first->namespace_uri() != kXmlDsigNamespace) {
        return first->Fail("Sgntr must hold an element of the XMLDSig namespace " +
                           Quote(kXmlDsigNamespace));
    }
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> second, content.NextAny());
    if (second) return second->Fail("Sgntr must hold exactly one element");
    return Ok();
}

}  // namespace

Status WriteEnvelopeStart(XmlWriter& writer, const AppHeader& header,
                          const MessageDefinition& definition) {
    DICTRA_RETURN_IF_ERROR(CheckText(IspbTypeOf(definition), header.from_ispb,
                                     "Envelope/AppHdr/Fr/FIId/FinInstnId/Othr/Id"));
    DICTRA_RETURN_IF_ERROR(CheckText(IspbTypeOf(definition), header.to_ispb,
                                     "Envelope/AppHdr/To/FIId/FinInstnId/Othr/Id"));
    DICTRA_RETURN_IF_ERROR(CheckText(MsgIdTypeOf(definition), header.business_message_id,
                                     "Envelope/AppHdr/BizMsgIdr"));
    DICTRA_RETURN_IF_ERROR(CheckDateTime(header.created_at, "Envelope/AppHdr/CreDt"));

    std::string namespace_attribute = " xmlns=\"";
    AppendEscapedAttribute(namespace_attribute, definition.namespace_uri);
    namespace_attribute += '"';
    writer.Open("Envelope", namespace_attribute);
    writer.Open("AppHdr");
    WriteParty(writer, "Fr", header.from_ispb);
    WriteParty(writer, "To", header.to_ispb);
    writer.Leaf("BizMsgIdr", header.business_message_id);
    writer.Leaf("MsgDefIdr", definition.msg_def_idr);
    writer.Leaf("CreDt", FormatDateTime(header.created_at));
    writer.Open("Sgntr");
    for (std::string_view line : kSignatureTemplateLines) writer.RawLine(line);
    writer.Close();
    writer.Close();
    writer.Open("Document");
    return Ok();
}

Result<std::string> FinishEnvelope(XmlWriter&& writer) {
    writer.Close();  // Document
    writer.Close();  // Envelope
    std::string xml = std::move(writer).Finish();
    if (xml.size() > kXmlBytesMax) {
        return Error::InvalidArgument("the message would be " + std::to_string(xml.size()) +
                                      " bytes, over the limit of " + std::to_string(kXmlBytesMax) +
                                      " bytes");
    }
    return xml;
}

Result<ParsedEnvelope> ParseEnvelope(std::string_view xml) {
    DICTRA_ASSIGN_OR_RETURN(XmlDocument tree, XmlDocument::Parse(xml));
    Element root = tree.Root("Envelope");
    if (root.name() != "Envelope") {
        return root.Fail("the root element is " + Quote(root.name()) + ", expected 'Envelope'");
    }
    const MessageDefinition* definition = FindDefinitionByNamespace(root.namespace_uri());
    if (definition == nullptr) {
        return root.Fail("unknown message namespace " + Quote(root.namespace_uri()));
    }
    DICTRA_RETURN_IF_ERROR(root.CheckAttributes({}));
    const std::string_view ns = definition->namespace_uri;

    Children envelope(root, ns);
    DICTRA_ASSIGN_OR_RETURN(Element app_header_element, envelope.Required("AppHdr"));
    DICTRA_ASSIGN_OR_RETURN(Element document, envelope.Required("Document"));
    DICTRA_RETURN_IF_ERROR(envelope.End());

    AppHeader header;
    Children app_header(app_header_element, ns);
    if (definition->legacy_header) {
        DICTRA_ASSIGN_OR_RETURN(std::optional<Element> charset, app_header.Optional("CharSet"));
        if (charset) DICTRA_RETURN_IF_ERROR(charset->Text());
    }
    DICTRA_ASSIGN_OR_RETURN(header.from_ispb, ReadParty(app_header, "Fr", *definition));
    DICTRA_ASSIGN_OR_RETURN(header.to_ispb, ReadParty(app_header, "To", *definition));
    DICTRA_ASSIGN_OR_RETURN(Element business_id, app_header.Required("BizMsgIdr"));
    DICTRA_ASSIGN_OR_RETURN(header.business_message_id,
                            ReadText(business_id, MsgIdTypeOf(*definition)));
    DICTRA_ASSIGN_OR_RETURN(Element msg_def_idr_element, app_header.Required("MsgDefIdr"));
    DICTRA_ASSIGN_OR_RETURN(std::string msg_def_idr, ReadText(msg_def_idr_element, kMax35Text));
    if (msg_def_idr != definition->msg_def_idr) {
        return msg_def_idr_element.Fail(Quote(msg_def_idr) + " does not match the namespace " +
                                        Quote(ns) + ", which is " + Quote(definition->msg_def_idr));
    }
    DICTRA_ASSIGN_OR_RETURN(Element created, app_header.Required("CreDt"));
    DICTRA_ASSIGN_OR_RETURN(header.created_at, ReadDateTime(created));
    DICTRA_ASSIGN_OR_RETURN(Element signature, app_header.Required("Sgntr"));
    DICTRA_RETURN_IF_ERROR(ReadSignature(signature));
    DICTRA_RETURN_IF_ERROR(app_header.End());

    return ParsedEnvelope{std::move(tree), definition, std::move(header), std::move(document)};
}

}  // namespace internal
}  // namespace dictra::formats::iso20022
