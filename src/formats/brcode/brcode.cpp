#include "formats/brcode/brcode.hpp"

namespace dictra::formats::brcode {

std::string_view ToString(BrCodeKind kind) {
    switch (kind) {
        case BrCodeKind::kStatic: return "static";
        case BrCodeKind::kDynamic: return "dynamic";
        case BrCodeKind::kRecurrence: return "recurrence";
    }
    return "unknown";
}

std::string_view ToString(DecodeProblem problem) {
    switch (problem) {
        case DecodeProblem::kTooLarge: return "too_large";
        case DecodeProblem::kNotPrintable: return "not_printable";
        case DecodeProblem::kTruncated: return "truncated";
        case DecodeProblem::kBadId: return "bad_id";
        case DecodeProblem::kBadLength: return "bad_length";
        case DecodeProblem::kLengthOverrun: return "length_overrun";
        case DecodeProblem::kEmpty: return "empty";
        case DecodeProblem::kDuplicate: return "duplicate";
        case DecodeProblem::kOutOfOrder: return "out_of_order";
        case DecodeProblem::kMissing: return "missing";
        case DecodeProblem::kInvalid: return "invalid";
        case DecodeProblem::kTooLong: return "too_long";
        case DecodeProblem::kCrcMismatch: return "crc_mismatch";
        case DecodeProblem::kNotAllowed: return "not_allowed";
    }
    return "unknown";
}

BrCodeKind KindOf(const BrCode& code) {
    if (!code.url.empty()) return BrCodeKind::kDynamic;
    if (!code.pix_key.empty()) return BrCodeKind::kStatic;
    return BrCodeKind::kRecurrence;
}

Result<BrCode> Parse(std::string_view payload) {
    Decoded decoded = Decode(payload);
    if (!decoded.ok()) {
        const DecodeError& first = decoded.errors.front();
        std::string message = first.message;
        if (decoded.errors.size() > 1) {
            message += " (and " + std::to_string(decoded.errors.size() - 1) + " more)";
        }
        return Error::InvalidArgument(std::move(message), first.tag);
    }
    return std::move(decoded.fields);
}

}  // namespace dictra::formats::brcode
