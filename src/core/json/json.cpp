#include "core/json/json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace dictra::json {

Result<boost::json::value> Parse(std::string_view text) {
    boost::json::parse_options options;
    options.max_depth = kDepthMax;
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(text, ec, {}, options);
    if (ec) return Error::InvalidArgument("malformed JSON: " + ec.message());
    return value;
}

Result<boost::json::object> ParseObject(std::string_view text) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::value value, Parse(text));
    if (!value.is_object()) {
        return Error::InvalidArgument("request body must be a JSON object, got " +
                                      std::string(TypeName(value)));
    }
    return std::move(value.as_object());
}

namespace {

bool HasDouble(const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::double_: return true;
        case boost::json::kind::array:
            for (const boost::json::value& element : value.get_array()) {
                if (HasDouble(element)) return true;
            }
            return false;
        case boost::json::kind::object:
            for (const auto& member : value.get_object()) {
                if (HasDouble(member.value())) return true;
            }
            return false;
        default: return false;
    }
}

// Only documents with a double take this path (statistics, rates); Boost.JSON writes the
// strings, integers and literals, so escaping stays its job.
void AppendWithPlainDoubles(std::string& out, const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::double_: {
            const double number = value.get_double();
            if (!std::isfinite(number)) {
                out += "null";
                return;
            }
            char buffer[32];
            const std::to_chars_result written =
                std::to_chars(buffer, buffer + sizeof(buffer), number);
            out.append(buffer, written.ptr);
            return;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const boost::json::value& element : value.get_array()) {
                if (!first) out += ',';
                first = false;
                AppendWithPlainDoubles(out, element);
            }
            out += ']';
            return;
        }
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& member : value.get_object()) {
                if (!first) out += ',';
                first = false;
                out += boost::json::serialize(boost::json::string_view(member.key()));
                out += ':';
                AppendWithPlainDoubles(out, member.value());
            }
            out += '}';
            return;
        }
        default: out += boost::json::serialize(value);
    }
}

}  // namespace

std::string Serialize(const boost::json::value& value) {
    if (!HasDouble(value)) return boost::json::serialize(value);
    std::string out;
    AppendWithPlainDoubles(out, value);
    return out;
}

std::string_view TypeName(const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::null: return "null";
        case boost::json::kind::bool_: return "boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_: return "number";
        case boost::json::kind::string: return "string";
        case boost::json::kind::array: return "array";
        case boost::json::kind::object: return "object";
    }
    return "value";
}

std::string ObjectReader::PathOf(std::string_view field) const {
    if (path_.empty()) return std::string(field);
    return path_ + "." + std::string(field);
}

const boost::json::value* ObjectReader::Find(std::string_view field) const {
    const boost::json::value* value = object_->if_contains(field);
    if (value == nullptr || value->is_null()) return nullptr;
    return value;
}

bool ObjectReader::Has(std::string_view field) const {
    return Find(field) != nullptr;
}

Error ObjectReader::Missing(std::string_view field) const {
    std::string path = PathOf(field);
    return Error::InvalidArgument(path + " is required", path);
}

Error ObjectReader::WrongType(std::string_view field, std::string_view expected) const {
    std::string path = PathOf(field);
    return Error::InvalidArgument(
        path + " must be " + std::string(expected) + ", got " + std::string(TypeName(*Find(field))),
        path);
}

Result<std::optional<std::string>> ObjectReader::OptionalString(std::string_view field) const {
    const boost::json::value* value = Find(field);
    if (value == nullptr) return std::optional<std::string>();
    if (!value->is_string()) return WrongType(field, "a string");
    return std::optional<std::string>(std::string(value->get_string()));
}

Result<std::string> ObjectReader::RequiredString(std::string_view field) const {
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(field));
    if (!value) return Missing(field);
    return std::move(*value);
}

Result<std::optional<std::int64_t>> ObjectReader::OptionalInt(std::string_view field) const {
    const boost::json::value* value = Find(field);
    if (value == nullptr) return std::optional<std::int64_t>();
    if (value->is_int64()) return std::optional<std::int64_t>(value->get_int64());
    if (value->is_uint64()) {
        std::string path = PathOf(field);
        return Error::InvalidArgument(path + " is out of range", path);
    }
    if (value->is_double()) {
        // 15000.0 or 1.5e4 are integers written another way; 150.5 is not.
        const double number = value->get_double();
        if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) < 9.0e15) {
            return std::optional<std::int64_t>(static_cast<std::int64_t>(number));
        }
        std::string path = PathOf(field);
        return Error::InvalidArgument(path + " must be an integer", path);
    }
    return WrongType(field, "an integer");
}

Result<std::int64_t> ObjectReader::RequiredInt(std::string_view field) const {
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> value, OptionalInt(field));
    if (!value) return Missing(field);
    return *value;
}

Result<std::optional<bool>> ObjectReader::OptionalBool(std::string_view field) const {
    const boost::json::value* value = Find(field);
    if (value == nullptr) return std::optional<bool>();
    if (!value->is_bool()) return WrongType(field, "a boolean");
    return std::optional<bool>(value->get_bool());
}

Result<bool> ObjectReader::RequiredBool(std::string_view field) const {
    DICTRA_ASSIGN_OR_RETURN(std::optional<bool> value, OptionalBool(field));
    if (!value) return Missing(field);
    return *value;
}

Result<std::optional<ObjectReader>> ObjectReader::OptionalObject(std::string_view field) const {
    const boost::json::value* value = Find(field);
    if (value == nullptr) return std::optional<ObjectReader>();
    if (!value->is_object()) return WrongType(field, "an object");
    return std::optional<ObjectReader>(ObjectReader(value->get_object(), PathOf(field)));
}

Result<ObjectReader> ObjectReader::RequiredObject(std::string_view field) const {
    DICTRA_ASSIGN_OR_RETURN(std::optional<ObjectReader> value, OptionalObject(field));
    if (!value) return Missing(field);
    return *value;
}

Result<const boost::json::array*> ObjectReader::OptionalArray(std::string_view field) const {
    const boost::json::value* value = Find(field);
    if (value == nullptr) return static_cast<const boost::json::array*>(nullptr);
    if (!value->is_array()) return WrongType(field, "an array");
    return &value->get_array();
}

Result<const boost::json::array*> ObjectReader::RequiredArray(std::string_view field) const {
    DICTRA_ASSIGN_OR_RETURN(const boost::json::array* value, OptionalArray(field));
    if (value == nullptr) return Missing(field);
    return value;
}

Result<ObjectReader> ElementObject(const boost::json::array& array, std::size_t index,
                                   const std::string& array_path) {
    std::string path = array_path + "[" + std::to_string(index) + "]";
    if (index >= array.size() || !array[index].is_object()) {
        return Error::InvalidArgument(path + " must be an object", path);
    }
    return ObjectReader(array[index].get_object(), path);
}

}  // namespace dictra::json
