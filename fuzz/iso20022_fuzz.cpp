// libFuzzer target for the ISO 20022 parsers: no input may crash them, and whatever parses must
// build (the builder accepts every value the parser accepts) and parse back to the same message.
// The XML reader is also checked against libxml2 (the parser under SchemaValidator, with the same
// limits): what the reader accepts, libxml2 accepts, and what libxml2 accepts the reader accepts
// unless it is one of the few things libxml2 only warns about.
// Seeds: tests/data/iso20022/ (valid messages and golden invalid inputs). Build: docs/kernel.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "formats/iso20022/libxml2_document.hpp"
#include "formats/iso20022/message.hpp"
#include "formats/iso20022/xml_reader.hpp"

namespace {

void Require(bool condition) {
    if (!condition) std::abort();
}

bool Contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// What libxml2 reports as a namespace error or a warning and still calls well-formed, the limit
// it does not have, and a NUL byte (libxml2 2.9 may take it for the end of the input and accept
// what came before); the reader refuses these.
bool LibxmlOnlyWarns(const std::string& message) {
    return Contains(message, "namespace prefix") || Contains(message, "binds a prefix") ||
           Contains(message, "is not a QName") || Contains(message, "is reserved") ||
           Contains(message, "attributes") || Contains(message, "U+0000");
}

void CheckAgainstLibxml2(std::string_view xml) {
    namespace internal = dictra::formats::iso20022::internal;
    auto ours = internal::XmlDocument::Parse(xml);
    auto reference = internal::Libxml2Document::Parse(xml);
    if (ours.ok()) {
        Require(reference.ok());
    } else if (reference.ok()) {
        Require(LibxmlOnlyWarns(ours.error().message));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace iso = dictra::formats::iso20022;
    const std::string_view xml(reinterpret_cast<const char*>(data), size);
    CheckAgainstLibxml2(xml);

    auto message = iso::ParseAny(xml);
    // The typed parser agrees with ParseAny.
    auto as_credit_transfer = iso::ParsePacs008(xml);
    Require(as_credit_transfer.ok() ==
            (message.ok() && iso::TypeOf(*message) == iso::MessageType::kPacs008));
    if (!message.ok()) {
        Require(!message.error().message.empty());
        return 0;
    }

    auto built = iso::Build(*message);
    Require(built.ok());
    auto reparsed = iso::ParseAny(*built);
    Require(reparsed.ok());
    Require(*reparsed == *message);
    auto rebuilt = iso::Build(*reparsed);
    Require(rebuilt.ok() && *rebuilt == *built);
    return 0;
}
