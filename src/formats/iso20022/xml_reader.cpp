#include "formats/iso20022/xml_reader.hpp"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

namespace dictra::formats::iso20022::internal {
namespace {

constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::size_t kQuotedBytesMax = 40;

// No entity substitution (XML_PARSE_NOENT), no DTD loading, no DTD attribute defaults, no
// XInclude, no XML_PARSE_HUGE: none of those flags is set. NONET forbids network access even if a
// later libxml2 change reached for it; NOCDATA hands CDATA over as text.
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;

std::string_view View(const xmlChar* text) {
    return text == nullptr ? std::string_view()
                           : std::string_view(reinterpret_cast<const char*>(text));
}

std::string TrimMessage(std::string_view message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.remove_suffix(1);
    }
    return std::string(message);
}

bool IsXmlSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
    return text;
}

bool IsBlank(std::string_view text) {
    for (char c : text) {
        if (!IsXmlSpace(c)) return false;
    }
    return true;
}

// State of one parse, reachable from the SAX callbacks through ctxt->_private.
struct ParseState {
    XmlLimits limits;
    std::size_t depth = 0;
    std::string stop_message;  // why a callback stopped the parser
    int stop_line = 0;
    std::string first_error;  // libxml2's first error
    int first_error_line = 0;
};

ParseState& StateOf(void* ctx) {
    auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
    return *static_cast<ParseState*>(ctxt->_private);
}

int CurrentLine(xmlParserCtxtPtr ctxt) {
    return ctxt->input != nullptr ? ctxt->input->line : 0;
}

void Stop(void* ctx, std::string message) {
    auto* ctxt = static_cast<xmlParserCtxtPtr>(ctx);
    ParseState& state = StateOf(ctx);
    if (state.stop_message.empty()) {
        state.stop_message = std::move(message);
        state.stop_line = CurrentLine(ctxt);
    }
    xmlStopParser(ctxt);
}

void OnInternalSubset(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*) {
    Stop(ctx, "DOCTYPE is not allowed (SPI messages have no DTD and no entities)");
}

void OnStartElement(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                    int nb_namespaces, const xmlChar** namespaces, int nb_attributes,
                    int nb_defaulted, const xmlChar** attributes) {
    ParseState& state = StateOf(ctx);
    if (++state.depth > state.limits.depth_max) {
        Stop(ctx,
             "elements nested deeper than " + std::to_string(state.limits.depth_max) + " levels");
        return;
    }
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                          nb_defaulted, attributes);
}

void OnEndElement(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
    ParseState& state = StateOf(ctx);
    if (state.depth > 0) --state.depth;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

void OnParserError(void* ctx, xmlErrorPtr error) {
    if (error == nullptr || error->level < XML_ERR_ERROR) return;
    ParseState& state = StateOf(ctx);
    if (!state.first_error.empty()) return;
    state.first_error = TrimMessage(error->message != nullptr ? error->message : "unknown error");
    state.first_error_line = error->line;
}

void OnThreadStructuredError(void* ctx, xmlErrorPtr error) {
    if (error == nullptr || error->level < XML_ERR_ERROR) return;
    static_cast<ThreadErrorCapture*>(ctx)->Record(
        error->line, error->message != nullptr ? error->message : "unknown error");
}

void OnThreadGenericError(void* ctx, const char* format, ...) {
    char buffer[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof(buffer), format, args);
    va_end(args);
    static_cast<ThreadErrorCapture*>(ctx)->Record(0, buffer);
}

struct FreeParserContext {
    void operator()(xmlParserCtxtPtr ctxt) const {
        if (ctxt->myDoc != nullptr) {
            xmlFreeDoc(ctxt->myDoc);
            ctxt->myDoc = nullptr;
        }
        xmlFreeParserCtxt(ctxt);
    }
};

Error MalformedAt(int line, std::string_view what) {
    std::string message = line > 0 ? "line " + std::to_string(line) + ": " : std::string();
    message += what;
    return Error::InvalidArgument(std::move(message));
}

bool EqualsIgnoreCase(std::string_view lhs, std::string_view rhs) {
    if (lhs.size() != rhs.size()) return false;
    for (std::size_t char_idx = 0; char_idx < lhs.size(); ++char_idx) {
        char a = lhs[char_idx];
        char b = rhs[char_idx];
        if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
        if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 'a' + 'A');
        if (a != b) return false;
    }
    return true;
}

}  // namespace

void InitLibxml2Once() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

ThreadErrorCapture::ThreadErrorCapture()
    : previous_structured_context_(xmlStructuredErrorContext),
      previous_structured_handler_(xmlStructuredError),
      previous_generic_context_(xmlGenericErrorContext),
      previous_generic_handler_(xmlGenericError) {
    xmlSetStructuredErrorFunc(this, &OnThreadStructuredError);
    xmlSetGenericErrorFunc(this, &OnThreadGenericError);
}

ThreadErrorCapture::~ThreadErrorCapture() {
    xmlSetStructuredErrorFunc(previous_structured_context_, previous_structured_handler_);
    xmlSetGenericErrorFunc(previous_generic_context_, previous_generic_handler_);
}

