#include "formats/brcode/text.hpp"

#include <gtest/gtest.h>

namespace dictra::formats::brcode {
namespace {

TEST(NextCodePoint, DecodesOneToFourBytes) {
    const std::string text = "a\xC3\xA3\xE2\x82\xAC\xF0\x9F\x98\x80";  // a ã € 😀
    std::size_t pos = 0;
    EXPECT_EQ(NextCodePoint(text, pos), U'a');
    EXPECT_EQ(NextCodePoint(text, pos), U'\u00E3');
    EXPECT_EQ(NextCodePoint(text, pos), U'\u20AC');
    EXPECT_EQ(NextCodePoint(text, pos), U'\U0001F600');
    EXPECT_EQ(pos, text.size());
    EXPECT_EQ(NextCodePoint(text, pos), std::nullopt);
}

TEST(FindInvalidUtf8, FindsTheFirstMalformedSequence) {
    EXPECT_EQ(FindInvalidUtf8("S\xC3\xA3o Paulo"), std::nullopt);
    EXPECT_EQ(FindInvalidUtf8("ab\x80"), 2u);             // stray continuation byte
    EXPECT_EQ(FindInvalidUtf8("ab\xC3"), 2u);             // truncated sequence
    EXPECT_EQ(FindInvalidUtf8("a\xC0\xAF"), 1u);          // overlong '/'
    EXPECT_EQ(FindInvalidUtf8("a\xED\xA0\x80"), 1u);      // surrogate U+D800
    EXPECT_EQ(FindInvalidUtf8("a\xF4\x90\x80\x80"), 1u);  // above U+10FFFF
    EXPECT_EQ(FindInvalidUtf8("S\xE3o"), 1u);             // Latin-1, not UTF-8
    EXPECT_EQ(FindInvalidUtf8("\xFF"), 0u);
}

TEST(CountCharacters, CountsCodePoints) {
    EXPECT_EQ(CountCharacters(""), 0u);
    EXPECT_EQ(CountCharacters("BRASILIA"), 8u);
    EXPECT_EQ(CountCharacters("S\xC3\xA3o"), 3u);
    EXPECT_EQ(CountCharacters("\xF0\x9F\x98\x80"), 1u);
}

TEST(FoldToAscii, StripsDiacriticsOfLatinLetters) {
    EXPECT_EQ(FoldToAscii("S\xC3\xA3o Jo\xC3\xA3o"), "Sao Joao");
    EXPECT_EQ(FoldToAscii("CONCEI\xC3\x87\xC3\x83O"), "CONCEICAO");
    EXPECT_EQ(FoldToAscii("\xC3\x80\xC3\x81\xC3\x82\xC3\x83\xC3\x84\xC3\x85"), "AAAAAA");
    EXPECT_EQ(FoldToAscii("\xC3\xA9\xC3\xAA\xC3\xAD\xC3\xB3\xC3\xB4\xC3\xB5\xC3\xBA\xC3\xBC"),
              "eeiooouu");
    EXPECT_EQ(FoldToAscii("Pel\xC3\xA9 \xC3\x91 \xC3\xBF \xC3\x98"), "Pele N y O");
}

TEST(FoldToAscii, DropsCombiningMarksAndFoldsOrdinals) {
    EXPECT_EQ(FoldToAscii("Jose\xCC\x81"), "Jose");                     // NFD é
    EXPECT_EQ(FoldToAscii("Rua 1\xC2\xBA de Maio"), "Rua 1o de Maio");  // º
    EXPECT_EQ(FoldToAscii("2\xC2\xAA"), "2a");                          // ª
}

TEST(FindFreeTextIssue, AcceptsWhatFoldsAndRefusesTheRest) {
    EXPECT_EQ(FindFreeTextIssue("S\xC3\xA3o Paulo ~!@#"), std::nullopt);

    auto control = FindFreeTextIssue("ab\ncd");
    ASSERT_TRUE(control);
    EXPECT_EQ(control->kind, TextIssue::Kind::kControl);
    EXPECT_EQ(control->offset_bytes, 2u);
    EXPECT_EQ(Describe(*control), "the control character U+000A at byte 2 of the value");

    for (std::string_view refused : {"\xC3\x9F", "\xC3\x86", "\xC3\x97", "\xE2\x82\xAC",
                                     "\xF0\x9F\x98\x80", "\xD0\x96"}) {  // ß Æ × € 😀 Ж
        auto issue = FindFreeTextIssue(refused);
        ASSERT_TRUE(issue) << refused;
        EXPECT_EQ(issue->kind, TextIssue::Kind::kUnrepresentable) << refused;
    }
    EXPECT_EQ(FindFreeTextIssue("\x7F")->kind, TextIssue::Kind::kControl);
    EXPECT_EQ(FindFreeTextIssue("\xC2\x85")->kind, TextIssue::Kind::kControl);  // C1 NEL
    EXPECT_EQ(FindFreeTextIssue("a\xFF")->kind, TextIssue::Kind::kInvalidUtf8);
    EXPECT_EQ(Describe(*FindFreeTextIssue("\xF0\x9F\x98\x80")),
              "the character U+1F600 at byte 0 of the value");
}

TEST(FindAsciiIssue, RefusesEverythingOutsidePrintableAscii) {
    EXPECT_EQ(FindAsciiIssue("pix@example.com"), std::nullopt);
    EXPECT_EQ(FindAsciiIssue("jos\xC3\xA9@example.com")->kind, TextIssue::Kind::kUnrepresentable);
    EXPECT_EQ(FindAsciiIssue("a\tb")->kind, TextIssue::Kind::kControl);
}

TEST(FoldToAsciiDeathTest, RefusedTextIsAProgrammerError) {
    EXPECT_DEATH((void)FoldToAscii("\xF0\x9F\x98\x80"), "check_failed");
}

}  // namespace
}  // namespace dictra::formats::brcode
