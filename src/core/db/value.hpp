// SQL values and result rows, the same on every backend.
//
// A value is one of four things: NULL, a 64-bit integer, UTF-8 text or a blob of bytes. That is
// all the services need (money is integer centavos, timestamps are integer microseconds or RFC 3339
// text), and it is what both SQLite and PostgreSQL can round-trip exactly. Floating point is
// deliberately absent: a REAL/NUMERIC column that is not an integer comes back as its decimal text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dictra::db {

// SQL NULL. A distinct type (not nullptr) so that `Value v = nullptr` cannot silently become text.
struct Null {
    bool operator==(const Null&) const = default;
};

using Blob = std::vector<std::uint8_t>;

// Alternatives in this order; index 0 is NULL.
using Value = std::variant<Null, std::int64_t, std::string, Blob>;

// Spelled-out constructors for call sites where the variant's implicit conversion would surprise.
inline Value Text(std::string_view text) {
    return Value(std::in_place_type<std::string>, text);
}
inline Value Bytes(Blob bytes) {
    return Value(std::move(bytes));
}

// One result row: values addressed by column index (0-based) or by column name (as the query
// named it, e.g. with AS). Cheap to copy apart from the values themselves: column names are shared
// by all rows of one result.
//
// Reading a column that does not exist, or reading it as the wrong type (including reading NULL
// with GetInt64/GetText/GetBlob), is a programmer error and crashes: the schema is ours, so a
// mismatch is a bug, not input. Use IsNull or the GetOptional* forms for nullable columns.
class Row {
 public:
    Row(std::shared_ptr<const std::vector<std::string>> column_names, std::vector<Value> values);

    std::size_t size() const { return values_.size(); }
    const std::vector<std::string>& column_names() const { return *column_names_; }

    const Value& Get(std::size_t column_idx) const;
    const Value& Get(std::string_view column) const;

    bool IsNull(std::size_t column_idx) const { return Get(column_idx).index() == 0; }
    bool IsNull(std::string_view column) const { return Get(column).index() == 0; }

    std::int64_t GetInt64(std::size_t column_idx) const;
    std::int64_t GetInt64(std::string_view column) const;
    const std::string& GetText(std::size_t column_idx) const;
    const std::string& GetText(std::string_view column) const;
    const Blob& GetBlob(std::size_t column_idx) const;
    const Blob& GetBlob(std::string_view column) const;

    // Empty for NULL; crash for any other type mismatch, as above.
    std::optional<std::int64_t> GetOptionalInt64(std::string_view column) const;
    std::optional<std::string> GetOptionalText(std::string_view column) const;

 private:
    std::size_t IndexOf(std::string_view column) const;

    std::shared_ptr<const std::vector<std::string>> column_names_;
    std::vector<Value> values_;
};

// For logs and error messages: `NULL`, `42`, `'text'`, `x'00ff'`. Long values are shortened.
std::string DebugString(const Value& value);

}  // namespace dictra::db
