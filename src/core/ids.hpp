// Identifiers: UUIDs, participant ISPBs and the SPI's own 32-character ids.
//
// SPI ids (BCB message catalogue):
//   EndToEndId  E + ISPB(8) + yyyyMMddHHmm (UTC) + 11 alphanumerics   pacs.008 / pacs.002
//   ReturnId    D + ISPB(8) + yyyyMMddHHmm (UTC) + 11 alphanumerics   pacs.004 RtrId
//   MessageId   M + ISPB(8) + 23 alphanumerics                       BizMsgIdr / MsgId
// "Alphanumeric" is [A-Za-z0-9]. The random parts we mint come from OpenSSL's CSPRNG: ids are
// guessable handles to money movements, and a collision would merge two payments.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace dictra {

inline constexpr std::size_t kIspbLength = 8;
inline constexpr std::size_t kSpiIdLength = 32;
inline constexpr std::size_t kSpiIdRandomLength = 11;      // EndToEndId and ReturnId
inline constexpr std::size_t kMessageIdRandomLength = 23;  // MessageId
inline constexpr std::size_t kUuidLength = 36;

// A fresh random (version 4) UUID, lowercase canonical "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
// Crashes if the CSPRNG fails: minting predictable ids is worse than stopping.
std::string NewUuidV4();

// A fresh time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds from `at`, then
// 74 random bits. Ids minted later sort later, so a UNIQUE index on them grows at its right edge
// instead of touching a random page per insert (what keeps bulk inserts cheap; see
// docs/performance.md). It reveals the creation millisecond, which our resources show anyway.
std::string NewUuidV7(SystemTimePoint at);

// True for the canonical 8-4-4-4-12 hex form of any UUID version, either letter case.
bool IsUuid(std::string_view text);

// True for exactly 8 ASCII digits.
bool IsIspb(std::string_view text);

// An ISPB known to be 8 digits. Build one with Parse; the value is kept as text because leading
// zeros are significant ("00000000" is Banco do Brasil).
class Ispb {
 public:
    // kInvalidArgument unless `text` is exactly 8 digits.
    static Result<Ispb> Parse(std::string_view text);

    const std::string& str() const { return value_; }
    friend bool operator==(const Ispb&, const Ispb&) = default;
    friend auto operator<=>(const Ispb&, const Ispb&) = default;

 private:
    explicit Ispb(std::string value) : value_(std::move(value)) {}
    std::string value_;
};

// `length` random characters from [A-Za-z0-9], uniformly drawn from the CSPRNG.
std::string RandomAlphanumeric(std::size_t length);

// A new EndToEndId for a payment sent by `payer` at `at` (only its UTC minute is used).
// The SPI accepts the id only within 12 h of its own clock, so pass the send time.
// REQUIRES: `at` within years 0000..9999.
std::string NewEndToEndId(const Ispb& payer, SystemTimePoint at);

// A new ReturnId (pacs.004 RtrId) for a return sent by `returner` at `at`.
std::string NewReturnId(const Ispb& returner, SystemTimePoint at);

// A new MessageId for a message sent by `sender`.
std::string NewMessageId(const Ispb& sender);

// The parts of an EndToEndId or ReturnId.
struct SpiIdParts {
    std::string ispb;
    SystemTimePoint minute_utc;  // the yyyyMMddHHmm stamp, seconds zero
};

// Validates an EndToEndId: 32 chars, 'E', 8 digits, a real UTC date and time (month 01-12, day
// valid for the month, hour 00-23, minute 00-59), 11 alphanumerics. kInvalidArgument otherwise.
Result<SpiIdParts> ParseEndToEndId(std::string_view text);
bool IsEndToEndId(std::string_view text);

// Same rules as ParseEndToEndId with the leading 'D'.
Result<SpiIdParts> ParseReturnId(std::string_view text);
bool IsReturnId(std::string_view text);

// 32 chars: 'M', 8 digits, 23 alphanumerics.
bool IsMessageId(std::string_view text);

}  // namespace dictra
