#include "spi/service.hpp"

#include <algorithm>
#include <charconv>
#include <variant>

#include "core/check.hpp"
#include "core/db/write_each.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "formats/iso20022/message.hpp"

namespace dictra::spi {
namespace {

namespace iso = formats::iso20022;

bool AllDigits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAlphanumeric(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
}

// Characters, not bytes: the body was validated as UTF-8 by the JSON parser.
std::size_t Utf8Chars(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool OneOf(std::string_view value, std::initializer_list<std::string_view> choices) {
    return std::find(choices.begin(), choices.end(), value) != choices.end();
}

Error Invalid(std::string message) {
    return Error::InvalidArgument(std::move(message));
}

Status ValidateParty(const Party& party, std::string_view side) {
    const std::string prefix(side);
    if (!IsIspb(party.ispb)) return Invalid(prefix + ".ispb must be 8 digits");
    if (Utf8Chars(party.name) > 140)
        return Invalid(prefix + ".name must be at most 140 characters");
    if (!AllDigits(party.document) ||
        (party.document.size() != 11 && party.document.size() != 14)) {
        return Invalid(prefix + ".document must be a CPF (11 digits) or a CNPJ (14 digits)");
    }
    if (party.account_no.empty() || party.account_no.size() > 20 ||
        !std::all_of(party.account_no.begin(), party.account_no.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); })) {
        return Invalid(prefix + ".account_no must be 1 to 20 digits or capital letters");
    }
    if (!OneOf(party.account_type, {"CACC", "SVGS", "TRAN", "SLRY"})) {
        return Invalid(prefix + ".account_type must be one of CACC, SVGS, TRAN, SLRY");
    }
    if (!party.branch.empty() && (!AllDigits(party.branch) || party.branch.size() > 4)) {
        return Invalid(prefix + ".branch must be 1 to 4 digits");
    }
    return Ok();
}

// The Payment Initiation Types table of the document.
struct InstrumentRule {
    std::string_view code;
    bool proxy_required;
    bool proxy_allowed;
    std::size_t tx_id_min;  // 0: no tx_id allowed
    std::size_t tx_id_max;
};
constexpr InstrumentRule kInstrumentRules[] = {
    {"MANU", false, false, 0, 0},  {"DICT", true, true, 0, 0},   {"QRES", true, true, 1, 25},
    {"QRDN", true, true, 26, 35},  {"INIC", true, true, 1, 25},  {"AUTO", false, true, 26, 35},
    {"APDN", false, true, 26, 35}, {"APES", false, true, 1, 25},
};

const InstrumentRule* FindRule(std::string_view code) {
    for (const InstrumentRule& rule : kInstrumentRules) {
        if (rule.code == code) return &rule;
    }
    return nullptr;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

bool ActsForParticipant(const auth::Principal& principal) {
    return principal.ispb.has_value() && !principal.IsAdmin();
}

bool MayRead(const auth::Principal& principal, const Payment& payment) {
    if (!ActsForParticipant(principal)) return true;
    return *principal.ispb == payment.request.debtor.ispb ||
           *principal.ispb == payment.request.creditor.ispb;
}

Result<iso::Account> ToIsoAccount(const Party& party) {
    auto type = iso::ParseAccountType(party.account_type);
    if (!type) return Error::Internal("stored account type " + party.account_type);
    iso::Account account;
    account.number = party.account_no;
    if (!party.branch.empty()) account.branch = party.branch;
    account.type = *type;
    return account;
}

// The pacs.008 of an outgoing payment, stamped `now` (AccptncDtTm and CreDtTm: the SPI judges
// its settlement deadline from AccptncDtTm, so a retry after an outage is stamped anew).
Result<std::string> BuildPaymentPacs008(const Payment& payment, std::string_view our_ispb,
                                        SystemTimePoint now) {
    const NewPayment& r = payment.request;
    iso::CreditTransfer tx;
    tx.end_to_end_id = payment.end_to_end_id;
    if (!r.tx_id.empty()) tx.tx_id = r.tx_id;
    tx.amount = AmountCentavos(r.amount_centavos);
    tx.accepted_at = now;
    auto instrument = iso::ParseLocalInstrument(r.local_instrument);
    auto purpose = iso::ParsePurpose(r.purpose);
    if (!instrument || !purpose) return Error::Internal("stored payment has unknown codes");
    tx.local_instrument = *instrument;
    if (!r.initiating_party.empty()) tx.initiating_party_cnpj = r.initiating_party;
    // Dbtr/Nm is mandatory in the pacs.008 but optional in the API: the document stands in.
    tx.debtor_name = r.debtor.name.empty() ? r.debtor.document : r.debtor.name;
    tx.debtor_tax_id = r.debtor.document;
    DICTRA_ASSIGN_OR_RETURN(tx.debtor_account, ToIsoAccount(r.debtor));
    tx.debtor_agent_ispb = r.debtor.ispb;
    tx.creditor_agent_ispb = r.creditor.ispb;
    tx.creditor_tax_id = r.creditor.document;
    DICTRA_ASSIGN_OR_RETURN(tx.creditor_account, ToIsoAccount(r.creditor));
    if (!r.creditor.proxy.empty()) tx.creditor_proxy = r.creditor.proxy;
    tx.purpose = *purpose;
    if (!r.description.empty()) tx.remittance_information = r.description;

    iso::Pacs008 pacs008;
    pacs008.msg_id = payment.message_id;
    pacs008.created_at = now;
    pacs008.priority =
        r.priority_id == 1 ? iso::InstructionPriority::kHigh : iso::InstructionPriority::kNorm;
    auto level = iso::ParseServiceLevel(r.priority_type);
    if (!level) return Error::Internal("stored payment has unknown priority_type");
    pacs008.service_level = *level;
    pacs008.transactions.push_back(std::move(tx));

    iso::AppHeader header{std::string(our_ispb), std::string(kSpiIspb), payment.message_id, now};
    return iso::BuildPacs008(header, pacs008);
}

HistoryEntry Entry(PaymentStatus status, SystemTimePoint at, std::string reason = {},
                   std::string detail = {}) {
    return HistoryEntry{status, std::move(reason), std::move(detail), at};
}

// The incoming payment of one transaction of a pacs.008 that credits us, received `now`.
Payment IncomingPayment(const iso::Pacs008& message, const iso::CreditTransfer& tx,
                        SystemTimePoint now) {
    Payment payment;
    payment.direction = PaymentDirection::kIncoming;
    payment.end_to_end_id = tx.end_to_end_id;
    payment.message_id = message.msg_id;
    NewPayment& r = payment.request;
    r.local_instrument = std::string(iso::ToString(tx.local_instrument));
    r.priority_type = std::string(iso::ToString(message.service_level));
    r.priority_id = message.priority == iso::InstructionPriority::kHigh ? 1 : 2;
    r.purpose = std::string(iso::ToString(tx.purpose));
    r.amount_centavos = tx.amount.centavos();
    r.currency = "BRL";
    r.debtor = Party{tx.debtor_agent_ispb,
                     tx.debtor_name,
                     tx.debtor_tax_id,
                     tx.debtor_account.number,
                     std::string(iso::ToString(tx.debtor_account.type)),
                     tx.debtor_account.branch.value_or(""),
                     ""};
    r.creditor = Party{tx.creditor_agent_ispb,
                       "",
                       tx.creditor_tax_id,
                       tx.creditor_account.number,
                       std::string(iso::ToString(tx.creditor_account.type)),
                       tx.creditor_account.branch.value_or(""),
                       tx.creditor_proxy.value_or("")};
    r.tx_id = tx.tx_id.value_or("");
    r.initiating_party = tx.initiating_party_cnpj.value_or("");
    r.description = tx.remittance_information.value_or("");
    payment.status = PaymentStatus::kAccc;
    payment.reason_code = "ACCC";
    payment.operation_datetime = tx.accepted_at;
    payment.acceptance_datetime = now;
    payment.created_at = now;
    payment.updated_at = now;
    return payment;
}

}  // namespace

Status ValidateNewPayment(const NewPayment& r, std::string_view our_ispb) {
    const InstrumentRule* rule = FindRule(r.local_instrument);
    if (rule == nullptr) {
        return Invalid(
            "local_instrument must be one of MANU, DICT, QRES, QRDN, INIC, AUTO, APDN, APES");
    }
    if (!OneOf(r.priority_type, {"PAGPRI", "PAGFRD", "PAGAGD"})) {
        return Invalid("priority_type must be one of PAGPRI, PAGFRD, PAGAGD");
    }
    if (r.priority_id != 1 && r.priority_id != 2) {
        return Invalid("priority_id must be 1 (HIGH) or 2 (NORMAL)");
    }
    if (!OneOf(r.purpose, {"IPAY", "GSCB", "OTHR", "REFU"})) {
        return Invalid("purpose must be one of IPAY, GSCB, OTHR, REFU");
    }
    if (r.amount_centavos <= 0) return Invalid("amount must be a positive number of centavos");
    if (r.amount_centavos > kAmountCentavosMax) {
        return Invalid("amount must be at most 999999999999999999 centavos");
    }
    if (r.currency != "BRL") return Invalid("currency must be BRL");
    DICTRA_RETURN_IF_ERROR(ValidateParty(r.debtor, "debtor"));
    DICTRA_RETURN_IF_ERROR(ValidateParty(r.creditor, "creditor"));
    if (r.debtor.ispb != our_ispb) {
        return Invalid("debtor.ispb must be " + std::string(our_ispb) +
                       ", the participant this SPI serves");
    }
    const std::string code(r.local_instrument);
    // PIX key (CdtrAcct/Prxy).
    if (rule->proxy_required && r.creditor.proxy.empty()) {
        return Invalid(code + " payments require PIX key (CreditorProxy)");
    }
    if (!rule->proxy_allowed && !r.creditor.proxy.empty()) {
        return Invalid(code + " payments must not carry a PIX key (creditor.proxy)");
    }
    if (Utf8Chars(r.creditor.proxy) > kProxyCharsMax) {
        return Invalid("creditor.proxy must be at most 77 characters");
    }
    // TxId.
    if (rule->tx_id_max == 0) {
        if (!r.tx_id.empty()) return Invalid(code + " payments must not carry a tx_id");
    } else {
        if (r.tx_id.empty()) return Invalid(code + " payments require tx_id");
        if (r.tx_id.size() < rule->tx_id_min || r.tx_id.size() > rule->tx_id_max) {
            return Invalid(code + " payments require a tx_id of " +
                           (rule->tx_id_min == 1 ? "at most " + std::to_string(rule->tx_id_max)
                                                 : std::to_string(rule->tx_id_min) + " to " +
                                                       std::to_string(rule->tx_id_max)) +
                           " characters");
        }
        if (!IsAlphanumeric(r.tx_id)) return Invalid("tx_id must be letters and digits only");
    }
    // Payment initiator.
    if (code == "INIC" && r.initiating_party.empty()) {
        return Invalid("INIC payments require initiating_party");
    }
    if (!r.initiating_party.empty() &&
        (!AllDigits(r.initiating_party) || r.initiating_party.size() != 14)) {
        return Invalid("initiating_party must be a CNPJ (14 digits)");
    }
    // EndToEndId source.
    if (code == "DICT") {
        if (r.dict_end_to_end_id.empty()) {
            return Invalid("DICT payments require dict_end_to_end_id from dict-service");
        }
        auto parts = ParseEndToEndId(r.dict_end_to_end_id);
        if (!parts.ok()) {
            return Invalid("dict_end_to_end_id is not a valid EndToEndId: " +
                           parts.error().message);
        }
        if (parts->ispb != r.debtor.ispb) {
            return Invalid("dict_end_to_end_id must be minted for the payer's ISPB " +
                           r.debtor.ispb);
        }
    } else if (!r.dict_end_to_end_id.empty()) {
        return Invalid("dict_end_to_end_id is only for DICT payments");
    }
    if (Utf8Chars(r.description) > kDescriptionCharsMax) {
        return Invalid("description must be at most 140 characters");
    }
    if (r.dict_correlation_id.size() > 100) {
        return Invalid("dict_correlation_id must be at most 100 characters");
    }
    return Ok();
}

SpiService::SpiService(SpiStore& store, const Clock& clock, Probes probes, SpiOptions options)
    : store_(store),
      clock_(clock),
      probes_(std::move(probes)),
      options_(std::move(options)),
      started_at_(clock.Now()) {
    metrics::Registry* registry = options_.registry;
    if (registry == nullptr) {
        own_registry_ = std::make_unique<metrics::Registry>(
            metrics::RegistryOptions{.include_process_metrics = false});
        registry = own_registry_.get();
    }
    unknown_counter_ = &registry
                            ->AddCounter("spi_pacs002_unknown_end_to_end_ids_total",
                                         "pacs.002 statuses naming an EndToEndId SPI never sent")
                            .WithLabels({});
    refused_counter_ =
        &registry
             ->AddCounter("spi_bacen_messages_refused_total",
                          "messages from the BACEN stream refused as malformed or unexpected")
             .WithLabels({});
    send_failures_counter_ = &registry
                                  ->AddCounter("spi_bacen_send_failures_total",
                                               "pacs.008 sends BACEN did not take (retried later)")
                                  .WithLabels({});
}

Readiness SpiService::CheckReadiness() {
    return CheckReadiness(probes_.bacen_reachable && probes_.bacen_reachable());
}

Readiness SpiService::CheckReadiness(bool bacen_reachable) {
    auto health = [](bool ok) {
        return ok ? ComponentHealth::kHealthy : ComponentHealth::kUnhealthy;
    };
    return Readiness{health(store_.Ping().ok()), health(bacen_reachable),
                     health(probes_.bus_connected && probes_.bus_connected())};
}

Result<Payment> SpiService::Create(const NewPayment& request, const auth::Principal& principal) {
    if (ActsForParticipant(principal) && *principal.ispb != request.debtor.ispb) {
        return Error::PermissionDenied("a token for ISPB " + *principal.ispb +
                                       " may only pay from that participant");
    }
    DICTRA_RETURN_IF_ERROR(ValidateNewPayment(request, options_.ispb));
    const SystemTimePoint now = clock_.Now();
    DICTRA_ASSIGN_OR_RETURN(Ispb payer, Ispb::Parse(request.debtor.ispb));
    Payment payment;
    payment.direction = PaymentDirection::kOutgoing;
    payment.request = request;
    payment.end_to_end_id =
        request.local_instrument == "DICT" ? request.dict_end_to_end_id : NewEndToEndId(payer, now);
    payment.message_id = NewMessageId(payer);
    payment.status = PaymentStatus::kPendingBacen;
    payment.operation_datetime = now;
    payment.created_at = now;
    payment.updated_at = now;
    Result<std::int64_t> id =
        store_.database().Write([&](db::Transaction& tx) -> Result<std::int64_t> {
            DICTRA_ASSIGN_OR_RETURN(std::int64_t new_id, SpiStore::InsertPayment(tx, payment, now));
            DICTRA_RETURN_IF_ERROR(
                SpiStore::InsertHistory(tx, new_id, Entry(PaymentStatus::kEntryReceived, now)));
            DICTRA_RETURN_IF_ERROR(
                SpiStore::InsertHistory(tx, new_id, Entry(PaymentStatus::kValidated, now)));
            DICTRA_RETURN_IF_ERROR(
                SpiStore::InsertHistory(tx, new_id, Entry(PaymentStatus::kPendingBacen, now)));
            return new_id;
        });
    if (!id.ok()) {
        if (id.error().code == ErrorCode::kAlreadyExists) {
            return Error::Conflict("a payment with EndToEndId " + payment.end_to_end_id +
                                   " already exists");
        }
        return std::move(id).error();
    }
    payment.id = *id;
    return payment;
}

Result<Payment> SpiService::Find(db::Connection& connection, std::string_view id_or_end_to_end_id) {
    std::optional<Payment> found;
    if (auto id = ParseId(id_or_end_to_end_id)) {
        DICTRA_ASSIGN_OR_RETURN(found, SpiStore::FindById(connection, *id));
    } else if (IsEndToEndId(id_or_end_to_end_id)) {
        DICTRA_ASSIGN_OR_RETURN(found, SpiStore::FindByEndToEndId(connection, id_or_end_to_end_id));
    }
    if (!found) return Error::NotFound("Payment not found");
    return std::move(*found);
}

Result<Payment> SpiService::Get(std::string_view id_or_end_to_end_id,
                                const auth::Principal& principal) {
    DICTRA_ASSIGN_OR_RETURN(Payment payment,
                            store_.database().Read([&](db::Connection& connection) {
                                return Find(connection, id_or_end_to_end_id);
                            }));
    if (!MayRead(principal, payment)) return Error::NotFound("Payment not found");
    return payment;
}

Result<PaymentPage> SpiService::List(std::optional<PaymentStatus> status, std::int64_t limit,
                                     std::int64_t offset, const auth::Principal& principal) {
    if (limit < 1 || limit > kListLimitMax) {
        return Invalid("limit must be between 1 and " + std::to_string(kListLimitMax));
    }
    if (offset < 0) return Invalid("offset must not be negative");
    std::optional<std::string> ispb;
    if (ActsForParticipant(principal)) ispb = *principal.ispb;
    return store_.database().Read([&](db::Connection& connection) {
        return SpiStore::List(connection, status, ispb, limit, offset);
    });
}

Result<PaymentHistory> SpiService::History(std::string_view id_or_end_to_end_id,
                                           const auth::Principal& principal) {
    DICTRA_ASSIGN_OR_RETURN(
        PaymentHistory result,
        store_.database().Read([&](db::Connection& connection) -> Result<PaymentHistory> {
            DICTRA_ASSIGN_OR_RETURN(Payment payment, Find(connection, id_or_end_to_end_id));
            DICTRA_ASSIGN_OR_RETURN(std::vector<HistoryEntry> history,
                                    SpiStore::History(connection, payment.id));
            return PaymentHistory{std::move(payment), std::move(history)};
        }));
    if (!MayRead(principal, result.payment)) return Error::NotFound("Payment not found");
    return result;
}

Result<PaymentMessages> SpiService::Messages(std::string_view id_or_end_to_end_id,
                                             const auth::Principal& principal) {
    if (ActsForParticipant(principal)) {
        return Error::PermissionDenied("the raw messages are for platform operators");
    }
    return store_.database().Read([&](db::Connection& connection) -> Result<PaymentMessages> {
        DICTRA_ASSIGN_OR_RETURN(Payment payment, Find(connection, id_or_end_to_end_id));
        DICTRA_ASSIGN_OR_RETURN(std::vector<StoredMessage> messages,
                                SpiStore::Messages(connection, payment.id));
        return PaymentMessages{std::move(payment), std::move(messages)};
    });
}

namespace {

// One payment of a sending round and what became of it.
struct SendAttempt {
    const Payment* payment = nullptr;
    Result<std::string> xml = std::string();
    // Unset while BACEN has not answered for it (its POST was not sent): nothing is recorded.
    std::optional<Result<SendReceipt>> answer;
};

// The attempts of one POST (indexes into the round's attempts).
using PostMembers = std::vector<std::size_t>;

std::vector<std::string> XmlOf(const std::vector<SendAttempt>& attempts,
                               const PostMembers& members) {
    std::vector<std::string> messages;
    messages.reserve(members.size());
    for (std::size_t attempt_idx : members) messages.push_back(*attempts[attempt_idx].xml);
    return messages;
}

}  // namespace

Result<std::size_t> SpiService::SendDue(BacenGateway& gateway, std::int64_t limit) {
    const SystemTimePoint now = clock_.Now();
    DICTRA_ASSIGN_OR_RETURN(std::vector<Payment> due,
                            store_.database().Read([&](db::Connection& connection) {
                                return SpiStore::DueForSending(connection, now, limit);
                            }));
    if (due.empty()) return 0;
    const SystemTimePoint send_at = clock_.Now();
    std::vector<SendAttempt> attempts(due.size());
    std::vector<PostMembers> posts;
    for (std::size_t attempt_idx = 0; attempt_idx < due.size(); ++attempt_idx) {
        SendAttempt& attempt = attempts[attempt_idx];
        attempt.payment = &due[attempt_idx];
        attempt.xml = BuildPaymentPacs008(due[attempt_idx], options_.ispb, send_at);
        if (!attempt.xml.ok()) {
            attempt.answer = Result<SendReceipt>(attempt.xml.error());  // never sent: refused
            continue;
        }
        if (posts.empty() || posts.back().size() == kMessagesPerPostMax) posts.emplace_back();
        posts.back().push_back(attempt_idx);
    }
    std::vector<std::vector<std::string>> bodies;
    bodies.reserve(posts.size());
    for (const PostMembers& members : posts) bodies.push_back(XmlOf(attempts, members));
    std::vector<Result<SendReceipt>> answers = gateway.SendEach(bodies);
    DICTRA_CHECK(answers.size() <= posts.size());
    for (std::size_t post_idx = 0; post_idx < answers.size(); ++post_idx) {
        const PostMembers& members = posts[post_idx];
        const Result<SendReceipt>& answer = answers[post_idx];
        if (!answer.ok() && answer.error().code != ErrorCode::kUnavailable && members.size() > 1) {
            // BACEN refuses a whole POST for one bad message and settles none of it. Sending each
            // message alone finds the one at fault and lets the others through (sending one that
            // did settle again would only be answered DUPL: the ids stay the same).
            log::Warn("spi_send_post_refused")
                .Int("messages", static_cast<std::int64_t>(members.size()))
                .Str("error", answer.error().message);
            for (std::size_t attempt_idx : members) {
                attempts[attempt_idx].answer = gateway.Send({*attempts[attempt_idx].xml});
            }
            continue;
        }
        for (std::size_t attempt_idx : members) attempts[attempt_idx].answer = answer;
    }
    std::size_t sent = 0;
    for (const SendAttempt& attempt : attempts) {
        if (attempt.answer && attempt.answer->ok()) ++sent;
    }
    DICTRA_RETURN_IF_ERROR(store_.database().Write([&](db::Transaction& tx) -> Status {
        for (const SendAttempt& attempt : attempts) {
            if (!attempt.answer) continue;
            DICTRA_RETURN_IF_ERROR(
                RecordSendAttempt(tx, *attempt.payment, attempt.xml, *attempt.answer, send_at));
        }
        return Ok();
    }));
    return sent;
}

Status SpiService::RecordSendAttempt(db::Transaction& tx, const Payment& payment,
                                     const Result<std::string>& xml,
                                     const Result<SendReceipt>& answer, SystemTimePoint send_at) {
    if (answer.ok()) {
        // The pacs.002 may have been applied already (it can overtake this write).
        DICTRA_ASSIGN_OR_RETURN(std::optional<Payment> current, SpiStore::FindById(tx, payment.id));
        if (current && current->status == PaymentStatus::kPendingBacen) {
            DICTRA_RETURN_IF_ERROR(SpiStore::UpdateStatus(
                tx, payment.id, PaymentStatus::kSentToBacen, "", std::nullopt, send_at));
            DICTRA_RETURN_IF_ERROR(
                SpiStore::InsertHistory(tx, payment.id,
                                        Entry(PaymentStatus::kSentToBacen, send_at, "",
                                              "PI-ResourceId " + answer->resource_id)));
        }
        return SpiStore::InsertMessage(
            tx, payment.id,
            StoredMessage{0, MessageDirection::kSent, "pacs.008", payment.message_id,
                          answer->resource_id, *xml, send_at});
    }
    const Error& error = answer.error();
    if (error.code == ErrorCode::kUnavailable) {
        send_failures_counter_->Increment();
        auto backoff = options_.retry_first *
                       (std::int64_t{1} << std::min<std::int64_t>(payment.send_attempts, 16));
        backoff = std::min(backoff, options_.retry_max);
        log::Warn("spi_send_deferred")
            .Str("end_to_end_id", payment.end_to_end_id)
            .Int("attempts", payment.send_attempts + 1)
            .Int("retry_in_ms", backoff.count())
            .Str("error", error.message);
        return SpiStore::RecordSendFailure(tx, payment.id, send_at + backoff, send_at);
    }
    // BACEN refused the message itself (or we could not build it): sending it again would be
    // refused again, so the payment ends here. FF01 is ISO's "invalid file format".
    log::Error("spi_send_refused")
        .Str("end_to_end_id", payment.end_to_end_id)
        .Str("error", error.message);
    DICTRA_RETURN_IF_ERROR(SpiStore::UpdateStatus(tx, payment.id, PaymentStatus::kRjct, "FF01",
                                                  std::nullopt, send_at));
    DICTRA_RETURN_IF_ERROR(SpiStore::InsertHistory(
        tx, payment.id,
        Entry(PaymentStatus::kRjct, send_at, "FF01",
              "BACEN refused the pacs.008: " + error.message.substr(0, 500))));
    if (!xml.ok()) return Ok();
    return SpiStore::InsertMessage(tx, payment.id,
                                   StoredMessage{0, MessageDirection::kSent, "pacs.008",
                                                 payment.message_id, "", *xml, send_at});
}

// One message from the stream between its parsing and its write.
struct SpiService::Incoming {
    std::string xml;
    std::optional<iso::Message> parsed;
    // Set when the message is refused (malformed, or nothing in it for us).
    std::optional<std::string> refused_error;
    // Malformed messages are kept (raw, cut) for the operators; the others refused are only logged.
    bool keep_refused = false;
    IncomingOutcome outcome;
    std::vector<std::string> unknown_end_to_end_ids;
};

SpiService::Incoming SpiService::Prepare(std::string_view xml) {
    Incoming incoming;
    incoming.xml = std::string(xml);
    incoming.outcome.received_at = clock_.Now();
    Result<iso::Message> parsed = iso::ParseAny(incoming.xml);
    if (!parsed.ok()) {
        incoming.refused_error = parsed.error().message;
        incoming.keep_refused = true;
        return incoming;
    }
    incoming.parsed = std::move(parsed).value();
    if (auto* pacs008 = std::get_if<iso::Envelope<iso::Pacs008>>(&*incoming.parsed)) {
        const auto& transactions = pacs008->document.transactions;
        const bool any = std::any_of(
            transactions.begin(), transactions.end(),
            [&](const iso::CreditTransfer& tx) { return tx.creditor_agent_ispb == options_.ispb; });
        if (!any) {
            incoming.refused_error = "pacs.008 without a transaction for ISPB " + options_.ispb;
        }
    } else if (auto* pibr002 = std::get_if<iso::Envelope<iso::Pibr002>>(&*incoming.parsed)) {
        incoming.outcome.echo_data = pibr002->document.original_data;
    } else if (!std::holds_alternative<iso::Envelope<iso::Pacs002>>(*incoming.parsed)) {
        // A pibr.001 is a participant's request; BACEN never sends one to us.
        incoming.refused_error =
            "unexpected " + std::string(iso::ToString(iso::TypeOf(*incoming.parsed)));
    }
    return incoming;
}

Status SpiService::Apply(db::Transaction& tx, Incoming& incoming) {
    incoming.unknown_end_to_end_ids.clear();
    if (incoming.refused_error) {
        if (!incoming.keep_refused) return Ok();
        return SpiStore::InsertMessage(
            tx, std::nullopt,
            StoredMessage{0, MessageDirection::kReceived, "refused", "", "",
                          incoming.xml.substr(0, 64 * 1024), incoming.outcome.received_at});
    }
    if (auto* pacs002 = std::get_if<iso::Envelope<iso::Pacs002>>(&*incoming.parsed)) {
        for (const iso::PaymentStatus& status : pacs002->document.statuses) {
            DICTRA_RETURN_IF_ERROR(ApplyStatus(tx, incoming, status));
        }
        return Ok();
    }
    if (auto* pacs008 = std::get_if<iso::Envelope<iso::Pacs008>>(&*incoming.parsed)) {
        for (const iso::CreditTransfer& transfer : pacs008->document.transactions) {
            if (transfer.creditor_agent_ispb != options_.ispb) continue;
            DICTRA_RETURN_IF_ERROR(RecordIncomingPayment(
                tx, incoming.xml,
                IncomingPayment(pacs008->document, transfer, incoming.outcome.received_at)));
        }
    }
    return Ok();
}

void SpiService::Report(const Incoming& incoming) {
    if (incoming.refused_error) {
        refused_messages_.fetch_add(1);
        refused_counter_->Increment();
        log::Warn("spi_bacen_message_refused")
            .Str("error", *incoming.refused_error)
            .Int("bytes", static_cast<std::int64_t>(incoming.xml.size()));
    }
    for (const std::string& end_to_end_id : incoming.unknown_end_to_end_ids) {
        unknown_end_to_end_ids_.fetch_add(1);
        unknown_counter_->Increment();
        log::Warn("spi_pacs002_unknown_end_to_end_id").Str("end_to_end_id", end_to_end_id);
    }
}

Status SpiService::ApplyStatus(db::Transaction& tx, Incoming& incoming,
                               const iso::PaymentStatus& status) {
    const SystemTimePoint now = clock_.Now();
    const auto& pacs002 = std::get<iso::Envelope<iso::Pacs002>>(*incoming.parsed);
    const std::string& business_message_id = pacs002.header.business_message_id;
    const std::string& end_to_end_id = status.original_end_to_end_id;
    const std::string tx_status(iso::ToString(status.status));
    std::string reason_code;
    for (const iso::StatusReason& status_reason : status.reasons) {
        if (status_reason.code) {
            reason_code = *status_reason.code;
            break;
        }
    }
    DICTRA_ASSIGN_OR_RETURN(
        std::optional<Payment> found,
        SpiStore::FindByEndToEndId(tx, end_to_end_id, PaymentDirection::kOutgoing));
    if (!found) {
        incoming.unknown_end_to_end_ids.push_back(end_to_end_id);
        return SpiStore::InsertMessage(tx, std::nullopt,
                                       StoredMessage{0, MessageDirection::kReceived, "pacs.002",
                                                     business_message_id, "", incoming.xml, now});
    }
    const Payment& payment = *found;
    DICTRA_RETURN_IF_ERROR(
        SpiStore::InsertMessage(tx, payment.id,
                                StoredMessage{0, MessageDirection::kReceived, "pacs.002",
                                              business_message_id, "", incoming.xml, now}));
    if (IsFinal(payment.status)) return Ok();  // a late or repeated report changes nothing
    PaymentStatus next = PaymentStatus::kAcsp;
    std::string code = tx_status;
    if (tx_status == "ACCC" || tx_status == "ACSC") {
        next = PaymentStatus::kAccc;
        code = "ACCC";
    } else if (tx_status == "RJCT") {
        // DUPL: BACEN already settled this EndToEndId, so an earlier send of ours got
        // through. Its own pacs.002 carries the real outcome; this one changes nothing.
        if (reason_code == "DUPL") {
            log::Info("spi_duplicate_acknowledged").Str("end_to_end_id", end_to_end_id);
            return Ok();
        }
        next = PaymentStatus::kRjct;
        code = reason_code.empty() ? "RJCT" : reason_code;
    } else if (payment.status == PaymentStatus::kAcsp) {
        return Ok();
    }
    if (payment.status == PaymentStatus::kPendingBacen) {
        // The answer overtook the bookkeeping of the send.
        DICTRA_RETURN_IF_ERROR(
            SpiStore::InsertHistory(tx, payment.id, Entry(PaymentStatus::kSentToBacen, now)));
    }
    std::optional<SystemTimePoint> accepted;
    if (next != PaymentStatus::kRjct) accepted = status.settled_at.value_or(now);
    DICTRA_RETURN_IF_ERROR(SpiStore::UpdateStatus(tx, payment.id, next, code, accepted, now));
    return SpiStore::InsertHistory(tx, payment.id,
                                   Entry(next, now, code, "pacs.002 " + business_message_id));
}

Status SpiService::RecordIncomingPayment(db::Transaction& tx, const std::string& xml,
                                         const Payment& payment) {
    const SystemTimePoint now = payment.created_at;
    DICTRA_ASSIGN_OR_RETURN(
        std::optional<Payment> existing,
        SpiStore::FindByEndToEndId(tx, payment.end_to_end_id, PaymentDirection::kIncoming));
    if (existing) return Ok();  // delivered twice: already recorded
    DICTRA_ASSIGN_OR_RETURN(std::int64_t id, SpiStore::InsertPayment(tx, payment, now));
    DICTRA_RETURN_IF_ERROR(SpiStore::InsertHistory(
        tx, id, Entry(PaymentStatus::kAccc, now, "ACCC", "credit received from BACEN")));
    return SpiStore::InsertMessage(tx, id,
                                   StoredMessage{0, MessageDirection::kReceived, "pacs.008",
                                                 payment.message_id, "", xml, now});
}

Result<IncomingOutcome> SpiService::HandleIncoming(std::string_view xml) {
    std::vector<Result<IncomingOutcome>> outcomes = HandleIncoming(std::vector{xml});
    return std::move(outcomes.front());
}

std::vector<Result<IncomingOutcome>> SpiService::HandleIncoming(
    const std::vector<std::string_view>& xmls) {
    // Parsing stays out of the writes: the writer thread serves every caller of the database.
    std::vector<Incoming> batch;
    batch.reserve(xmls.size());
    for (std::string_view xml : xmls) batch.push_back(Prepare(xml));
    std::vector<db::Database::WriteFunction> writes;
    writes.reserve(batch.size());
    for (Incoming& incoming : batch) {
        writes.push_back([this, &incoming](db::Transaction& tx) { return Apply(tx, incoming); });
    }
    std::vector<Status> statuses = db::WriteEach(store_.database(), std::move(writes));
    std::vector<Result<IncomingOutcome>> outcomes;
    outcomes.reserve(batch.size());
    for (std::size_t message_idx = 0; message_idx < batch.size(); ++message_idx) {
        if (!statuses[message_idx].ok()) {
            if (batch[message_idx].refused_error) Report(batch[message_idx]);
            outcomes.push_back(std::move(statuses[message_idx]).error());
            continue;
        }
        Report(batch[message_idx]);
        outcomes.push_back(std::move(batch[message_idx].outcome));
    }
    return outcomes;
}

}  // namespace dictra::spi
