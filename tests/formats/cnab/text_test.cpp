#include <gtest/gtest.h>

#include <sstream>

#include "formats/cnab/field.hpp"
#include "formats/cnab/latin1.hpp"
#include "formats/cnab/line_reader.hpp"

namespace dictra::formats::cnab {
namespace {

TEST(Latin1Test, ConvertsBothWays) {
    EXPECT_EQ(Latin1ToUtf8("JOS\xC9 \xC7\xC3O"), "JOSÉ ÇÃO");
    EXPECT_EQ(*Utf8ToLatin1("JOSÉ ÇÃO"), "JOS\xC9 \xC7\xC3O");
    EXPECT_EQ(*Utf8ToLatin1("ÿ"), "\xFF");
    EXPECT_EQ(Latin1ToUtf8("\xFF"), "ÿ");
    // Every byte round-trips.
    std::string all_bytes;
    for (int byte = 0; byte < 256; ++byte) all_bytes.push_back(static_cast<char>(byte));
    EXPECT_EQ(*Utf8ToLatin1(Latin1ToUtf8(all_bytes)), all_bytes);
}

TEST(Latin1Test, RefusesWhatLatin1CannotHold) {
    auto euro = Utf8ToLatin1("preço €5");
    ASSERT_FALSE(euro.ok());
    EXPECT_EQ(euro.error().message, "character 7 (U+20AC) has no ISO-8859-1 form");
    EXPECT_FALSE(Utf8ToLatin1("\xC3").ok());              // truncated
    EXPECT_FALSE(Utf8ToLatin1("\xC0\xAF").ok());          // overlong
    EXPECT_FALSE(Utf8ToLatin1("\xED\xA0\x80").ok());      // surrogate
    EXPECT_FALSE(Utf8ToLatin1("\xFF").ok());              // not UTF-8 at all
    EXPECT_FALSE(Utf8ToLatin1("\xF0\x9F\x92\xB8").ok());  // an emoji
}

TEST(Latin1Test, TellsUtf8TextAndByteOrderMarks) {
    EXPECT_EQ(Utf8CharactersIfMultibyte("JOSÉ"), 4u);
    EXPECT_EQ(Utf8CharactersIfMultibyte("JOSE"), std::nullopt);  // ASCII: nothing to tell
    EXPECT_EQ(Utf8CharactersIfMultibyte("JOS\xC9"), std::nullopt);
    EXPECT_TRUE(
        StartsWithUtf8Bom("\xEF\xBB\xBF"
                          "0"));
    EXPECT_FALSE(StartsWithUtf8Bom("\xEF\xBB"));
}

std::vector<Line> AllLines(const std::string& bytes, std::size_t kept_bytes_max = 16) {
    std::istringstream input(bytes);
    LineReader reader(input, kept_bytes_max);
    std::vector<Line> lines;
    Line line;
    while (reader.Next(line)) lines.push_back(line);
    return lines;
}

TEST(LineReaderTest, SplitsOnLfAndCrlfAndKeepsALastLineWithoutTerminator) {
    const auto lines = AllLines("ab\r\ncd\nef");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].bytes, "ab");
    EXPECT_EQ(lines[1].bytes, "cd");
    EXPECT_EQ(lines[2].bytes, "ef");
    EXPECT_EQ(lines[2].number, 3u);
    EXPECT_EQ(AllLines("ab\n").size(), 1u);
    EXPECT_TRUE(AllLines("").empty());
}

TEST(LineReaderTest, ACrInsideALineStaysAndACrAtTheEndEndsIt) {
    const auto lines = AllLines("a\rb\nc\r");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].bytes, "a\rb");
    EXPECT_EQ(lines[0].length_bytes, 3u);
    EXPECT_EQ(lines[1].bytes, "c");
}

TEST(LineReaderTest, KeepsABoundedPrefixButCountsEveryByte) {
    const auto lines = AllLines(std::string(100000, 'x') + "\nok", 16);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].bytes.size(), 16u);
    EXPECT_EQ(lines[0].length_bytes, 100000u);
    EXPECT_EQ(lines[1].bytes, "ok");
}

TEST(RecordLinesTest, DropsTrailingEmptyLinesAndHandsOutInnerOnes) {
    std::istringstream input("a\n\n\nb\n\n\r\n");
    RecordLines lines(input, 16);
    std::vector<std::pair<std::size_t, std::string>> taken;
    while (auto line = lines.Take()) taken.emplace_back(line->number, line->bytes);
    EXPECT_EQ(taken, (std::vector<std::pair<std::size_t, std::string>>{
                         {1, "a"}, {2, ""}, {3, ""}, {4, "b"}}));
    EXPECT_EQ(lines.lines_read(), 6u);
}

TEST(RecordLinesTest, AGivenBackLineComesNext) {
    std::istringstream input("a\nb\n");
    RecordLines lines(input, 16);
    auto first = lines.Take();
    auto second = lines.Take();
    lines.GiveBack(*second);
    EXPECT_EQ(lines.Take()->bytes, "b");
    EXPECT_FALSE(lines.Take().has_value());
}

TEST(FieldTest, ReadsAndWritesFixedWidthFields) {
    LineBuilder builder(20);
    builder.Number({1, 5, "n"}, 42);
    builder.Text({6, 10, "t"}, "AB");
    builder.Date({11, 18, "d"},
                 std::chrono::year_month_day{std::chrono::year(2026), std::chrono::month(2),
                                             std::chrono::day(28)});
    EXPECT_EQ(builder.line(), "00042AB   28022026  ");

    Line line{.bytes = builder.line(), .number = 7, .length_bytes = 20};
    std::vector<Diagnostic> errors;
    FieldReader fields(line, errors);
    EXPECT_EQ(fields.Number({1, 5, "n"}), 42u);
    EXPECT_EQ(fields.Text({6, 10, "t"}), "AB");
    EXPECT_EQ(FormatDate(*fields.Date({11, 18, "d"})), "2026-02-28");
    EXPECT_EQ(fields.Number({6, 10, "t"}), std::nullopt);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(Describe(errors[0]),
              "line 7, positions 6-10 (t): expected 5 digits, found \"AB   \"");
}

TEST(FieldTest, RefusesTextThatDoesNotFit) {
    auto fitted = FitText("ÁÉÍÓÚ", {1, 5, "name"}, "creditor.name");
    ASSERT_TRUE(fitted.ok());
    EXPECT_EQ(fitted->size(), 5u);  // one byte each in Latin-1
    auto too_long = FitText("ABCDEF", {1, 5, "name"}, "creditor.name");
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().field, "creditor.name");
    EXPECT_EQ(too_long.error().message,
              "creditor.name: 6 characters do not fit positions 1-5 (at most 5)");
    EXPECT_FALSE(FitText("a\nb", {1, 5, "name"}, "x").ok());
}

TEST(FieldTest, FormatsCentavosBeyondInt64) {
    EXPECT_EQ(FormatCentavos(0), "0.00");
    EXPECT_EQ(FormatCentavos(1205), "12.05");
    EXPECT_EQ(FormatCentavos(18'446'744'073'709'551'615ULL), "184467440737095516.15");
}

TEST(FieldTest, NormalisesBranchesAndAccounts) {
    EXPECT_EQ(NormalBranch("00001"), "0001");
    EXPECT_EQ(NormalBranch("12345"), "12345");
    EXPECT_EQ(NormalBranch("00000"), "");
    EXPECT_EQ(StripLeadingZeros("000120"), "120");
}

}  // namespace
}  // namespace dictra::formats::cnab
