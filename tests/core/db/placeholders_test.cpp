#include "core/db/placeholders.hpp"

#include <gtest/gtest.h>

namespace dictra::db::internal {
namespace {

TEST(NumberPlaceholders, NumbersPlaceholdersInOrder) {
    NumberedSql out = NumberPlaceholders("INSERT INTO t (a, b) VALUES (?, ?)");
    EXPECT_EQ(out.sql, "INSERT INTO t (a, b) VALUES ($1, $2)");
    EXPECT_EQ(out.placeholder_count, 2u);
}

TEST(NumberPlaceholders, LeavesQuestionMarksInLiteralsAndComments) {
    NumberedSql out = NumberPlaceholders(
        "SELECT '?', 'it''s ?', E'\\'?', \"a?b\", $$?$$, $tag$ ? $x$ ? $tag$, ? -- ?\n"
        "/* ? /* ? */ ? */ FROM t WHERE x = ?");
    EXPECT_EQ(out.sql,
              "SELECT '?', 'it''s ?', E'\\'?', \"a?b\", $$?$$, $tag$ ? $x$ ? $tag$, $1 -- ?\n"
              "/* ? /* ? */ ? */ FROM t WHERE x = $2");
    EXPECT_EQ(out.placeholder_count, 2u);
}

TEST(NumberPlaceholders, StandardStringsDoNotTakeBackslashEscapes) {
    // In a standard string a backslash is an ordinary character, so the quote after it ends it.
    NumberedSql out = NumberPlaceholders("SELECT 'a\\', ?");
    EXPECT_EQ(out.sql, "SELECT 'a\\', $1");
}

TEST(NumberPlaceholders, PositionalParametersAndUnterminatedLiteralsPassThrough) {
    EXPECT_EQ(NumberPlaceholders("SELECT $1, a$b, ?").sql, "SELECT $1, a$b, $1");
    EXPECT_EQ(NumberPlaceholders("SELECT 'open ?").sql, "SELECT 'open ?");
    EXPECT_EQ(NumberPlaceholders("SELECT 1 - ? / 2").sql, "SELECT 1 - $1 / 2");
}

}  // namespace
}  // namespace dictra::db::internal
