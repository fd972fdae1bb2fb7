// DICT's tables (prefix `dict_`) and the SQL that reads and writes them.
//
// dict_entries holds every entry ever created; a deleted one stays with status DELETED (its CID
// history must remain explainable). A key is unique among ACTIVE entries only (partial UNIQUE
// index), so a deleted key can be registered again. dict_cid_events is the append-only log of
// CID changes (ENTRY_CREATED / ENTRY_UPDATED / ENTRY_DELETED), written in the same transaction
// as the change it records.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "dict/model.hpp"

namespace dictra::dict {

class DictStore {
 public:
    explicit DictStore(db::Database& database) : database_(database) {}

    // The versioned schema of the DICT service, applied with Database::Migrate("dict").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }

    // Stores `entry` (id ignored) as ACTIVE with an ENTRY_CREATED event, in one write, and
    // returns it with its id. The checks and the insert share the single writer's transaction,
    // so two concurrent creates cannot both pass them.
    // Errors (nothing stored): KEY_EXISTS (kAlreadyExists) when the key is active;
    // KEY_LIMIT_EXCEEDED (kFailedPrecondition) when the entry's account already holds
    // `keys_per_account_max` active keys.
    Result<Entry> Insert(const Entry& entry, std::int64_t keys_per_account_max);

    // The ACTIVE entry with that key (or CID); nullopt when there is none.
    Result<std::optional<Entry>> FindActiveByKey(std::string_view key);
    Result<std::optional<Entry>> FindActiveByCid(std::string_view cid);
    // The ACTIVE entry `entry_id` on a caller's connection or write; nullopt when there is none.
    static Result<std::optional<Entry>> FindActiveById(db::Connection& connection,
                                                       std::int64_t entry_id);

    // Marks the ACTIVE entry `entry_id` DELETED with `reason` and logs ENTRY_DELETED with its
    // CID. kNotFound (nothing changed) when it is no longer active.
    Status MarkDeleted(std::int64_t entry_id, DeleteReason reason, SystemTimePoint at);

    // Replaces the account and owner fields and the CID of the ACTIVE entry `entry.id` (claim
    // completion: portability or ownership) and logs ENTRY_UPDATED with the new CID.
    // kNotFound (nothing changed) when it is no longer active.
    Status Update(const Entry& entry);
    // The same inside a caller's write (claim completion commits the claim with it).
    static Status Update(db::Transaction& tx, const Entry& entry);

    // The participant's CID events, oldest first.
    Result<std::vector<CidEvent>> ListCidEvents(std::string_view participant_ispb);

 private:
    db::Database& database_;
};

}  // namespace dictra::dict
