#include "dict/cid.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/check.hpp"

namespace dictra::dict {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string HexOf(const std::uint8_t* bytes, std::size_t count) {
    std::string hex;
    hex.reserve(count * 2);
    for (std::size_t byte_idx = 0; byte_idx < count; ++byte_idx) {
        hex.push_back(kHexDigits[bytes[byte_idx] >> 4]);
        hex.push_back(kHexDigits[bytes[byte_idx] & 0x0f]);
    }
    return hex;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string CidMessage(const CidAttributes& attributes) {
    const std::array<std::string_view, 9> parts = {
        attributes.key_type,         attributes.key,
        attributes.owner_tax_id,     attributes.owner_name,
        attributes.owner_trade_name, attributes.participant,
        attributes.branch,           attributes.account_number,
        attributes.account_type};
    std::string message;
    for (std::size_t part_idx = 0; part_idx < parts.size(); ++part_idx) {
        if (part_idx > 0) message.push_back('&');
        message.append(parts[part_idx]);
    }
    return message;
}

std::string ComputeCid(const CidAttributes& attributes, const CidRequestId& request_id) {
    const std::string message = CidMessage(attributes);
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_bytes = 0;
    // HMAC only fails on allocation failure or a broken OpenSSL; a wrong CID would corrupt
    // reconciliation, so stop.
    DICTRA_CHECK(HMAC(EVP_sha256(), request_id.data(), static_cast<int>(request_id.size()),
                      reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                      digest.data(), &digest_bytes) != nullptr);
    DICTRA_CHECK(digest_bytes * 2 == kCidHexLength);
    return HexOf(digest.data(), digest_bytes);
}

CidRequestId NewCidRequestId() {
    CidRequestId request_id{};
    DICTRA_CHECK(RAND_bytes(request_id.data(), static_cast<int>(request_id.size())) == 1);
    return request_id;
}

std::string ToHex(const CidRequestId& request_id) {
    return HexOf(request_id.data(), request_id.size());
}

bool FromHex(std::string_view hex, CidRequestId& request_id) {
    if (hex.size() != request_id.size() * 2) return false;
    for (std::size_t byte_idx = 0; byte_idx < request_id.size(); ++byte_idx) {
        const int high = HexValue(hex[2 * byte_idx]);
        const int low = HexValue(hex[2 * byte_idx + 1]);
        if (high < 0 || low < 0) return false;
        request_id[byte_idx] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return true;
}

bool IsCid(std::string_view text) {
    if (text.size() != kCidHexLength) return false;
    for (char c : text)
        if (HexValue(c) < 0) return false;
    return true;
}

}  // namespace dictra::dict
