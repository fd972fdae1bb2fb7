#include "core/ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/check.hpp"

namespace dictra {
namespace {

constexpr std::string_view kAlphanumerics =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// Bytes at or above this are redrawn so that `byte % 62` is uniform (248 = 4 * 62).
constexpr unsigned kUniformByteLimit = 256 - 256 % kAlphanumerics.size();
static_assert(kUniformByteLimit == 248);

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsAlphanumeric(char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool IsHex(char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool AllOf(std::string_view text, bool (*predicate)(char)) {
    for (char c : text) {
        if (!predicate(c)) return false;
    }
    return true;
}

void FillRandom(unsigned char* bytes, std::size_t count) {
    // OpenSSL's RAND_bytes makes a getpid() system call on every call (its fork check): a few
    // microseconds on a virtual machine, paid once per id on the payment-create path. Each
    // thread draws 256 bytes at a time and hands them out once each, wiping what it handed out
    // (dictra never forks after start, so no two processes share a pool).
    // RAND_bytes only fails when the OS entropy source is broken; ids from a broken RNG could
    // collide, so this is treated as an impossible state.
    struct Pool {
        unsigned char bytes[256];
        std::size_t used = sizeof(bytes);
    };
    thread_local Pool pool;
    if (count > sizeof(pool.bytes)) {
        DICTRA_CHECK(RAND_bytes(bytes, static_cast<int>(count)) == 1);
        return;
    }
    if (sizeof(pool.bytes) - pool.used < count) {
        DICTRA_CHECK(RAND_bytes(pool.bytes, static_cast<int>(sizeof(pool.bytes))) == 1);
        pool.used = 0;
    }
    std::memcpy(bytes, pool.bytes + pool.used, count);
    std::memset(pool.bytes + pool.used, 0, count);
    pool.used += count;
}

// "yyyyMMddHHmm" of the UTC minute of `at`.
std::string FormatSpiMinute(SystemTimePoint at) {
    const auto day_start = std::chrono::floor<std::chrono::days>(at);
    const std::chrono::year_month_day date{day_start};
    const std::chrono::hh_mm_ss time_of_day{
        std::chrono::floor<std::chrono::minutes>(at - day_start)};
    const int year = static_cast<int>(date.year());
    DICTRA_CHECK(year >= 0 && year <= 9999);
    char buffer[16];
    const int written = std::snprintf(
        buffer, sizeof buffer, "%04d%02u%02u%02d%02d", year, static_cast<unsigned>(date.month()),
        static_cast<unsigned>(date.day()), static_cast<int>(time_of_day.hours().count()),
        static_cast<int>(time_of_day.minutes().count()));
    DICTRA_CHECK(written == 12);
    return std::string(buffer, 12);
}

int DigitsValue(std::string_view digits) {
    int value = 0;
    for (char c : digits) value = value * 10 + (c - '0');
    return value;
}

// Shared by EndToEndId ('E') and ReturnId ('D'): prefix, ISPB, yyyyMMddHHmm, 11 alphanumerics.
Result<SpiIdParts> ParseDatedSpiId(std::string_view text, char prefix, std::string_view what) {
    const std::string name(what);
    if (text.size() != kSpiIdLength) return Error::InvalidArgument(name + " must be 32 characters");
    if (text[0] != prefix)
        return Error::InvalidArgument(name + " must start with '" + std::string(1, prefix) + "'");
    const std::string_view ispb = text.substr(1, kIspbLength);
    if (!IsIspb(ispb))
        return Error::InvalidArgument(name + " must carry an 8-digit ISPB after the prefix");
    const std::string_view stamp = text.substr(1 + kIspbLength, 12);
    if (!AllOf(stamp, IsDigit))
        return Error::InvalidArgument(name + " must carry yyyyMMddHHmm after the ISPB");
    const std::chrono::year_month_day date{
        std::chrono::year(DigitsValue(stamp.substr(0, 4))),
        std::chrono::month(static_cast<unsigned>(DigitsValue(stamp.substr(4, 2)))),
        std::chrono::day(static_cast<unsigned>(DigitsValue(stamp.substr(6, 2))))};
    const int hour = DigitsValue(stamp.substr(8, 2));
    const int minute = DigitsValue(stamp.substr(10, 2));
    if (!date.ok() || hour > 23 || minute > 59) {
        return Error::InvalidArgument(name + " carries an impossible date or time");
    }
    if (!AllOf(text.substr(1 + kIspbLength + 12), IsAlphanumeric)) {
        return Error::InvalidArgument(name + " must end with 11 alphanumeric characters");
    }
    return SpiIdParts{std::string(ispb), std::chrono::sys_days(date) + std::chrono::hours(hour) +
                                             std::chrono::minutes(minute)};
}

}  // namespace

namespace {

std::string FormatUuid(const std::array<unsigned char, 16>& bytes) {
    constexpr std::string_view kHexDigits = "0123456789abcdef";
    std::string out;
    out.reserve(kUuidLength);
    for (std::size_t byte_idx = 0; byte_idx < bytes.size(); ++byte_idx) {
        if (byte_idx == 4 || byte_idx == 6 || byte_idx == 8 || byte_idx == 10) out.push_back('-');
        out.push_back(kHexDigits[bytes[byte_idx] >> 4]);
        out.push_back(kHexDigits[bytes[byte_idx] & 0x0F]);
    }
    return out;
}

}  // namespace

std::string NewUuidV4() {
    std::array<unsigned char, 16> bytes{};
    FillRandom(bytes.data(), bytes.size());
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
    return FormatUuid(bytes);
}

std::string NewUuidV7(SystemTimePoint at) {
    std::array<unsigned char, 16> bytes{};
    FillRandom(bytes.data() + 6, bytes.size() - 6);
    const auto unix_ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
    for (int byte_idx = 0; byte_idx < 6; ++byte_idx)
        bytes[byte_idx] = static_cast<unsigned char>(unix_ms >> (8 * (5 - byte_idx)));
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x70);  // version 7
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 9562 variant
    return FormatUuid(bytes);
}

bool IsUuid(std::string_view text) {
    if (text.size() != kUuidLength) return false;
    for (std::size_t idx = 0; idx < text.size(); ++idx) {
        const bool dash_position = idx == 8 || idx == 13 || idx == 18 || idx == 23;
        if (dash_position ? text[idx] != '-' : !IsHex(text[idx])) return false;
    }
    return true;
}

bool IsIspb(std::string_view text) {
    return text.size() == kIspbLength && AllOf(text, IsDigit);
}

Result<Ispb> Ispb::Parse(std::string_view text) {
    if (!IsIspb(text)) return Error::InvalidArgument("ISPB must be exactly 8 digits");
    return Ispb(std::string(text));
}

std::string RandomAlphanumeric(std::size_t length) {
    std::string out;
    out.reserve(length);
    std::array<unsigned char, 64> pool{};
    while (out.size() < length) {
        FillRandom(pool.data(), pool.size());
        for (unsigned char byte : pool) {
            if (byte >= kUniformByteLimit) continue;
            out.push_back(kAlphanumerics[byte % kAlphanumerics.size()]);
            if (out.size() == length) break;
        }
    }
    return out;
}

std::string NewEndToEndId(const Ispb& payer, SystemTimePoint at) {
    return "E" + payer.str() + FormatSpiMinute(at) + RandomAlphanumeric(kSpiIdRandomLength);
}

std::string NewReturnId(const Ispb& returner, SystemTimePoint at) {
    return "D" + returner.str() + FormatSpiMinute(at) + RandomAlphanumeric(kSpiIdRandomLength);
}

std::string NewMessageId(const Ispb& sender) {
    return "M" + sender.str() + RandomAlphanumeric(kMessageIdRandomLength);
}

Result<SpiIdParts> ParseEndToEndId(std::string_view text) {
    return ParseDatedSpiId(text, 'E', "EndToEndId");
}
bool IsEndToEndId(std::string_view text) {
    return ParseEndToEndId(text).ok();
}

Result<SpiIdParts> ParseReturnId(std::string_view text) {
    return ParseDatedSpiId(text, 'D', "ReturnId");
}
bool IsReturnId(std::string_view text) {
    return ParseReturnId(text).ok();
}

bool IsMessageId(std::string_view text) {
    return text.size() == kSpiIdLength && text[0] == 'M' && IsIspb(text.substr(1, kIspbLength)) &&
           AllOf(text.substr(1 + kIspbLength), IsAlphanumeric);
}

}  // namespace dictra
