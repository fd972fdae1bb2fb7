#include "dict/claim_store.hpp"

#include <openssl/rand.h>

#include <string>

#include "core/check.hpp"
#include "core/ids.hpp"
#include "dict/store.hpp"

namespace dictra::dict {
namespace {

constexpr std::string_view kSelectClaim =
    "SELECT id, claim_id, claim_type, status, entry_id, key_type, key_value, donor_ispb, "
    "donor_tax_id, donor_branch, donor_account, claimer_ispb, claimer_owner_type, claimer_tax_id, "
    "claimer_name, claimer_branch, claimer_account, claimer_account_type, "
    "donor_notification_at_us, donor_deadline_us, claimer_deadline_us, confirm_reason, "
    "confirm_note, confirmed_at_us, cancelled_by, cancel_reason, cancelled_at_us, "
    "completed_at_us, auto_resolved, created_at_us, updated_at_us FROM dict_claims";

constexpr std::string_view kSelectNotification =
    "SELECT id, notification_id, participant_ispb, event_type, claim_id, claim_status, "
    "scheduled_at_us, created_at_us, acknowledged, acknowledged_at_us "
    "FROM dict_event_notifications";

// Attempts at a free claim id before giving up (10^10 ids: a second attempt is already rare).
constexpr int kClaimIdAttemptsMax = 8;
constexpr std::size_t kClaimIdDigits = 10;

std::int64_t Micros(SystemTimePoint at) {
    return at.time_since_epoch().count();
}
SystemTimePoint FromMicros(std::int64_t us) {
    return SystemTimePoint(std::chrono::microseconds(us));
}
db::Value OptionalText(const std::optional<std::string>& text) {
    return text ? db::Value(db::Text(*text)) : db::Value(db::Null{});
}
db::Value OptionalMicros(const std::optional<SystemTimePoint>& at) {
    return at ? db::Value(Micros(*at)) : db::Value(db::Null{});
}
template <typename Enum>
db::Value OptionalName(const std::optional<Enum>& value) {
    return value ? db::Value(db::Text(ToString(*value))) : db::Value(db::Null{});
}
std::optional<SystemTimePoint> ReadOptionalMicros(const db::Row& row, std::string_view column) {
    auto us = row.GetOptionalInt64(column);
    if (!us) return std::nullopt;
    return FromMicros(*us);
}

// "C" and 10 digits from the CSPRNG, like the document's "C1234567890".
std::string NewClaimId() {
    std::uint64_t random = 0;
    DICTRA_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(&random), sizeof random) == 1);
    std::string id(1 + kClaimIdDigits, '0');
    id[0] = 'C';
    for (std::size_t digit_idx = kClaimIdDigits; digit_idx >= 1; --digit_idx) {
        id[digit_idx] = static_cast<char>('0' + random % 10);
        random /= 10;
    }
    return id;
}

