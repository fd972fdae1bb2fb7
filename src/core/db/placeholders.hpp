// `?` placeholders to PostgreSQL's `$1..$n` (internal to dictra_db; exposed for its tests).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dictra::db::internal {

struct NumberedSql {
    std::string sql;
    std::size_t placeholder_count = 0;
};

// Replaces every `?` that is SQL syntax with $1, $2, ... in order. A `?` inside a string literal
// ('...', E'...' with backslash escapes, $tag$...$tag$), a quoted identifier ("...") or a comment
// (-- ..., nested /* ... */) is text and stays. Malformed SQL (an unterminated literal) is passed
// through for the server to reject.
NumberedSql NumberPlaceholders(std::string_view sql);

}  // namespace dictra::db::internal
