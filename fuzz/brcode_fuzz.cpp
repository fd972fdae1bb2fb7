// libFuzzer target for the BR Code decoder: any bytes decode without crashing; the fast path
// DecodeValid() gives Decode()'s verdict and fields; whatever decodes cleanly encodes again (also
// through EncodeTo()), and that payload decodes to the canonical form of the same fields.
// Seeds: tests/data/brcode/ (the reference vectors and the golden invalid inputs). Running it:
// docs/formats/brcode.md ("Fuzzing").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "formats/brcode/brcode.hpp"
#include "formats/brcode/crc16.hpp"
#include "formats/brcode/tlv.hpp"

namespace {

void Require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace brcode = dictra::formats::brcode;
    const std::string_view payload(reinterpret_cast<const char*>(data), size);

    // The CRC's fast paths (folding, slicing) agree with its byte-at-a-time definition.
    Require(brcode::Crc16CcittFalse(payload) == brcode::Crc16CcittFalseBytewise(payload));

    // The TLV reader alone, both ways of counting, on any length of input.
    for (const auto unit : {brcode::TlvLengthUnit::kCharacters, brcode::TlvLengthUnit::kBytes}) {
        const brcode::TlvReading reading = brcode::ReadTlv(payload, unit);
        for (const brcode::TlvField& field : reading.fields) {
            Require(field.id.size() == brcode::kTlvIdDigits);
            Require(field.offset_bytes < size);
        }
    }

    const brcode::Decoded decoded = brcode::Decode(payload);
    for (const brcode::DecodeError& error : decoded.errors) {
        Require(!error.message.empty());
        Require(error.message.rfind(error.tag, 0) == 0);  // messages start with their tag
    }
    Require(brcode::Parse(payload).ok() == decoded.ok());
    brcode::BrCodeView view;
    Require(brcode::DecodeValid(payload, view) == decoded.ok());
    if (!decoded.ok()) return 0;
    Require(view.ToBrCode() == decoded.fields);
    Require(view.kind == decoded.kind);
    Require(view.crc == decoded.crc);

    Require(size <= brcode::kPayloadBytesMax);
    Require(decoded.crc == decoded.crc_computed);
    auto canonical = brcode::Canonicalize(decoded.fields);
    Require(canonical.ok());
    auto encoded = brcode::Encode(decoded.fields);
    Require(encoded.ok());
    Require(encoded->size() <= brcode::kPayloadBytesMax);
    for (const char c : *encoded) Require(c >= 0x20 && c <= 0x7E);
    brcode::PayloadBuffer buffer;
    Require(brcode::EncodeTo(decoded.fields, buffer).ok() && buffer.view() == *encoded);

    const brcode::Decoded again = brcode::Decode(*encoded);
    Require(again.ok());
    Require(again.fields == *canonical);
    Require(again.kind == decoded.kind);
    auto encoded_again = brcode::Encode(again.fields);
    Require(encoded_again.ok() && *encoded_again == *encoded);
    return 0;
}
