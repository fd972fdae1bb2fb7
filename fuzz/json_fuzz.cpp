// libFuzzer target for request-body parsing: any bytes either parse or give InvalidArgument, and
// reading typed fields of whatever parsed never crashes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto object = dictra::json::ParseObject(text);
    if (!object.ok()) return 0;
    dictra::json::ObjectReader reader(*object);
    for (const auto& field : *object) {
        (void)reader.OptionalString(field.key());
        (void)reader.OptionalInt(field.key());
        (void)reader.OptionalBool(field.key());
        if (auto nested = reader.OptionalObject(field.key()); nested.ok() && nested->has_value()) {
            (void)(*nested)->OptionalString("ispb");
        }
        if (auto array = reader.OptionalArray(field.key()); array.ok() && *array != nullptr) {
            for (std::size_t index = 0; index < (*array)->size(); ++index) {
                (void)dictra::json::ElementObject(**array, index, std::string(field.key()));
            }
        }
    }
    return 0;
}
