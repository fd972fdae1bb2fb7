// ISO-8859-1 (Latin-1) <-> UTF-8 at the edge of CNAB files.
//
// CNAB lines are fixed-width in bytes and their text is Latin-1: one byte per character, so
// "JOSÉ" is 4 bytes and every line stays 240 (or 400) bytes. Everything inside DICTRA is UTF-8.
// Readers convert each text field with Latin1ToUtf8 (it cannot fail: every byte is a Latin-1
// character); writers convert with Utf8ToLatin1, which refuses what Latin-1 cannot hold.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dictra::formats::cnab {

// Each byte becomes the code point of the same value, UTF-8-encoded.
std::string Latin1ToUtf8(std::string_view latin1);

// The same, appended to `utf8` (whose capacity a reader refilling one record reuses).
void AppendLatin1ToUtf8(std::string_view latin1, std::string& utf8);

// Errors (kInvalidArgument): malformed UTF-8 (bad lead or continuation byte, truncated, overlong,
// surrogates) and code points above U+00FF ("€", emoji), whose message names the character's
// 1-based position in `utf8`.
Result<std::string> Utf8ToLatin1(std::string_view utf8);

// The number of characters when `bytes` is well-formed UTF-8 holding at least one multi-byte
// character; nullopt otherwise (pure ASCII, or not UTF-8). Used to tell a reader that a line of
// the wrong length would have had the right one in Latin-1.
std::optional<std::size_t> Utf8CharactersIfMultibyte(std::string_view bytes);

// True when `bytes` begins with the UTF-8 byte order mark EF BB BF.
bool StartsWithUtf8Bom(std::string_view bytes);

}  // namespace dictra::formats::cnab
