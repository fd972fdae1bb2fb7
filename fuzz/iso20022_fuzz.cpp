// libFuzzer target for the ISO 20022 parsers: no input may crash them, and whatever parses must
// build (the builder accepts every value the parser accepts) and parse back to the same message.
// Seeds: tests/data/iso20022/ (valid messages and golden invalid inputs). Build: docs/kernel.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "formats/iso20022/message.hpp"

namespace {

void Require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace iso = dictra::formats::iso20022;
    const std::string_view xml(reinterpret_cast<const char*>(data), size);

    auto message = iso::ParseAny(xml);
    // The typed parser agrees with ParseAny.
    auto as_credit_transfer = iso::ParsePacs008(xml);
    Require(as_credit_transfer.ok() ==
            (message.ok() && iso::TypeOf(*message) == iso::MessageType::kPacs008));
    if (!message.ok()) {
        Require(!message.error().message.empty());
        return 0;
    }

    auto built = iso::Build(*message);
    Require(built.ok());
    auto reparsed = iso::ParseAny(*built);
    Require(reparsed.ok());
    Require(*reparsed == *message);
    auto rebuilt = iso::Build(*reparsed);
    Require(rebuilt.ok() && *rebuilt == *built);
    return 0;
}