void ThreadErrorCapture::Record(int line, std::string_view message) {
    if (!message_.empty()) return;
    message_ = TrimMessage(message);
    if (message_.empty()) message_ = "unknown error";
    line_ = line;
}

Result<XmlDocument> XmlDocument::Parse(std::string_view xml, XmlLimits limits) {
    if (xml.size() > limits.bytes_max) {
        return Error{ErrorCode::kPayloadTooLarge,
                     "XML of " + std::to_string(xml.size()) + " bytes is over the limit of " +
                         std::to_string(limits.bytes_max) + " bytes",
                     {}};
    }
    if (xml.empty()) return Error::InvalidArgument("malformed XML: empty document");
    InitLibxml2Once();
    ThreadErrorCapture thread_errors;

    std::unique_ptr<xmlParserCtxt, FreeParserContext> ctxt(
        xmlCreateMemoryParserCtxt(xml.data(), static_cast<int>(xml.size())));
    if (ctxt == nullptr) return Error::ResourceExhausted("cannot create an XML parser");

    ParseState state;
    state.limits = limits;
    ctxt->_private = &state;
    xmlCtxtUseOptions(ctxt.get(), kParseOptions);
    ctxt->linenumbers = 1;
    ctxt->sax->internalSubset = &OnInternalSubset;
    ctxt->sax->externalSubset = nullptr;
    ctxt->sax->startElementNs = &OnStartElement;
    ctxt->sax->endElementNs = &OnEndElement;
    ctxt->sax->serror = &OnParserError;

    xmlParseDocument(ctxt.get());

    if (!state.stop_message.empty()) return MalformedAt(state.stop_line, state.stop_message);
    if (!ctxt->wellFormed || ctxt->myDoc == nullptr) {
        if (!state.first_error.empty()) {
            return MalformedAt(state.first_error_line, "malformed XML: " + state.first_error);
        }
        if (thread_errors.has_error()) {
            return MalformedAt(thread_errors.line(), "malformed XML: " + thread_errors.message());
        }
        return Error::InvalidArgument("malformed XML");
    }
    xmlDoc* doc = ctxt->myDoc;
    if (doc->intSubset != nullptr || doc->extSubset != nullptr) {
        return Error::InvalidArgument("DOCTYPE is not allowed");
    }
    if (doc->encoding != nullptr && !EqualsIgnoreCase(View(doc->encoding), "UTF-8")) {
        return Error::InvalidArgument("encoding " + Quote(View(doc->encoding)) +
                                      " is not allowed: SPI messages are UTF-8");
    }
    if (xmlDocGetRootElement(doc) == nullptr) {
        return Error::InvalidArgument("malformed XML: no root element");
    }
    ctxt->myDoc = nullptr;
    return XmlDocument(doc);
}

std::string Quote(std::string_view text) {
    std::string quoted = "'";
    if (text.size() <= kQuotedBytesMax) {
        quoted += text;
    } else {
        std::size_t cut = kQuotedBytesMax;
        // Back up to the first byte of a UTF-8 sequence.
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        quoted += text.substr(0, cut);
        quoted += "...";
    }
    quoted += "'";
    return quoted;
}

int Element::line() const {
    return static_cast<int>(xmlGetLineNo(node_));
}

std::string_view Element::name() const {
    return View(node_->name);
}

std::string_view Element::namespace_uri() const {
    return node_->ns != nullptr ? View(node_->ns->href) : std::string_view();
}

Error Element::Fail(std::string_view what) const {
    return FailAt(line(), what);
}

Error Element::FailAt(int line, std::string_view what) const {
    std::string message = "line " + std::to_string(line) + ": " + path_ + ": ";
    message += what;
    return Error::InvalidArgument(std::move(message), path_);
}

Result<std::string> Element::Text() const {
    std::string text;
    for (const xmlNode* child = node_->children; child != nullptr; child = child->next) {
        switch (child->type) {
            case XML_TEXT_NODE:
            case XML_CDATA_SECTION_NODE: text += View(child->content); break;
            case XML_COMMENT_NODE:
            case XML_PI_NODE: break;
            case XML_ELEMENT_NODE:
                return Fail("unexpected element " + Quote(View(child->name)) +
                            " where text was expected");
            default: return Fail("unexpected XML node where text was expected");
        }
    }
    return text;
}

std::optional<std::string> Element::Attribute(std::string_view name) const {
    for (const xmlAttr* attr = node_->properties; attr != nullptr; attr = attr->next) {
        if (attr->ns != nullptr || View(attr->name) != name) continue;
        std::string value;
        for (const xmlNode* child = attr->children; child != nullptr; child = child->next) {
            value += View(child->content);
        }
        return value;
    }
    return std::nullopt;
}

