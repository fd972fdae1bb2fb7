// EMV "merchant presented mode" TLV: the data-object syntax of a BR Code.
//
// A data object is an ID of 2 decimal digits, a length of 2 decimal digits ("01".."99") and a
// value of that many characters; a template is a data object whose value is itself a sequence of
// data objects (in a BR Code: 26 merchant account information, 62 additional data, 80 Pix
// Automatico). EMV counts the length in characters. Our writer only ever writes ASCII, where
// characters and bytes agree; the reader counts UTF-8 characters by default and can count bytes
// instead, for generators that did so with accented text (see docs/formats/brcode.md).
//
// The reader never allocates beyond the list of fields, never reads past `text`, and stops at
// the first malformed data object, returning the fields before it and what is wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dictra::formats::brcode {

inline constexpr std::size_t kTlvIdDigits = 2;
inline constexpr std::size_t kTlvLengthDigits = 2;
inline constexpr std::size_t kTlvValueCharsMax = 99;  // two decimal digits

enum class TlvLengthUnit { kCharacters, kBytes };

// One data object; the views point into the text given to ReadTlv.
struct TlvField {
    std::string_view id;           // 2 digits
    std::string_view value;        // may be empty when the length field says "00"
    std::size_t offset_bytes = 0;  // where the ID starts: base_offset_bytes + position in text
};

enum class TlvProblem {
    kTruncated,      // fewer than 4 characters left for an ID and a length
    kBadId,          // the ID is not 2 digits
    kBadLength,      // the length is not 2 digits
    kLengthOverrun,  // the length runs past the end of the text
};

struct TlvError {
    TlvProblem problem = TlvProblem::kTruncated;
    std::size_t offset_bytes = 0;  // where the malformed data object starts (as in TlvField)
    std::string id;                // the ID when it was readable, else empty
    std::string message;           // says what is wrong, with the ID and offset
};

struct TlvReading {
    std::vector<TlvField> fields;  // every well-formed data object before `error`, in order
    std::optional<TlvError> error;
};

// Reads a sequence of data objects that must fill `text` exactly. Offsets (in fields, errors
// and messages) are `base_offset_bytes` plus the position in `text`: pass a template's own offset
// to get offsets into the whole payload.
TlvReading ReadTlv(std::string_view text, TlvLengthUnit unit = TlvLengthUnit::kCharacters,
                   std::size_t base_offset_bytes = 0);

// Appends ID, length and value. The length counts UTF-8 characters (CountCharacters).
// Errors (InvalidArgument, `out` unchanged): an empty value, or one over kTlvValueCharsMax
// characters. REQUIRES: `id` is 2 digits (checked).
Status AppendTlv(std::string& out, std::string_view id, std::string_view value);

}  // namespace dictra::formats::brcode