// The columns were written by this file; anything unreadable is a bug, hence the checks.
Claim ReadClaim(const db::Row& row) {
    Claim claim;
    claim.id = row.GetInt64("id");
    claim.claim_id = row.GetText("claim_id");
    auto type = ClaimTypeFromString(row.GetText("claim_type"));
    DICTRA_CHECK(type.has_value());
    claim.type = *type;
    auto status = ClaimStatusFromString(row.GetText("status"));
    DICTRA_CHECK(status.has_value());
    claim.status = *status;
    claim.entry_id = row.GetInt64("entry_id");
    auto key_type = KeyTypeFromString(row.GetText("key_type"));
    DICTRA_CHECK(key_type.has_value());
    claim.key_type = *key_type;
    claim.key = row.GetText("key_value");
    claim.donor_ispb = row.GetText("donor_ispb");
    claim.donor_tax_id = row.GetText("donor_tax_id");
    claim.donor_branch = row.GetText("donor_branch");
    claim.donor_account = row.GetText("donor_account");
    claim.claimer_ispb = row.GetText("claimer_ispb");
    auto owner_type = OwnerTypeFromLetter(row.GetText("claimer_owner_type"));
    DICTRA_CHECK(owner_type.has_value());
    claim.claimer_owner_type = *owner_type;
    claim.claimer_tax_id = row.GetText("claimer_tax_id");
    claim.claimer_name = row.GetText("claimer_name");
    claim.claimer_branch = row.GetText("claimer_branch");
    claim.claimer_account = row.GetText("claimer_account");
    auto account_type = AccountTypeFromString(row.GetText("claimer_account_type"));
    DICTRA_CHECK(account_type.has_value());
    claim.claimer_account_type = *account_type;
    claim.donor_notification_at = FromMicros(row.GetInt64("donor_notification_at_us"));
    claim.donor_deadline = FromMicros(row.GetInt64("donor_deadline_us"));
    claim.claimer_deadline = FromMicros(row.GetInt64("claimer_deadline_us"));
    if (auto reason = row.GetOptionalText("confirm_reason")) {
        claim.confirm_reason = ConfirmReasonFromString(*reason);
        DICTRA_CHECK(claim.confirm_reason.has_value());
    }
    claim.confirm_note = row.GetOptionalText("confirm_note");
    claim.confirmed_at = ReadOptionalMicros(row, "confirmed_at_us");
    if (auto by = row.GetOptionalText("cancelled_by")) {
        claim.cancelled_by = CancelledByFromString(*by);
        DICTRA_CHECK(claim.cancelled_by.has_value());
    }
    claim.cancel_reason = row.GetOptionalText("cancel_reason");
    claim.cancelled_at = ReadOptionalMicros(row, "cancelled_at_us");
    claim.completed_at = ReadOptionalMicros(row, "completed_at_us");
    claim.auto_resolved = row.GetInt64("auto_resolved") != 0;
    claim.created_at = FromMicros(row.GetInt64("created_at_us"));
    claim.updated_at = FromMicros(row.GetInt64("updated_at_us"));
    return claim;
}

EventNotification ReadNotification(const db::Row& row) {
    EventNotification notification;
    notification.id = row.GetInt64("id");
    notification.notification_id = row.GetText("notification_id");
    notification.participant_ispb = row.GetText("participant_ispb");
    auto type = ClaimEventTypeFromString(row.GetText("event_type"));
    DICTRA_CHECK(type.has_value());
    notification.event_type = *type;
    notification.claim_id = row.GetText("claim_id");
    auto status = ClaimStatusFromString(row.GetText("claim_status"));
    DICTRA_CHECK(status.has_value());
    notification.claim_status = *status;
    notification.scheduled_at = FromMicros(row.GetInt64("scheduled_at_us"));
    notification.created_at = FromMicros(row.GetInt64("created_at_us"));
    notification.acknowledged = row.GetInt64("acknowledged") != 0;
    notification.acknowledged_at = ReadOptionalMicros(row, "acknowledged_at_us");
    return notification;
}

Result<std::optional<Claim>> FindClaim(db::Connection& connection, std::string_view claim_id) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<db::Row> row,
                            connection.QueryFirst(std::string(kSelectClaim) + " WHERE claim_id = ?",
                                                  {db::Text(claim_id)}));
    if (!row) return std::optional<Claim>();
    return std::optional<Claim>(ReadClaim(*row));
}

Result<std::int64_t> ActiveKeysOfAccount(db::Transaction& tx, std::string_view participant,
                                         std::string_view branch, std::string_view account,
                                         AccountType account_type) {
    DICTRA_ASSIGN_OR_RETURN(
        std::optional<db::Row> count,
        tx.QueryFirst("SELECT COUNT(*) AS key_count FROM dict_entries WHERE participant_ispb = ? "
                      "AND branch = ? AND account_number = ? AND account_type = ? "
                      "AND status = 'ACTIVE'",
                      {db::Text(participant), db::Text(branch), db::Text(account),
                       db::Text(ToString(account_type))}));
    DICTRA_CHECK(count.has_value());
    return count->GetInt64("key_count");
}

