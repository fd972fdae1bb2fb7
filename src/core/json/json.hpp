// Boost.JSON helpers for request bodies.
//
// Parsing is strict (RFC 8259, UTF-8 validated, depth limited). Field readers turn a missing or
// mistyped field into Error::InvalidArgument whose `field` names it with its full path
// ("creditor.ispb") and whose message says what was expected; services render that in their own
// error shape. JSON null counts as absent for optional fields.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dictra::json {

inline constexpr std::size_t kDepthMax = 32;

// Parses a whole document. Errors: InvalidArgument "malformed JSON: <reason>".
Result<boost::json::value> Parse(std::string_view text);
// Parses a document that must be an object (a request body).
Result<boost::json::object> ParseObject(std::string_view text);

// Compact JSON text. Doubles are written as the shortest text that reads back as the same
// number, in plain notation where that is shortest ("0.07", "66.67", "100"), not Boost.JSON's
// exponent form ("7E-2", "6.667E1", "1E2"); a non-finite double (JSON has none) becomes null.
std::string Serialize(const boost::json::value& value);

// The JSON type name of a value, for messages: "string", "number", "object", ...
std::string_view TypeName(const boost::json::value& value);

// Reads typed fields of one object. Cheap to copy; does not own the object.
class ObjectReader {
 public:
    // REQUIRES: `object` outlives the reader. `path` is the object's own path ("" at the top).
    explicit ObjectReader(const boost::json::object& object, std::string path = {})
        : object_(&object), path_(std::move(path)) {}

    bool Has(std::string_view field) const;  // present and not null

    Result<std::string> RequiredString(std::string_view field) const;
    Result<std::optional<std::string>> OptionalString(std::string_view field) const;
    // An integer (no fraction, no exponent beyond an integral value) that fits in int64.
    Result<std::int64_t> RequiredInt(std::string_view field) const;
    Result<std::optional<std::int64_t>> OptionalInt(std::string_view field) const;
    Result<bool> RequiredBool(std::string_view field) const;
    Result<std::optional<bool>> OptionalBool(std::string_view field) const;
    Result<ObjectReader> RequiredObject(std::string_view field) const;
    Result<std::optional<ObjectReader>> OptionalObject(std::string_view field) const;
    Result<const boost::json::array*> RequiredArray(std::string_view field) const;
    Result<const boost::json::array*> OptionalArray(
        std::string_view field) const;  // null if absent

    // The full path of a field of this object: "creditor.ispb".
    std::string PathOf(std::string_view field) const;
    const boost::json::object& object() const { return *object_; }

 private:
    const boost::json::value* Find(std::string_view field) const;
    Error Missing(std::string_view field) const;
    Error WrongType(std::string_view field, std::string_view expected) const;

    const boost::json::object* object_;
    std::string path_;
};

// An element of an array as an object reader, with the path "items[3]".
Result<ObjectReader> ElementObject(const boost::json::array& array, std::size_t index,
                                   const std::string& array_path);

}  // namespace dictra::json
