#include "dict/claim_service.hpp"

#include <charconv>

#include "dict/service.hpp"

namespace dictra::dict {
namespace {

// Characters, not bytes: names are UTF-8 ("João").
std::size_t Utf8Chars(std::string_view text) {
    std::size_t chars = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
    return chars;
}

bool AllDigits(std::string_view text) {
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

Error Invalid(std::string field, std::string rule) {
    return Error::InvalidArgument(field + " " + rule, field);
}

Error ClaimNotFound() {
    return Error::NotFound("claim not found");
}

Error InvalidKeyType() {
    return Error::InvalidArgument("Invalid keyType: must be CPF, CNPJ, PHONE, EMAIL or EVP",
                                  "keyType")
        .WithReason("INVALID_KEY_TYPE");
}

// A decimal in [min, max] written with digits only; nullopt otherwise.
std::optional<std::int64_t> ParseBounded(std::string_view text, std::int64_t min,
                                         std::int64_t max) {
    if (text.empty() || text.size() > 18 || !AllDigits(text)) return std::nullopt;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

// The claimer's person and account, checked like an entry's owner and account (docs/dict.md).
Status CheckClaimer(const CreateClaimCommand& command, Claim& claim) {
    auto owner_type = OwnerTypeFromString(command.claimer_owner_type);
    if (!owner_type) return Invalid("claimerOwnerType", "must be NATURAL_PERSON or LEGAL_PERSON");
    claim.claimer_owner_type = *owner_type;
    if (claim.claimer_owner_type == OwnerType::kNaturalPerson) {
        if (!IsValidCpf(command.claimer_tax_id))
            return Invalid("claimerTaxId", "must be a valid CPF for NATURAL_PERSON (11 digits)");
        claim.claimer_tax_id = command.claimer_tax_id;
    } else {
        claim.claimer_tax_id = NormalizeCnpj(command.claimer_tax_id);
        if (!IsValidCnpj(claim.claimer_tax_id))
            return Invalid("claimerTaxId", "must be a valid CNPJ for LEGAL_PERSON (14 characters)");
    }
    const std::size_t name_chars = Utf8Chars(command.claimer_name);
    if (name_chars == 0 || name_chars > kOwnerNameCharsMax)
        return Invalid("claimerName", "must have 1 to 120 characters");
    claim.claimer_name = command.claimer_name;
    if (command.claimer_branch.size() != kBranchLength || !AllDigits(command.claimer_branch))
        return Invalid("claimerBranch", "must be exactly 4 digits");
    claim.claimer_branch = command.claimer_branch;
    if (command.claimer_account.empty() ||
        command.claimer_account.size() > kAccountNumberCharsMax ||
        !AllDigits(command.claimer_account))
        return Invalid("claimerAccount", "must be 1 to 20 digits");
    claim.claimer_account = command.claimer_account;
    auto account_type = AccountTypeFromString(command.claimer_account_type);
    if (!account_type) return Invalid("claimerAccountType", "must be CACC, SLRY, SVGS or TRAN");
    claim.claimer_account_type = *account_type;
    return Ok();
}

enum class Party { kDonor, kClaimer };

std::optional<Party> PartyOf(const Claim& claim, const Ispb& participant) {
    if (claim.donor_ispb == participant.str()) return Party::kDonor;
    if (claim.claimer_ispb == participant.str()) return Party::kClaimer;
    return std::nullopt;
}

// The path's key names the claim's key (a CNPJ in either letter case).
bool SameKey(const Claim& claim, std::string_view key) {
    if (claim.key == key) return true;
    return claim.key_type == KeyType::kCnpj && NormalizeCnpj(key) == claim.key;
}

Error WrongStatus(const Claim& claim, std::string_view needed) {
    return Error::FailedPrecondition("claim " + claim.claim_id + " is " +
                                     std::string(ToString(claim.status)) + "; " +
                                     std::string(needed));
}

// The entry the claimer receives: its person and account; a portability keeps the owner's trade
// name (same owner), an ownership claim drops it (the claim carries none).
Entry ClaimerTarget(const Claim& claim, const Entry& entry) {
    Entry target;
    target.owner_type = claim.claimer_owner_type;
    target.owner_tax_id = claim.claimer_tax_id;
    target.owner_name = claim.claimer_name;
    if (claim.type == ClaimType::kPortability) target.trade_name = entry.trade_name;
    target.participant_ispb = claim.claimer_ispb;
    target.branch = claim.claimer_branch;
    target.account_number = claim.claimer_account;
    target.account_type = claim.claimer_account_type;
    return target;
}

Result<ClaimChange> Decide(ClaimAction action, const Claim& current,
                           const std::optional<Entry>& entry, Party party,
                           const std::optional<std::string>& reason, SystemTimePoint now) {
    ClaimChange change;
    Claim updated = current;
    updated.updated_at = now;
    switch (action) {
        case ClaimAction::kConfirm:
            if (party != Party::kDonor)
                return Error::PermissionDenied("only the donor can confirm a claim");
            if (current.status == ClaimStatus::kConfirmed) return change;  // a retry
            if (current.status != ClaimStatus::kOpen)
                return WrongStatus(current, "only an OPEN claim can be confirmed");
            updated.status = ClaimStatus::kConfirmed;
            updated.confirm_reason = ConfirmReason::kDonorConfirmed;
            updated.confirm_note = reason;
            updated.confirmed_at = now;
            change.event = ClaimEventType::kClaimConfirmed;
            break;
        case ClaimAction::kCancel:
            if (current.status == ClaimStatus::kCancelled) return change;  // a retry
            if (!IsOpen(current.status))
                return WrongStatus(current, "only an OPEN or CONFIRMED claim can be cancelled");
            updated.status = ClaimStatus::kCancelled;
            updated.cancelled_by =
                party == Party::kDonor ? CancelledBy::kDonor : CancelledBy::kClaimer;
            updated.cancel_reason = reason;
            updated.cancelled_at = now;
            change.event = ClaimEventType::kClaimCancelled;
            break;
        case ClaimAction::kComplete:
            if (party != Party::kClaimer)
                return Error::PermissionDenied("only the claimer can complete a claim");
            if (current.status == ClaimStatus::kCompleted) return change;  // a retry
            if (current.status != ClaimStatus::kConfirmed)
                return WrongStatus(current, "only a CONFIRMED claim can be completed");
            if (!entry || entry->key != current.key ||
                entry->participant_ispb != current.donor_ispb)
                return Error::FailedPrecondition(
                    "the key is no longer registered at the donor; "
                    "the claim cannot be completed");
            change.moved_entry = ReassignedEntry(*entry, ClaimerTarget(current, *entry), now);
            change.claimer_keys_max = KeysPerAccountMax(current.claimer_owner_type);
            updated.status = ClaimStatus::kCompleted;
            updated.completed_at = now;
            change.event = ClaimEventType::kClaimCompleted;
            break;
    }
    change.updated = std::move(updated);
    change.notify = {current.donor_ispb, current.claimer_ispb};
    change.event_scheduled_at = now;
    return change;
}

}  // namespace

Result<Claim> ClaimService::Create(const CreateClaimCommand& command, const Ispb& claimer) {
    Claim claim;
    auto key_type = KeyTypeFromString(command.key_type);
    if (!key_type) return InvalidKeyType();
    if (*key_type == KeyType::kEvp) {
        return Error::InvalidArgument("EVP keys cannot be claimed", "keyType")
            .WithReason("INVALID_KEY_TYPE");
    }
    claim.key_type = *key_type;
    DICTRA_RETURN_IF_ERROR(CheckClaimer(command, claim));
    // A key that breaks its type's format cannot be registered: answered as absent.
    auto key = NormalizeKey(claim.key_type, command.key);
    if (!key.ok()) return Error::NotFound("key not found");
    DICTRA_ASSIGN_OR_RETURN(std::optional<Entry> entry, entries_.FindActiveByKey(*key));
    if (!entry || entry->key_type != claim.key_type) return Error::NotFound("key not found");
    if (entry->participant_ispb == claimer.str()) {
        return Error::InvalidArgument(
            "key: the key is already registered at the claiming participant; update it there "
            "instead of claiming it",
            "key");
    }
    claim.type = claim.claimer_tax_id == entry->owner_tax_id ? ClaimType::kPortability
                                                             : ClaimType::kOwnership;
    if (claim.type == ClaimType::kOwnership &&
        (claim.key_type == KeyType::kCpf || claim.key_type == KeyType::kCnpj)) {
        return Error::InvalidArgument("claimerTaxId: a " + std::string(ToString(claim.key_type)) +
                                          " key can only be claimed by its owner (portability)",
                                      "claimerTaxId")
            .WithReason("INVALID_OWNERSHIP");
    }
    claim.entry_id = entry->id;
    claim.key = entry->key;
    claim.donor_ispb = entry->participant_ispb;
    claim.donor_tax_id = entry->owner_tax_id;
    claim.donor_branch = entry->branch;
    claim.donor_account = entry->account_number;
    claim.claimer_ispb = claimer.str();
    claim.status = ClaimStatus::kOpen;
    const SystemTimePoint now = clock_.Now();
    claim.created_at = now;
    claim.updated_at = now;
    claim.donor_notification_at = now + kDonorNotificationAfter;
    claim.donor_deadline = now + kDonorDeadlineAfter;
    claim.claimer_deadline = now + kClaimerDeadlineAfter;
    return claims_.Insert(claim, KeysPerAccountMax(claim.claimer_owner_type));
}

Result<Claim> ClaimService::Update(const UpdateClaimCommand& command, const Ispb& participant) {
    std::optional<ClaimAction> action;
    if (command.action) action = ClaimActionFromString(*command.action);
    if (!action) return Error::InvalidArgument(std::string(kInvalidActionMessage), "action");
    if (command.reason && Utf8Chars(*command.reason) > kClaimReasonCharsMax)
        return Invalid("reason", "must have at most 200 characters");
    std::optional<std::string> reason;
    if (command.reason && !command.reason->empty()) reason = command.reason;
    const SystemTimePoint now = clock_.Now();
    Result<Claim> changed = claims_.Change(
        command.claim_id,
        [&](const Claim& current, const std::optional<Entry>& entry) -> Result<ClaimChange> {
            auto party = PartyOf(current, participant);
            if (!party || !SameKey(current, command.key)) return ClaimNotFound();
            return Decide(*action, current, entry, *party, reason, now);
        });
    if (changed.ok() && changed->status == ClaimStatus::kCompleted && key_change_listener_) {
        key_change_listener_(changed->key);
    }
    return changed;
}

Result<Claim> ClaimService::Get(std::string_view claim_id, const Ispb& participant) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<Claim> claim, claims_.Find(claim_id));
    if (!claim || !PartyOf(*claim, participant)) return ClaimNotFound();
    return std::move(*claim);
}

Result<std::vector<Claim>> ClaimService::ListForKey(std::string_view key,
                                                    std::optional<std::string_view> key_type,
                                                    const Ispb& participant) {
    if (!key_type) {
        return Error::InvalidArgument("keyType query parameter is required", "keyType")
            .WithReason("INVALID_KEY_TYPE");
    }
    auto type = KeyTypeFromString(*key_type);
    if (!type) return InvalidKeyType();
    auto normalized = NormalizeKey(*type, key);
    if (!normalized.ok()) return std::vector<Claim>();
    return claims_.ListForKey(*normalized, *type, participant.str());
}

Result<ClaimPage> ClaimService::List(const ListClaimsQuery& query, const Ispb& participant) {
    ClaimFilter filter;
    if (query.role) {
        filter.role = ClaimRoleFromString(*query.role);
        if (!filter.role) return Invalid("role", "must be as_donor or as_claimer");
    }
    if (query.status) {
        filter.status = ClaimStatusFromString(*query.status);
        if (!filter.status)
            return Invalid("status", "must be OPEN, CONFIRMED, CANCELLED or COMPLETED");
    }
    if (query.page) {
        auto page = ParseBounded(*query.page, 1, kClaimsPageMax);
        if (!page) return Invalid("page", "must be an integer from 1 to 100000");
        filter.page = *page;
    }
    if (query.page_size) {
        auto page_size = ParseBounded(*query.page_size, 1, kClaimsPageSizeMax);
        if (!page_size) return Invalid("pageSize", "must be an integer from 1 to 100");
        filter.page_size = *page_size;
    }
    return claims_.List(participant.str(), filter);
}

Result<std::vector<EventNotification>> ClaimService::ListNotifications(
    const ListNotificationsQuery& query, const Ispb& participant) {
    NotificationFilter filter;
    if (query.acknowledged) {
        if (*query.acknowledged == "true") {
            filter.acknowledged = true;
        } else if (*query.acknowledged == "false") {
            filter.acknowledged = false;
        } else {
            return Invalid("acknowledged", "must be true or false");
        }
    }
    if (query.limit) {
        auto limit = ParseBounded(*query.limit, 1, kNotificationsLimitMax);
        if (!limit) return Invalid("limit", "must be an integer from 1 to 200");
        filter.limit = *limit;
    }
    if (query.offset) {
        auto offset = ParseBounded(*query.offset, 0, kNotificationsOffsetMax);
        if (!offset) return Invalid("offset", "must be an integer from 0 to 1000000");
        filter.offset = *offset;
    }
    return claims_.ListNotifications(participant.str(), filter);
}

Result<std::int64_t> ClaimService::Acknowledge(const std::vector<std::string>& notification_ids,
                                               const Ispb& participant) {
    if (notification_ids.size() > kAcknowledgeIdsMax)
        return Invalid("notification_ids", "must hold at most 200 ids");
    return claims_.Acknowledge(participant.str(), notification_ids, clock_.Now());
}

namespace {

// A deadline job: `decide` sees the claim as stored; a claim that is gone is nothing to do.
Status RunDeadline(ClaimStore& claims, std::string_view claim_id, const ClaimDecision& decide) {
    auto changed = claims.Change(claim_id, decide);
    if (!changed.ok() && changed.error().code == ErrorCode::kNotFound) return Ok();
    if (!changed.ok()) return std::move(changed).error();
    return Ok();
}

Error NotYetDue(const Claim& claim, SystemTimePoint due) {
    return Error::Unavailable("deadline of claim " + claim.claim_id + " is not due until " +
                              std::to_string(due.time_since_epoch().count()) + " us");
}

}  // namespace

Status ClaimService::RunDonorNotification(std::string_view claim_id) {
    const SystemTimePoint now = clock_.Now();
    return RunDeadline(
        claims_, claim_id,
        [now](const Claim& current, const std::optional<Entry>&) -> Result<ClaimChange> {
            if (now < current.donor_notification_at)
                return NotYetDue(current, current.donor_notification_at);
            ClaimChange change;
            if (current.status != ClaimStatus::kOpen) return change;
            change.event = ClaimEventType::kClaimDonorNotification;
            change.notify = {current.donor_ispb};
            change.event_scheduled_at = current.donor_notification_at;
            return change;
        });
}

Status ClaimService::RunDonorDeadline(std::string_view claim_id) {
    const SystemTimePoint now = clock_.Now();
    return RunDeadline(
        claims_, claim_id,
        [now](const Claim& current, const std::optional<Entry>&) -> Result<ClaimChange> {
            if (now < current.donor_deadline) return NotYetDue(current, current.donor_deadline);
            ClaimChange change;
            if (current.status != ClaimStatus::kOpen) return change;
            Claim updated = current;
            updated.status = ClaimStatus::kConfirmed;
            updated.confirm_reason = ConfirmReason::kDonorTimeout;
            updated.confirmed_at = now;
            updated.auto_resolved = true;
            updated.updated_at = now;
            change.updated = std::move(updated);
            change.event = ClaimEventType::kClaimDonorDeadline;
            change.notify = {current.donor_ispb, current.claimer_ispb};
            change.event_scheduled_at = current.donor_deadline;
            return change;
        });
}

Status ClaimService::RunClaimerDeadline(std::string_view claim_id) {
    const SystemTimePoint now = clock_.Now();
    return RunDeadline(
        claims_, claim_id,
        [now](const Claim& current, const std::optional<Entry>&) -> Result<ClaimChange> {
            if (now < current.claimer_deadline) return NotYetDue(current, current.claimer_deadline);
            ClaimChange change;
            if (!IsOpen(current.status)) return change;
            Claim updated = current;
            updated.status = ClaimStatus::kCancelled;
            updated.cancelled_by = CancelledBy::kSystem;
            updated.cancelled_at = now;
            updated.auto_resolved = true;
            updated.updated_at = now;
            change.updated = std::move(updated);
            change.event = ClaimEventType::kClaimClaimerDeadline;
            change.notify = {current.donor_ispb, current.claimer_ispb};
            change.event_scheduled_at = current.claimer_deadline;
            return change;
        });
}

void ClaimService::RegisterJobHandlers(jobs::Scheduler& scheduler) {
    scheduler.RegisterHandler(
        std::string(kClaimDonorNotificationJob),
        [this](const jobs::Job& job) { return RunDonorNotification(job.payload); });
    scheduler.RegisterHandler(std::string(kClaimDonorDeadlineJob), [this](const jobs::Job& job) {
        return RunDonorDeadline(job.payload);
    });
    scheduler.RegisterHandler(std::string(kClaimClaimerDeadlineJob), [this](const jobs::Job& job) {
        return RunClaimerDeadline(job.payload);
    });
}

}  // namespace dictra::dict
