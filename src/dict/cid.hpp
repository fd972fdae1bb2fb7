// The content identifier (CID) of an entry, DICT 2.12.1 "Cálculo de CID":
//
//   entryAttributes = keyType & key & ownerTaxIdNumber & ownerName & ownerTradeName &
//                     participant & branch & accountNumber & accountType
//   cid = lowercase-hex(HMAC-SHA256(key = requestIdBytes, message = entryAttributes))
//
// Absent attributes are empty strings. `requestIdBytes` are 16 random bytes of the request that
// created (or last changed) the entry; the same attributes under another request id give another
// CID, so a CID names one version of one entry.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dictra::dict {

inline constexpr std::size_t kCidRequestIdBytes = 16;
inline constexpr std::size_t kCidHexLength = 64;

using CidRequestId = std::array<std::uint8_t, kCidRequestIdBytes>;

struct CidAttributes {
    std::string_view key_type;
    std::string_view key;
    std::string_view owner_tax_id;
    std::string_view owner_name;
    std::string_view owner_trade_name;
    std::string_view participant;
    std::string_view branch;
    std::string_view account_number;
    std::string_view account_type;
};

// The `&`-joined attribute string that is HMAC'd.
std::string CidMessage(const CidAttributes& attributes);

// 64 lower-case hexadecimal characters.
std::string ComputeCid(const CidAttributes& attributes, const CidRequestId& request_id);

// 16 bytes from the CSPRNG (crashes if it fails, like every id we mint).
CidRequestId NewCidRequestId();

// Lower-case hex of the bytes, and back (nullopt-like: false when `hex` is not 32 hex chars).
std::string ToHex(const CidRequestId& request_id);
bool FromHex(std::string_view hex, CidRequestId& request_id);

// True for 64 hexadecimal characters of either case (DICT's Cid pattern).
bool IsCid(std::string_view text);

}  // namespace dictra::dict