Status CheckClaimerKeyLimit(db::Transaction& tx, const Claim& claim, std::int64_t keys_max) {
    DICTRA_ASSIGN_OR_RETURN(std::int64_t keys,
                            ActiveKeysOfAccount(tx, claim.claimer_ispb, claim.claimer_branch,
                                                claim.claimer_account, claim.claimer_account_type));
    if (keys < keys_max) return Ok();
    return Error::FailedPrecondition("the claimer's account already holds " +
                                     std::to_string(keys_max) +
                                     " keys, the most allowed for owner type " +
                                     std::string(ToLetter(claim.claimer_owner_type)))
        .WithReason("KEY_LIMIT_EXCEEDED");
}

// One notification per participant; a second one for the same (participant, claim, event) is
// dropped, which is what makes retried jobs and actions notify once.
Status Notify(db::Transaction& tx, const std::vector<std::string>& participants,
              ClaimEventType event, const Claim& claim, SystemTimePoint scheduled_at,
              SystemTimePoint now) {
    for (const std::string& participant : participants) {
        DICTRA_RETURN_IF_ERROR(tx.Execute(
            "INSERT INTO dict_event_notifications (notification_id, participant_ispb, event_type, "
            "claim_id, claim_status, scheduled_at_us, created_at_us, acknowledged) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
            "ON CONFLICT (participant_ispb, claim_id, event_type) DO NOTHING",
            {db::Text(NewUuidV4()), db::Text(participant), db::Text(ToString(event)),
             db::Text(claim.claim_id), db::Text(ToString(claim.status)), Micros(scheduled_at),
             Micros(now)}));
    }
    return Ok();
}

Status WriteClaimState(db::Transaction& tx, const Claim& claim) {
    DICTRA_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Execute(
            "UPDATE dict_claims SET status = ?, confirm_reason = ?, confirm_note = ?, "
            "confirmed_at_us = ?, cancelled_by = ?, cancel_reason = ?, cancelled_at_us = ?, "
            "completed_at_us = ?, auto_resolved = ?, updated_at_us = ? WHERE id = ?",
            {db::Text(ToString(claim.status)), OptionalName(claim.confirm_reason),
             OptionalText(claim.confirm_note), OptionalMicros(claim.confirmed_at),
             OptionalName(claim.cancelled_by), OptionalText(claim.cancel_reason),
             OptionalMicros(claim.cancelled_at), OptionalMicros(claim.completed_at),
             std::int64_t{claim.auto_resolved ? 1 : 0}, Micros(claim.updated_at), claim.id}));
    DICTRA_CHECK(changed == 1);
    return Ok();
}

Error ClaimExists() {
    return Error::AlreadyExists("Active claim already exists for this key")
        .WithReason("CLAIM_EXISTS");
}

}  // namespace

