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
#include "formats/iso20022/message.hpp"
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

// What BACEN said to one POST.
struct SendReceipt {
    std::string resource_id;  // PI-ResourceId
};

// ICOM takes at most this many messages in one POST (multipart/mixed; bacen::
// kMessagesPerRequestMax on the simulator's side).
inline constexpr std::size_t kMessagesPerPostMax = 10;

// The ICOM inbox as the service sees it. A POST carries 1 to kMessagesPerPostMax messages and is
// taken or refused as a whole: 201 means BACEN took every message (each then settles or is
// rejected on its own, and the outcome comes back on our stream as a pacs.002). Send answers
// kUnavailable when the POST may be sent again later (BACEN unreachable, 5xx, 429, our
// credentials refused) and kInvalidArgument when BACEN refused the request itself (400, 413,
// 415): sending it again unchanged cannot help.
class BacenGateway {
 public:
    virtual ~BacenGateway() = default;
    // REQUIRES: 1 <= messages.size() <= kMessagesPerPostMax.
    virtual Result<SendReceipt> Send(const std::vector<std::string>& messages) = 0;
    // One POST per batch, answers in the order of `batches`. A gateway may send several at once.
    // It may also stop after a kUnavailable answer: the answer is then shorter than `batches` and
    // the batches past its end were not sent. This one sends them one after the other.
    virtual std::vector<Result<SendReceipt>> SendEach(
        const std::vector<std::vector<std::string>>& batches) {
        std::vector<Result<SendReceipt>> answers;
        for (const std::vector<std::string>& batch : batches) {
            answers.push_back(Send(batch));
            if (!answers.back().ok() && answers.back().error().code == ErrorCode::kUnavailable) {
                break;
            }
        }
        return answers;
    }
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

    // Sends up to `limit` payments whose (next) attempt is due, kMessagesPerPostMax to a POST
    // (gateway.SendEach), and records the outcome of the whole round in one write. Returns how
    // many BACEN took. A payment BACEN cannot take now stays PENDING_BACEN and is tried again
    // after a backoff, always with the same EndToEndId and MsgId. A POST BACEN refuses is sent
    // again one message to a POST, so only the message at fault is rejected (FF01).
    Result<std::size_t> SendDue(BacenGateway& gateway, std::int64_t limit);

    // Applies one message from our BACEN stream. Malformed XML and messages about payments we do
    // not know are logged and counted, never fatal: the stream goes on. The error result is only
    // for a database failure (the message is then lost for this attempt; see docs/spi.md).
    Result<IncomingOutcome> HandleIncoming(std::string_view xml);
    // The same for the messages of one pull: each applied atomically on its own, all of them
    // queued to the database at once so they share one commit. One answer per message, in order.
    std::vector<Result<IncomingOutcome>> HandleIncoming(const std::vector<std::string_view>& xmls);

    // Counters (also in the metrics registry).
    std::uint64_t unknown_end_to_end_ids() const { return unknown_end_to_end_ids_.load(); }
    std::uint64_t refused_messages() const { return refused_messages_.load(); }

 private:
    Result<Payment> Find(db::Connection& connection, std::string_view id_or_end_to_end_id);
    Status RecordSendAttempt(db::Transaction& tx, const Payment& payment,
                             const Result<std::string>& xml, const Result<SendReceipt>& answer,
                             SystemTimePoint send_at);
    struct Incoming;
    // Parses one message from the stream; what it means for the database is left to Apply.
    Incoming Prepare(std::string_view xml);
    // Inside the message's write. Adds to `incoming.unknown_end_to_end_ids`.
    Status Apply(db::Transaction& tx, Incoming& incoming);
    Status ApplyStatus(db::Transaction& tx, Incoming& incoming,
                       const formats::iso20022::PaymentStatus& status);
    Status RecordIncomingPayment(db::Transaction& tx, const std::string& xml,
                                 const Payment& payment);
    // Counters and logs of a message once its write committed.
    void Report(const Incoming& incoming);

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
