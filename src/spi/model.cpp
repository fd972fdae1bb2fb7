#include "spi/model.hpp"

#include <array>
#include <utility>

namespace dictra::spi {
namespace {

constexpr std::array<std::pair<PaymentStatus, std::string_view>, 9> kStatusNames = {{
    {PaymentStatus::kEntryReceived, "ENTRY_RECEIVED"},
    {PaymentStatus::kValidated, "VALIDATED"},
    {PaymentStatus::kPendingBacen, "PENDING_BACEN"},
    {PaymentStatus::kSentToBacen, "SENT_TO_BACEN"},
    {PaymentStatus::kAcsp, "ACSP"},
    {PaymentStatus::kAccc, "ACCC"},
    {PaymentStatus::kRjct, "RJCT"},
    {PaymentStatus::kPdng, "PDNG"},
    {PaymentStatus::kCanc, "CANC"},
}};

}  // namespace

std::string_view ToString(PaymentStatus status) {
    for (const auto& [value, name] : kStatusNames) {
        if (value == status) return name;
    }
    return "ENTRY_RECEIVED";
}

std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text) {
    for (const auto& [value, name] : kStatusNames) {
        if (name == text) return value;
    }
    return std::nullopt;
}

bool IsFinal(PaymentStatus status) {
    return status == PaymentStatus::kAccc || status == PaymentStatus::kRjct ||
           status == PaymentStatus::kCanc;
}

std::string_view ToString(PaymentDirection direction) {
    return direction == PaymentDirection::kIncoming ? "INCOMING" : "OUTGOING";
}

std::string_view ToString(MessageDirection direction) {
    return direction == MessageDirection::kReceived ? "RECEIVED" : "SENT";
}

}  // namespace dictra::spi
