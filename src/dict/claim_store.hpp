// The tables of claims and event notifications (dict migration 3) and the writes that keep a
// claim, its deadline jobs, its notifications and the claimed entry consistent.
//
// dict_claims: one row per claim. A partial UNIQUE index (key_value WHERE status is OPEN or
// CONFIRMED) makes "one open claim per key" hold even if a check were bypassed.
// dict_event_notifications: one row per (participant, claim, event type), UNIQUE, so a deadline
// job that runs twice, or a retried action, notifies once.
// Deadlines are jobs of the kernel scheduler (dictra_jobs), scheduled in the claim's own insert
// so that a claim never exists without them: kinds kClaimDonorNotificationJob (D+7),
// kClaimDonorDeadlineJob (D+14), kClaimClaimerDeadlineJob (D+30), unique key and payload the
// claim id.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "core/jobs/scheduler.hpp"
#include "dict/claim_model.hpp"
#include "dict/model.hpp"

namespace dictra::dict {

inline constexpr std::string_view kClaimDonorNotificationJob = "dict.claim.donor_notification";
inline constexpr std::string_view kClaimDonorDeadlineJob = "dict.claim.donor_deadline";
inline constexpr std::string_view kClaimClaimerDeadlineJob = "dict.claim.claimer_deadline";

// Times are BIGINT microseconds since the epoch; booleans BIGINT 0/1.
#define DICTRA_DICT_CLAIM_COLUMNS                                           \
    "  claim_id TEXT NOT NULL UNIQUE,\n"                                    \
    "  claim_type TEXT NOT NULL,\n"                                         \
    "  status TEXT NOT NULL,\n"                                             \
    "  entry_id BIGINT NOT NULL REFERENCES dict_entries (id),\n"            \
    "  key_type TEXT NOT NULL,\n"                                           \
    "  key_value TEXT NOT NULL,\n"                                          \
    "  donor_ispb TEXT NOT NULL,\n"                                         \
    "  donor_tax_id TEXT NOT NULL,\n"                                       \
    "  donor_branch TEXT NOT NULL,\n"                                       \
    "  donor_account TEXT NOT NULL,\n"                                      \
    "  claimer_ispb TEXT NOT NULL,\n"                                       \
    "  claimer_owner_type TEXT NOT NULL,\n"                                 \
    "  claimer_tax_id TEXT NOT NULL,\n"                                     \
    "  claimer_name TEXT NOT NULL,\n"                                       \
    "  claimer_branch TEXT NOT NULL,\n"                                     \
    "  claimer_account TEXT NOT NULL,\n"                                    \
    "  claimer_account_type TEXT NOT NULL,\n"                               \
    "  donor_notification_at_us BIGINT NOT NULL,\n"                         \
    "  donor_deadline_us BIGINT NOT NULL,\n"                                \
    "  claimer_deadline_us BIGINT NOT NULL,\n"                              \
    "  confirm_reason TEXT,\n"                                              \
    "  confirm_note TEXT,\n"                                                \
    "  confirmed_at_us BIGINT,\n"                                           \
    "  cancelled_by TEXT,\n"                                                \
    "  cancel_reason TEXT,\n"                                               \
    "  cancelled_at_us BIGINT,\n"                                           \
    "  completed_at_us BIGINT,\n"                                           \
    "  auto_resolved BIGINT NOT NULL,\n"                                    \
    "  created_at_us BIGINT NOT NULL,\n"                                    \
    "  updated_at_us BIGINT NOT NULL\n"                                     \
    ");\n"                                                                  \
    "CREATE UNIQUE INDEX dict_claims_open_key ON dict_claims (key_value) "  \
    "WHERE status IN ('OPEN', 'CONFIRMED');\n"                              \
    "CREATE INDEX dict_claims_key ON dict_claims (key_value, id);\n"        \
    "CREATE INDEX dict_claims_donor ON dict_claims (donor_ispb, id);\n"     \
    "CREATE INDEX dict_claims_claimer ON dict_claims (claimer_ispb, id);\n" \
    "CREATE TABLE dict_event_notifications (\n"

#define DICTRA_DICT_NOTIFICATION_COLUMNS                                             \
    "  notification_id TEXT NOT NULL UNIQUE,\n"                                      \
    "  participant_ispb TEXT NOT NULL,\n"                                            \
    "  event_type TEXT NOT NULL,\n"                                                  \
    "  claim_id TEXT NOT NULL,\n"                                                    \
    "  claim_status TEXT NOT NULL,\n"                                                \
    "  scheduled_at_us BIGINT NOT NULL,\n"                                           \
    "  created_at_us BIGINT NOT NULL,\n"                                             \
    "  acknowledged BIGINT NOT NULL,\n"                                              \
    "  acknowledged_at_us BIGINT,\n"                                                 \
    "  UNIQUE (participant_ispb, claim_id, event_type)\n"                            \
    ");\n"                                                                           \
    "CREATE INDEX dict_event_notifications_participant ON dict_event_notifications " \
    "(participant_ispb, acknowledged, id);\n"

inline constexpr std::string_view kClaimsSqlite =
    "CREATE TABLE dict_claims (\n"
    "  id INTEGER PRIMARY KEY,\n" DICTRA_DICT_CLAIM_COLUMNS
    "  id INTEGER PRIMARY KEY,\n" DICTRA_DICT_NOTIFICATION_COLUMNS;

inline constexpr std::string_view kClaimsPostgres =
    "CREATE TABLE dict_claims (\n"
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" DICTRA_DICT_CLAIM_COLUMNS
    "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n" DICTRA_DICT_NOTIFICATION_COLUMNS;

#undef DICTRA_DICT_CLAIM_COLUMNS
#undef DICTRA_DICT_NOTIFICATION_COLUMNS

// What a rule decided about one claim; ClaimStore::Change applies it in one write.
struct ClaimChange {
    // The claim's new state; nullopt leaves the row as it is (an idempotent retry, a reminder).
    std::optional<Claim> updated;
    // COMPLETE: the claimed entry at the claimer's account with its new CID (written with an
    // ENTRY_UPDATED CID event), refused with KEY_LIMIT_EXCEEDED when the claimer's account
    // already holds `claimer_keys_max` active keys.
    std::optional<Entry> moved_entry;
    std::int64_t claimer_keys_max = 0;
    // Told to each participant of `notify` (once per participant, claim and event type).
    std::optional<ClaimEventType> event;
    std::vector<std::string> notify;
    SystemTimePoint event_scheduled_at;
};

// Runs inside the write with the claim as stored and its entry when still ACTIVE (nullopt when
// it was deleted). Must be a pure decision: no I/O. An error aborts the write.
using ClaimDecision =
    std::function<Result<ClaimChange>(const Claim& current, const std::optional<Entry>& entry)>;

class ClaimStore {
 public:
    // REQUIRES: both outlive the store; the scheduler's table is migrated.
    ClaimStore(db::Database& database, jobs::Scheduler& scheduler)
        : database_(database), scheduler_(scheduler) {}

