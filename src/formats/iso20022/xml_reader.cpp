#include "formats/iso20022/xml_reader.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace dictra::formats::iso20022::internal {
namespace {

constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr std::size_t kQuotedBytesMax = 40;
constexpr std::size_t kNoOffset = static_cast<std::size_t>(-1);

// No parse_escapes: pugixml would leave an unknown entity reference ("&foo;") in the text as it
// is, where XML requires an error, so Parse expands and checks the references itself. Whitespace
// text, comments, processing instructions and the DOCTYPE are kept as nodes so that Parse can
// check them; parse_fragment keeps text outside the root element, which Parse refuses.
constexpr unsigned kParseOptions = pugi::parse_cdata | pugi::parse_comments | pugi::parse_pi |
                                   pugi::parse_declaration | pugi::parse_doctype |
                                   pugi::parse_ws_pcdata | pugi::parse_eol |
                                   pugi::parse_wconv_attribute | pugi::parse_fragment;

constexpr std::string_view kDoctypeRefused =
    "DOCTYPE is not allowed (SPI messages have no DTD and no entities)";

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

// What is before the colon of a qualified name ("" when none) and what is after it.
struct QualifiedName {
    std::string_view prefix;
    std::string_view local;
};

QualifiedName Split(std::string_view name) {
    const std::size_t colon = name.find(':');
    if (colon == std::string_view::npos) return {{}, name};
    return {name.substr(0, colon), name.substr(colon + 1)};
}

// A problem found while parsing: where (a byte offset of the input, plus lines inside a node's
// text that in-place rewriting may have shortened) and what. Parse reports the first one.
struct Problem {
    std::size_t offset = kNoOffset;
    int lines_after = 0;
    std::string message;

    bool found() const { return offset != kNoOffset; }
};

Problem ProblemAt(std::size_t offset, std::string message) {
    return Problem{offset, 0, std::move(message)};
}

bool IsXmlCharacter(std::uint32_t code_point) {
    return code_point == 0x9 || code_point == 0xA || code_point == 0xD ||
           (code_point >= 0x20 && code_point <= 0xD7FF) ||
           (code_point >= 0xE000 && code_point <= 0xFFFD) ||
           (code_point >= 0x10000 && code_point <= 0x10FFFF);
}

std::string CodePointName(std::uint32_t code_point) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string digits;
    for (; code_point != 0 || digits.size() < 4; code_point >>= 4) {
        digits.insert(digits.begin(), kHex[code_point & 0xF]);
    }
    return "U+" + digits;
}

