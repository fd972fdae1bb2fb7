#include "settlement/qr_model.hpp"

#include <array>
#include <utility>

namespace dictra::settlement {
namespace {

constexpr std::array<std::pair<QrCodeType, std::string_view>, 4> kTypeNames = {{
    {QrCodeType::kStatic, "STATIC"},
    {QrCodeType::kDynamic, "DYNAMIC"},
    {QrCodeType::kImmediate, "IMMEDIATE"},
    {QrCodeType::kDueDate, "DUE_DATE"},
}};

constexpr std::array<std::pair<QrCodeStatus, std::string_view>, 3> kStatusNames = {{
    {QrCodeStatus::kActive, "active"},
    {QrCodeStatus::kUsed, "used"},
    {QrCodeStatus::kInactive, "inactive"},
}};

// The CRC data object: ID "63", length "04", 4 hex digits.
constexpr std::size_t kCrcObjectChars = 8;

}  // namespace

std::string_view ToString(QrCodeType type) {
    for (const auto& [value, name] : kTypeNames)
        if (value == type) return name;
    return "STATIC";
}

std::optional<QrCodeType> QrCodeTypeFromString(std::string_view text) {
    for (const auto& [value, name] : kTypeNames)
        if (name == text) return value;
    return std::nullopt;
}

std::string_view ToString(QrCodeStatus status) {
    for (const auto& [value, name] : kStatusNames)
        if (value == status) return name;
    return "active";
}

std::optional<QrCodeStatus> QrCodeStatusFromString(std::string_view text) {
    for (const auto& [value, name] : kStatusNames)
        if (name == text) return value;
    return std::nullopt;
}

bool IsDynamic(QrCodeType type) {
    return type != QrCodeType::kStatic;
}

std::string_view QrCodeState(const QrCode& code, SystemTimePoint now) {
    if (code.status == QrCodeStatus::kActive && code.expires_at && *code.expires_at <= now)
        return "expired";
    return ToString(code.status);
}

bool IsQrCodeValid(const QrCode& code, SystemTimePoint now) {
    return QrCodeState(code, now) == "active";
}

std::string EmvData(std::string_view payload) {
    if (payload.size() >= kCrcObjectChars &&
        payload.substr(payload.size() - kCrcObjectChars, 4) == "6304")
        payload.remove_suffix(kCrcObjectChars);
    return std::string(payload);
}

std::string FormatAmountBrl(std::int64_t amount_centavos) {
    const bool negative = amount_centavos < 0;
    // Negation in unsigned arithmetic: well defined even for INT64_MIN.
    const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(amount_centavos)
                                             : static_cast<std::uint64_t>(amount_centavos);
    const std::string reais = std::to_string(magnitude / 100);
    std::string grouped;
    for (std::size_t digit_idx = 0; digit_idx < reais.size(); ++digit_idx) {
        if (digit_idx > 0 && (reais.size() - digit_idx) % 3 == 0) grouped += '.';
        grouped += reais[digit_idx];
    }
    const std::uint64_t cents = magnitude % 100;
    return std::string(negative ? "-R$ " : "R$ ") + grouped + ',' + char('0' + cents / 10) +
           char('0' + cents % 10);
}

}  // namespace dictra::settlement
