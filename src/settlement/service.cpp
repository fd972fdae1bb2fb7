#include "settlement/service.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <future>

#include "core/ids.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "settlement/rule_errors.hpp"

namespace dictra::settlement {
namespace {

// The id a caller reports on completion. BCB's EndToEndId is exactly 32 characters (E + ISPB +
// yyyyMMddHHmm + 11), but the settlement document's own example has 29, and the id comes from
// the caller's SPI, not from us: accept the document's shape (E + ISPB + alphanumerics, 32 at
// most) rather than refuse a client that copied it. Ids DICTRA mints are always the BCB format.
bool IsReportedEndToEndId(std::string_view id) {
    constexpr std::size_t kIspbDigits = 8;
    constexpr std::size_t kEndToEndIdCharsMax = 32;
    if (id.size() <= 1 + kIspbDigits || id.size() > kEndToEndIdCharsMax || id.front() != 'E') {
        return false;
    }
    for (std::size_t char_idx = 1; char_idx < id.size(); ++char_idx) {
        const char c = id[char_idx];
        const bool digit = c >= '0' && c <= '9';
        const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (char_idx <= kIspbDigits ? !digit : !(digit || letter)) return false;
    }
    return true;
}

// Characters, not bytes: "João" is 4. The JSON parser already checked the text is UTF-8.
std::size_t Utf8Length(std::string_view text) {
    std::size_t chars = 0;
    for (unsigned char byte : text)
        if ((byte & 0xC0) != 0x80) ++chars;
    return chars;
}

Result<Party> ValidateParty(const CreatePaymentCommand::PartyFields& fields,
                            const std::string& side, PartyDetails details) {
    const bool required = details == PartyDetails::kRequired;
    if (!IsIspb(fields.ispb)) return Invalid(side + "_ispb", "must be exactly 8 digits");
    if (required && fields.document.empty())
        return Invalid(side + "_document", "must not be empty");
    if (required && fields.account_no.empty())
        return Invalid(side + "_account_no", "must not be empty");
    std::optional<AccountType> account_type = !required && fields.account_type.empty()
                                                  ? std::optional(AccountType::kCacc)
                                                  : AccountTypeFromString(fields.account_type);
    if (!account_type)
        return Invalid(side + "_account_type", "must be one of CACC, SVGS, SLRY, TRAN");
    return Party{.ispb = fields.ispb,
                 .document = fields.document,
                 .name = fields.name,
                 .account_no = fields.account_no,
                 .account_type = *account_type,
                 .branch = fields.branch};
}

bool CanSee(const auth::Principal& principal, const PaymentRequest& payment) {
    return !principal.ispb || *principal.ispb == payment.debtor.ispb ||
           *principal.ispb == payment.creditor.ispb;
}

boost::json::value OptionalJson(const std::optional<std::string>& text) {
    return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

boost::json::object PartyJson(const CreatePaymentCommand::PartyFields& party) {
    return {{"ispb", party.ispb},
            {"document", party.document},
            {"name", OptionalJson(party.name)},
            {"account_no", party.account_no},
            {"account_type", party.account_type},
            {"branch", OptionalJson(party.branch)}};
}

// The request as the caller meant it, in one fixed spelling: two creates with the same
// idempotency key are "the same request" exactly when these strings are equal.
std::string Fingerprint(const CreatePaymentCommand& command) {
    boost::json::array discounts;
    for (const auto& discount : command.discounts)
        discounts.push_back(
            boost::json::object{{"date", discount.date}, {"amount", discount.amount_centavos}});
    boost::json::array additional_info;
    for (const auto& item : command.additional_info)
        additional_info.push_back(boost::json::object{{"key", item.key}, {"value", item.value}});
    boost::json::object fingerprint{
        {"external_id", OptionalJson(command.external_id)},
        {"amount", command.amount_centavos},
        {"currency", command.currency.value_or(std::string(kCurrencyBrl))},
        {"debtor", PartyJson(command.debtor)},
        {"creditor", PartyJson(command.creditor)},
        {"description", OptionalJson(command.description)},
        {"qr_code_data", OptionalJson(command.qr_code_data)},
        {"tx_id", OptionalJson(command.tx_id)},
        {"scheduled_date", OptionalJson(command.scheduled_date)},
        {"discounts", std::move(discounts)},
        {"additional_info", std::move(additional_info)}};
    return json::Serialize(fingerprint);
}

}  // namespace

// Every schema rule of a create; the request it describes (not stored, no id yet).
Result<PaymentRequest> ValidatedPayment(const CreatePaymentCommand& command, SystemTimePoint now,
                                        PartyDetails party_details) {
    PaymentRequest payment;
    if (command.amount_centavos < 1) return Invalid("amount", "must be greater than zero");
    payment.amount_centavos = command.amount_centavos;
    if (command.currency && *command.currency != kCurrencyBrl)
        return Invalid("currency", "must be BRL");
    DICTRA_ASSIGN_OR_RETURN(payment.debtor, ValidateParty(command.debtor, "debtor", party_details));
    DICTRA_ASSIGN_OR_RETURN(payment.creditor,
                            ValidateParty(command.creditor, "creditor", party_details));
    if (command.description && Utf8Length(*command.description) > kDescriptionCharsMax)
        return Invalid("description", "must be at most 140 characters");
    if (command.scheduled_date) {
        auto scheduled = ParseRfc3339(*command.scheduled_date);
        if (!scheduled.ok())
            return Invalid("scheduled_date",
                           "must be an RFC 3339 date-time (2026-02-15T10:00:00Z)");
        payment.scheduled_date = *scheduled;
    }
    if (command.discounts.size() > kDiscountsMax)
        return Invalid("discounts",
                       "must have at most " + std::to_string(kDiscountsMax) + " items");
    for (std::size_t discount_idx = 0; discount_idx < command.discounts.size(); ++discount_idx) {
        const auto& discount = command.discounts[discount_idx];
        const std::string path = "discounts[" + std::to_string(discount_idx) + "]";
        auto date = ParseRfc3339(discount.date);
        if (!date.ok()) return Invalid(path + ".date", "must be an RFC 3339 date-time");
        if (discount.amount_centavos < 1)
            return Invalid(path + ".amount", "must be greater than zero");
        payment.discounts.push_back({*date, discount.amount_centavos});
    }
    if (command.additional_info.size() > kAdditionalInfoMax)
        return Invalid("additional_info",
                       "must have at most " + std::to_string(kAdditionalInfoMax) + " items");
    for (std::size_t item_idx = 0; item_idx < command.additional_info.size(); ++item_idx) {
        if (command.additional_info[item_idx].key.empty())
            return Invalid("additional_info[" + std::to_string(item_idx) + "].key",
                           "must not be empty");
    }
    payment.additional_info = command.additional_info;

    payment.unique_id = NewUuidV7(now);
    payment.external_id = command.external_id;
    payment.description = command.description;
    payment.qr_code_data = command.qr_code_data;
    payment.tx_id = command.tx_id;
    // Never processed before its date: it waits as SCHEDULED (see docs/settlement.md).
    payment.status = payment.scheduled_date && *payment.scheduled_date > now
                         ? PaymentStatus::kScheduled
                         : PaymentStatus::kPending;
    payment.created_at = now;
    payment.updated_at = now;
    return payment;
}

namespace {}  // namespace

Result<std::int64_t> ParsePaymentId(std::string_view text) {
    std::int64_t id = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, id);
    if (text.empty() || ec != std::errc() || ptr != end || id < 1)
        return Error::InvalidArgument("id must be a positive integer", "id");
    return id;
}

void SettlementService::CreateAsync(const CreatePaymentCommand& command,
                                    const auth::Principal& principal, CreateDone done) {
    const SystemTimePoint now = clock_.Now();
    auto payment = ValidatedPayment(command, now);
    if (!payment.ok()) return done(std::move(payment).error());
    if (command.idempotency_key && (command.idempotency_key->empty() ||
                                    command.idempotency_key->size() > kIdempotencyKeyBytesMax))
        return done(Invalid("Idempotency-Key", "must be 1 to 255 bytes"));
    if (principal.ispb && *principal.ispb != payment->debtor.ispb &&
        *principal.ispb != payment->creditor.ispb)
        return done(Error::PermissionDenied("the token's ispb must be the debtor or the creditor"));

    // Keys are per caller: two participants may both use external_id "1".
    std::optional<std::string> key;
    const std::string scope = principal.ispb ? "ispb:" + *principal.ispb : "platform";
    if (command.idempotency_key)
        key = scope + "|key:" + *command.idempotency_key;
    else if (command.external_id)
        key = scope + "|external_id:" + *command.external_id;
    // Only a keyed create can be replayed, so only it needs the fingerprint that tells a replay
    // from a different request under the same key.
    std::string fingerprint = key ? Fingerprint(command) : std::string();
    const bool by_header = command.idempotency_key.has_value();
    store_.InsertAsync(
        std::move(*payment), std::move(key), fingerprint, principal.sub,
        [done = std::move(done), fingerprint,
         by_header](Result<SettlementStore::InsertOutcome> inserted) {
            if (!inserted.ok()) return done(std::move(inserted).error());
            if (!inserted->outcome.created && inserted->stored_fingerprint != fingerprint)
                return done(Error::Conflict(
                    by_header ? "Idempotency-Key was already used with a different request"
                              : "external_id was already used with a different request"));
            done(std::move(inserted->outcome));
        });
}

Result<CreateOutcome> SettlementService::Create(const CreatePaymentCommand& command,
                                                const auth::Principal& principal) {
    std::promise<Result<CreateOutcome>> promise;
    std::future<Result<CreateOutcome>> future = promise.get_future();
    CreateAsync(command, principal, [&promise](Result<CreateOutcome> outcome) {
        promise.set_value(std::move(outcome));
    });
    return future.get();
}

Result<PaymentRequest> SettlementService::Get(std::int64_t id, const auth::Principal& principal) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<PaymentRequest> payment, store_.Get(id));
    if (!payment || !CanSee(principal, *payment))
        return Error::NotFound("payment request not found");
    return std::move(*payment);
}

