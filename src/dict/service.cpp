#include "dict/service.hpp"

#include "core/time.hpp"

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

Result<KeyType> ParseKeyType(std::string_view text) {
    auto type = KeyTypeFromString(text);
    if (!type) {
        return Error::InvalidArgument("Invalid keyType: must be CPF, CNPJ, PHONE, EMAIL or EVP",
                                      "keyType")
            .WithReason("INVALID_KEY_TYPE");
    }
    return *type;
}

Error KeyNotFound() {
    return Error::NotFound("key not found");
}

// The fields of a create other than the key, checked and typed.
Status CheckOwnerAndAccount(const CreateEntryCommand& command, Entry& entry) {
    auto owner_type = OwnerTypeFromString(command.owner_type);
    if (!owner_type) return Invalid("ownerType", "must be NATURAL_PERSON or LEGAL_PERSON");
    entry.owner_type = *owner_type;
    if (entry.owner_type == OwnerType::kNaturalPerson) {
        if (!IsValidCpf(command.owner_tax_id))
            return Invalid("ownerTaxId", "must be a valid CPF for NATURAL_PERSON (11 digits)");
        entry.owner_tax_id = command.owner_tax_id;
    } else {
        entry.owner_tax_id = NormalizeCnpj(command.owner_tax_id);
        if (!IsValidCnpj(entry.owner_tax_id))
            return Invalid("ownerTaxId", "must be a valid CNPJ for LEGAL_PERSON (14 characters)");
    }
    const std::size_t name_chars = Utf8Chars(command.owner_name);
    if (name_chars == 0 || name_chars > kOwnerNameCharsMax)
        return Invalid("ownerName", "must have 1 to 120 characters");
    entry.owner_name = command.owner_name;
    // The document marks tradeName "PJ only"; a natural person's is dropped (not stored, not
    // part of the CID) rather than refused, since the document's own example sends one.
    if (entry.owner_type == OwnerType::kLegalPerson && command.trade_name &&
        !command.trade_name->empty()) {
        if (Utf8Chars(*command.trade_name) > kTradeNameCharsMax)
            return Invalid("tradeName", "must have at most 120 characters");
        entry.trade_name = command.trade_name;
    }
    if (command.branch.size() != kBranchLength || !AllDigits(command.branch))
        return Invalid("branch", "must be exactly 4 digits");
    entry.branch = command.branch;
    if (command.account_number.empty() || command.account_number.size() > kAccountNumberCharsMax ||
        !AllDigits(command.account_number))
        return Invalid("accountNumber", "must be 1 to 20 digits");
    entry.account_number = command.account_number;
    auto account_type = AccountTypeFromString(command.account_type);
    if (!account_type) return Invalid("accountType", "must be CACC, SLRY, SVGS or TRAN");
    entry.account_type = *account_type;
    if (command.opening_date) {
        if (!ParseIsoDate(*command.opening_date).ok())
            return Invalid("openingDate", "must be a date YYYY-MM-DD");
        entry.opening_date = command.opening_date;
    }
    return Ok();
}

}  // namespace

Result<Ispb> ActingParticipant(const auth::Principal& principal,
                               std::optional<std::string_view> header) {
    if (!header || header->empty())
        return Error::InvalidArgument("X-Participant-ISPB header is required",
                                      "X-Participant-ISPB");
    auto ispb = Ispb::Parse(*header);
    if (!ispb.ok())
        return Error::InvalidArgument("X-Participant-ISPB must be 8 digits", "X-Participant-ISPB");
    if (principal.IsAdmin()) return ispb;
    if (!principal.ispb || *principal.ispb != ispb->str())
        return Error::PermissionDenied("X-Participant-ISPB does not match the token's ispb");
    return ispb;
}

std::int64_t KeysPerAccountMax(OwnerType owner_type) {
    return owner_type == OwnerType::kNaturalPerson ? kKeysPerAccountMaxNaturalPerson
                                                   : kKeysPerAccountMaxLegalPerson;
}

std::string EntryCid(const Entry& entry, const CidRequestId& request_id) {
    const std::string trade_name = entry.trade_name.value_or("");
    return ComputeCid({.key_type = ToString(entry.key_type),
                       .key = entry.key,
                       .owner_tax_id = entry.owner_tax_id,
                       .owner_name = entry.owner_name,
                       .owner_trade_name = trade_name,
                       .participant = entry.participant_ispb,
                       .branch = entry.branch,
                       .account_number = entry.account_number,
                       .account_type = ToString(entry.account_type)},
                      request_id);
}

