// libFuzzer target for the PIX key formats and the CID: whatever normalises must be valid and
// normalise to itself (one spelling per key), and any text gives a well-formed CID.
// Build: see docs/kernel.md; seeds: tests/data/pix_key/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dict/cid.hpp"
#include "dict/pix_key.hpp"

namespace {

void Require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dictra::dict;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (KeyType type :
         {KeyType::kCpf, KeyType::kCnpj, KeyType::kPhone, KeyType::kEmail, KeyType::kEvp}) {
        auto normalized = NormalizeKey(type, text);
        if (!normalized.ok()) continue;
        Require(normalized->size() <= kKeyCharsMax);
        auto again = NormalizeKey(type, *normalized);
        Require(again.ok() && *again == *normalized);
    }
    Require(IsValidCnpj(NormalizeCnpj(text)) == NormalizeKey(KeyType::kCnpj, text).ok());
    const CidRequestId request_id{};
    Require(IsCid(ComputeCid({.key_type = text, .owner_name = text}, request_id)));
    return 0;
}