    // Stores `claim` (id ignored; claim_id minted here), its three deadline jobs and the
    // CLAIM_CREATED notifications of both parties, in one write. Errors (nothing stored):
    // CLAIM_EXISTS (kAlreadyExists) when the key has an open claim; kConflict when the entry
    // changed since the caller read it (no longer active, or another holder); KEY_LIMIT_EXCEEDED
    // (kFailedPrecondition) when the claimer's account holds `claimer_keys_max` active keys.
    Result<Claim> Insert(const Claim& claim, std::int64_t claimer_keys_max);

    // Reads the claim and its entry, asks `decide`, and writes what it returned, in one write;
    // returns the claim as it is afterwards. kNotFound "claim not found" when there is no such
    // claim; `decide`'s errors as they are; nothing is written on error.
    Result<Claim> Change(std::string_view claim_id, const ClaimDecision& decide);

    Result<std::optional<Claim>> Find(std::string_view claim_id);
    // Claims of `key` where `participant` is donor or claimer, newest first, at most
    // kClaimsPerKeyListedMax.
    Result<std::vector<Claim>> ListForKey(std::string_view key, KeyType key_type,
                                          std::string_view participant);
    // A page of the claims where `participant` has the filter's role (either when absent),
    // newest first, with the total count.
    Result<ClaimPage> List(std::string_view participant, const ClaimFilter& filter);

    // The participant's notifications, oldest first.
    Result<std::vector<EventNotification>> ListNotifications(std::string_view participant,
                                                             const NotificationFilter& filter);
    // Marks the participant's unacknowledged notifications among `notification_ids` acknowledged
    // at `at`; returns how many changed. Others' ids and unknown ids change nothing.
    Result<std::int64_t> Acknowledge(std::string_view participant,
                                     const std::vector<std::string>& notification_ids,
                                     SystemTimePoint at);

 private:
    db::Database& database_;
    jobs::Scheduler& scheduler_;
};

}  // namespace dictra::dict
