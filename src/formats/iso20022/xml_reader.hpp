// Internal to dictra_iso20022: safe parsing of untrusted XML, and a strict cursor over the element
// children of one element. Not part of the module's API.
//
// XmlDocument::Parse is the only way a message enters this module. It scans the text once, start
// to end, without recursion, and builds the compact tree the readers walk (one vector of nodes,
// one of attributes, names and text as views into a writable copy of the input where references
// are expanded and line ends normalised in place). No DOM library is involved: pugixml plus the
// checks it left to us cost two and a half times the budget of a pacs.008 parse (see
// docs/performance.md). Only well-formed, namespace-well-formed UTF-8 XML 1.0 gets through; it
// refuses, with an error naming the line, and stops at the first problem in document order:
// input over `bytes_max`; any DOCTYPE (so no entity is ever declared, loaded or expanded: XXE and
// billion laughs have nothing to work with); an entity reference other than the five predefined
// ones; a character reference to a character XML forbids; nesting deeper than `depth_max`; more
// than `attributes_max` attributes on one element; a declared encoding other than UTF-8; bytes
// that are not UTF-8 or characters XML forbids (control characters, U+FFFE, U+FFFF); an unbound
// namespace prefix; a repeated attribute; a name that is not a QName; tags that do not match;
// text, CDATA or a second element outside the root; '--' in a comment; ']]>' in text; a
// processing instruction named xml (in any case) other than the declaration at the very start.
// CR LF and lone CR become LF in text; tab, CR, LF and CR LF become one space in attribute values
// (XML 1.0, 2.11 and 3.3.3). It never touches the network or the file system and prints nothing.
// Memory is bounded by the input size: the tree costs a few tens of bytes per node, whatever the
// nesting.
//
// Children walks an element's children the way an XSD sequence reads them: each Required /
// Optional / Repeated call takes the next elements in document order, and End() refuses what is
// left. Every child must be in the parent's namespace, carry no attributes but the allowed ones,
// and the text between children must be whitespace. Errors are kInvalidArgument with the message
// "line N: <path>: <what>" and `field` = the element path ("Envelope/AppHdr/Fr"). Line numbers are
// computed only when an error is reported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"

namespace dictra::formats::iso20022::internal {

// Our messages have at most 4 attributes on one element (XMLDSig's Reference); the limit keeps
// the repeated-attribute check cheap on hostile input.
inline constexpr std::size_t kXmlAttributesPerElementMax = 32;

struct XmlLimits {
    std::size_t bytes_max = kXmlBytesMax;
    std::size_t depth_max = kXmlDepthMax;
    std::size_t attributes_max = kXmlAttributesPerElementMax;
};

// One node of the tree the readers walk: an element or a piece of text (text and CDATA; comments
// and processing instructions are checked, then left out). Names and text point into
// XmlTree::buffer, with references already expanded.
struct XmlNode {
    static constexpr std::uint32_t kNone = static_cast<std::uint32_t>(-1);

    bool is_element = false;
    bool blank = false;  // text of whitespace only
    // Reached through Children::Repeated: its path carries its index ("CdtTrfTxInf[2]").
    bool indexed = false;
    std::uint32_t parent = kNone;
    std::uint32_t first_child = kNone;
    std::uint32_t next_sibling = kNone;
    std::uint32_t first_attribute = 0;  // into XmlTree::attributes
    std::uint32_t attribute_count = 0;
    std::string_view local_name;     // element
    std::string_view namespace_uri;  // element: resolved while parsing, "" when none
    std::string_view text;           // text
    // Where the node starts in XmlTree::source ('<' of an element), for its line on the error path.
    std::uint32_t offset = 0;
};

// An attribute that is not a namespace declaration.
struct XmlAttribute {
    std::string_view prefix;
    std::string_view local_name;
    std::string_view namespace_uri;  // "" when unprefixed
    std::string_view value;
};

// The parsed tree and the text it came from (line numbers are counted in the text).
struct XmlTree {
    std::string source;  // the input as it came
    // A copy of it that parsing rewrites in place (references expanded, line ends normalised);
    // every rewrite shrinks, so a node's bytes never move before its offset in `source`.
    std::string buffer;
    std::vector<XmlNode> nodes;  // nodes[0] is the root element
    std::vector<XmlAttribute> attributes;
    std::string root_path;  // what errors call the root ("Envelope")
    // The last namespace a reader expected and the document's view found equal to it: nearly
    // every element repeats the pair, so the comparison is two pointers instead of a memcmp.
    // Readers of one document run on one thread.
    mutable std::string_view expected_namespace;
    mutable std::string_view matched_namespace;

    // 1-based line of the byte at `offset` of `source` (CR LF, CR and LF each end a line).
    int LineAt(std::size_t offset) const;
    int LineOf(std::uint32_t node_index) const;
};

class Element;

class XmlDocument {
 public:
    static Result<XmlDocument> Parse(std::string_view xml, XmlLimits limits = {});

    // The root element, named `path` in errors.
    Element Root(std::string path) const;

 private:
    explicit XmlDocument(std::unique_ptr<XmlTree> tree) : tree_(std::move(tree)) {}
    // On the heap so that Elements keep pointing at it when the document is moved.
    std::unique_ptr<XmlTree> tree_;
};

// `text` quoted for an error message, cut to a few dozen characters (on a UTF-8 boundary).
std::string Quote(std::string_view text);

// One element of a parsed document. A small value: copy it freely.
// REQUIRES: the XmlDocument it came from outlives it.
class Element {
 public:
    // Its path from the root ("Envelope/AppHdr/Fr"), built when asked (errors only, mostly).
    std::string path() const;
    int line() const;
    std::string_view name() const { return node().local_name; }              // without prefix
    std::string_view namespace_uri() const { return node().namespace_uri; }  // "" when none

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
    // xsi:noNamespaceSchemaLocation (which schema validators allow everywhere). Namespace
    // declarations (xmlns, xmlns:p) are not attributes.
    Status CheckAttributes(std::initializer_list<std::string_view> allowed) const;

 private:
    friend class Children;
    friend class XmlDocument;
    Element(const XmlTree* tree, std::uint32_t index) : tree_(tree), index_(index) {}
    const XmlNode& node() const { return tree_->nodes[index_]; }

    const XmlTree* tree_;
    std::uint32_t index_;
};

// maxOccurs="unbounded" (the document size limit bounds it).
inline constexpr std::size_t kUnbounded = static_cast<std::size_t>(-1);

class Children {
 public:
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
    // Moves `cursor_` to the next element child, refusing non-whitespace text on the way.
    Status SkipToElement();
    // Whether the next element is `name`; an error if it is, in another namespace.
    Result<bool> Peek(std::string_view name);
    // Peek without building a Result, for the common paths: nullopt when Peek would fail.
    std::optional<bool> TryPeek(std::string_view name);
    Element At(std::uint32_t index) const { return Element(parent_.tree_, index); }
    const XmlNode& cursor_node() const { return parent_.tree_->nodes[cursor_]; }

    Element parent_;
    std::string_view namespace_uri_;
    std::uint32_t cursor_;
};

// Descends from `from` through elements that each must hold exactly the one child named next
// (MndtRltdInf/Tp/LclInstrm/Prtry) and returns the last one.
Result<Element> Descend(Element from, std::string_view namespace_uri,
                        std::initializer_list<std::string_view> names);

// Takes the next child `name` of `children` and descends through `names` below it.
Result<Element> RequiredChain(Children& children, std::string_view namespace_uri,
                              std::string_view name, std::initializer_list<std::string_view> names);

}  // namespace dictra::formats::iso20022::internal