Status Element::CheckAttributes(std::initializer_list<std::string_view> allowed) const {
    for (const xmlAttr* attr = node_->properties; attr != nullptr; attr = attr->next) {
        const std::string_view name = View(attr->name);
        if (attr->ns == nullptr) {
            bool known = false;
            for (std::string_view allowed_name : allowed) known = known || allowed_name == name;
            if (known) continue;
        } else if (View(attr->ns->href) == kXsiNamespace &&
                   (name == "schemaLocation" || name == "noNamespaceSchemaLocation")) {
            continue;
        }
        return Fail("unexpected attribute " + Quote(name));
    }
    return Ok();
}

Children::Children(const Element& parent, std::string_view namespace_uri)
    : parent_(parent), namespace_uri_(namespace_uri), cursor_(parent.node()->children) {}

Status Children::SkipToElement() {
    for (; cursor_ != nullptr; cursor_ = cursor_->next) {
        switch (cursor_->type) {
            case XML_ELEMENT_NODE: return Ok();
            case XML_TEXT_NODE:
            case XML_CDATA_SECTION_NODE:
                if (!IsBlank(View(cursor_->content))) {
                    return parent_.FailAt(static_cast<int>(xmlGetLineNo(cursor_)),
                                          "unexpected text " + Quote(Trim(View(cursor_->content))));
                }
                break;
            case XML_COMMENT_NODE:
            case XML_PI_NODE: break;
            default: return parent_.Fail("unexpected XML node");
        }
    }
    return Ok();
}

Result<const xmlNode*> Children::Peek(std::string_view name) {
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == nullptr || View(cursor_->name) != name) return nullptr;
    const std::string_view found_namespace =
        cursor_->ns != nullptr ? View(cursor_->ns->href) : std::string_view();
    if (found_namespace != namespace_uri_) {
        return Element(cursor_, parent_.path() + "/" + std::string(name))
            .Fail("element is in namespace " + Quote(found_namespace) + ", expected " +
                  Quote(namespace_uri_));
    }
    return cursor_;
}

Result<Element> Children::Required(std::string_view name,
                                   std::initializer_list<std::string_view> attributes) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> element, Optional(name, attributes));
    if (element) return std::move(*element);
    if (cursor_ != nullptr) {
        return Element(cursor_, parent_.path() + "/" + std::string(View(cursor_->name)))
            .Fail("expected element " + Quote(name) + " here");
    }
    return parent_.Fail("missing element " + Quote(name));
}

Result<std::optional<Element>> Children::Optional(
    std::string_view name, std::initializer_list<std::string_view> attributes) {
    DICTRA_ASSIGN_OR_RETURN(const xmlNode* node, Peek(name));
    if (node == nullptr) return std::optional<Element>();
    Element element(node, parent_.path() + "/" + std::string(name));
    DICTRA_RETURN_IF_ERROR(element.CheckAttributes(attributes));
    cursor_ = cursor_->next;
    return std::optional<Element>(std::move(element));
}

Result<std::vector<Element>> Children::Repeated(std::string_view name, std::size_t min_count,
                                                std::size_t max_count) {
    std::vector<Element> elements;
    for (;;) {
        DICTRA_ASSIGN_OR_RETURN(const xmlNode* node, Peek(name));
        if (node == nullptr) break;
        Element element(node, parent_.path() + "/" + std::string(name) + "[" +
                                  std::to_string(elements.size() + 1) + "]");
        if (elements.size() == max_count) {
            return element.Fail("more than " + std::to_string(max_count) + " " + Quote(name) +
                                " elements");
        }
        DICTRA_RETURN_IF_ERROR(element.CheckAttributes({}));
        elements.push_back(std::move(element));
        cursor_ = cursor_->next;
    }
    if (elements.size() < min_count) {
        if (cursor_ != nullptr) {
            return Element(cursor_, parent_.path() + "/" + std::string(View(cursor_->name)))
                .Fail("expected element " + Quote(name) + " here");
        }
        return parent_.Fail("missing element " + Quote(name));
    }
    return elements;
}

Result<std::optional<Element>> Children::NextAny() {
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == nullptr) return std::optional<Element>();
    Element element(cursor_, parent_.path() + "/" + std::string(View(cursor_->name)));
    cursor_ = cursor_->next;
    return std::optional<Element>(std::move(element));
}

Status Children::End() {
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == nullptr) return Ok();
    return Element(cursor_, parent_.path() + "/" + std::string(View(cursor_->name)))
        .Fail("unexpected element");
}

Result<Element> Descend(Element from, std::string_view namespace_uri,
                        std::initializer_list<std::string_view> names) {
    Element current = std::move(from);
    for (std::string_view name : names) {
        Children children(current, namespace_uri);
        DICTRA_ASSIGN_OR_RETURN(Element next, children.Required(name));
        DICTRA_RETURN_IF_ERROR(children.End());
        current = std::move(next);
    }
    return current;
}

Result<Element> RequiredChain(Children& children, std::string_view namespace_uri,
                              std::string_view name,
                              std::initializer_list<std::string_view> names) {
    DICTRA_ASSIGN_OR_RETURN(Element first, children.Required(name));
    return Descend(std::move(first), namespace_uri, names);
}

}  // namespace dictra::formats::iso20022::internal
