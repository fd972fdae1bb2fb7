// Which CNAB layout a file has, from its line lengths.
//
// CNAB240 lines are 240 bytes and CNAB400 lines 400 bytes; nothing else in the first record
// tells them apart reliably across banks. DetectLayout reads at most kDetectLinesMax lines and
// picks the length most of them have, so a file whose first line is broken (a byte order mark,
// a stray character) is still recognised and its reader can report the fault precisely.
#pragma once

#include <cstddef>
#include <istream>
#include <string_view>

#include "core/result.hpp"

namespace dictra::formats::cnab {

enum class Layout { kCnab240, kCnab400 };

std::string_view ToString(Layout layout);  // "CNAB240", "CNAB400"

inline constexpr std::size_t kDetectLinesMax = 32;

// Reads up to kDetectLinesMax lines from `input` (the caller rewinds or reopens it afterwards).
// kInvalidArgument when none of them is 240 or 400 bytes long.
Result<Layout> DetectLayout(std::istream& input);

}  // namespace dictra::formats::cnab