Result<Claim> ClaimStore::Insert(const Claim& claim, std::int64_t claimer_keys_max) {
    return database_.Write([&](db::Transaction& tx) -> Result<Claim> {
        DICTRA_ASSIGN_OR_RETURN(std::optional<Entry> entry,
                                DictStore::FindActiveById(tx, claim.entry_id));
        if (!entry || entry->key != claim.key || entry->participant_ispb != claim.donor_ispb)
            return Error::Conflict("the key changed while the claim was being created; retry");
        DICTRA_ASSIGN_OR_RETURN(
            std::optional<db::Row> open,
            tx.QueryFirst("SELECT id FROM dict_claims WHERE key_value = ? AND status IN ('OPEN', "
                          "'CONFIRMED')",
                          {db::Text(claim.key)}));
        if (open) return ClaimExists();
        DICTRA_RETURN_IF_ERROR(CheckClaimerKeyLimit(tx, claim, claimer_keys_max));

        Claim stored = claim;
        for (int attempt = 0;; ++attempt) {
            if (attempt == kClaimIdAttemptsMax)
                return Error::Unavailable("no free claim id; retry");
            stored.claim_id = NewClaimId();
            DICTRA_ASSIGN_OR_RETURN(std::optional<db::Row> taken,
                                    tx.QueryFirst("SELECT id FROM dict_claims WHERE claim_id = ?",
                                                  {db::Text(stored.claim_id)}));
            if (!taken) break;
        }
        auto rows = tx.Query(
            "INSERT INTO dict_claims (claim_id, claim_type, status, entry_id, key_type, key_value, "
            "donor_ispb, donor_tax_id, donor_branch, donor_account, claimer_ispb, "
            "claimer_owner_type, claimer_tax_id, claimer_name, claimer_branch, claimer_account, "
            "claimer_account_type, donor_notification_at_us, donor_deadline_us, "
            "claimer_deadline_us, auto_resolved, created_at_us, updated_at_us) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
            {db::Text(stored.claim_id),
             db::Text(ToString(stored.type)),
             db::Text(ToString(ClaimStatus::kOpen)),
             stored.entry_id,
             db::Text(ToString(stored.key_type)),
             db::Text(stored.key),
             db::Text(stored.donor_ispb),
             db::Text(stored.donor_tax_id),
             db::Text(stored.donor_branch),
             db::Text(stored.donor_account),
             db::Text(stored.claimer_ispb),
             db::Text(ToLetter(stored.claimer_owner_type)),
             db::Text(stored.claimer_tax_id),
             db::Text(stored.claimer_name),
             db::Text(stored.claimer_branch),
             db::Text(stored.claimer_account),
             db::Text(ToString(stored.claimer_account_type)),
             Micros(stored.donor_notification_at),
             Micros(stored.donor_deadline),
             Micros(stored.claimer_deadline),
             Micros(stored.created_at),
             Micros(stored.updated_at)});
        // The open-claim index is the last word should the check above ever be bypassed.
        if (!rows.ok() && rows.error().code == ErrorCode::kAlreadyExists) return ClaimExists();
        if (!rows.ok()) return std::move(rows).error();
        DICTRA_CHECK(rows->size() == 1);
        stored.id = rows->front().GetInt64(std::size_t{0});
        stored.status = ClaimStatus::kOpen;
        stored.auto_resolved = false;

        const struct {
            std::string_view kind;
            SystemTimePoint at;
        } deadlines[] = {{kClaimDonorNotificationJob, stored.donor_notification_at},
                         {kClaimDonorDeadlineJob, stored.donor_deadline},
                         {kClaimClaimerDeadlineJob, stored.claimer_deadline}};
        for (const auto& deadline : deadlines) {
            DICTRA_RETURN_IF_ERROR(scheduler_.Schedule(tx, deadline.kind, stored.claim_id,
                                                       deadline.at, stored.claim_id));
        }
        DICTRA_RETURN_IF_ERROR(Notify(tx, {stored.donor_ispb, stored.claimer_ispb},
                                      ClaimEventType::kClaimCreated, stored, stored.created_at,
                                      stored.created_at));
        return stored;
    });
}

Result<Claim> ClaimStore::Change(std::string_view claim_id, const ClaimDecision& decide) {
    return database_.Write([&](db::Transaction& tx) -> Result<Claim> {
        DICTRA_ASSIGN_OR_RETURN(std::optional<Claim> current, FindClaim(tx, claim_id));
        if (!current) return Error::NotFound("claim not found");
        DICTRA_ASSIGN_OR_RETURN(std::optional<Entry> entry,
                                DictStore::FindActiveById(tx, current->entry_id));
        DICTRA_ASSIGN_OR_RETURN(ClaimChange change, decide(*current, entry));
        const Claim& after = change.updated ? *change.updated : *current;
        if (change.moved_entry) {
            DICTRA_CHECK(change.updated.has_value());
            DICTRA_RETURN_IF_ERROR(CheckClaimerKeyLimit(tx, after, change.claimer_keys_max));
            DICTRA_RETURN_IF_ERROR(DictStore::Update(tx, *change.moved_entry));
        }
        if (change.updated) {
            DICTRA_CHECK(change.updated->id == current->id);
            DICTRA_RETURN_IF_ERROR(WriteClaimState(tx, after));
        }
        if (change.event) {
            DICTRA_RETURN_IF_ERROR(Notify(tx, change.notify, *change.event, after,
                                          change.event_scheduled_at, after.updated_at));
        }
        return after;
    });
}

Result<std::optional<Claim>> ClaimStore::Find(std::string_view claim_id) {
    return database_.Read(
        [&](db::Connection& connection) { return FindClaim(connection, claim_id); });
}

