// Internal to dictra_iso20022: safe parsing of untrusted XML with libxml2, and a strict cursor over
// the element children of one element. Not part of the module's API.
//
// XmlDocument::Parse is the only way XML enters this module. It refuses, with an error naming
// the line: input over `bytes_max`; any DOCTYPE (so no DTD, no entity declaration, no external
// entity, no billion laughs: the parser is stopped at the DOCTYPE, before the internal subset is
// read); nesting deeper than `depth_max` (counted in the SAX callback, the parser is stopped);
// a declared encoding other than UTF-8; anything that is not well-formed. It never touches the
// network or the file system (XML_PARSE_NONET, no DTD loading, no XInclude, no entity
// substitution, XML_PARSE_HUGE off). libxml2's messages go to a per-parse callback and to a
// per-thread handler installed for the duration of the call, never to stderr.
//
// Children walks an element's children the way an XSD sequence reads them: each Required /
// Optional / Repeated call takes the next elements in document order, and End() refuses what is
// left. Every child must be in the parent's namespace, carry no attributes but the allowed ones,
// and the text between children must be whitespace. Errors are kInvalidArgument with the message
// "line N: <path>: <what>" and `field` = the element path ("Envelope/AppHdr/Fr").
#pragma once

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"

namespace dictra::formats::iso20022::internal {

struct XmlLimits {
    std::size_t bytes_max = kXmlBytesMax;
    std::size_t depth_max = kXmlDepthMax;
};

// Calls xmlInitParser once per process (libxml2 needs it before concurrent use).
void InitLibxml2Once();

// Installs, for the calling thread and the lifetime of the object, libxml2 error handlers that
// keep the first error (and its line) instead of printing it. Restores the previous handlers.
class ThreadErrorCapture {
 public:
    ThreadErrorCapture();
    ~ThreadErrorCapture();
    ThreadErrorCapture(const ThreadErrorCapture&) = delete;
    ThreadErrorCapture& operator=(const ThreadErrorCapture&) = delete;

    bool has_error() const { return !message_.empty(); }
    const std::string& message() const { return message_; }
    int line() const { return line_; }
    // Used by the C callbacks.
    void Record(int line, std::string_view message);

 private:
    void* previous_structured_context_;
    xmlStructuredErrorFunc previous_structured_handler_;
    void* previous_generic_context_;
    xmlGenericErrorFunc previous_generic_handler_;
    std::string message_;
    int line_ = 0;
};

class XmlDocument {
 public:
    static Result<XmlDocument> Parse(std::string_view xml, XmlLimits limits = {});

    const xmlNode* root() const { return xmlDocGetRootElement(doc_.get()); }
    xmlDoc* get() const { return doc_.get(); }

 private:
    struct Free {
        void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
    };
    explicit XmlDocument(xmlDoc* doc) : doc_(doc) {}
    std::unique_ptr<xmlDoc, Free> doc_;
};

// `text` quoted for an error message, cut to a few dozen characters (on a UTF-8 boundary).
std::string Quote(std::string_view text);

// One element and its path from the root ("Envelope/AppHdr/Fr").
class Element {
 public:
    Element(const xmlNode* node, std::string path) : node_(node), path_(std::move(path)) {}

    const xmlNode* node() const { return node_; }
    const std::string& path() const { return path_; }
    int line() const;
    std::string_view name() const;
    std::string_view namespace_uri() const;  // "" when none

    // kInvalidArgument "line N: <path>: <what>", field = path.
    Error Fail(std::string_view what) const;
    // The same at another line (of a text node inside this element).
    Error FailAt(int line, std::string_view what) const;

    // The element's text (text and CDATA children joined; comments and processing instructions
    // skipped). Child elements are an error.
    Result<std::string> Text() const;
    // The value of the unqualified attribute `name`, or nullopt.
    std::optional<std::string> Attribute(std::string_view name) const;
    // Refuses any attribute except the unqualified ones listed and xsi:schemaLocation /
    // xsi:noNamespaceSchemaLocation (which schema validators allow everywhere).
    Status CheckAttributes(std::initializer_list<std::string_view> allowed) const;

 private:
    const xmlNode* node_;
    std::string path_;
};

// maxOccurs="unbounded" (the document size limit bounds it).
inline constexpr std::size_t kUnbounded = static_cast<std::size_t>(-1);

class Children {
 public:
    // REQUIRES: `parent` outlives this object.
    Children(const Element& parent, std::string_view namespace_uri);

    // The next element, which must be `name`.
    Result<Element> Required(std::string_view name,
                             std::initializer_list<std::string_view> attributes = {});
    // The next element if it is `name`, else nullopt (nothing consumed).
    Result<std::optional<Element>> Optional(
        std::string_view name, std::initializer_list<std::string_view> attributes = {});
    // The next run of `name` elements (at least `min_count`, at most `max_count`); their paths
    // carry a 1-based index: "CdtTrfTxInf[2]".
    Result<std::vector<Element>> Repeated(std::string_view name, std::size_t min_count,
                                          std::size_t max_count);
    // Refuses any element left.
    Status End();

    // The next element whatever its name or namespace (for AppHdr/Sgntr), or nullopt.
    Result<std::optional<Element>> NextAny();

 private:
    // Moves `next_` to the next element child, refusing non-whitespace text on the way.
    Status SkipToElement();
    // The next element if it is `name` in our namespace with allowed attributes; null if it is
    // another element or none is left.
    Result<const xmlNode*> Peek(std::string_view name);

    const Element& parent_;
    std::string_view namespace_uri_;
    const xmlNode* cursor_;
};

// Descends from `from` through elements that each must hold exactly the one child named next
// (MndtRltdInf/Tp/LclInstrm/Prtry) and returns the last one.
Result<Element> Descend(Element from, std::string_view namespace_uri,
                        std::initializer_list<std::string_view> names);

// Takes the next child `name` of `children` and descends through `names` below it.
Result<Element> RequiredChain(Children& children, std::string_view namespace_uri,
                              std::string_view name, std::initializer_list<std::string_view> names);

}  // namespace dictra::formats::iso20022::internal
