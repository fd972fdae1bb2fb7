// Golden invalid inputs for the parsing layer under every message reader (xml_reader.hpp): each
// is refused with its precise error (line and what), and what XML allows still reads.
#include "formats/iso20022/xml_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dictra::formats::iso20022::internal {
namespace {

constexpr std::string_view kNamespace = "urn:test";

struct Golden {
    std::string name;
    std::string xml;
    std::string message;  // the whole error message
};

void ExpectRefused(const std::vector<Golden>& cases) {
    for (const Golden& golden : cases) {
        SCOPED_TRACE(golden.name);
        auto parsed = XmlDocument::Parse(golden.xml);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(parsed.error().message, golden.message);
    }
}

TEST(XmlReader, RefusesWhatIsNotSafeWellFormedUtf8Xml) {
    const std::vector<Golden> cases = {
        {"doctype", "<?xml version=\"1.0\"?>\n<!DOCTYPE a>\n<a/>",
         "line 2: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"entity declaration", "<!DOCTYPE a [\n<!ENTITY e \"x\">\n]>\n<a>&e;</a>",
         "line 1: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"billion laughs",
         "<!DOCTYPE a [<!ENTITY l \"lol\"><!ENTITY l2 \"&l;&l;&l;&l;&l;&l;&l;&l;&l;&l;\">]>"
         "<a>&l2;</a>",
         "line 1: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"external entity", "<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>",
         "line 1: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"undeclared entity reference", "<a>\n x &e; y</a>",
         "line 2: malformed XML: '&e;' is not a character reference or one of the predefined "
         "entities (lt, gt, amp, quot, apos); SPI messages have no DTD and no other entities"},
        {"entity reference in an attribute", "<a b=\"&e;\"/>",
         "line 1: malformed XML: '&e;' is not a character reference or one of the predefined "
         "entities (lt, gt, amp, quot, apos); SPI messages have no DTD and no other entities"},
        {"bare ampersand", "<a>fish & chips</a>",
         "line 1: malformed XML: '&' is not a character reference or one of the predefined "
         "entities (lt, gt, amp, quot, apos); SPI messages have no DTD and no other entities"},
        {"reference to a control character", "<a>&#1;</a>",
         "line 1: malformed XML: '&#1;' is not a character reference or one of the predefined "
         "entities (lt, gt, amp, quot, apos); SPI messages have no DTD and no other entities"},
        {"reference past Unicode", "<a>&#x110000;</a>",
         "line 1: malformed XML: '&#x110000;' is not a character reference or one of the "
         "predefined entities (lt, gt, amp, quot, apos); SPI messages have no DTD and no other "
         "entities"},
        {"latin-1 declared", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
         "encoding 'ISO-8859-1' is not allowed: SPI messages are UTF-8"},
        {"not UTF-8", "<a>\n\xe9t\xe9</a>", "line 2: malformed XML: the text is not UTF-8"},
        {"overlong UTF-8", "<a>\xc0\xaf</a>", "line 1: malformed XML: the text is not UTF-8"},
        {"control character", "<a>\x01</a>",
         "line 1: malformed XML: character U+0001 is not allowed in XML"},
        {"NUL", std::string("<a>\0</a>", 8),
         "line 1: malformed XML: character U+0000 is not allowed in XML"},
        {"unclosed", "<a>\n<b></b>\n",
         "line 3: malformed XML: the document ends inside an element"},
        {"mismatched tags", "<a>\n<b></a>",
         "line 2: malformed XML: tag mismatch: end tag 'a' does not close the element open here"},
        {"two roots", "<a/>\n<b/>", "line 2: malformed XML: a second root element 'b'"},
        {"text after the root", "<a/>\nx",
         "line 2: malformed XML: text 'x' outside the root element"},
        {"declaration not first", " <?xml version=\"1.0\"?><a/>",
         "line 1: malformed XML: an XML declaration is allowed only at the start of the document"},
        {"repeated attribute", "<a b=\"1\" b=\"2\"/>",
         "line 1: malformed XML: attribute 'b' repeated on 'a'"},
        {"same attribute under two prefixes",
         "<a xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:b=\"1\" q:b=\"2\"/>",
         "line 1: malformed XML: attribute 'b' repeated on 'a'"},
        {"'<' in an attribute", "<a b=\"<\"/>",
         "line 1: malformed XML: '<' in the value of attribute 'b' of 'a'"},
        {"unbound element prefix", "<a>\n<p:b/></a>",
         "line 2: malformed XML: namespace prefix 'p' of element 'p:b' is not declared"},
        {"unbound attribute prefix", "<a p:b=\"1\"/>",
         "line 1: malformed XML: namespace prefix 'p' of element 'a''s attribute 'b' is not "
         "declared"},
        {"prefix undeclared", "<a xmlns:p=\"\"/>",
         "line 1: malformed XML: 'xmlns:p' binds a prefix to no namespace"},
        {"double hyphen in a comment", "<a><!-- a -- b --></a>",
         "line 1: malformed XML: '--' inside a comment"},
        {"reserved processing instruction", "<a>\n<?XML x?></a>",
         "line 2: malformed XML: Error parsing document declaration/processing instruction"},
        {"']]>' in text", "<a>\nx ]]> y</a>",
         "line 2: malformed XML: ']]>' is not allowed in text"},
        {"no root", "<!-- only a comment -->", "line 1: malformed XML: no root element"},
    };
    ExpectRefused(cases);
}

// What the single-pass reader refuses besides the cases above, each with its line.
TEST(XmlReader, RefusesMalformedMarkupWithItsLine) {
    const std::vector<Golden> cases = {
        {"element name not a QName", "<a>\n<:b/></a>",
         "line 2: malformed XML: element name ':b' is not a QName"},
        {"two colons", "<a xmlns:p=\"urn:x\">\n<p:b:c/></a>",
         "line 2: malformed XML: element name 'p:b:c' is not a QName"},
        {"attribute name not a QName", "<a\n p:=\"1\"/>",
         "line 2: malformed XML: attribute name 'p:' is not a QName"},
        {"unquoted attribute", "<a\n b=1/>",
         "line 2: malformed XML: the value of attribute 'b' is not quoted"},
        {"attribute without '='", "<a b \"1\"/>",
         "line 1: malformed XML: expected '=' after attribute 'b'"},
        {"attributes not apart", "<a b=\"1\"c=\"2\"/>",
         "line 1: malformed XML: expected space, '>' or '/>' in the tag of 'a'"},
        {"'/' inside a tag", "<a>\n<b / ></b></a>",
         "line 2: malformed XML: '/' not followed by '>'"},
        {"no name after '<'", "<a>\n< b/></a>",
         "line 2: malformed XML: '<' is not followed by a name"},
        {"end tag outside the root", "<a/>\n</a>",
         "line 2: malformed XML: end tag 'a' outside the root element"},
        {"end tag with attributes", "<a>\n</a b=\"1\">",
         "line 2: malformed XML: malformed end tag"},
        {"text before the root", "\n x <a/>",
         "line 2: malformed XML: text 'x' outside the root element"},
        {"CDATA outside the root", "<a/>\n<![CDATA[x]]>",
         "line 2: malformed XML: CDATA outside the root element"},
        {"'<!' without a construct", "<a>\n<!ELEMENT a ANY></a>",
         "line 2: malformed XML: '<!' starts no comment or CDATA section"},
        {"DOCTYPE inside the root", "<a>\n<!DOCTYPE a></a>",
         "line 2: DOCTYPE is not allowed (SPI messages have no DTD and no entities)"},
        {"comment ending in '-'", "<a>\n<!-- x ---></a>",
         "line 2: malformed XML: '--' inside a comment"},
        {"unterminated comment", "<a>\n<!-- x",
         "line 2: malformed XML: the document ends inside a comment"},
        {"unterminated CDATA", "<a><![CDATA[x\n",
         "line 2: malformed XML: the document ends inside a CDATA section"},
        {"unterminated attribute value", "<a b=\"x\n",
         "line 2: malformed XML: the document ends inside an attribute value"},
        {"unterminated tag", "<a>\n<b", "line 2: malformed XML: the document ends inside a tag"},
        {"late declaration in capitals", "<a/>\n<?XML x?>",
         "line 2: malformed XML: the processing instruction target 'XML' is reserved"},
        {"declaration in capitals", "<?XML version=\"1.0\"?><a/>",
         "line 1: malformed XML: the processing instruction target 'XML' is reserved"},
        {"declaration inside the root", "<a>\n<?xml version=\"1.0\"?></a>",
         "line 2: malformed XML: Error parsing document declaration/processing instruction"},
        {"processing instruction without a space", "<a>\n<?pi-x?></a><?pi!?>",
         "line 2: malformed XML: the processing instruction target 'pi' is not followed by a "
         "space"},
        {"declaration without a version", "<?xml encoding=\"UTF-8\"?><a/>",
         "line 1: malformed XML: the XML declaration is not well-formed"},
        {"declaration of XML 2.0", "<?xml version=\"2.0\"?><a/>",
         "line 1: malformed XML: the XML declaration is not well-formed"},
        {"declaration without space between its parts",
         "<?xml version=\"1.0\"encoding=\"UTF-8\"?><a/>",
         "line 1: malformed XML: the XML declaration is not well-formed"},
        {"bad standalone", "<?xml version=\"1.0\" standalone=\"maybe\"?><a/>",
         "line 1: malformed XML: the XML declaration is not well-formed"},
        {"control character in an attribute", "<a\n b=\"\x02\"/>",
         "line 2: malformed XML: character U+0002 is not allowed in XML"},
        {"U+FFFE in a comment", "<a>\n<!-- \xef\xbf\xbe --></a>",
         "line 2: malformed XML: character U+FFFE is not allowed in XML"},
        {"not UTF-8 in a name", "<a>\n<b\xff/></a>",
         "line 2: malformed XML: the text is not UTF-8"},
        {"truncated UTF-8 at the end", "<a/>\xc3", "line 1: malformed XML: the text is not UTF-8"},
        {"lines end in CR", "<a>\r\r\n\r<p:b/></a>",
         "line 4: malformed XML: namespace prefix 'p' of element 'p:b' is not declared"},
    };
    ExpectRefused(cases);
}

// XML 1.0 2.11 and 3.3.3: the reader sees LF for every line end in text, and one space for each
// tab, line end and CR LF in an attribute value; references are expanded after that, so "&#9;"
// and "&#13;" stay what they are.
TEST(XmlReader, NormalisesLineEndsAndAttributeWhitespace) {
    const std::string xml =
        "<r xmlns=\"urn:test\">\r\n"
        "  <T a=\"x\r\ny\rz\tw\nv&#9;&#13;&#10;\">a\r\nb\rc&#13;d<![CDATA[e\r\nf\rg]]></T>\r"
        "  <U b='&#0000000000065;\"'> \r\n\t</U>\r\n"
        "</r>";
    auto document = XmlDocument::Parse(xml);
    ASSERT_TRUE(document.ok()) << document.error().message;
    Children children(document->Root("r"), kNamespace);
    auto t = children.Required("T", {"a"});
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->Attribute("a"), "x y z w v\t\r\n");
    EXPECT_EQ(t->Text().value(), "a\nb\nc\rde\nf\ng");
    auto u = children.Required("U", {"b"});
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(u->Attribute("b"), "A\"");
    EXPECT_EQ(u->Text().value(), " \n\t");
    EXPECT_EQ(u->line(), 10);  // every CR LF, lone CR and LF above ends a line
    EXPECT_TRUE(children.End().ok());
}

TEST(XmlReader, Limits) {
    XmlLimits limits;
    limits.bytes_max = 10;
    auto oversize = XmlDocument::Parse("<a>12345</a>", limits);
    ASSERT_FALSE(oversize.ok());
    EXPECT_EQ(oversize.error().code, ErrorCode::kPayloadTooLarge);

    std::string deep = "<a>\n";
    for (int level = 0; level < 40; ++level) deep += "<b>";
    auto too_deep = XmlDocument::Parse(deep);
    ASSERT_FALSE(too_deep.ok());
    EXPECT_EQ(too_deep.error().message, "line 2: elements nested deeper than 32 levels");

    std::string many = "<a";
    for (int attribute_idx = 0; attribute_idx < 40; ++attribute_idx) {
        many += " b" + std::to_string(attribute_idx) + "=\"\"";
    }
    many += "/>";
    auto crowded = XmlDocument::Parse(many);
    ASSERT_FALSE(crowded.ok());
    EXPECT_EQ(crowded.error().message, "line 1: element 'a' has more than 32 attributes");
}

TEST(XmlReader, CursorErrors) {
    const std::string xml =
        "<r xmlns=\"urn:test\" xmlns:o=\"urn:other\">\n"
        "  <A x=\"1\">a</A>\n"
        "  <o:B>b</o:B>\n"
        "  text\n"
        "  <C/>\n"
        "</r>";
    auto document = XmlDocument::Parse(xml);
    ASSERT_TRUE(document.ok()) << document.error().message;
    const Element root = document->Root("r");

    Children attributes(root, kNamespace);
    auto a = attributes.Required("A");
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().message, "line 2: r/A: unexpected attribute 'x'");
    EXPECT_EQ(a.error().field, "r/A");

