// PIX key formats (DICT 2.12.1, "Chave"), as pure functions: no clock, no database.
//
//   CPF    11 digits whose two check digits are right (mod 11); not one digit repeated.
//   CNPJ   14 characters: 12 of [0-9A-Z] and two check digits (mod 11), the alphanumeric CNPJ
//          of RFB (IN 2.229/2024). A letter counts as its ASCII code minus 48, so an all-digit
//          CNPJ is checked exactly as before. Lower-case letters are accepted and upper-cased.
//   PHONE  E.164 for Brazil: "+55", a two-digit area code (no zero digit), 8 or 9 digits.
//   EMAIL  at most 77 characters, lower case, DICT's pattern (local@domain, dot-separated labels
//          of letters, digits and inner hyphens).
//   EVP    a lower-case UUID version 4; minted by us (NewEvp) when the create has no key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dictra::dict {

inline constexpr std::size_t kCpfLength = 11;
inline constexpr std::size_t kCnpjLength = 14;
inline constexpr std::size_t kEmailKeyCharsMax = 77;
inline constexpr std::size_t kEvpLength = 36;
// DICT's Key schema: no key of any type is longer.
inline constexpr std::size_t kKeyCharsMax = 77;
static_assert(kEmailKeyCharsMax <= kKeyCharsMax && kEvpLength <= kKeyCharsMax);

enum class KeyType { kCpf, kCnpj, kPhone, kEmail, kEvp };

std::string_view ToString(KeyType type);
// Exact upper-case names "CPF", "CNPJ", "PHONE", "EMAIL", "EVP"; nullopt otherwise.
std::optional<KeyType> KeyTypeFromString(std::string_view text);

bool IsValidCpf(std::string_view text);
// Numeric or alphanumeric CNPJ in upper case (normalise first with NormalizeCnpj).
bool IsValidCnpj(std::string_view text);
bool IsValidPhoneKey(std::string_view text);
bool IsValidEmailKey(std::string_view text);
bool IsValidEvp(std::string_view text);

// `text` with ASCII letters upper-cased (the one spelling of an alphanumeric CNPJ).
std::string NormalizeCnpj(std::string_view text);

// The key in its stored spelling (CNPJ upper-cased; everything else exactly as given), or
// kInvalidArgument naming the field `key` with the rule it broke.
Result<std::string> NormalizeKey(KeyType type, std::string_view key);

// A fresh EVP key (UUIDv4 from the CSPRNG).
std::string NewEvp();

}  // namespace dictra::dict
