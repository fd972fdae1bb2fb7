#include "core/db/value.hpp"

#include <cstdio>

#include "core/check.hpp"

namespace dictra::db {

Row::Row(std::shared_ptr<const std::vector<std::string>> column_names, std::vector<Value> values)
    : column_names_(std::move(column_names)), values_(std::move(values)) {
    DICTRA_CHECK(column_names_ != nullptr && column_names_->size() == values_.size());
}

std::size_t Row::IndexOf(std::string_view column) const {
    // Rows have a handful of columns; a linear scan beats building a map per result.
    for (std::size_t column_idx = 0; column_idx < column_names_->size(); ++column_idx) {
        if ((*column_names_)[column_idx] == column) return column_idx;
    }
    std::fprintf(stderr, "{\"event\":\"db_unknown_column\",\"column\":\"%.*s\"}\n",
                 static_cast<int>(column.size()), column.data());
    DICTRA_CHECK(false && "no such column in result");
    return 0;
}

const Value& Row::Get(std::size_t column_idx) const {
    DICTRA_CHECK(column_idx < values_.size());
    return values_[column_idx];
}

const Value& Row::Get(std::string_view column) const {
    return values_[IndexOf(column)];
}

std::int64_t Row::GetInt64(std::size_t column_idx) const {
    const Value& value = Get(column_idx);
    DICTRA_CHECK(std::holds_alternative<std::int64_t>(value));
    return std::get<std::int64_t>(value);
}
std::int64_t Row::GetInt64(std::string_view column) const {
    return GetInt64(IndexOf(column));
}

const std::string& Row::GetText(std::size_t column_idx) const {
    const Value& value = Get(column_idx);
    DICTRA_CHECK(std::holds_alternative<std::string>(value));
    return std::get<std::string>(value);
}
const std::string& Row::GetText(std::string_view column) const {
    return GetText(IndexOf(column));
}

const Blob& Row::GetBlob(std::size_t column_idx) const {
    const Value& value = Get(column_idx);
    DICTRA_CHECK(std::holds_alternative<Blob>(value));
    return std::get<Blob>(value);
}
const Blob& Row::GetBlob(std::string_view column) const {
    return GetBlob(IndexOf(column));
}

std::optional<std::int64_t> Row::GetOptionalInt64(std::string_view column) const {
    const std::size_t column_idx = IndexOf(column);
    if (IsNull(column_idx)) return std::nullopt;
    return GetInt64(column_idx);
}

std::optional<std::string> Row::GetOptionalText(std::string_view column) const {
    const std::size_t column_idx = IndexOf(column);
    if (IsNull(column_idx)) return std::nullopt;
    return GetText(column_idx);
}

std::string DebugString(const Value& value) {
    constexpr std::size_t kShownBytesMax = 64;
    switch (value.index()) {
        case 0: return "NULL";
        case 1: return std::to_string(std::get<std::int64_t>(value));
        case 2: {
            const std::string& text = std::get<std::string>(value);
            if (text.size() <= kShownBytesMax) return "'" + text + "'";
            return "'" + text.substr(0, kShownBytesMax) + "...'";
        }
        default: {
            const Blob& blob = std::get<Blob>(value);
            static constexpr char kHex[] = "0123456789abcdef";
            std::string out = "x'";
            for (std::size_t byte_idx = 0; byte_idx < blob.size() && byte_idx < kShownBytesMax;
                 ++byte_idx) {
                out += kHex[blob[byte_idx] >> 4];
                out += kHex[blob[byte_idx] & 0xf];
            }
            if (blob.size() > kShownBytesMax) out += "...";
            return out + "'";
        }
    }
}

}  // namespace dictra::db
