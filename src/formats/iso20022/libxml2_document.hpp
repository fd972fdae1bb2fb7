// Internal to dictra_iso20022: the safe libxml2 parse that XSD validation needs (libxml2's
// validator works on a libxml2 tree). The message readers do not use it: they read through
// xml_reader.hpp, which builds no libxml2 tree. Not part of the module's API.
//
// Libxml2Document::Parse refuses, with an error naming the line: input over `bytes_max`; any
// DOCTYPE (so no DTD, no entity declaration, no external entity, no billion laughs: the parser is
// stopped at the DOCTYPE, before the internal subset is read); nesting deeper than `depth_max`
// (counted in the SAX callback, the parser is stopped); a declared encoding other than UTF-8;
// anything that is not well-formed. It never touches the network or the file system
// (XML_PARSE_NONET, no DTD loading, no XInclude, no entity substitution, XML_PARSE_HUGE off).
// libxml2's messages go to a per-parse callback and to a per-thread handler installed for the
// duration of the call, never to stderr.
#pragma once

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/iso20022/xml_reader.hpp"

namespace dictra::formats::iso20022::internal {

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

class Libxml2Document {
 public:
    static Result<Libxml2Document> Parse(std::string_view xml, XmlLimits limits = {});

    xmlDoc* get() const { return doc_.get(); }

 private:
    struct Free {
        void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
    };
    explicit Libxml2Document(xmlDoc* doc) : doc_(doc) {}
    std::unique_ptr<xmlDoc, Free> doc_;
};

}  // namespace dictra::formats::iso20022::internal
