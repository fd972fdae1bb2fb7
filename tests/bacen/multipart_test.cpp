#include "bacen/multipart.hpp"

#include <gtest/gtest.h>

namespace dictra::bacen {
namespace {

TEST(MultipartTest, BoundaryFromContentType) {
    EXPECT_EQ(MultipartBoundary("multipart/mixed; boundary=abc").value(), "abc");
    EXPECT_EQ(MultipartBoundary("Multipart/Mixed;charset=x; BOUNDARY=\"a b\"").value(), "a b");
    EXPECT_FALSE(MultipartBoundary("multipart/mixed").ok());
    EXPECT_FALSE(MultipartBoundary("application/xml; boundary=abc").ok());
    EXPECT_FALSE(MultipartBoundary("multipart/mixed; boundary=" + std::string(71, 'x')).ok());
}

TEST(MultipartTest, BuildThenSplitRoundTrips) {
    const std::vector<std::string_view> messages = {"<a/>", "<b>\r\n</b>", ""};
    const std::string body = BuildMultipart(messages, "xyz");
    auto parts = SplitMultipart(body, "xyz", 10);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    EXPECT_EQ(*parts, messages);
}

TEST(MultipartTest, AcceptsBareLineFeedsAndPreamble) {
    const std::string body =
        "preamble\n--b\nContent-Type: text/xml\n\n<one/>\n--b\n\n<two/>\n--b--\nepilogue";
    auto parts = SplitMultipart(body, "b", 10);
    ASSERT_TRUE(parts.ok()) << parts.error().message;
    EXPECT_EQ(*parts, (std::vector<std::string_view>{"<one/>", "<two/>"}));
}

TEST(MultipartTest, RefusesMalformedBodies) {
    EXPECT_FALSE(SplitMultipart("<a/>", "b", 10).ok());                  // no delimiter
    EXPECT_FALSE(SplitMultipart("--b\r\n\r\n<a/>\r\n", "b", 10).ok());   // not closed
    EXPECT_FALSE(SplitMultipart("--b\r\n<a/>\r\n--b--", "b", 10).ok());  // no blank line
    EXPECT_FALSE(
        SplitMultipart("--b\r\nContent-Type: application/json\r\n\r\n{}\r\n--b--", "b", 10).ok());
    const std::string three = BuildMultipart({"<a/>", "<b/>", "<c/>"}, "b");
    EXPECT_FALSE(SplitMultipart(three, "b", 2).ok());
    EXPECT_TRUE(SplitMultipart(three, "b", 3).ok());
}

TEST(MultipartTest, XmlContentTypes) {
    EXPECT_TRUE(IsXmlContentType("application/xml"));
    EXPECT_TRUE(IsXmlContentType("Application/XML; charset=utf-8"));
    EXPECT_TRUE(IsXmlContentType("text/xml"));
    EXPECT_FALSE(IsXmlContentType("application/json"));
    EXPECT_FALSE(IsXmlContentType(""));
}

}  // namespace
}  // namespace dictra::bacen
