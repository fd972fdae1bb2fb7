// SPI's business rules. No HTTP here: routes parse and render, this decides.
//
// The life of a payment (docs/spi-life-of-a-payment.md): Create validates a request against the
// Payment Initiation Types table and stores it as PENDING_BACEN (history ENTRY_RECEIVED,
// VALIDATED, PENDING_BACEN); SendDue hands due payments to BACEN as pacs.008 through a
// BacenGateway (SENT_TO_BACEN, or a later retry with the same EndToEndId when BACEN is away);
// HandleIncoming applies what BACEN's stream delivers (pacs.002 -> ACSP/ACCC/RJCT, pacs.008 to
// our participant -> an incoming payment). Every status change is one atomic write with its
// history row and the raw XML that caused it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth/principal.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "spi/model.hpp"
#include "spi/store.hpp"

namespace dictra::spi {

// The ISPB of the SPI itself (AppHdr/To of everything a participant sends).
inline constexpr std::string_view kSpiIspb = "00038166";
inline constexpr std::size_t kDescriptionCharsMax = 140;
inline constexpr std::size_t kProxyCharsMax = 77;
inline constexpr std::int64_t kListLimitDefault = 50;
inline constexpr std::int64_t kListLimitMax = 1000;
// pacs.008 IntrBkSttlmAmt allows 18 digits, 2 of them decimals.
inline constexpr std::int64_t kAmountCentavosMax = 999'999'999'999'999'999;

// How SPI learns whether its neighbours are up. Supplied by whoever wires the process.
struct Probes {
    std::function<bool()> bacen_reachable;
    std::function<bool()> bus_connected;
};

// What BACEN said to one POST of a message.
struct SendReceipt {
    std::string resource_id;  // PI-ResourceId
};

// The ICOM inbox as the service sees it. Send answers kUnavailable when the message may be sent
// again later (BACEN unreachable, 5xx, 429, our credentials refused) and kInvalidArgument when
// BACEN refused the message itself (400, 413, 415): sending it again cannot help.
class BacenGateway {
 public:
    virtual ~BacenGateway() = default;
    virtual Result<SendReceipt> Send(std::string_view xml) = 0;
};

struct SpiOptions {
    // The participant this SPI serves: payer of every outgoing payment, AppHdr/Fr, the stream.
    std::string ispb = "12345678";
    // Backoff between sends of a payment BACEN did not take: first, doubled up to the max.
    std::chrono::milliseconds retry_first{250};
    std::chrono::milliseconds retry_max{10'000};
    // Counters go here; null means a private registry.
    metrics::Registry* registry = nullptr;
};

// What HandleIncoming found in one message from the stream.
struct IncomingOutcome {
    // The OrgnlData of a pibr.002 (an echo answer), for whoever waits on it.
    std::optional<std::string> echo_data;
    SystemTimePoint received_at;
};

struct PaymentHistory {
    Payment payment;
    std::vector<HistoryEntry> history;
};

struct PaymentMessages {
    Payment payment;
    std::vector<StoredMessage> messages;
};

// Validates `request` against the Payment Initiation Types table and the field rules of the
// document (docs/spi.md lists them). `our_ispb` must be the debtor's ISPB. kInvalidArgument with
// the message the API returns.
Status ValidateNewPayment(const NewPayment& request, std::string_view our_ispb);

class SpiService {
 public:
    SpiService(SpiStore& store, const Clock& clock, Probes probes, SpiOptions options = {});

    Readiness CheckReadiness();
    // The same with BACEN's reachability already known (probed off the I/O thread).
    Readiness CheckReadiness(bool bacen_reachable);
    SystemTimePoint started_at() const { return started_at_; }
    const Clock& clock() const { return clock_; }
    const SpiOptions& options() const { return options_; }

    // Validates and stores a payment as PENDING_BACEN (three history rows). A caller acting
    // for a participant may only pay from that participant (kPermissionDenied). kAlreadyExists
    // when the DICT EndToEndId was used already. `on_created` is not called on error.
    Result<Payment> Create(const NewPayment& request, const auth::Principal& principal);

    // By numeric id, or by EndToEndId (32 chars starting with E). kNotFound also when the caller
    // acts for a participant that is neither payer nor payee.
    Result<Payment> Get(std::string_view id_or_end_to_end_id, const auth::Principal& principal);
    Result<PaymentPage> List(std::optional<PaymentStatus> status, std::int64_t limit,
                             std::int64_t offset, const auth::Principal& principal);
    Result<PaymentHistory> History(std::string_view id_or_end_to_end_id,
                                   const auth::Principal& principal);
    // Operators only (a token without `ispb`, or with the admin scope): kPermissionDenied else.
    Result<PaymentMessages> Messages(std::string_view id_or_end_to_end_id,
                                     const auth::Principal& principal);

    // Sends up to `limit` payments whose (next) attempt is due. Returns how many BACEN took.
    // A payment BACEN cannot take now stays PENDING_BACEN and is tried again after a backoff,
    // always with the same EndToEndId and MsgId.
    Result<std::size_t> SendDue(BacenGateway& gateway, std::int64_t limit);

    // Applies one message from our BACEN stream. Malformed XML and messages about payments we do
    // not know are logged and counted, never fatal: the stream goes on. The error result is only
    // for a database failure (the message is then lost for this attempt; see docs/spi.md).
    Result<IncomingOutcome> HandleIncoming(std::string_view xml);

    // Counters (also in the metrics registry).
    std::uint64_t unknown_end_to_end_ids() const { return unknown_end_to_end_ids_.load(); }
    std::uint64_t refused_messages() const { return refused_messages_.load(); }

 private:
    Result<Payment> Find(db::Connection& connection, std::string_view id_or_end_to_end_id);
    Status ApplyStatus(const std::string& xml, const std::string& business_message_id,
                       const std::string& end_to_end_id, const std::string& tx_status,
                       const std::string& reason_code, std::optional<SystemTimePoint> settled_at);
    Status RecordIncomingPayment(const std::string& xml, Payment payment);

    SpiStore& store_;
    const Clock& clock_;
    Probes probes_;
    SpiOptions options_;
    SystemTimePoint started_at_;
    std::unique_ptr<metrics::Registry> own_registry_;
    metrics::Counter* unknown_counter_ = nullptr;
    metrics::Counter* refused_counter_ = nullptr;
    metrics::Counter* send_failures_counter_ = nullptr;
    std::atomic<std::uint64_t> unknown_end_to_end_ids_{0};
    std::atomic<std::uint64_t> refused_messages_{0};
};

}  // namespace dictra::spi
