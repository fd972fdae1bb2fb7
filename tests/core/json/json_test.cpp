#include "core/json/json.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace dictra::json {
namespace {

TEST(JsonSerializeTest, WritesDoublesInPlainNotation) {
    auto document =
        Parse(R"({"ratio":0.07,"rate":66.67,"whole":100.0,"list":[0.5,2,1e21],"name":"a\"b\u00e9",)"
              R"("nested":{"t":-0.001},"n":null,"ok":true})");
    ASSERT_TRUE(document.ok());
    EXPECT_EQ(Serialize(*document),
              "{\"ratio\":0.07,\"rate\":66.67,\"whole\":100,\"list\":[0.5,2,1e+21],"
              "\"name\":\"a\\\"b\u00e9\",\"nested\":{\"t\":-0.001},\"n\":null,\"ok\":true}");
    // What is written reads back as the same numbers.
    auto again = Parse(Serialize(*document));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->at("rate").as_double(), 66.67);
    EXPECT_EQ(again->at("ratio").as_double(), 0.07);
}

TEST(JsonSerializeTest, NonFiniteDoublesBecomeNullAndDocumentsWithoutDoublesAreUnchanged) {
    boost::json::object object;
    object["inf"] = std::numeric_limits<double>::infinity();
    object["nan"] = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(Serialize(object), R"({"inf":null,"nan":null})");
    auto plain = Parse(R"({"a":[1,"x\ny",{"b":false}],"c":-5})");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(Serialize(*plain), R"({"a":[1,"x\ny",{"b":false}],"c":-5})");
}

TEST(JsonParseTest, RejectsMalformedDocuments) {
    for (std::string_view text : {"", "{", "{\"a\":}", "[1,]", "{\"a\":1}x", "nul", "{'a':1}"}) {
        auto result = Parse(text);
        ASSERT_FALSE(result.ok()) << text;
        EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(result.error().message.find("malformed JSON"), std::string::npos);
    }
}

TEST(JsonParseTest, RejectsInvalidUtf8) {
    EXPECT_FALSE(Parse("{\"name\":\"\xff\xfe\"}").ok());
    EXPECT_FALSE(Parse("{\"name\":\"\xc3\"}").ok());
    EXPECT_TRUE(Parse("{\"name\":\"Jo\xc3\xa3o\"}").ok());
}

TEST(JsonParseTest, LimitsDepth) {
    std::string deep(kDepthMax + 1, '[');
    deep += std::string(kDepthMax + 1, ']');
    EXPECT_FALSE(Parse(deep).ok());
    std::string shallow(kDepthMax - 1, '[');
    shallow += std::string(kDepthMax - 1, ']');
    EXPECT_TRUE(Parse(shallow).ok());
}

TEST(JsonParseTest, BodyMustBeAnObject) {
    auto result = ParseObject("[1,2]");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "request body must be a JSON object, got array");
}

TEST(ObjectReaderTest, ReadsTypedFields) {
    auto object =
        *ParseObject(R"({"s":"x","i":15000,"f":1.5e4,"b":true,"o":{"ispb":"12345678"},"a":[1]})");
    ObjectReader reader(object);
    EXPECT_EQ(*reader.RequiredString("s"), "x");
    EXPECT_EQ(*reader.RequiredInt("i"), 15000);
    EXPECT_EQ(*reader.RequiredInt("f"), 15000);
    EXPECT_TRUE(*reader.RequiredBool("b"));
    auto nested = *reader.RequiredObject("o");
    EXPECT_EQ(*nested.RequiredString("ispb"), "12345678");
    EXPECT_EQ((*reader.RequiredArray("a"))->size(), 1u);
}

TEST(ObjectReaderTest, MissingAndMistypedFieldsNameTheField) {
    auto object =
        *ParseObject(R"({"amount":"100","creditor":{"ispb":12},"opt":null,"frac":150.5})");
    ObjectReader reader(object);
    auto missing = reader.RequiredString("external_id");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().field, "external_id");
    EXPECT_EQ(missing.error().message, "external_id is required");

    auto mistyped = reader.RequiredInt("amount");
    ASSERT_FALSE(mistyped.ok());
    EXPECT_EQ(mistyped.error().message, "amount must be an integer, got string");

    auto nested = (*reader.RequiredObject("creditor")).RequiredString("ispb");
    ASSERT_FALSE(nested.ok());
    EXPECT_EQ(nested.error().field, "creditor.ispb");
    EXPECT_EQ(nested.error().message, "creditor.ispb must be a string, got number");

    EXPECT_FALSE(reader.RequiredString("opt").ok());  // null is absent
    EXPECT_FALSE((*reader.OptionalString("opt")).has_value());
    EXPECT_FALSE(reader.RequiredInt("frac").ok());
}

TEST(ObjectReaderTest, HugeIntegersAreOutOfRange) {
    auto object = *ParseObject(R"({"n":18446744073709551615,"m":1e300})");
    ObjectReader reader(object);
    EXPECT_FALSE(reader.RequiredInt("n").ok());
    EXPECT_FALSE(reader.RequiredInt("m").ok());
}

}  // namespace
}  // namespace dictra::json
