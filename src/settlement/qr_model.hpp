// Settlement's QR codes (spec "QR Codes"): the stored code, what a generate request carries and
// what validation reports. The payload itself is written and read by formats/brcode; the choices
// the document leaves open are listed in docs/settlement.md ("QR codes").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace dictra::settlement {

// The document's four types. STATIC carries the Pix key; the others carry the URL of a location
// this service serves (GET /qr/{unique_id}) and are single use.
enum class QrCodeType { kStatic, kDynamic, kImmediate, kDueDate };

std::string_view ToString(QrCodeType type);  // "STATIC", "DYNAMIC", "IMMEDIATE", "DUE_DATE"
// The document's spelling, exact case; nullopt for anything else.
std::optional<QrCodeType> QrCodeTypeFromString(std::string_view text);

// What deactivation did to a code. A code whose expires_at has passed is reported "expired"
// (see QrCodeState) whatever its stored status.
enum class QrCodeStatus {
    kActive,    // validates
    kUsed,      // a dynamic code after deactivation ("mark as used")
    kInactive,  // a static code after deactivation
};

std::string_view ToString(QrCodeStatus status);  // "active", "used", "inactive"
std::optional<QrCodeStatus> QrCodeStatusFromString(std::string_view text);

// txid lengths of the document: IMMEDIATE <= 25 (QRES), DUE_DATE 26..35 (QRDN). A STATIC code's
// txid goes into the payload (62-05, at most 25); a DYNAMIC code takes up to 35 and gets a
// minted one when none is given.
inline constexpr std::size_t kQrTxIdCharsMaxImmediate = 25;
inline constexpr std::size_t kQrTxIdCharsMinDueDate = 26;
inline constexpr std::size_t kQrTxIdCharsMaxDueDate = 35;
inline constexpr std::size_t kQrTxIdCharsMinted = 32;
static_assert(kQrTxIdCharsMinted <= kQrTxIdCharsMaxDueDate);
inline constexpr std::size_t kQrMerchantCategoryCodeDigits = 4;
inline constexpr std::size_t kQrDescriptionCharsMax = 140;
// BCB's default lifetime of an immediate charge (calendario.expiracao = 86400 s).
inline constexpr std::chrono::seconds kQrDynamicLifetimeDefault{86'400};
// The largest amount a BR Code can carry (54 = "9999999999.99").
inline constexpr std::int64_t kQrAmountCentavosMax = 999'999'999'999;
// What a validate or decode request may carry; a BR Code is at most 512 bytes, so this only
// bounds what we echo back.
inline constexpr std::size_t kQrPayloadRequestBytesMax = 4096;
// The location a dynamic code points at: host and path, no scheme (BR Code 26-25).
inline constexpr std::string_view kQrLocationBaseDefault = "localhost:8081/qr";

// Image rendering (GET /qr-codes/{id}/image). `size` is the image's width and height in pixels.
inline constexpr int kQrImageSizePixelsDefault = 300;
inline constexpr int kQrImageSizePixelsMin = 64;
inline constexpr int kQrImageSizePixelsMax = 2048;
inline constexpr int kQrQuietZoneModules = 4;
static_assert(kQrImageSizePixelsMin <= kQrImageSizePixelsDefault);
static_assert(kQrImageSizePixelsDefault <= kQrImageSizePixelsMax);

// POST /qr-codes as the caller sent it (JSON types already checked by the routes); the service
// checks every rule.
struct GenerateQrCodeCommand {
    std::string type;
    std::string merchant_name;
    std::string merchant_city;
    std::optional<std::string> merchant_category_code;
    std::optional<std::string> pix_key;
    std::optional<std::string> tx_id;
    std::optional<std::int64_t> amount_centavos;
    std::optional<std::string> currency;
    std::optional<std::string> expires_at;
    std::optional<std::string> description;
};

// One row of settlement_qr_codes.
struct QrCode {
    std::int64_t id = 0;
    std::string unique_id;  // UUIDv7; the last segment of a dynamic code's location
    QrCodeType type = QrCodeType::kStatic;
    std::string payload;  // the BR Code, CRC included
    std::string merchant_name;
    std::string merchant_city;
    std::string merchant_category_code;
    std::string pix_key;
    std::optional<std::string> tx_id;
    std::optional<std::int64_t> amount_centavos;
    std::string currency;
    std::optional<SystemTimePoint> expires_at;
    std::optional<std::string> description;
    QrCodeStatus status = QrCodeStatus::kActive;
    std::int64_t used_count = 0;
    std::optional<SystemTimePoint> used_at;
    std::optional<SystemTimePoint> validated_at;
    std::string created_by;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

bool IsDynamic(QrCodeType type);

// "active", "used", "inactive", or "expired" when active with expires_at at or before `now`.
std::string_view QrCodeState(const QrCode& code, SystemTimePoint now);
// Whether the code still validates at `now`: active and not expired.
bool IsQrCodeValid(const QrCode& code, SystemTimePoint now);

// The payload without its CRC data object ("6304" + 4 hex digits): the EMV data the CRC covers
// minus the CRC's own ID and length.
std::string EmvData(std::string_view payload);

// 15000 -> "R$ 150,00", 123456789 -> "R$ 1.234.567,89" (Brazilian separators).
std::string FormatAmountBrl(std::int64_t amount_centavos);

// What POST /qr-codes/validate found.
struct QrValidation {
    bool valid = false;
    // Why not valid: "CRC validation failed", "invalid BR Code structure", "QR code is used", ...
    std::string error;
    // Every problem of the payload, "; "-separated; empty when valid.
    std::string validation_errors;
    std::optional<QrCode> stored;  // the code this service generated with that payload, if any
    // From the payload when it could be read.
    std::optional<QrCodeType> type;
    std::string pix_key;
    std::optional<std::int64_t> amount_centavos;
};

// An image of a code's payload.
enum class QrImageFormat { kPng, kSvg };

struct QrImage {
    std::string content_type;  // "image/png", "image/svg+xml"
    std::string bytes;
};

}  // namespace dictra::settlement
