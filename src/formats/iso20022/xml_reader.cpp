#include "formats/iso20022/xml_reader.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace dictra::formats::iso20022::internal {
namespace {

static_assert(kXmlBytesMax <= UINT32_MAX, "node offsets are 32 bits");

constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr std::size_t kQuotedBytesMax = 40;
constexpr std::size_t kNoOffset = static_cast<std::size_t>(-1);

constexpr std::string_view kDoctypeRefused =
    "DOCTYPE is not allowed (SPI messages have no DTD and no entities)";
constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

bool IsXmlSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
    return text;
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

bool IsXmlCharacter(std::uint32_t code_point) {
    return code_point == 0x9 || code_point == 0xA || code_point == 0xD ||
           (code_point >= 0x20 && code_point <= 0xD7FF) ||
           (code_point >= 0xE000 && code_point <= 0xFFFD) ||
           (code_point >= 0x10000 && code_point <= 0x10FFFF);
}

// XML 1.0 (fifth edition) NameStartChar and NameChar, for the characters past ASCII.
bool IsNameCodePoint(std::uint32_t code_point, bool first) {
    struct Range {
        std::uint32_t low;
        std::uint32_t high;
    };
    static constexpr Range kStart[] = {{0xC0, 0xD6},     {0xD8, 0xF6},     {0xF8, 0x2FF},
                                       {0x370, 0x37D},   {0x37F, 0x1FFF},  {0x200C, 0x200D},
                                       {0x2070, 0x218F}, {0x2C00, 0x2FEF}, {0x3001, 0xD7FF},
                                       {0xF900, 0xFDCF}, {0xFDF0, 0xFFFD}, {0x10000, 0xEFFFF}};
    static constexpr Range kFollowing[] = {{0xB7, 0xB7}, {0x300, 0x36F}, {0x203F, 0x2040}};
    for (const Range& range : kStart) {
        if (code_point >= range.low && code_point <= range.high) return true;
    }
    if (first) return false;
    for (const Range& range : kFollowing) {
        if (code_point >= range.low && code_point <= range.high) return true;
    }
    return false;
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

// Equality without a call into the library for the common case of different lengths.
bool SameText(std::string_view lhs, std::string_view rhs) {
    return lhs.size() == rhs.size() &&
           (lhs.data() == rhs.data() || std::memcmp(lhs.data(), rhs.data(), lhs.size()) == 0);
}

int CountLines(std::string_view text) {
    int lines = 0;
    for (char c : text) lines += c == '\n' ? 1 : 0;
    return lines;
}

// What each byte may be, for the scanning loops: one table lookup per byte on the common path.
enum ByteClass : std::uint8_t {
    // Text that needs no attention: printable ASCII except '<', '&' and ']', and no space.
    kTextPlain = 1,
    // Attribute value that needs no attention: printable ASCII and space except '<', '&', quotes.
    kValuePlain = 2,
    // Comments and processing instructions: printable ASCII, space, tab and LF except '-', '?'.
    kMarkupPlain = 4,
    // ASCII that may start a name, but ':' (read apart, to split and check the QName).
    kNameStart = 8,
    // ASCII that may continue a name, but ':'.
    kNameChar = 16,
    // Space, tab, LF: whitespace that is never rewritten in text.
    kPlainSpace = 32,
};

constexpr std::array<std::uint8_t, 256> MakeByteClasses() {
    std::array<std::uint8_t, 256> classes{};
    for (int byte = 0x20; byte < 0x7F; ++byte) {
        const char c = static_cast<char>(byte);
        std::uint8_t bits = 0;
        if (c != ' ' && c != '<' && c != '&' && c != ']') bits |= kTextPlain;
        if (c != '<' && c != '&' && c != '"' && c != '\'') bits |= kValuePlain;
        if (c != '-' && c != '?') bits |= kMarkupPlain;
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letter || c == '_') bits |= kNameStart | kNameChar;
        if ((c >= '0' && c <= '9') || c == '-' || c == '.') bits |= kNameChar;
        classes[static_cast<std::size_t>(byte)] = bits;
    }
    classes[' '] |= kPlainSpace;
    classes['\t'] = kPlainSpace | kMarkupPlain;
    classes['\n'] = kPlainSpace | kMarkupPlain;
    return classes;
}

constexpr std::array<std::uint8_t, 256> kByteClasses = MakeByteClasses();

bool Is(char c, ByteClass byte_class) {
    return (kByteClasses[static_cast<unsigned char>(c)] & byte_class) != 0;
}

// The reference at `text[0]` == '&' ("&lt;", "&#10;", "&#x1F600;"): its length and the code
// point it stands for; 0 when it is not a predefined entity or a reference to an XML character.
// A reference is never shorter than the UTF-8 it stands for, so expanding it in place fits.
std::size_t ReadReference(std::string_view text, std::uint32_t& code_point) {
    std::size_t end = 1;
    while (end < text.size() && (Is(text[end], kNameChar) || text[end] == '#')) ++end;
    if (end == text.size() || text[end] != ';') return 0;
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

// Scans the input once and builds the readers' tree, checking well-formedness on the way. Each
// byte is read by exactly one of the loops below (text, attribute value, name, comment, ...), and
// that loop also checks that it is UTF-8 and an XML character, so problems are found in document
// order and the first one is reported. Open elements are a stack, not recursion: the depth is
// what is being checked.
class Scanner {
 public:
    Scanner(XmlTree& tree, const XmlLimits& limits)
        : tree_(tree),
          limits_(limits),
          begin_(tree.buffer.data()),
          end_(tree.buffer.data() + tree.buffer.size()) {}

    // Whether the document is well-formed; when not, the problem_*() say what and where.
    bool Run();

    std::size_t problem_offset() const { return problem_offset_; }
    bool problem_has_line() const { return problem_has_line_; }
    std::string& problem_message() { return problem_message_; }

 private:
    struct Binding {
        std::string_view prefix;  // "" for the default namespace
        std::string_view namespace_uri;
    };
    // One element whose end tag is still to come.
    struct Open {
        std::uint32_t index;
        std::uint32_t last_child;
        std::uint32_t bindings_before;
        std::string_view qualified_name;  // as written, for the end tag
        bool has_element_child = false;
    };

    std::size_t OffsetOf(const char* at) const { return static_cast<std::size_t>(at - begin_); }

    bool Fail(const char* at, std::string message) {
        problem_offset_ = OffsetOf(at);
        problem_message_ = std::move(message);
        return false;
    }
    bool Malformed(const char* at, std::string_view what) {
        return Fail(at, "malformed XML: " + std::string(what));
    }
    bool Truncated(std::string_view inside) {
        return Malformed(end_, "the document ends inside " + std::string(inside));
    }
    // The non-ASCII or control byte at `in`: the length of its UTF-8 sequence, or 0 after Fail.
    std::size_t CheckCharacter(const char* in);
    // Checks that character and moves `in` past it.
    bool SkipCharacter(const char*& in) {
        const std::size_t length = CheckCharacter(in);
        if (length == 0) return false;
        in += length;
        return true;
    }
    // Checks that character and copies it from `in` to `out`, moving both past it.
    bool CopyCharacter(const char*& in, char*& out) {
        const std::size_t length = CheckCharacter(in);
        if (length == 0) return false;
        std::memmove(out, in, length);
        out += length;
        in += length;
        return true;
    }

    bool StartsWith(const char* at, std::string_view text) const {
        return static_cast<std::size_t>(end_ - at) >= text.size() &&
               std::memcmp(at, text.data(), text.size()) == 0;
    }
    // Skips space, tab, CR and LF; whether there were any.
    bool SkipSpace(const char*& in) const {
        const char* start = in;
        while (in != end_ && IsXmlSpace(*in)) ++in;
        return in != start;
    }
    // A name as written, split at its colon.
    struct Name {
        std::string_view qualified;
        std::string_view prefix;  // "" when there is no colon
        std::string_view local;
        bool is_qname = true;  // no colon, or one with something on both sides (Namespaces 1.0)
    };
    // The name at `in` (XML 1.0 NameStartChar, then NameChar), empty when there is none; false
    // after Fail when it holds a byte that is not UTF-8 or a character XML forbids.
    bool ReadName(const char*& in, Name& name);

    bool TopLevelText(const char*& in);
    bool Text(const char*& in);
    bool StartTag(const char*& in);
    bool Attribute(const char*& in, std::string_view element_name);
    bool AttributeValue(const char*& in, std::string_view& value);
    bool EndTag(const char*& in);
    bool Comment(const char*& in);
    bool Cdata(const char*& in);
    bool ProcessingInstruction(const char*& in);
    bool Declaration(const char*& in);
    bool Reference(const char*& in, char*& out, std::uint32_t& code_point);

    // A new node, last child of the innermost open element. The reference is valid until the next
    // call.
    XmlNode& Append();
    void Close();
    std::optional<std::string_view> Lookup(std::string_view prefix) const;

    XmlTree& tree_;
    const XmlLimits& limits_;
    char* const begin_;
    char* const end_;
    std::vector<Open> open_;
    std::vector<Binding> bindings_;
    // The names of the attributes of the element being read, namespace declarations included.
    std::vector<std::string_view> attribute_names_;
    bool root_seen_ = false;
    const char* last_markup_ = nullptr;  // the last top-level '<', for "no root element"

    std::size_t problem_offset_ = kNoOffset;
    bool problem_has_line_ = true;
    std::string problem_message_;
};

std::size_t Scanner::CheckCharacter(const char* in) {
    std::uint32_t code_point = 0;
    const std::size_t length =
        DecodeUtf8(std::string_view(in, static_cast<std::size_t>(end_ - in)), code_point);
    if (length == 0) {
        Malformed(in, "the text is not UTF-8");
        return 0;
    }
    if (!IsXmlCharacter(code_point)) {
        Malformed(in, "character " + CodePointName(code_point) + " is not allowed in XML");
        return 0;
    }
    return length;
}

bool Scanner::ReadName(const char*& in, Name& name) {
    const char* const start = in;
    const char* colon = nullptr;
    name.is_qname = true;
    if (!(Is(*in, kNameStart) || *in == ':' || static_cast<unsigned char>(*in) >= 0x80)) {
        name = Name{};
        return true;
    }
    // The buffer is a std::string: the NUL after its end stops every scanning loop like any
    // other byte that is not of the class, so the loops need no end check of their own.
    for (;;) {
        while (Is(*in, kNameChar)) ++in;
        if (in == end_) break;
        if (*in == ':') {
            name.is_qname = name.is_qname && colon == nullptr;
            if (colon == nullptr) colon = in;
            ++in;
        } else if (static_cast<unsigned char>(*in) >= 0x80) {
            const std::size_t length = CheckCharacter(in);
            if (length == 0) return false;
            std::uint32_t code_point = 0;
            DecodeUtf8(std::string_view(in, length), code_point);
            if (!IsNameCodePoint(code_point, in == start)) break;
            in += length;
        } else {
            break;
        }
    }
    name.qualified = std::string_view(start, static_cast<std::size_t>(in - start));
    if (colon == nullptr) {
        name.prefix = {};
        name.local = name.qualified;
    } else {
        name.prefix = std::string_view(start, static_cast<std::size_t>(colon - start));
        name.local = std::string_view(colon + 1, static_cast<std::size_t>(in - colon - 1));
        name.is_qname = name.is_qname && !name.prefix.empty() && !name.local.empty();
    }
    return true;
}

bool Scanner::Run() {
    const char* in = begin_;
    if (StartsWith(in, kUtf8ByteOrderMark)) in += kUtf8ByteOrderMark.size();
    // "<?xml" and no more of a name: the declaration (or a malformed one).
    if (StartsWith(in, "<?xml") &&
        (in + 5 == end_ || (!Is(in[5], kNameChar) && static_cast<unsigned char>(in[5]) < 0x80))) {
        if (!Declaration(in)) return false;
    }
    while (in != end_) {
        if (*in != '<') {
            if (!(open_.empty() ? TopLevelText(in) : Text(in))) return false;
            continue;
        }
        if (open_.empty()) last_markup_ = in;
        if (in + 1 == end_) return Truncated("a tag");
        bool ok = true;
        switch (in[1]) {
            case '/': ok = EndTag(in); break;
            case '?': ok = ProcessingInstruction(in); break;
            case '!':
                if (StartsWith(in, "<!--")) {
                    ok = Comment(in);
                } else if (StartsWith(in, "<![CDATA[")) {
                    ok = Cdata(in);
                } else if (StartsWith(in, "<!DOCTYPE")) {
                    ok = Fail(in, std::string(kDoctypeRefused));
                } else {
                    ok = Malformed(in, "'<!' starts no comment or CDATA section");
                }
                break;
            default: ok = StartTag(in); break;
        }
        if (!ok) return false;
    }
    if (!open_.empty()) return Truncated("an element");
    if (!root_seen_) return Malformed(last_markup_ ? last_markup_ : begin_, "no root element");
    return true;
}

bool Scanner::Declaration(const char*& in) {
    const char* start = in;
    in += 5;  // "<?xml"
    const auto fail = [&] { return Malformed(start, "the XML declaration is not well-formed"); };
    // Reads ` name="value"` (either quote): space before it, optional space around '='.
    const auto pseudo_attribute = [&](std::string_view name, std::string_view& value) {
        const char* at = in;
        if (!SkipSpace(at) || !StartsWith(at, name)) return false;
        at += name.size();
        SkipSpace(at);
        if (at == end_ || *at != '=') return false;
        ++at;
        SkipSpace(at);
        if (at == end_ || (*at != '"' && *at != '\'')) return false;
        const char quote = *at++;
        const char* value_start = at;
        while (at != end_ && *at != quote && Is(*at, kNameChar)) ++at;
        if (at == end_ || *at != quote) return false;
        value = std::string_view(value_start, static_cast<std::size_t>(at - value_start));
        in = at + 1;
        return true;
    };
    std::string_view version;
    if (!pseudo_attribute("version", version)) return fail();
    if (version.size() < 3 || version.substr(0, 2) != "1." ||
        version.substr(2).find_first_not_of("0123456789") != std::string_view::npos) {
        return fail();
    }
    std::string_view encoding;
    if (pseudo_attribute("encoding", encoding)) {
        // The declared encoding decides how every later byte reads: we read UTF-8 only.
        if (!EqualsIgnoreCase(encoding, "UTF-8")) {
            problem_has_line_ = false;
            return Fail(start,
                        "encoding " + Quote(encoding) + " is not allowed: SPI messages are UTF-8");
        }
    }
    std::string_view standalone;
    if (pseudo_attribute("standalone", standalone) && standalone != "yes" && standalone != "no") {
        return fail();
    }
    SkipSpace(in);
    if (!StartsWith(in, "?>")) return fail();
    in += 2;
    return true;
}

bool Scanner::TopLevelText(const char*& in) {
    const char* start = in;
    SkipSpace(in);
    if (in == end_ || *in == '<') return true;
    // The text is quoted in the error, so its characters are checked first.
    const char* text_end = in;
    while (text_end != end_ && *text_end != '<') {
        if (Is(*text_end, kTextPlain) || IsXmlSpace(*text_end) || *text_end == '&' ||
            *text_end == ']') {
            ++text_end;
            continue;
        }
        const std::size_t length = CheckCharacter(text_end);
        if (length == 0) return false;
        text_end += length;
    }
    const std::string_view text(start, static_cast<std::size_t>(text_end - start));
    return Malformed(in, "text " + Quote(Trim(text)) + " outside the root element");
}

// Reads text up to the next '<' into a text node, rewriting references and line ends in place.
// Most text is indentation or a short value, so the two common cases take one tight loop each.
bool Scanner::Text(const char*& in) {
    char* const start = begin_ + OffsetOf(in);
    char* out = start;
    const char* run = in;
    // Indentation (a line end, then spaces): eight spaces at a time while there are eight.
    constexpr std::uint64_t kEightSpaces = 0x2020202020202020ULL;
    if (*in == '\n') ++in;
    while (end_ - in >= 8) {
        std::uint64_t word;
        std::memcpy(&word, in, sizeof(word));
        if (word != kEightSpaces) break;
        in += 8;
    }
    while (Is(*in, kPlainSpace)) ++in;
    bool blank = true;
    if (in != end_ && *in != '<') {
        out += in - run;
        for (;;) {
            run = in;
            while (Is(*in, kTextPlain)) ++in;
            if (in != run) {
                blank = false;
                const auto length = static_cast<std::size_t>(in - run);
                if (out != run) std::memmove(out, run, length);
                out += length;
            }
            if (in == end_ || *in == '<') break;
            const char c = *in;
            if (c == ' ' || c == '\t' || c == '\n') {
                *out++ = *in++;
            } else if (c == '\r') {
                *out++ = '\n';
                ++in;
                if (in != end_ && *in == '\n') ++in;
            } else if (c == '&') {
                std::uint32_t code_point = 0;
                if (!Reference(in, out, code_point)) return false;
                blank = blank && code_point <= 0x20 && IsXmlSpace(static_cast<char>(code_point));
            } else if (c == ']') {
                if (StartsWith(in, "]]>")) return Malformed(in, "']]>' is not allowed in text");
                *out++ = *in++;
                blank = false;
            } else {
                if (!CopyCharacter(in, out)) return false;
                blank = false;
            }
        }
    } else {
        out += in - run;
    }
    // Whitespace between child elements is never read: Children skips it, and Element::Text
    // refuses an element with element children anyway. Leaving it out halves the tree.
    if (blank && open_.back().has_element_child) return true;
    XmlNode& text = Append();
    text.blank = blank;
    text.text = std::string_view(start, static_cast<std::size_t>(out - start));
    text.offset = static_cast<std::uint32_t>(start - begin_);
    return true;
}

// Expands the reference at `in` (== '&') to `out`.
bool Scanner::Reference(const char*& in, char*& out, std::uint32_t& code_point) {
    const std::string_view rest(in, static_cast<std::size_t>(end_ - in));
    const std::size_t length = ReadReference(rest, code_point);
    if (length == 0) {
        std::string_view reference = rest.substr(0, kQuotedBytesMax + 1);
        const std::size_t stop = reference.find_first_of("; \t\n<");
        if (stop != std::string_view::npos) {
            reference = reference.substr(0, reference[stop] == ';' ? stop + 1 : stop);
        }
        return Malformed(in, Quote(reference) +
                                 " is not a character reference or one of the predefined "
                                 "entities (lt, gt, amp, quot, apos); SPI messages have no DTD "
                                 "and no other entities");
    }
    in += length;
    AppendUtf8(code_point, out);
    return true;
}

bool Scanner::StartTag(const char*& in) {
    const char* const tag = in;
    ++in;
    Name element_name;
    if (!ReadName(in, element_name)) return false;
    const std::string_view name = element_name.qualified;
    if (name.empty()) return Malformed(tag, "'<' is not followed by a name");
    if (open_.empty() && root_seen_) {
        return Malformed(tag, "a second root element " + Quote(name));
    }
    if (open_.size() + 1 > limits_.depth_max) {
        return Fail(tag,
                    "elements nested deeper than " + std::to_string(limits_.depth_max) + " levels");
    }
    if (!element_name.is_qname) {
        return Malformed(tag, "element name " + Quote(name) + " is not a QName");
    }
    const auto bindings_before = static_cast<std::uint32_t>(bindings_.size());
    const auto first_attribute = static_cast<std::uint32_t>(tree_.attributes.size());
    attribute_names_.clear();
    bool empty_element = false;
    for (;;) {
        const bool spaced = SkipSpace(in);
        if (in == end_) return Truncated("a tag");
        if (*in == '>') {
            ++in;
            break;
        }
        if (*in == '/') {
            if (in + 1 == end_ || in[1] != '>') return Malformed(in, "'/' not followed by '>'");
            in += 2;
            empty_element = true;
            break;
        }
        if (!spaced) {
            return Malformed(in, "expected space, '>' or '/>' in the tag of " + Quote(name));
        }
        if (attribute_names_.size() + 1 > limits_.attributes_max) {
            return Fail(tag, "element " + Quote(name) + " has more than " +
                                 std::to_string(limits_.attributes_max) + " attributes");
        }
        if (!Attribute(in, name)) return false;
    }
    const std::optional<std::string_view> namespace_uri = Lookup(element_name.prefix);
    if (!namespace_uri) {
        return Malformed(tag, "namespace prefix " + Quote(element_name.prefix) + " of element " +
                                  Quote(name) + " is not declared");
    }
    // Prefixed attributes are resolved once the element's own declarations are bound.
    for (std::uint32_t attribute_idx = first_attribute; attribute_idx < tree_.attributes.size();
         ++attribute_idx) {
        XmlAttribute& attribute = tree_.attributes[attribute_idx];
        if (attribute.prefix.empty()) continue;
        const std::optional<std::string_view> attribute_namespace = Lookup(attribute.prefix);
        if (!attribute_namespace) {
            return Malformed(tag, "namespace prefix " + Quote(attribute.prefix) + " of element " +
                                      Quote(name) + "'s attribute " + Quote(attribute.local_name) +
                                      " is not declared");
        }
        attribute.namespace_uri = *attribute_namespace;
        // The same namespace and local name under two prefixes is the same attribute twice.
        for (std::uint32_t earlier_idx = first_attribute; earlier_idx < attribute_idx;
             ++earlier_idx) {
            const XmlAttribute& earlier = tree_.attributes[earlier_idx];
            if (!earlier.prefix.empty() && earlier.local_name == attribute.local_name &&
                earlier.namespace_uri == attribute.namespace_uri) {
                return Malformed(tag, "attribute " + Quote(attribute.local_name) + " repeated on " +
                                          Quote(name));
            }
        }
    }
    if (open_.empty()) {
        root_seen_ = true;
    } else if (!open_.back().has_element_child) {
        Open& parent = open_.back();
        parent.has_element_child = true;
        // The same for the whitespace before the first child element (see Text).
        const std::uint32_t first = tree_.nodes[parent.index].first_child;
        if (first != XmlNode::kNone && first == parent.last_child &&
            first + 1 == tree_.nodes.size() && tree_.nodes[first].blank) {
            tree_.nodes.pop_back();
            tree_.nodes[parent.index].first_child = XmlNode::kNone;
            parent.last_child = XmlNode::kNone;
        }
    }
    const auto index = static_cast<std::uint32_t>(tree_.nodes.size());
    XmlNode& added = Append();
    added.is_element = true;
    added.local_name = element_name.local;
    added.namespace_uri = *namespace_uri;
    added.first_attribute = first_attribute;
    added.attribute_count = static_cast<std::uint32_t>(tree_.attributes.size()) - first_attribute;
    added.offset = static_cast<std::uint32_t>(OffsetOf(tag));
    open_.push_back(Open{index, XmlNode::kNone, bindings_before, name});
    if (empty_element) Close();
    return true;
}

bool Scanner::Attribute(const char*& in, std::string_view element_name) {
    const char* const start = in;
    Name attribute_name;
    if (!ReadName(in, attribute_name)) return false;
    const std::string_view name = attribute_name.qualified;
    if (name.empty()) {
        return Malformed(in,
                         "expected an attribute, '>' or '/>' in the tag of " + Quote(element_name));
    }
    SkipSpace(in);
    if (in == end_) return Truncated("a tag");
    if (*in != '=') return Malformed(in, "expected '=' after attribute " + Quote(name));
    ++in;
    SkipSpace(in);
    if (in == end_) return Truncated("a tag");
    if (*in != '"' && *in != '\'') {
        return Malformed(in, "the value of attribute " + Quote(name) + " is not quoted");
    }
    for (std::string_view earlier : attribute_names_) {
        if (earlier == name) {
            return Malformed(start,
                             "attribute " + Quote(name) + " repeated on " + Quote(element_name));
        }
    }
    attribute_names_.push_back(name);
    const char* const value_start = in;
    std::string_view value;
    if (!AttributeValue(in, value)) {
        if (problem_message_.empty()) {
            return Malformed(value_start, "'<' in the value of attribute " + Quote(name) + " of " +
                                              Quote(element_name));
        }
        return false;
    }
    if (!attribute_name.is_qname) {
        return Malformed(start, "attribute name " + Quote(name) + " is not a QName");
    }
    if (name == "xmlns") {
        bindings_.push_back(Binding{{}, value});
    } else if (attribute_name.prefix == "xmlns") {
        if (value.empty()) {
            return Malformed(start, Quote(name) + " binds a prefix to no namespace");
        }
        bindings_.push_back(Binding{attribute_name.local, value});
    } else {
        tree_.attributes.push_back(
            XmlAttribute{attribute_name.prefix, attribute_name.local, {}, value});
    }
    return true;
}

// Reads a quoted value at `in`, expanding references and turning tab, CR, LF and CR LF into one
// space in place. On '<' returns false with no problem set: the caller names the attribute.
bool Scanner::AttributeValue(const char*& in, std::string_view& value) {
    const char quote = *in++;
    char* const start = begin_ + OffsetOf(in);
    char* out = start;
    for (;;) {
        const char* run = in;
        while (Is(*in, kValuePlain)) ++in;
        if (in != run) {
            const auto length = static_cast<std::size_t>(in - run);
            if (out != run) std::memmove(out, run, length);
            out += length;
        }
        if (in == end_) return Truncated("an attribute value");
        const char c = *in;
        if (c == quote) {
            ++in;
            break;
        }
        if (c == '"' || c == '\'') {
            *out++ = *in++;
        } else if (c == '\t' || c == '\n') {
            *out++ = ' ';
            ++in;
        } else if (c == '\r') {
            *out++ = ' ';
            ++in;
            if (in != end_ && *in == '\n') ++in;
        } else if (c == '<') {
            return false;
        } else if (c == '&') {
            std::uint32_t code_point = 0;
            if (!Reference(in, out, code_point)) return false;
        } else {
            if (!CopyCharacter(in, out)) return false;
        }
    }
    value = std::string_view(start, static_cast<std::size_t>(out - start));
    return true;
}

bool Scanner::EndTag(const char*& in) {
    const char* const tag = in;
    in += 2;
    // Nearly always the end tag names the element open: compare the bytes without reading a name.
    if (!open_.empty() && StartsWith(in, open_.back().qualified_name)) {
        const char* after = in + open_.back().qualified_name.size();
        if (!Is(*after, kNameChar) && *after != ':' && static_cast<unsigned char>(*after) < 0x80) {
            while (Is(*after, kPlainSpace) || *after == '\r') ++after;
            if (*after == '>') {
                in = after + 1;
                Close();
                return true;
            }
        }
    }
    Name end_name;
    if (!ReadName(in, end_name)) return false;
    const std::string_view name = end_name.qualified;
    SkipSpace(in);
    if (in == end_) return Truncated("a tag");
    if (*in != '>' || name.empty()) return Malformed(tag, "malformed end tag");
    ++in;
    if (open_.empty()) {
        return Malformed(tag, "end tag " + Quote(name) + " outside the root element");
    }
    if (name != open_.back().qualified_name) {
        return Malformed(
            tag, "tag mismatch: end tag " + Quote(name) + " does not close the element open here");
    }
    Close();
    return true;
}

bool Scanner::Comment(const char*& in) {
    in += 4;  // "<!--"
    for (;;) {
        while (Is(*in, kMarkupPlain)) ++in;
        if (in == end_) return Truncated("a comment");
        const char c = *in;
        if (c == '-') {
            if (in + 1 != end_ && in[1] == '-') {
                if (in + 2 != end_ && in[2] == '>') {
                    in += 3;
                    return true;
                }
                return Malformed(in, "'--' inside a comment");
            }
            ++in;
        } else if (c == '?' || c == '\r') {
            ++in;
        } else {
            if (!SkipCharacter(in)) return false;
        }
    }
}

bool Scanner::Cdata(const char*& in) {
    if (open_.empty()) return Malformed(in, "CDATA outside the root element");
    in += 9;  // "<![CDATA["
    char* const start = begin_ + OffsetOf(in);
    char* out = start;
    bool blank = true;
    for (;;) {
        if (in == end_) return Truncated("a CDATA section");
        const char c = *in;
        if (c == ']' && StartsWith(in, "]]>")) {
            in += 3;
            break;
        }
        if (c == '\r') {
            *out++ = '\n';
            ++in;
            if (in != end_ && *in == '\n') ++in;
        } else if (Is(c, kPlainSpace) || Is(c, kValuePlain) || c == '<' || c == '&' || c == '"' ||
                   c == '\'') {
            blank = blank && Is(c, kPlainSpace);
            *out++ = *in++;
        } else {
            if (!CopyCharacter(in, out)) return false;
            blank = false;
        }
    }
    XmlNode& text = Append();
    text.blank = blank;
    text.text = std::string_view(start, static_cast<std::size_t>(out - start));
    text.offset = static_cast<std::uint32_t>(start - begin_);
    return true;
}

bool Scanner::ProcessingInstruction(const char*& in) {
    const char* const start = in;
    in += 2;
    Name target_name;
    if (!ReadName(in, target_name)) return false;
    const std::string_view target = target_name.qualified;
    if (target.empty()) return Malformed(start, "'<?' is not followed by a name");
    if (EqualsIgnoreCase(target, "xml")) {
        if (!open_.empty()) {
            return Malformed(start, "Error parsing document declaration/processing instruction");
        }
        if (target == "xml") {
            return Malformed(start,
                             "an XML declaration is allowed only at the start of the document");
        }
        return Malformed(start,
                         "the processing instruction target " + Quote(target) + " is reserved");
    }
    if (in != end_ && !IsXmlSpace(*in) && !StartsWith(in, "?>")) {
        return Malformed(start, "the processing instruction target " + Quote(target) +
                                    " is not followed by a space");
    }
    for (;;) {
        while (Is(*in, kMarkupPlain)) ++in;
        if (in == end_) return Truncated("a processing instruction");
        const char c = *in;
        if (c == '?') {
            if (in + 1 != end_ && in[1] == '>') {
                in += 2;
                return true;
            }
            ++in;
        } else if (c == '-' || c == '\r') {
            ++in;
        } else {
            if (!SkipCharacter(in)) return false;
        }
    }
}

XmlNode& Scanner::Append() {
    const auto index = static_cast<std::uint32_t>(tree_.nodes.size());
    XmlNode& added = tree_.nodes.emplace_back();
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
    return added;
}

void Scanner::Close() {
    if (bindings_.size() != open_.back().bindings_before) {
        bindings_.resize(open_.back().bindings_before);
    }
    open_.pop_back();
}

std::optional<std::string_view> Scanner::Lookup(std::string_view prefix) const {
    // Most elements are unprefixed, under the default namespace their root declares.
    if (prefix.empty() && !bindings_.empty() && bindings_.back().prefix.empty()) {
        return bindings_.back().namespace_uri;
    }
    if (prefix == "xml") return kXmlNamespace;
    for (auto binding = bindings_.rbegin(); binding != bindings_.rend(); ++binding) {
        if (binding->prefix == prefix) return binding->namespace_uri;
    }
    if (prefix.empty()) return std::string_view();
    return std::nullopt;
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
    return LineAt(nodes[node_index].offset);
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
    tree->buffer.assign(xml);
    // About one node per 20 bytes in an indented message.
    tree->nodes.reserve(xml.size() / 16);
    Scanner scanner(*tree, limits);
    if (!scanner.Run()) {
        std::string& what = scanner.problem_message();
        if (!scanner.problem_has_line()) return Error::InvalidArgument(std::move(what));
        std::string message =
            "line " + std::to_string(tree->LineAt(scanner.problem_offset())) + ": ";
        message += what;
        return Error::InvalidArgument(std::move(message));
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

std::optional<bool> Children::TryPeek(std::string_view name) {
    while (cursor_ != XmlNode::kNone && !cursor_node().is_element) {
        if (!cursor_node().blank) return std::nullopt;
        cursor_ = cursor_node().next_sibling;
    }
    if (cursor_ == XmlNode::kNone || !SameText(cursor_node().local_name, name)) return false;
    const std::string_view found = cursor_node().namespace_uri;
    const XmlTree& tree = *parent_.tree_;
    if (found.data() == tree.matched_namespace.data() &&
        found.size() == tree.matched_namespace.size() &&
        namespace_uri_.data() == tree.expected_namespace.data() &&
        namespace_uri_.size() == tree.expected_namespace.size()) {
        return true;
    }
    if (!SameText(found, namespace_uri_)) return std::nullopt;
    tree.matched_namespace = found;
    tree.expected_namespace = namespace_uri_;
    return true;
}

Result<bool> Children::Peek(std::string_view name) {
    if (const std::optional<bool> found = TryPeek(name)) return *found;
    DICTRA_RETURN_IF_ERROR(SkipToElement());
    if (cursor_ == XmlNode::kNone || !SameText(cursor_node().local_name, name)) return false;
    if (!SameText(cursor_node().namespace_uri, namespace_uri_)) {
        return At(cursor_).Fail("element is in namespace " + Quote(cursor_node().namespace_uri) +
                                ", expected " + Quote(namespace_uri_));
    }
    return true;
}

Result<Element> Children::Required(std::string_view name,
                                   std::initializer_list<std::string_view> attributes) {
    if (TryPeek(name).value_or(false) && cursor_node().attribute_count == 0) {
        const Element element = At(cursor_);
        cursor_ = cursor_node().next_sibling;
        return element;
    }
    DICTRA_ASSIGN_OR_RETURN(std::optional<Element> element, Optional(name, attributes));
    if (element) return *element;
    if (cursor_ != XmlNode::kNone) {
        return At(cursor_).Fail("expected element " + Quote(name) + " here");
    }
    return parent_.Fail("missing element " + Quote(name));
}

Result<std::optional<Element>> Children::Optional(
    std::string_view name, std::initializer_list<std::string_view> attributes) {
    if (const std::optional<bool> found = TryPeek(name)) {
        if (!*found) return std::optional<Element>();
        if (cursor_node().attribute_count == 0) {
            const Element element = At(cursor_);
            cursor_ = cursor_node().next_sibling;
            return std::optional<Element>(element);
        }
    }
    DICTRA_ASSIGN_OR_RETURN(bool found, Peek(name));
    if (!found) return std::optional<Element>();
    const Element element = At(cursor_);
    if (cursor_node().attribute_count != 0) {
        DICTRA_RETURN_IF_ERROR(element.CheckAttributes(attributes));
    }
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
        if (cursor_node().attribute_count != 0) {
            DICTRA_RETURN_IF_ERROR(element.CheckAttributes({}));
        }
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
    while (cursor_ != XmlNode::kNone && !cursor_node().is_element && cursor_node().blank) {
        cursor_ = cursor_node().next_sibling;
    }
    if (cursor_ == XmlNode::kNone) return Ok();
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
