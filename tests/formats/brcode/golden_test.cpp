// Golden inputs in tests/data/brcode/ (written by make_golden.py; they also seed brcode_fuzz):
// every invalid one gives exactly the listed errors, each naming its tag and problem; every valid
// one decodes cleanly and survives an encode/decode round trip.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "brcode_testing.hpp"
#include "formats/brcode/brcode.hpp"

namespace dictra::formats::brcode {
namespace {

using P = DecodeProblem;

struct ExpectedError {
    std::string tag;
    DecodeProblem problem;
};

struct Golden {
    std::vector<ExpectedError> errors;
    std::string message_part;  // the first error's message contains this
};

const std::map<std::string, Golden>& InvalidGoldens() {
    static const std::map<std::string, Golden> goldens = {
        {"empty", {{{"", P::kTruncated}}, "payload is empty"}},
        {"truncated_header", {{{"", P::kTruncated}}, "at byte 77: '59' is too short"}},
        {"truncated_value", {{{"59", P::kLengthOverrun}}, "only 6 characters left"}},
        {"length_past_end", {{{"63", P::kLengthOverrun}}, "63: length 5 at byte 117"}},
        {"non_digit_length", {{{"59", P::kBadLength}}, "length '1A' at byte 77"}},
        {"non_digit_id", {{{"", P::kBadId}}, "ID '5A' at byte 71"}},
        {"template_length_past_end",
         {{{"26-01", P::kLengthOverrun}},
          "26-01: length 50 at byte 28 runs past the end: only 15 characters left (in the "
          "merchant account information template)"}},
        {"duplicate_tag", {{{"59", P::kDuplicate}}, "appears twice (at bytes 77 and 94)"}},
        {"out_of_order", {{{"53", P::kOutOfOrder}}, "53: comes after 58"}},
        {"crc_not_last", {{{"63", P::kOutOfOrder}}, "must be the last field, but 80 follows"}},
        {"wrong_crc", {{{"63", P::kCrcMismatch}}, "the payload says 0000 but its CRC16 is 45E6"}},
        {"lowercase_crc", {{{"63", P::kInvalid}}, "lowercase hex digits"}},
        {"missing_6304", {{{"63", P::kMissing}}, "ends with 6304"}},
        {"crc_three_digits", {{{"63", P::kInvalid}}, "is 3 characters; expected 4"}},
        {"oversized", {{{"", P::kTooLarge}}, "payload is 640 bytes; at most 512"}},
        {"key_too_long", {{{"26-00", P::kMissing}, {"26-01", P::kTooLong}}, "26-00 GUI: missing"}},
        {"txid_invalid_characters", {{{"62-05", P::kInvalid}}, "'-' at byte 3"}},
        {"txid_too_long", {{{"62-05", P::kTooLong}}, "26 characters; at most 25"}},
        {"amount_comma", {{{"54", P::kInvalid}}, "uses a comma"}},
        {"amount_three_decimals", {{{"54", P::kInvalid}}, "more than 2 decimals"}},
        {"amount_negative", {{{"54", P::kInvalid}}, "is negative"}},
        {"amount_zero", {{{"54", P::kInvalid}}, "greater than zero"}},
        {"missing_00", {{{"00", P::kMissing}}, "00 payload format indicator: missing"}},
        {"missing_26", {{{"26", P::kMissing}}, "26 merchant account information"}},
        {"missing_gui", {{{"26-00", P::kMissing}}, "expected br.gov.bcb.pix"}},
        {"wrong_gui", {{{"26-00", P::kInvalid}}, "'br.gov.bcb.pox'"}},
        {"missing_key_and_url", {{{"26-01", P::kMissing}}, "needs a Pix key"}},
        {"missing_52", {{{"52", P::kMissing}}, "52 merchant category code: missing"}},
        {"missing_53", {{{"53", P::kMissing}}, "53 currency: missing"}},
        {"missing_58", {{{"58", P::kMissing}}, "58 country: missing"}},
        {"missing_59", {{{"59", P::kMissing}}, "59 merchant name: missing"}},
        {"missing_60", {{{"60", P::kMissing}}, "60 merchant city: missing"}},
        {"payload_format_02", {{{"00", P::kInvalid}}, "'02'; expected '01'"}},
        {"point_of_initiation_13", {{{"01", P::kInvalid}}, "'13'; expected '11'"}},
        {"currency_840", {{{"53", P::kInvalid}}, "'840'; expected '986'"}},
        {"country_us", {{{"58", P::kInvalid}}, "'US'; expected 'BR'"}},
        {"name_newline", {{{"59", P::kNotPrintable}}, "control character U+000A"}},
        {"name_nul_byte", {{{"59", P::kNotPrintable}}, "control character U+0000"}},
        {"name_invalid_utf8", {{{"59", P::kNotPrintable}}, "malformed UTF-8 at byte 88"}},
        {"name_emoji", {{{"59", P::kInvalid}}, "U+1F600"}},
        {"name_too_long", {{{"59", P::kTooLong}}, "26 characters; at most 25"}},
        {"city_too_long", {{{"60", P::kTooLong}}, "16 characters; at most 15"}},
        {"name_empty_value", {{{"59", P::kEmpty}}, "length 00"}},
        {"key_and_url", {{{"26-25", P::kInvalid}}, "not both"}},
        {"url_with_scheme", {{{"26-25", P::kInvalid}}, "must not include a scheme"}},
        {"dynamic_with_txid", {{{"62-05", P::kInvalid}}, "in a dynamic BR Code; expected ***"}},
        {"fss_not_ispb", {{{"26-03", P::kInvalid}}, "'1234' is not 8 digits"}},
        {"tip_indicator", {{{"55", P::kNotAllowed}}, "not part of Pix"}},
        {"recurrence_without_url", {{{"80-25", P::kMissing}}, "80-25 recurrence URL: missing"}},
    };
    return goldens;
}

TEST(BrCodeGolden, EveryInvalidInputGivesItsPreciseErrors) {
    std::set<std::string> seen;
    for (const auto& path : testing::TextFiles(testing::DataDir("invalid"))) {
        const std::string name = path.stem().string();
        SCOPED_TRACE(name);
        seen.insert(name);
        const auto golden = InvalidGoldens().find(name);
        if (golden == InvalidGoldens().end()) {
            ADD_FAILURE() << "no expected errors for tests/data/brcode/invalid/" << name
                          << ".txt: add them to InvalidGoldens()";
            continue;
        }
        const std::string payload = testing::ReadFile(path);
        const Decoded decoded = Decode(payload);
        ASSERT_FALSE(decoded.ok());
        ASSERT_EQ(decoded.errors.size(), golden->second.errors.size())
            << testing::Describe(decoded);
        for (std::size_t error_idx = 0; error_idx < decoded.errors.size(); ++error_idx) {
            EXPECT_EQ(decoded.errors[error_idx].tag, golden->second.errors[error_idx].tag)
                << testing::Describe(decoded);
            EXPECT_EQ(decoded.errors[error_idx].problem, golden->second.errors[error_idx].problem)
                << testing::Describe(decoded);
            // Messages name their tag first, so a list of them reads on its own.
            EXPECT_EQ(decoded.errors[error_idx].message.rfind(decoded.errors[error_idx].tag, 0), 0u)
                << decoded.errors[error_idx].message;
        }
        EXPECT_NE(decoded.errors.front().message.find(golden->second.message_part),
                  std::string::npos)
            << testing::Describe(decoded);

        // Parse() refuses with the first error, its tag as the field.
        auto parsed = Parse(payload);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(parsed.error().field, decoded.errors.front().tag);
    }
    for (const auto& [name, golden] : InvalidGoldens()) {
        EXPECT_TRUE(seen.contains(name))
            << "tests/data/brcode/invalid/" << name << ".txt is missing: run make_golden.py";
    }
}

TEST(BrCodeGolden, EveryValidInputDecodesAndRoundTrips) {
    const auto files = testing::TextFiles(testing::DataDir("valid"));
    ASSERT_GE(files.size(), 10u);
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        const Decoded decoded = Decode(testing::ReadFile(path));
        ASSERT_TRUE(decoded.ok()) << testing::Describe(decoded);
        auto canonical = Canonicalize(decoded.fields);
        ASSERT_TRUE(canonical.ok()) << canonical.error().message;
        auto encoded = Encode(decoded.fields);
        ASSERT_TRUE(encoded.ok()) << encoded.error().message;
        const Decoded again = Decode(*encoded);
        ASSERT_TRUE(again.ok()) << testing::Describe(again);
        EXPECT_EQ(again.fields, *canonical);
        EXPECT_EQ(again.kind, decoded.kind);
    }
}

}  // namespace
}  // namespace dictra::formats::brcode
