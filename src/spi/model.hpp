// SPI's plain data: payments, their history and their ISO 20022 messages, and /ready's figures.
// Batches, recurrences and returns join here with their issue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace dictra::spi {

enum class ComponentHealth { kHealthy, kUnhealthy };

inline std::string_view ToString(ComponentHealth health) {
    return health == ComponentHealth::kHealthy ? "healthy" : "unhealthy";
}

// What /ready reports: the three things SPI cannot work without.
struct Readiness {
    ComponentHealth database = ComponentHealth::kUnhealthy;
    ComponentHealth bacen = ComponentHealth::kUnhealthy;
    ComponentHealth nats = ComponentHealth::kUnhealthy;

    bool AllHealthy() const {
        return database == ComponentHealth::kHealthy && bacen == ComponentHealth::kHealthy &&
               nats == ComponentHealth::kHealthy;
    }
};

// The life of a payment (docs/spi-life-of-a-payment.md). ACCC and RJCT are final; PDNG and CANC
// are in the document's filter list for later flows and never set by this code yet.
enum class PaymentStatus {
    kEntryReceived,
    kValidated,
    kPendingBacen,
    kSentToBacen,
    kAcsp,
    kAccc,
    kRjct,
    kPdng,
    kCanc,
};
std::string_view ToString(PaymentStatus status);
std::optional<PaymentStatus> ParsePaymentStatus(std::string_view text);
bool IsFinal(PaymentStatus status);

// OUTGOING: we are the payer's PSP and sent the pacs.008. INCOMING: BACEN delivered a settled
// pacs.008 whose payee is our participant.
enum class PaymentDirection { kOutgoing, kIncoming };
std::string_view ToString(PaymentDirection direction);

// One side of a payment, as the API names it.
struct Party {
    std::string ispb;
    std::string name;  // may be empty
    std::string document;
    std::string account_no;
    std::string account_type;
    std::string branch;  // may be empty
    std::string proxy;   // creditor only; may be empty

    friend bool operator==(const Party&, const Party&) = default;
};

// A validated POST /api/v1/payments body.
struct NewPayment {
    std::string local_instrument;  // MANU DICT QRES QRDN INIC AUTO APDN APES
    std::string priority_type;     // PAGPRI PAGFRD PAGAGD
    std::int64_t priority_id = 1;  // 1 HIGH, 2 NORM
    std::string purpose;           // IPAY GSCB OTHR REFU
    std::int64_t amount_centavos = 0;
    std::string currency;  // BRL
    Party debtor;
    Party creditor;
    std::string tx_id;
    std::string initiating_party;
    std::string description;
    std::string dict_end_to_end_id;
    std::string dict_correlation_id;
    std::int64_t origin_system = 0;
};

struct Payment {
    std::int64_t id = 0;
    std::string end_to_end_id;
    std::string message_id;  // the pacs.008 GrpHdr/MsgId (and AppHdr/BizMsgIdr)
    PaymentDirection direction = PaymentDirection::kOutgoing;
    NewPayment request;
    PaymentStatus status = PaymentStatus::kEntryReceived;
    std::string reason_code;  // empty until a pacs.002 says ACSP/ACCC/RJCT
    SystemTimePoint operation_datetime;
    std::optional<SystemTimePoint> acceptance_datetime;  // when BACEN accepted or settled it
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
    bool token_refunded = false;
    std::int64_t send_attempts = 0;
};

struct HistoryEntry {
    PaymentStatus status = PaymentStatus::kEntryReceived;
    std::string reason_code;
    std::string detail;
    SystemTimePoint changed_at;
};

enum class MessageDirection { kSent, kReceived };
std::string_view ToString(MessageDirection direction);

// One ISO 20022 message exchanged with BACEN about a payment (raw XML as on the wire).
struct StoredMessage {
    std::int64_t id = 0;
    MessageDirection direction = MessageDirection::kSent;
    std::string message_type;  // "pacs.008", "pacs.002"
    std::string business_message_id;
    std::string resource_id;  // PI-ResourceId of the POST that carried it (sent messages)
    std::string xml;
    SystemTimePoint at;
};

struct PaymentPage {
    std::vector<Payment> payments;
    std::int64_t total = 0;
    std::int64_t limit = 0;
    std::int64_t offset = 0;
};

}  // namespace dictra::spi