Result<PaymentPage> SettlementService::List(const ListQuery& query,
                                            const auth::Principal& principal) {
    PaymentFilter filter;
    if (query.status) {
        filter.status = PaymentStatusFromString(*query.status);
        if (!filter.status)
            return Invalid("status",
                           "must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, "
                           "SCHEDULED");
    }
    if (query.debtor_ispb && !IsIspb(*query.debtor_ispb))
        return Invalid("debtor_ispb", "must be exactly 8 digits");
    filter.debtor_ispb = query.debtor_ispb;
    if (query.creditor_ispb && !IsIspb(*query.creditor_ispb))
        return Invalid("creditor_ispb", "must be exactly 8 digits");
    filter.creditor_ispb = query.creditor_ispb;
    DICTRA_ASSIGN_OR_RETURN(filter.min_amount_centavos,
                            ParseNonNegative(query.min_amount, "min_amount"));
    DICTRA_ASSIGN_OR_RETURN(filter.max_amount_centavos,
                            ParseNonNegative(query.max_amount, "max_amount"));
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> limit,
                            ParseNonNegative(query.limit, "limit"));
    if (limit && (*limit < 1 || *limit > kListLimitMax))
        return Invalid("limit", "must be between 1 and " + std::to_string(kListLimitMax));
    filter.limit = limit.value_or(kListLimitDefault);
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> offset,
                            ParseNonNegative(query.offset, "offset"));
    filter.offset = offset.value_or(0);
    filter.participant_ispb = principal.ispb;
    return store_.List(filter);
}

