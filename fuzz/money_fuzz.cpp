// libFuzzer target for the amount parsers: whatever parses must format and parse back to the same
// value, and the three parsers must agree where their grammars overlap. Build: see docs/kernel.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/money.hpp"

namespace {

void Require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    auto signed_amount = dictra::ParseSignedAmount(text);
    if (signed_amount.ok()) {
        const std::string formatted = dictra::FormatAmount(*signed_amount);
        auto reparsed = dictra::ParseSignedAmount(formatted);
        Require(reparsed.ok() && *reparsed == *signed_amount);
        Require(dictra::FormatAmount(*reparsed) == formatted);
    }

    auto amount = dictra::ParseAmount(text);
    if (amount.ok()) {
        Require(!amount->IsNegative());
        Require(signed_amount.ok() && *signed_amount == *amount);
        auto reparsed = dictra::ParseAmount(dictra::FormatAmount(*amount));
        Require(reparsed.ok() && *reparsed == *amount);
        // Every strict amount is also a JSON number with the same value.
        auto as_json = dictra::ParseAmountJsonNumber(text);
        Require(as_json.ok() && *as_json == *amount);
    }

    auto json_amount = dictra::ParseAmountJsonNumber(text);
    if (json_amount.ok()) {
        Require(!json_amount->IsNegative());
        auto reparsed = dictra::ParseAmount(dictra::FormatAmount(*json_amount));
        Require(reparsed.ok() && *reparsed == *json_amount);
    }
    return 0;
}