    Children namespaces(root, kNamespace);
    ASSERT_TRUE(namespaces.Required("A", {"x"}).ok());
    auto b = namespaces.Required("B");
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().message,
              "line 3: r/B: element is in namespace 'urn:other', expected 'urn:test'");

    Children text(root, kNamespace);
    ASSERT_TRUE(text.Required("A", {"x"}).ok());
    auto any = text.NextAny();
    ASSERT_TRUE(any.ok() && *any);
    EXPECT_EQ((*any)->namespace_uri(), "urn:other");
    auto c = text.Required("C");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().message, "line 4: r: unexpected text 'text'");
}

TEST(XmlReader, ReadsWhatXmlAllows) {
    const std::string xml =
        "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<?app note?><!-- before -->\n"
        "<p:r xmlns:p=\"urn:test\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xsi:schemaLocation=\"urn:test t.xsd\">\r\n"
        "  <p:T a=\"x&#10;y&amp;\tz\">&lt;&#x41;&#66;&gt;<![CDATA[<&>]]><!-- c --><?pi?> "
        "&quot;&apos;\xc3\xa9</p:T>\r\n"
        "  <p:L>   </p:L>\n"
        "  <p:R/><p:R/>\n"
        "</p:r>\n";
    auto document = XmlDocument::Parse(xml);
    ASSERT_TRUE(document.ok()) << document.error().message;
    const Element root = document->Root("r");
    EXPECT_EQ(root.name(), "r");
    EXPECT_EQ(root.namespace_uri(), kNamespace);
    EXPECT_TRUE(root.CheckAttributes({}).ok());

    Children children(root, kNamespace);
    auto t = children.Required("T", {"a"});
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->Text().value(), "<AB><&> \"'\xc3\xa9");
    EXPECT_EQ(t->Attribute("a"), "x\ny& z");
    auto l = children.Required("L");
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->Text().value(), "   ");
    auto repeated = children.Repeated("R", 1, 1);
    ASSERT_FALSE(repeated.ok());
    EXPECT_EQ(repeated.error().message, "line 6: r/R[2]: more than 1 'R' elements");
}

}  // namespace
}  // namespace dictra::formats::iso20022::internal