Result<PaymentRequest> SettlementService::Cancel(std::int64_t id,
                                                 const auth::Principal& principal) {
    return Transition(id, PaymentStatus::kCancelled, std::nullopt, principal);
}

Result<PaymentRequest> SettlementService::UpdateStatus(std::int64_t id,
                                                       const StatusUpdateCommand& command,
                                                       const auth::Principal& principal) {
    std::optional<PaymentStatus> to = PaymentStatusFromString(command.status);
    if (!to)
        return Invalid("status",
                       "must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED, "
                       "SCHEDULED");
    if (command.end_to_end_id) {
        if (*to != PaymentStatus::kCompleted)
            return Invalid("end_to_end_id", "may only be given with status COMPLETED");
        if (!IsReportedEndToEndId(*command.end_to_end_id))
            return Invalid("end_to_end_id",
                           "must be E + 8-digit ISPB + up to 23 letters or digits (32 at most)");
    }
    return Transition(id, *to, command.end_to_end_id, principal);
}

Result<PaymentRequest> SettlementService::Transition(
    std::int64_t id, PaymentStatus to, const std::optional<std::string>& end_to_end_id,
    const auth::Principal& principal) {
    const SystemTimePoint now = clock_.Now();
    return store_.ChangeStatus(
        id, principal.sub, [&](const PaymentRequest& current) -> Result<PaymentRequest> {
            if (!CanSee(principal, current)) return Error::NotFound("payment request not found");
            if (to == PaymentStatus::kCancelled &&
                !IsAllowedTransition(current.status, PaymentStatus::kCancelled))
                return InvalidTransition("cannot cancel payment in " +
                                         std::string(ToString(current.status)) + " status");
            if (!IsAllowedTransition(current.status, to))
                return InvalidTransition("cannot change payment from " +
                                         std::string(ToString(current.status)) + " to " +
                                         std::string(ToString(to)));
            if (to == PaymentStatus::kProcessing && current.scheduled_date &&
                *current.scheduled_date > now)
                return InvalidTransition("payment is scheduled for " +
                                         FormatRfc3339(*current.scheduled_date) +
                                         " and cannot be processed before then");
            PaymentRequest next = current;
            next.status = to;
            next.updated_at = now;
            if (to == PaymentStatus::kCompleted) {
                next.processed_at = now;
                if (end_to_end_id) {
                    next.end_to_end_id = *end_to_end_id;
                } else {
                    auto payer = Ispb::Parse(current.debtor.ispb);
                    if (!payer.ok()) return Error::Internal("stored debtor ISPB is malformed");
                    next.end_to_end_id = NewEndToEndId(*payer, now);
                }
            }
            return next;
        });
}

