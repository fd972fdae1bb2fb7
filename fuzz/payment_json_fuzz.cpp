// libFuzzer target for JSON payment files: any bytes read to the end, one element at a time,
// each element either a command or an error (never both), and a command's own JSON reads back
// to the same command.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "core/json/json.hpp"
#include "settlement/file_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
    dictra::settlement::JsonPaymentFileReader reader(input);
    std::size_t elements = 0;
    while (auto element = reader.Next()) {
        if (++elements > size + 2) std::abort();  // the reader must make progress
        if (element->command.has_value() == element->error.has_value()) std::abort();
        if (!element->command) continue;
        const auto json = dictra::settlement::CreatePaymentCommandToJson(*element->command);
        auto again = dictra::settlement::CreatePaymentCommandFromJson(json);
        if (!again.ok()) std::abort();
        if (dictra::json::Serialize(dictra::settlement::CreatePaymentCommandToJson(*again)) !=
            dictra::json::Serialize(json))
            std::abort();
    }
    return 0;
}