Result<std::vector<Claim>> ClaimStore::ListForKey(std::string_view key, KeyType key_type,
                                                  std::string_view participant) {
    return database_.Read([&](db::Connection& connection) -> Result<std::vector<Claim>> {
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<db::Row> rows,
            connection.Query(std::string(kSelectClaim) +
                                 " WHERE key_value = ? AND key_type = ? AND (donor_ispb = ? OR "
                                 "claimer_ispb = ?) ORDER BY id DESC LIMIT ?",
                             {db::Text(key), db::Text(ToString(key_type)), db::Text(participant),
                              db::Text(participant), kClaimsPerKeyListedMax}));
        std::vector<Claim> claims;
        for (const db::Row& row : rows) claims.push_back(ReadClaim(row));
        return claims;
    });
}

Result<ClaimPage> ClaimStore::List(std::string_view participant, const ClaimFilter& filter) {
    std::string where;
    std::vector<db::Value> params;
    if (!filter.role) {
        where = " WHERE (donor_ispb = ? OR claimer_ispb = ?)";
        params = {db::Text(participant), db::Text(participant)};
    } else {
        where =
            *filter.role == ClaimRole::kDonor ? " WHERE donor_ispb = ?" : " WHERE claimer_ispb = ?";
        params = {db::Text(participant)};
    }
    if (filter.status) {
        where += " AND status = ?";
        params.push_back(db::Text(ToString(*filter.status)));
    }
    return database_.Read([&](db::Connection& connection) -> Result<ClaimPage> {
        ClaimPage page;
        page.page = filter.page;
        page.page_size = filter.page_size;
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<db::Row> count,
            connection.Query("SELECT COUNT(*) AS claim_count FROM dict_claims" + where, params));
        DICTRA_CHECK(count.size() == 1);
        page.total_count = count.front().GetInt64("claim_count");
        std::vector<db::Value> page_params = params;
        page_params.emplace_back(filter.page_size);
        page_params.emplace_back((filter.page - 1) * filter.page_size);
        DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                                connection.Query(std::string(kSelectClaim) + where +
                                                     " ORDER BY id DESC LIMIT ? OFFSET ?",
                                                 page_params));
        for (const db::Row& row : rows) page.claims.push_back(ReadClaim(row));
        return page;
    });
}

Result<std::vector<EventNotification>> ClaimStore::ListNotifications(
    std::string_view participant, const NotificationFilter& filter) {
    std::string where = " WHERE participant_ispb = ?";
    std::vector<db::Value> params = {db::Text(participant)};
    if (filter.acknowledged) {
        where += " AND acknowledged = ?";
        params.emplace_back(std::int64_t{*filter.acknowledged ? 1 : 0});
    }
    params.emplace_back(filter.limit);
    params.emplace_back(filter.offset);
    return database_.Read(
        [&](db::Connection& connection) -> Result<std::vector<EventNotification>> {
            DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                                    connection.Query(std::string(kSelectNotification) + where +
                                                         " ORDER BY id LIMIT ? OFFSET ?",
                                                     params));
            std::vector<EventNotification> notifications;
            for (const db::Row& row : rows) notifications.push_back(ReadNotification(row));
            return notifications;
        });
}

Result<std::int64_t> ClaimStore::Acknowledge(std::string_view participant,
                                             const std::vector<std::string>& notification_ids,
                                             SystemTimePoint at) {
    if (notification_ids.empty()) return std::int64_t{0};
    std::string in_list;
    std::vector<db::Value> params = {Micros(at), db::Text(participant)};
    for (const std::string& id : notification_ids) {
        in_list += in_list.empty() ? "?" : ", ?";
        params.push_back(db::Text(id));
    }
    return database_.Write([&](db::Transaction& tx) -> Result<std::int64_t> {
        return tx.Execute(
            "UPDATE dict_event_notifications SET acknowledged = 1, acknowledged_at_us = ? "
            "WHERE participant_ispb = ? AND acknowledged = 0 AND notification_id IN (" +
                in_list + ")",
            params);
    });
}

}  // namespace dictra::dict