// The length of the UTF-8 sequence at `text[0]` and its code point, or 0 when it is not
// well-formed UTF-8 (overlong forms and surrogates included).
std::size_t DecodeUtf8(std::string_view text, std::uint32_t& code_point) {
    const auto byte = [&](std::size_t index) { return static_cast<unsigned char>(text[index]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    std::uint32_t minimum = 0;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, code_point = lead & 0x1F, minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, code_point = lead & 0x0F, minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, code_point = lead & 0x07, minimum = 0x10000;
    } else {
        return 0;
    }
    if (text.size() < length) return 0;
    for (std::size_t byte_idx = 1; byte_idx < length; ++byte_idx) {
        if ((byte(byte_idx) & 0xC0) != 0x80) return 0;
        code_point = (code_point << 6) | (byte(byte_idx) & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF) return 0;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
    return length;
}

// The first byte that is not UTF-8 or not an XML character. pugixml reads bytes and checks
// neither. Eight ASCII bytes of at least 0x20 at a time: most of a message is such runs.
Problem CheckCharacters(std::string_view xml) {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    constexpr std::uint64_t kSpaces = 0x2020202020202020ULL;
    std::size_t byte_idx = 0;
    while (byte_idx < xml.size()) {
        if (xml.size() - byte_idx >= 8) {
            std::uint64_t word;
            std::memcpy(&word, xml.data() + byte_idx, sizeof(word));
            // No byte >= 0x80, and none below 0x20 (the subtraction borrows into the high bit
            // only for those).
            if ((word & kHighBits) == 0 && ((word - kSpaces) & kHighBits) == 0) {
                byte_idx += 8;
                continue;
            }
        }
        std::uint32_t code_point = 0;
        const std::size_t length = DecodeUtf8(xml.substr(byte_idx), code_point);
        if (length == 0) return ProblemAt(byte_idx, "malformed XML: the text is not UTF-8");
        if (!IsXmlCharacter(code_point)) {
            return ProblemAt(byte_idx, "malformed XML: character " + CodePointName(code_point) +
                                           " is not allowed in XML");
        }
        byte_idx += length;
    }
    return {};
}

void AppendUtf8(std::uint32_t code_point, char*& out) {
    if (code_point < 0x80) {
        *out++ = static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        *out++ = static_cast<char>(0xC0 | (code_point >> 6));
        *out++ = static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        *out++ = static_cast<char>(0xE0 | (code_point >> 12));
        *out++ = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        *out++ = static_cast<char>(0xF0 | (code_point >> 18));
        *out++ = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        *out++ = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        *out++ = static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

// The reference at `text[0]` == '&' ("&lt;", "&#10;", "&#x1F600;"): its length and the code
// point it stands for; 0 when it is not a predefined entity or a reference to an XML character.
std::size_t ReadReference(std::string_view text, std::uint32_t& code_point) {
    const std::size_t end = text.find(';');
    if (end == std::string_view::npos) return 0;
    const std::string_view body = text.substr(1, end - 1);
    struct Predefined {
        std::string_view name;
        char character;
    };
    static constexpr Predefined kPredefined[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    for (const Predefined& entity : kPredefined) {
        if (body == entity.name) {
            code_point = static_cast<unsigned char>(entity.character);
            return end + 1;
        }
    }
    if (body.size() < 2 || body[0] != '#') return 0;
    const bool hex = body[1] == 'x';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    std::uint32_t value = 0;
    for (char digit : digits) {
        std::uint32_t digit_value;
        if (digit >= '0' && digit <= '9') {
            digit_value = static_cast<std::uint32_t>(digit - '0');
        } else if (hex && digit >= 'a' && digit <= 'f') {
            digit_value = static_cast<std::uint32_t>(digit - 'a' + 10);
        } else if (hex && digit >= 'A' && digit <= 'F') {
            digit_value = static_cast<std::uint32_t>(digit - 'A' + 10);
        } else {
            return 0;
        }
        value = value * (hex ? 16 : 10) + digit_value;
        if (value > 0x10FFFF) return 0;  // also keeps the sum from overflowing
    }
    if (!IsXmlCharacter(value)) return 0;
    code_point = value;
    return end + 1;
}

// Expands the references of a text or attribute value in place. pugixml's buffer is ours and
// writable (the document owns a copy of the input), and a reference is never shorter than the
// UTF-8 it stands for, so the result fits where the value was. On a bad reference, leaves the
// value as it is and returns the reference's index; else npos.
std::size_t ExpandReferences(const char* value) {
    const char* first = std::strchr(value, '&');
    if (first == nullptr) return std::string_view::npos;
    char* in = const_cast<char*>(first);
    // Check every reference before writing, so that an error leaves the value unchanged.
    for (const char* amp = first; amp != nullptr; amp = std::strchr(amp + 1, '&')) {
        std::uint32_t code_point = 0;
        if (ReadReference(amp, code_point) == 0) return static_cast<std::size_t>(amp - value);
    }
    char* out = in;
    while (*in != '\0') {
        if (*in != '&') {
            *out++ = *in++;
            continue;
        }
        std::uint32_t code_point = 0;
        in += ReadReference(in, code_point);
        AppendUtf8(code_point, out);
    }
    *out = '\0';
    return std::string_view::npos;
}

int CountLines(std::string_view text) {
    int lines = 0;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    return lines;
}

Problem BadReference(std::size_t node_offset, std::string_view value, std::size_t index) {
    std::string_view reference = value.substr(index);
    const std::size_t end = reference.find_first_of("; \t\n<");
    reference = reference.substr(0, end == std::string_view::npos || reference[end] != ';'
                                        ? std::min<std::size_t>(end, kQuotedBytesMax)
                                        : end + 1);
    return Problem{node_offset, CountLines(value.substr(0, index)),
                   "malformed XML: " + Quote(reference) +
                       " is not a character reference or one of the predefined entities (lt, "
                       "gt, amp, quot, apos); SPI messages have no DTD and no other entities"};
}

std::size_t OffsetOf(pugi::xml_node node) {
    const std::ptrdiff_t offset = node.offset_debug();
    return offset < 0 ? 0 : static_cast<std::size_t>(offset);
}

// Checks one node that is not an element; expands references in text.
Problem CheckLeaf(pugi::xml_node node, bool top_level) {
    switch (node.type()) {
        case pugi::node_pcdata: {
            const std::string_view value = node.value();
            if (top_level) {
                if (IsBlank(value)) return {};
                const std::size_t first_visible = value.find_first_not_of(" \t\r\n");
                return Problem{
                    OffsetOf(node), CountLines(value.substr(0, first_visible)),
                    "malformed XML: text " + Quote(Trim(value)) + " outside the root element"};
            }
            const std::size_t cdata_end = value.find("]]>");
            if (cdata_end != std::string_view::npos) {
                return Problem{OffsetOf(node), CountLines(value.substr(0, cdata_end)),
                               "malformed XML: ']]>' is not allowed in text"};
            }
            const std::size_t bad = ExpandReferences(node.value());
            if (bad != std::string_view::npos) return BadReference(OffsetOf(node), value, bad);
            return {};
        }
        case pugi::node_cdata:
            if (top_level) {
                return ProblemAt(OffsetOf(node), "malformed XML: CDATA outside the root element");
            }
            return {};
        case pugi::node_comment: {
            const std::string_view value = node.value();
            if (value.find("--") != std::string_view::npos ||
                (!value.empty() && value.back() == '-')) {
                return ProblemAt(OffsetOf(node), "malformed XML: '--' inside a comment");
            }
            return {};
        }
        case pugi::node_pi:
            if (EqualsIgnoreCase(node.name(), "xml")) {
                return ProblemAt(OffsetOf(node),
                                 "malformed XML: the processing instruction "
                                 "target " +
                                     Quote(node.name()) + " is reserved");
            }
            return {};
        case pugi::node_declaration:
            return ProblemAt(OffsetOf(node),
                             "malformed XML: an XML declaration is allowed only at the start of "
                             "the document");
        case pugi::node_doctype: return ProblemAt(OffsetOf(node), std::string(kDoctypeRefused));
        default: return ProblemAt(OffsetOf(node), "malformed XML: unexpected node");
    }
}

// Builds the readers' tree from pugixml's in one walk in document order (no recursion: the depth
// is what is being checked), checking what pugixml does not, and stops at the first problem. A
// partial tree (pugixml stopped at an error) is walked too, so that what comes before the error
// is reported first, as a streaming parser would.
class TreeBuilder {
 public:
    TreeBuilder(XmlTree& tree, const XmlLimits& limits) : tree_(tree), limits_(limits) {}

    Problem Build() {
        const pugi::xml_node first = tree_.document.first_child();
        for (pugi::xml_node top = first; top; top = top.next_sibling()) {
            if (top.type() == pugi::node_declaration && top == first) continue;
            if (top.type() != pugi::node_element) {
                Problem problem = CheckLeaf(top, true);
                if (problem.found()) return problem;
                continue;
            }
            if (!tree_.nodes.empty()) {
                return ProblemAt(OffsetOf(top),
                                 "malformed XML: a second root element " + Quote(top.name()));
            }
            Problem problem = BuildElementTree(top);
            if (problem.found()) return problem;
        }
        if (tree_.nodes.empty()) {
            return ProblemAt(first ? OffsetOf(tree_.document.last_child()) : 0,
                             "malformed XML: no root element");
        }
        return {};
    }

 private:
    struct Binding {
        std::string_view prefix;  // "" for the default namespace
        std::string_view namespace_uri;
    };
    // One open element of the walk.
    struct Open {
        std::uint32_t index;
        std::uint32_t last_child = XmlNode::kNone;
        std::size_t bindings_before;
    };

    Problem BuildElementTree(pugi::xml_node top) {
        pugi::xml_node node = top;
        for (;;) {
            if (node.type() == pugi::node_element) {
                if (open_.size() + 1 > limits_.depth_max) {
                    return ProblemAt(OffsetOf(node), "elements nested deeper than " +
                                                         std::to_string(limits_.depth_max) +
                                                         " levels");
                }
                Problem problem = AddElement(node);
                if (problem.found()) return problem;
                if (pugi::xml_node child = node.first_child()) {
                    node = child;
                    continue;
                }
                Close();
            } else {
                Problem problem =
                    node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata
                        ? AddText(node)
                        : CheckLeaf(node, false);
                if (problem.found()) return problem;
            }
            while (node != top && !node.next_sibling()) {
                node = node.parent();
                Close();
            }
            if (node == top) return {};
            node = node.next_sibling();
        }
    }

    std::uint32_t Append(XmlNode added) {
        const auto index = static_cast<std::uint32_t>(tree_.nodes.size());
        if (!open_.empty()) {
            Open& parent = open_.back();
            added.parent = parent.index;
            if (parent.last_child == XmlNode::kNone) {
                tree_.nodes[parent.index].first_child = index;
            } else {
                tree_.nodes[parent.last_child].next_sibling = index;
            }
            parent.last_child = index;
        }
        tree_.nodes.push_back(added);
        return index;
    }

    void Close() {
        bindings_.resize(open_.back().bindings_before);
        open_.pop_back();
    }

    std::optional<std::string_view> Lookup(std::string_view prefix) const {
        if (prefix == "xml") return kXmlNamespace;
        for (auto binding = bindings_.rbegin(); binding != bindings_.rend(); ++binding) {
            if (binding->prefix == prefix) return binding->namespace_uri;
        }
        if (prefix.empty()) return std::string_view();
        return std::nullopt;
    }

    Problem AddText(pugi::xml_node node) {
        Problem problem = CheckLeaf(node, false);
        if (problem.found()) return problem;
        XmlNode text;
        text.text = node.value();
        text.blank = IsBlank(text.text);
        text.source_node = node;
        Append(text);
        return {};
    }

    // Checks one element's name and attributes, expands references in attribute values, binds
    // its namespace declarations and adds it to the tree as the new open element.
    Problem AddElement(pugi::xml_node element) {
        const std::string_view name = element.name();
        const QualifiedName qualified = Split(name);
        if ((!qualified.prefix.empty() || name.front() == ':') &&
            (qualified.prefix.empty() || qualified.local.empty() ||
             qualified.local.find(':') != std::string_view::npos)) {
            return ProblemAt(OffsetOf(element),
                             "malformed XML: element name " + Quote(name) + " is not a QName");
        }
        const std::size_t bindings_before = bindings_.size();
        const auto first_attribute = static_cast<std::uint32_t>(tree_.attributes.size());
        std::size_t attribute_count = 0;
        for (pugi::xml_attribute attribute = element.first_attribute(); attribute;
             attribute = attribute.next_attribute()) {
            if (++attribute_count > limits_.attributes_max) {
                return ProblemAt(OffsetOf(element), "element " + Quote(name) + " has more than " +
                                                        std::to_string(limits_.attributes_max) +
                                                        " attributes");
            }
            Problem problem = AddAttribute(element, attribute);
            if (problem.found()) return problem;
        }
        XmlNode added;
        added.is_element = true;
        added.prefix = qualified.prefix;
        added.local_name = qualified.local;
        added.first_attribute = first_attribute;
        added.attribute_count =
            static_cast<std::uint32_t>(tree_.attributes.size()) - first_attribute;
        added.source_node = element;
        const std::optional<std::string_view> namespace_uri = Lookup(qualified.prefix);
        if (!namespace_uri) {
            return ProblemAt(OffsetOf(element), "malformed XML: namespace prefix " +
                                                    Quote(qualified.prefix) + " of element " +
                                                    Quote(name) + " is not declared");
        }
        added.namespace_uri = *namespace_uri;
        // Prefixed attributes are resolved once the element's own declarations are bound.
        for (std::uint32_t attribute_idx = first_attribute; attribute_idx < tree_.attributes.size();
             ++attribute_idx) {
            XmlAttribute& attribute = tree_.attributes[attribute_idx];
            if (attribute.prefix.empty()) continue;
            const std::optional<std::string_view> attribute_namespace = Lookup(attribute.prefix);
            if (!attribute_namespace) {
                return ProblemAt(OffsetOf(element),
                                 "malformed XML: namespace prefix " + Quote(attribute.prefix) +
                                     " of element " + Quote(name) + "'s attribute " +
                                     Quote(attribute.local_name) + " is not declared");
            }
            attribute.namespace_uri = *attribute_namespace;
            // The same namespace and local name under two prefixes is the same attribute twice.
            for (std::uint32_t earlier_idx = first_attribute; earlier_idx < attribute_idx;
                 ++earlier_idx) {
                const XmlAttribute& earlier = tree_.attributes[earlier_idx];
                if (!earlier.prefix.empty() && earlier.local_name == attribute.local_name &&
                    earlier.namespace_uri == attribute.namespace_uri) {
                    return ProblemAt(OffsetOf(element), "malformed XML: attribute " +
                                                            Quote(attribute.local_name) +
                                                            " repeated on " + Quote(name));
                }
            }
        }
        open_.push_back(Open{Append(added), XmlNode::kNone, bindings_before});
        return {};
    }

    Problem AddAttribute(pugi::xml_node element, pugi::xml_attribute attribute) {
        const std::string_view name = attribute.name();
        const std::string_view raw_value = attribute.value();
        for (pugi::xml_attribute earlier = element.first_attribute(); earlier != attribute;
             earlier = earlier.next_attribute()) {
            if (name == earlier.name()) {
                return ProblemAt(OffsetOf(element), "malformed XML: attribute " + Quote(name) +
                                                        " repeated on " + Quote(element.name()));
            }
        }
        if (raw_value.find('<') != std::string_view::npos) {
            return ProblemAt(OffsetOf(element), "malformed XML: '<' in the value of attribute " +
                                                    Quote(name) + " of " + Quote(element.name()));
        }
        const std::size_t bad = ExpandReferences(attribute.value());
        if (bad != std::string_view::npos) return BadReference(OffsetOf(element), raw_value, bad);
        const std::string_view value = attribute.value();
        const QualifiedName qualified = Split(name);
        if (!qualified.prefix.empty() &&
            (qualified.local.empty() || qualified.local.find(':') != std::string_view::npos)) {
            return ProblemAt(OffsetOf(element),
                             "malformed XML: attribute name " + Quote(name) + " is not a QName");
        }
        if (name == "xmlns") {
            bindings_.push_back(Binding{{}, value});
        } else if (qualified.prefix == "xmlns") {
            if (value.empty()) {
                return ProblemAt(OffsetOf(element), "malformed XML: " + Quote(name) +
                                                        " binds a prefix to no namespace");
            }
            bindings_.push_back(Binding{qualified.local, value});
        } else {
            tree_.attributes.push_back(XmlAttribute{qualified.prefix, qualified.local, {}, value});
        }
        return {};
    }

    XmlTree& tree_;
    const XmlLimits& limits_;
    std::vector<Open> open_;
    std::vector<Binding> bindings_;
};

// The declared encoding must be UTF-8: we read bytes as UTF-8 and nothing else.
Status CheckDeclaration(const pugi::xml_document& document) {
    const pugi::xml_node declaration = document.first_child();
    if (declaration.type() != pugi::node_declaration) return Ok();
    const pugi::xml_attribute encoding = declaration.attribute("encoding");
    if (encoding && !EqualsIgnoreCase(encoding.value(), "UTF-8")) {
        return Error::InvalidArgument("encoding " + Quote(encoding.value()) +
                                      " is not allowed: SPI messages are UTF-8");
    }
    return Ok();
}

// pugixml's own error, with the name of the end tag when the tags do not match.
Problem ParserProblem(const pugi::xml_parse_result& result, std::string_view source) {
    const std::size_t offset = static_cast<std::size_t>(result.offset);
    if (result.status == pugi::status_end_element_mismatch) {
        const std::size_t tag = source.rfind("</", offset);
        const bool at_end = IsBlank(source.substr(std::min(offset, source.size())));
        if (!at_end && tag != std::string_view::npos && offset - tag <= 2 + kQuotedBytesMax) {
            std::string_view name = source.substr(tag + 2);
            name = name.substr(0, name.find_first_of("> \t\r\n"));
            return ProblemAt(offset, "malformed XML: tag mismatch: end tag " + Quote(name) +
                                         " does not close the element open here");
        }
        return ProblemAt(source.size(), "malformed XML: the document ends inside an element");
    }
    return ProblemAt(offset, std::string("malformed XML: ") + result.description());
}

Error MalformedAt(int line, std::string_view what) {
    std::string message = "line " + std::to_string(line) + ": ";
    message += what;
    return Error::InvalidArgument(std::move(message));
}

}  // namespace

int XmlTree::LineAt(std::size_t offset) const {
    const std::string_view before = std::string_view(source).substr(0, offset);
    int line = 1;
    for (std::size_t byte_idx = 0; byte_idx < before.size(); ++byte_idx) {
        if (before[byte_idx] == '\n') {
            ++line;
        } else if (before[byte_idx] == '\r' &&
                   (byte_idx + 1 >= source.size() || source[byte_idx + 1] != '\n')) {
            ++line;
        }
    }
    return line;
}

int XmlTree::LineOf(std::uint32_t node_index) const {
    return LineAt(OffsetOf(nodes[node_index].source_node));
}

Result<XmlDocument> XmlDocument::Parse(std::string_view xml, XmlLimits limits) {
    if (xml.size() > limits.bytes_max) {
        return Error{ErrorCode::kPayloadTooLarge,
                     "XML of " + std::to_string(xml.size()) + " bytes is over the limit of " +
                         std::to_string(limits.bytes_max) + " bytes",
                     {}};
    }
    if (xml.empty()) return Error::InvalidArgument("malformed XML: empty document");

    auto tree = std::make_unique<XmlTree>();
    tree->source.assign(xml);
    const pugi::xml_parse_result result =
        tree->document.load_buffer(xml.data(), xml.size(), kParseOptions, pugi::encoding_utf8);
    if (result.status == pugi::status_out_of_memory) {
        return Error::ResourceExhausted("out of memory parsing XML");
    }
    // The declared encoding decides how every later byte reads, so it is checked first.
    DICTRA_RETURN_IF_ERROR(CheckDeclaration(tree->document));

    // The first problem in document order wins, whoever found it.
    Problem first = CheckCharacters(xml);
    if (!result) {
        Problem parser = ParserProblem(result, xml);
        if (parser.offset < first.offset) first = std::move(parser);
    }
    // About one node per 20 bytes in an indented message.
    tree->nodes.reserve(xml.size() / 16);
    Problem structure = TreeBuilder(*tree, limits).Build();
    if (structure.offset < first.offset) first = std::move(structure);
    if (first.found()) {
        return MalformedAt(tree->LineAt(first.offset) + first.lines_after, first.message);
    }
    return XmlDocument(std::move(tree));
}

Element XmlDocument::Root(std::string path) const {
    tree_->root_path = std::move(path);
    return Element(tree_.get(), 0);
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

std::string Element::path() const {
    std::vector<std::string> steps;
    for (std::uint32_t index = index_; index != 0; index = tree_->nodes[index].parent) {
        const XmlNode& step = tree_->nodes[index];
        std::string name(step.local_name);
        if (step.indexed) {
            // The position in the run of same-named siblings, as Repeated counted it.
            std::size_t position = 0;
            for (std::uint32_t sibling = tree_->nodes[step.parent].first_child;;) {
                const XmlNode& candidate = tree_->nodes[sibling];
                if (candidate.is_element) {
                    position = candidate.local_name == step.local_name ? position + 1 : 0;
                }
                if (sibling == index) break;
                sibling = candidate.next_sibling;
            }
            name += "[" + std::to_string(position) + "]";
        }
        steps.push_back(std::move(name));
    }
    std::string path = tree_->root_path;
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
        path += '/';
        path += *step;
    }
    return path;
}

int Element::line() const {
    return tree_->LineOf(index_);
}

Error Element::Fail(std::string_view what) const {
    return FailAt(line(), what);
}

Error Element::FailAt(int line, std::string_view what) const {
    std::string element_path = path();
    std::string message = "line " + std::to_string(line) + ": " + element_path + ": ";
    message += what;
    return Error::InvalidArgument(std::move(message), std::move(element_path));
}

Result<std::string> Element::Text() const {
    std::string text;
    for (std::uint32_t child = node().first_child; child != XmlNode::kNone;
         child = tree_->nodes[child].next_sibling) {
        const XmlNode& child_node = tree_->nodes[child];
        if (child_node.is_element) {
            return Fail("unexpected element " + Quote(child_node.local_name) +
                        " where text was expected");
        }
        text += child_node.text;
    }
    return text;
}

std::optional<std::string> Element::Attribute(std::string_view name) const {
    const XmlNode& element = node();
    for (std::uint32_t attribute_idx = element.first_attribute;
         attribute_idx < element.first_attribute + element.attribute_count; ++attribute_idx) {
        const XmlAttribute& attribute = tree_->attributes[attribute_idx];
        if (attribute.prefix.empty() && attribute.local_name == name) {
            return std::string(attribute.value);
        }
    }
    return std::nullopt;
}

Status Element::CheckAttributes(std::initializer_list<std::string_view> allowed) const {
    const XmlNode& element = node();
    for (std::uint32_t attribute_idx = element.first_attribute;
         attribute_idx < element.first_attribute + element.attribute_count; ++attribute_idx) {
        const XmlAttribute& attribute = tree_->attributes[attribute_idx];
        if (attribute.prefix.empty()) {
            bool known = false;
            for (std::string_view allowed_name : allowed) {
                known = known || allowed_name == attribute.local_name;
            }
            if (known) continue;
        } else if (attribute.namespace_uri == kXsiNamespace &&
                   (attribute.local_name == "schemaLocation" ||
                    attribute.local_name == "noNamespaceSchemaLocation")) {
            continue;
        }
        return Fail("unexpected attribute " + Quote(attribute.local_name));
    }
    return Ok();
}

Children::Children(const Element& parent, std::string_view namespace_uri)
    : parent_(parent), namespace_uri_(namespace_uri), cursor_(parent.node().first_child) {}

Status Children::SkipToElement() {
    for (; cursor_ != XmlNode::kNone; cursor_ = cursor_node().next_sibling) {
        const XmlNode& node = cursor_node();
        if (node.is_element) return Ok();
        if (node.blank) continue;
        // The line of the text itself, not of the whitespace before it.
        const std::string_view text = node.text;
        std::size_t first_visible = 0;
        while (IsXmlSpace(text[first_visible])) ++first_visible;
        const int line = parent_.tree_->LineOf(cursor_) + CountLines(text.substr(0, first_visible));
        return parent_.FailAt(line, "unexpected text " + Quote(Trim(text)));
    }
    return Ok();
}

Result<bool> Children::Peek(std::string_view name) {
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == XmlNode::kNone || cursor_node().local_name != name) return false;
    if (cursor_node().namespace_uri != namespace_uri_) {
        return At(cursor_).Fail("element is in namespace " + Quote(cursor_node().namespace_uri) +
                                ", expected " + Quote(namespace_uri_));
    }
    return true;
}

Result<Element> Children::Required(std::string_view name,
                                   std::initializer_list<std::string_view> attributes) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> element, Optional(name, attributes));
    if (element) return *element;
    if (cursor_ != XmlNode::kNone) {
        return At(cursor_).Fail("expected element " + Quote(name) + " here");
    }
    return parent_.Fail("missing element " + Quote(name));
}

Result<std::optional<Element>> Children::Optional(
    std::string_view name, std::initializer_list<std::string_view> attributes) {
    DICTRA_ASSIGN_OR_RETURN(bool found, Peek(name));
    if (!found) return std::optional<Element>();
    const Element element = At(cursor_);
    DICTRA_RETURN_IF_ERROR(element.CheckAttributes(attributes));
    cursor_ = cursor_node().next_sibling;
    return std::optional<Element>(element);
}

Result<std::vector<Element>> Children::Repeated(std::string_view name, std::size_t min_count,
                                                std::size_t max_count) {
    std::vector<Element> elements;
    for (;;) {
        DICTRA_ASSIGN_OR_RETURN(bool found, Peek(name));
        if (!found) break;
        // The tree is the readers' own and this is its only writer: marking the node lets
        // path() name it "CdtTrfTxInf[2]" without a string built per element.
        const_cast<XmlNode&>(cursor_node()).indexed = true;
        const Element element = At(cursor_);
        if (elements.size() == max_count) {
            return element.Fail("more than " + std::to_string(max_count) + " " + Quote(name) +
                                " elements");
        }
        DICTRA_RETURN_IF_ERROR(element.CheckAttributes({}));
        elements.push_back(element);
        cursor_ = cursor_node().next_sibling;
    }
    if (elements.size() < min_count) {
        if (cursor_ != XmlNode::kNone) {
            return At(cursor_).Fail("expected element " + Quote(name) + " here");
        }
        return parent_.Fail("missing element " + Quote(name));
    }
    return elements;
}

Result<std::optional<Element>> Children::NextAny() {
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == XmlNode::kNone) return std::optional<Element>();
    const Element element = At(cursor_);
    cursor_ = cursor_node().next_sibling;
    return std::optional<Element>(element);
}

Status Children::End() {
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == XmlNode::kNone) return Ok();
    return At(cursor_).Fail("unexpected element");
}

Result<Element> Descend(Element from, std::string_view namespace_uri,
                        std::initializer_list<std::string_view> names) {
    Element current = from;
    for (std::string_view name : names) {
        Children children(current, namespace_uri);
        DICTRA_ASSIGN_OR_RETURN(Element next, children.Required(name));
        DICTRA_RETURN_IF_ERROR(children.End());
        current = next;
    }
    return current;
}

Result<Element> RequiredChain(Children& children, std::string_view namespace_uri,
                              std::string_view name,
                              std::initializer_list<std::string_view> names) {
    DICTRA_ASSIGN_OR_RETURN(Element first, children.Required(name));
    return Descend(first, namespace_uri, names);
}

}  // namespace dictra::formats::iso20022::internal
