// DICT's business rules. No HTTP here: routes parse and render, this decides.
//
// Who acts (ActingParticipant): every call names a participant in X-Participant-ISPB, which must
// be the token's `ispb` unless the token has the `admin` scope (then any participant).
// Keys (spec "Core DICT - PIX Keys"):
//   - Create checks every field (kInvalidArgument naming it; an unknown keyType is
//     INVALID_KEY_TYPE, a CPF/CNPJ key that is not the owner's tax id INVALID_OWNERSHIP), mints an
//     EVP when `key` is absent, computes the CID, and stores the entry with an ENTRY_CREATED
//     event. KEY_EXISTS (409) when the key is active; KEY_LIMIT_EXCEEDED (400) past 5 (natural
//     person) or 20 (legal person) active keys on the account.
//   - GetByCid and Delete see only the acting participant's entries; the lookup sees every
//     active entry (it is the directory).
//   - Delete marks the entry DELETED with an ENTRY_DELETED event; EVP keys only for
//     BRANCH_TRANSFER, RECONCILIATION or RFB_VALIDATION (else INVALID_DELETE_REASON).
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/auth/principal.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "dict/cid.hpp"
#include "dict/model.hpp"
#include "dict/store.hpp"

namespace dictra::dict {

// The participant a call acts for. kInvalidArgument (field X-Participant-ISPB) when the header is
// absent or not 8 digits; kPermissionDenied when it differs from the token's `ispb` and the
// token has no `admin` scope (a token without `ispb` and without `admin` acts for nobody).
Result<Ispb> ActingParticipant(const auth::Principal& principal,
                               std::optional<std::string_view> header);

// The key limit of an account whose owner is `owner_type`.
std::int64_t KeysPerAccountMax(OwnerType owner_type);

struct LookupResult {
    Entry entry;
    std::string end_to_end_id;
};

class DictService {
 public:
    DictService(DictStore& store, const Clock& clock) : store_(store), clock_(clock) {}

    Readiness CheckReadiness() { return Readiness{store_.Ping().ok()}; }

    // Registers a key for an account of `participant`. Nothing is stored on error.
    Result<Entry> Create(const CreateEntryCommand& command, const Ispb& participant);

    // The participant's active entry with that CID (64 hex, either case); kInvalidArgument for a
    // malformed CID, kNotFound when there is none (or it belongs to another participant).
    Result<Entry> GetByCid(std::string_view cid, const Ispb& participant);

    // The active entry with that key, whoever holds it. `key_type` must name the key's type:
    // kInvalidArgument (INVALID_KEY_TYPE) when unknown, kNotFound when it is not the key's.
    Result<Entry> Lookup(std::string_view key, std::string_view key_type);

    // Lookup for a payment by `participant`: the entry and the EndToEndId (minted now for
    // `participant`) that the SPI payment it leads to will carry (PI-EndToEndId).
    Result<LookupResult> LookupForPayment(std::string_view key, std::string_view key_type,
                                          const Ispb& participant);

    // Deletes the participant's active key. `reason` absent means USER_REQUESTED.
    // Errors (nothing changed): INVALID_KEY_TYPE, INVALID_DELETE_REASON (unknown reason, or an
    // EVP key with a reason other than the three allowed), kNotFound.
    Status Delete(std::string_view key, std::string_view key_type,
                  std::optional<std::string_view> reason, const Ispb& participant);

    // Called with the key after every successful create, delete and reassign (the lookup's
    // existence cache listens). Set once, before serving.
    void SetKeyChangeListener(std::function<void(std::string_view key)> listener) {
        key_change_listener_ = std::move(listener);
    }
    // Tells the listener that `key` changed elsewhere (a claim completed in its own write).
    void KeyChanged(std::string_view key) const {
        if (key_change_listener_) key_change_listener_(key);
    }

    // The active entry stored under that normalized key, any type; nullopt when none.
    Result<std::optional<Entry>> FindActive(std::string_view normalized_key) {
        return store_.FindActiveByKey(normalized_key);
    }

    // Completes a claim: `entry` moves to the claimer's account and owner (fields of `target`),
    // gets a new CID and an ENTRY_UPDATED event. Called by the claims flow (issue 7, part 2).
    Result<Entry> Reassign(const Entry& entry, const Entry& target);

    // The participant's CID events, oldest first (no endpoint yet: the CID log is a later part).
    Result<std::vector<CidEvent>> CidEvents(const Ispb& participant);

 private:
    Result<Entry> FindOwned(std::string_view key, std::string_view key_type,
                            const Ispb& participant);

    DictStore& store_;
    const Clock& clock_;
    std::function<void(std::string_view key)> key_change_listener_;
};

// `entry` moved to the account and owner of `target` at `now`, with a new CID request id and CID:
// what Reassign stores (claim completion computes it inside its own write).
Entry ReassignedEntry(const Entry& entry, const Entry& target, SystemTimePoint now);

// The CID of `entry` under `request_id` (its attributes as DICT 2.12.1 lists them).
std::string EntryCid(const Entry& entry, const CidRequestId& request_id);

}  // namespace dictra::dict
