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

// The CRC of `bytes`. Never fails; any byte sequence has a CRC. On x86-64 with PCLMULQDQ it
// folds 16 bytes per step with carry-less multiplication (inputs of 32 bytes or more), else it
// reads 8 bytes per step through tables ("slicing by 8"). Crc16CcittFalseBytewise is the
// one-byte-per-step definition both must match.
std::uint16_t Crc16CcittFalse(std::string_view bytes);
std::uint16_t Crc16CcittFalseBytewise(std::string_view bytes);

// "0DC6": exactly 4 uppercase hexadecimal digits, zero-padded.
std::string FormatCrc16(std::uint16_t crc);

// The same 4 digits written to out[0..3], for callers that must not allocate.
void WriteCrc16(std::uint16_t crc, char* out);

}  // namespace dictra::formats::brcode
