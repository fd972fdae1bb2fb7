// UTF-8 decoding shared by every text format (BR Code, CNAB's Latin-1 conversion, CSV): strict
// RFC 3629, so overlong forms, surrogates and values above U+10FFFF are malformed.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace dictra {

// Decodes the code point that starts at byte `pos` and moves `pos` past it. On malformed UTF-8
// (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, a value above
// U+10FFFF) returns nullopt and leaves `pos` unchanged.
std::optional<char32_t> NextCodePoint(std::string_view text, std::size_t& pos);

// Byte offset of the first malformed UTF-8 sequence, nullopt when `text` is valid UTF-8.
std::optional<std::size_t> FindInvalidUtf8(std::string_view text);

}  // namespace dictra