Result<CreditConfirmation> SettlementService::ConfirmCredit(std::int64_t id,
                                                            const ConfirmCreditCommand& command,
                                                            const auth::Principal& principal) {
    if (command.notes && Utf8Length(*command.notes) > kConfirmationNotesCharsMax)
        return Invalid("notes", "must be at most " + std::to_string(kConfirmationNotesCharsMax) +
                                    " characters");
    DICTRA_ASSIGN_OR_RETURN(PaymentRequest payment, Get(id, principal));
    // COMPLETED is final, so the status read here cannot change before the insert.
    if (payment.status != PaymentStatus::kCompleted)
        return InvalidTransition("cannot confirm credit for payment in " +
                                 std::string(ToString(payment.status)) + " status");
    if (command.amount_centavos != payment.amount_centavos)
        return Error::InvalidArgument("amount (confirmed_amount) must equal the payment amount " +
                                          std::to_string(payment.amount_centavos) + ", got " +
                                          std::to_string(command.amount_centavos),
                                      "amount");
    const SystemTimePoint now = clock_.Now();
    CreditConfirmation confirmation{.unique_id = NewUuidV7(now),
                                    .payment_request_id = payment.id,
                                    .confirmed_at = now,
                                    .confirmed_by = principal.sub,
                                    .confirmed_amount_centavos = command.amount_centavos,
                                    .notes = command.notes,
                                    .created_at = now,
                                    .updated_at = now};
    auto inserted = store_.InsertConfirmation(confirmation);
    if (!inserted.ok() && inserted.error().code == ErrorCode::kAlreadyExists)
        return Error::Conflict("credit already confirmed for this payment");
    return inserted;
}

Result<CreditConfirmation> SettlementService::GetCreditConfirmation(
    std::int64_t id, const auth::Principal& principal) {
    DICTRA_RETURN_IF_ERROR(Get(id, principal));
    DICTRA_ASSIGN_OR_RETURN(std::optional<CreditConfirmation> confirmation,
                            store_.GetConfirmation(id));
    if (!confirmation) return Error::NotFound("credit confirmation not found");
    return std::move(*confirmation);
}

Result<std::vector<StatusHistoryEntry>> SettlementService::History(
    std::int64_t id, const auth::Principal& principal) {
    DICTRA_RETURN_IF_ERROR(Get(id, principal));
    return store_.History(id);
}

}  // namespace dictra::settlement
