#include "core/db/placeholders.hpp"

namespace dictra::db::internal {
namespace {

bool IsIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentifierChar(char c) {
    return IsIdentifierStart(c) || (c >= '0' && c <= '9');
}

// Length of the dollar-quote tag starting at `at` (the first '$'), including both '$', or 0 when
// `at` does not open one (e.g. `$1` is a parameter, not a tag).
std::size_t DollarTagLength(std::string_view sql, std::size_t at) {
    std::size_t end = at + 1;
    if (end < sql.size() && sql[end] == '$') return 2;  // $$
    if (end >= sql.size() || !IsIdentifierStart(sql[end])) return 0;
    while (end < sql.size() && IsIdentifierChar(sql[end])) ++end;
    if (end < sql.size() && sql[end] == '$') return end - at + 1;
    return 0;
}

}  // namespace

NumberedSql NumberPlaceholders(std::string_view sql) {
    NumberedSql out;
    out.sql.reserve(sql.size() + 16);
    std::size_t pos = 0;
    auto copy_until = [&](std::size_t end) {
        end = end > sql.size() ? sql.size() : end;
        out.sql.append(sql.substr(pos, end - pos));
        pos = end;
    };
    while (pos < sql.size()) {
        const char c = sql[pos];
        if (c == '?') {
            out.sql += '$';
            out.sql += std::to_string(++out.placeholder_count);
            ++pos;
        } else if (c == '\'') {
            // E'...' strings take backslash escapes; standard strings only double the quote.
            const bool escapes = pos > 0 && (sql[pos - 1] == 'E' || sql[pos - 1] == 'e') &&
                                 (pos < 2 || !IsIdentifierChar(sql[pos - 2]));
            std::size_t end = pos + 1;
            while (end < sql.size()) {
                if (escapes && sql[end] == '\\') {
                    end += 2;
                } else if (sql[end] == '\'') {
                    if (end + 1 < sql.size() && sql[end + 1] == '\'') {
                        end += 2;
                    } else {
                        ++end;
                        break;
                    }
                } else {
                    ++end;
                }
            }
            copy_until(end);
        } else if (c == '"') {
            std::size_t end = pos + 1;
            while (end < sql.size()) {
                if (sql[end] == '"') {
                    if (end + 1 < sql.size() && sql[end + 1] == '"') {
                        end += 2;
                        continue;
                    }
                    ++end;
                    break;
                }
                ++end;
            }
            copy_until(end);
        } else if (c == '-' && pos + 1 < sql.size() && sql[pos + 1] == '-') {
            const std::size_t newline = sql.find('\n', pos);
            copy_until(newline == std::string_view::npos ? sql.size() : newline + 1);
        } else if (c == '/' && pos + 1 < sql.size() && sql[pos + 1] == '*') {
            // PostgreSQL block comments nest.
            std::size_t depth = 1;
            std::size_t end = pos + 2;
            while (end < sql.size() && depth > 0) {
                if (sql[end] == '/' && end + 1 < sql.size() && sql[end + 1] == '*') {
                    ++depth;
                    end += 2;
                } else if (sql[end] == '*' && end + 1 < sql.size() && sql[end + 1] == '/') {
                    --depth;
                    end += 2;
                } else {
                    ++end;
                }
            }
            copy_until(end);
        } else if (c == '$' && (pos == 0 || !IsIdentifierChar(sql[pos - 1]))) {
            const std::size_t tag_length = DollarTagLength(sql, pos);
            if (tag_length == 0) {
                copy_until(pos + 1);
                continue;
            }
            const std::string_view tag = sql.substr(pos, tag_length);
            const std::size_t close = sql.find(tag, pos + tag_length);
            copy_until(close == std::string_view::npos ? sql.size() : close + tag_length);
        } else {
            // Copy a run of ordinary characters at once.
            std::size_t end = pos + 1;
            while (end < sql.size() && sql[end] != '?' && sql[end] != '\'' && sql[end] != '"' &&
                   sql[end] != '-' && sql[end] != '/' && sql[end] != '$') {
                ++end;
            }
            copy_until(end);
        }
    }
    return out;
}

}  // namespace dictra::db::internal
