// The fast lane of the BR Code rules: printable-ASCII text, where a character is a byte and
// folding changes nothing. Internal to dictra_brcode.
//
// Each predicate answers "does this value pass the field's rule?" for a value already known to
// be printable ASCII, without wording a reason. A true answer implies that the worded check in
// rules.hpp passes too; a false answer sends the caller to that check for the reason (or, for
// text that is not plain ASCII, for the full answer). fast_path_test and the brcode fuzz target
// hold the two lanes to the same verdicts.
#pragma once

#include <cstddef>
#include <string_view>

namespace dictra::formats::brcode::ascii {

// Every byte in 0x20..0x7E; 8 bytes per step.
bool IsPrintable(std::string_view text);

bool PixKeyOk(std::string_view value);  // 26-01: 1..77, no space
bool UrlOk(std::string_view value);     // 26-25, 80-25: 1..77, no space, no scheme
bool DigitsOk(std::string_view value, std::size_t digits);
bool FreeTextOk(std::string_view value, std::size_t chars_max);  // 1..chars_max (0: any)
bool PostalCodeOk(std::string_view value);                       // 61: 1..10
bool TxIdOk(std::string_view value);  // 62-05: "***" or 1..25 letters and digits

}  // namespace dictra::formats::brcode::ascii
