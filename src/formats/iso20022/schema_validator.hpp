// Validation of XML documents against XSD files with libxml2's XML Schema engine.
//
// Used by the tests (every message we build must validate against the SPI catalog's XSDs) and
// by the BACEN simulator to refuse what the real SPI would refuse. Load compiles a set of XSD
// files once (each file is imported under its own target namespace, so an SPI XSD and the
// XMLDSig schema its AppHdr/Sgntr demands can be loaded together); Check and Validate may then
// be called from many threads at once (each call has its own validation context).
//
// The XSD files are trusted local files (they are read from disk, so Load does I/O); the
// documents checked are not: they go through the same safe parser as ParsePacs008 (size and
// depth limits, no DOCTYPE, no network), and a document that does not parse is reported as one
// issue. libxml2's messages are collected, never printed.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dictra::formats::iso20022 {

// A schema file larger than this is refused (the SPI XSDs are about 20 KiB).
inline constexpr std::size_t kSchemaFileBytesMax = 4 * 1024 * 1024;
// Check reports at most this many issues (libxml2 reports one per invalid element).
inline constexpr std::size_t kSchemaIssuesMax = 20;

struct SchemaIssue {
    int line = 0;         // 1-based line in the checked document; 0 when unknown
    std::string message;  // libxml2's message: "Element '{ns}Sgntr': Missing child element(s)..."

    friend bool operator==(const SchemaIssue&, const SchemaIssue&) = default;
};

class SchemaValidator {
 public:
    // Compiles `xsd_paths` (at least one) as one schema set. Each file must be an xs:schema with
    // a targetNamespace. kNotFound for a missing file, kInvalidArgument naming the file and line
    // for a schema libxml2 refuses.
    static Result<SchemaValidator> Load(const std::vector<std::filesystem::path>& xsd_paths);

    // The document's issues, empty when it is valid. Thread-safe.
    std::vector<SchemaIssue> Check(std::string_view xml) const;

    // Ok when valid, else kInvalidArgument "line 25: Element ...; line 31: ..." (every issue).
    Status Validate(std::string_view xml) const;

 private:
    struct Compiled;
    explicit SchemaValidator(std::shared_ptr<const Compiled> compiled)
        : compiled_(std::move(compiled)) {}

    std::shared_ptr<const Compiled> compiled_;
};

}  // namespace dictra::formats::iso20022
