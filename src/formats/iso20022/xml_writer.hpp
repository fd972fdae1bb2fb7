// Internal to dictra_iso20022: writes the XML of the messages we build, indented by four spaces
// like the catalog's examples. It escapes text and attribute values; whether a value is allowed
// (XSD facets, XML characters) is checked by the builders before anything is written.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace dictra::formats::iso20022::internal {

class XmlWriter {
 public:
    // Starts with the XML declaration.
    XmlWriter();

    // <name attributes>, where `attributes` is written as given (" xmlns=\"...\"").
    // REQUIRES: `attributes` is empty or starts with a space and is already escaped.
    void Open(std::string_view name, std::string_view attributes = {});
    // </name> of the innermost open element. REQUIRES: one is open.
    void Close();
    // <name>text</name>
    void Leaf(std::string_view name, std::string_view text);
    // <name attribute="value">text</name>
    void Leaf(std::string_view name, std::string_view attribute, std::string_view value,
              std::string_view text);
    // <w1><w2>...<name>text</name>...</w2></w1>: a leaf inside single-child wrappers.
    void LeafIn(std::initializer_list<std::string_view> wrappers, std::string_view name,
                std::string_view text);
    // <name attributes/>
    void Empty(std::string_view name, std::string_view attributes = {});

    // `line` as it is, at the current indentation. REQUIRES: well-formed, escaped XML.
    void RawLine(std::string_view line);

    // The document. REQUIRES: every element closed.
    std::string Finish() &&;

 private:
    void Indent();

    std::string out_;
    std::vector<std::string> open_;
};

// Text content escaped: & < > and carriage return (kept as &#13; so a parser does not turn it
// into a line feed).
void AppendEscapedText(std::string& out, std::string_view text);
// An attribute value escaped for double quotes (also tab, line feed and carriage return, which
// attribute-value normalisation would otherwise turn into spaces).
void AppendEscapedAttribute(std::string& out, std::string_view value);

}  // namespace dictra::formats::iso20022::internal
