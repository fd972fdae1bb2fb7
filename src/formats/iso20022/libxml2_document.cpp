#include "formats/iso20022/libxml2_document.hpp"

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

Result<Libxml2Document> Libxml2Document::Parse(std::string_view xml, XmlLimits limits) {
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
    return Libxml2Document(doc);
}

}  // namespace dictra::formats::iso20022::internal
