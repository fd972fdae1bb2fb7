// CRC-16/CCITT-FALSE, the checksum that closes every BR Code.
//
// Polynomial 0x1021, initial value 0xFFFF, no input or output reflection, no final XOR. A BR
// Code's CRC covers the payload's UTF-8 bytes from the first byte up to and including the "6304"
// that introduces the CRC field, and is written as 4 uppercase hexadecimal digits. The check
// value for "123456789" is 0x29B1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dictra::formats::brcode {

// The CRC of `bytes`. Never fails; any byte sequence has a CRC. Reads 8 bytes per step
// ("slicing by 8"); Crc16CcittFalseBytewise is the one-byte-per-step definition it must match.
std::uint16_t Crc16CcittFalse(std::string_view bytes);
std::uint16_t Crc16CcittFalseBytewise(std::string_view bytes);

// "0DC6": exactly 4 uppercase hexadecimal digits, zero-padded.
std::string FormatCrc16(std::uint16_t crc);

// The same 4 digits written to out[0..3], for callers that must not allocate.
void WriteCrc16(std::uint16_t crc, char* out);

}  // namespace dictra::formats::brcode