Result<Entry> DictService::Create(const CreateEntryCommand& command, const Ispb& participant) {
    Entry entry;
    DICTRA_ASSIGN_OR_RETURN(entry.key_type, ParseKeyType(command.key_type));
    DICTRA_RETURN_IF_ERROR(CheckOwnerAndAccount(command, entry));
    if (command.key) {
        DICTRA_ASSIGN_OR_RETURN(entry.key, NormalizeKey(entry.key_type, *command.key));
    } else if (entry.key_type == KeyType::kEvp) {
        entry.key = NewEvp();
    } else {
        return Invalid("key", "is required unless keyType is EVP");
    }
    // A CPF or CNPJ key is the owner's own tax id (BACEN: a document key names its holder).
    if (entry.key_type == KeyType::kCpf || entry.key_type == KeyType::kCnpj) {
        const OwnerType expected =
            entry.key_type == KeyType::kCpf ? OwnerType::kNaturalPerson : OwnerType::kLegalPerson;
        if (entry.owner_type != expected || entry.key != entry.owner_tax_id) {
            return Error::InvalidArgument(
                       "key: a " + std::string(ToString(entry.key_type)) +
                           " key must equal ownerTaxId of a " +
                           (expected == OwnerType::kNaturalPerson ? "NATURAL_PERSON"
                                                                  : "LEGAL_PERSON"),
                       "key")
                .WithReason("INVALID_OWNERSHIP");
        }
    }
    entry.participant_ispb = participant.str();
    const SystemTimePoint now = clock_.Now();
    entry.ownership_date = now;
    entry.ownership_confirmed = true;
    entry.created_at = now;
    entry.updated_at = now;
    const CidRequestId request_id = NewCidRequestId();
    entry.cid_request_id = ToHex(request_id);
    entry.cid = EntryCid(entry, request_id);
    auto stored = store_.Insert(entry, KeysPerAccountMax(entry.owner_type));
    if (stored.ok()) KeyChanged(stored->key);
    return stored;
}

Result<Entry> DictService::GetByCid(std::string_view cid, const Ispb& participant) {
    if (!IsCid(cid)) return Invalid("cid", "must be 64 hexadecimal characters");
    std::string lower(cid);
    for (char& c : lower)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    DICTRA_ASSIGN_OR_RETURN(std::optional<Entry> entry, store_.FindActiveByCid(lower));
    if (!entry || entry->participant_ispb != participant.str()) return KeyNotFound();
    return std::move(*entry);
}

Result<Entry> DictService::Lookup(std::string_view key, std::string_view key_type) {
    DICTRA_ASSIGN_OR_RETURN(KeyType type, ParseKeyType(key_type));
    // A key that breaks its type's format cannot be registered: answered as absent.
    auto normalized = NormalizeKey(type, key);
    if (!normalized.ok()) return KeyNotFound();
    DICTRA_ASSIGN_OR_RETURN(std::optional<Entry> entry, store_.FindActiveByKey(*normalized));
    if (!entry || entry->key_type != type) return KeyNotFound();
    return std::move(*entry);
}

Result<LookupResult> DictService::LookupForPayment(std::string_view key, std::string_view key_type,
                                                   const Ispb& participant) {
    DICTRA_ASSIGN_OR_RETURN(Entry entry, Lookup(key, key_type));
    return LookupResult{std::move(entry), NewEndToEndId(participant, clock_.Now())};
}

Result<Entry> DictService::FindOwned(std::string_view key, std::string_view key_type,
                                     const Ispb& participant) {
    DICTRA_ASSIGN_OR_RETURN(Entry entry, Lookup(key, key_type));
    if (entry.participant_ispb != participant.str()) return KeyNotFound();
    return entry;
}

Status DictService::Delete(std::string_view key, std::string_view key_type,
                           std::optional<std::string_view> reason_text, const Ispb& participant) {
    DICTRA_ASSIGN_OR_RETURN(KeyType type, ParseKeyType(key_type));
    DeleteReason reason = DeleteReason::kUserRequested;
    if (reason_text) {
        auto parsed = DeleteReasonFromString(*reason_text);
        if (!parsed) {
            return Error::InvalidArgument(
                       "reason must be one of USER_REQUESTED, ACCOUNT_CLOSURE, BRANCH_TRANSFER, "
                       "RECONCILIATION, FRAUD, RFB_VALIDATION, PARTICIPANT_EXCLUSION",
                       "reason")
                .WithReason("INVALID_DELETE_REASON");
        }
        reason = *parsed;
    }
    DICTRA_ASSIGN_OR_RETURN(Entry entry, FindOwned(key, key_type, participant));
    if (type == KeyType::kEvp && !IsAllowedEvpDeleteReason(reason)) {
        return Error::InvalidArgument(
                   "EVP keys can only be deleted with BRANCH_TRANSFER, RECONCILIATION, or "
                   "RFB_VALIDATION",
                   "reason")
            .WithReason("INVALID_DELETE_REASON");
    }
    DICTRA_RETURN_IF_ERROR(store_.MarkDeleted(entry.id, reason, clock_.Now()));
    KeyChanged(entry.key);
    return Ok();
}

Entry ReassignedEntry(const Entry& entry, const Entry& target, SystemTimePoint now) {
    Entry updated = entry;
    updated.owner_type = target.owner_type;
    updated.owner_tax_id = target.owner_tax_id;
    updated.owner_name = target.owner_name;
    updated.trade_name = target.trade_name;
    updated.participant_ispb = target.participant_ispb;
    updated.branch = target.branch;
    updated.account_number = target.account_number;
    updated.account_type = target.account_type;
    updated.opening_date = target.opening_date;
    updated.ownership_date = now;
    updated.updated_at = now;
    const CidRequestId request_id = NewCidRequestId();
    updated.cid_request_id = ToHex(request_id);
    updated.cid = EntryCid(updated, request_id);
    return updated;
}

Result<Entry> DictService::Reassign(const Entry& entry, const Entry& target) {
    Entry updated = ReassignedEntry(entry, target, clock_.Now());
    DICTRA_RETURN_IF_ERROR(store_.Update(updated));
    KeyChanged(updated.key);
    return updated;
}

Result<std::vector<CidEvent>> DictService::CidEvents(const Ispb& participant) {
    return store_.ListCidEvents(participant.str());
}

}  // namespace dictra::dict
