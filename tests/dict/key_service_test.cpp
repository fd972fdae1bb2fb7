// DICT key rules without HTTP: a real store on sqlite::memory: and a FakeClock.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "dict/cid.hpp"
#include "dict/service.hpp"

namespace dictra::dict {
namespace {

constexpr std::string_view kCpf = "52998224725";
constexpr std::string_view kCnpj = "11222333000181";

// The document's create example with a valid CPF (its 12345678901 fails the check digits).
CreateEntryCommand CpfCommand() {
    return CreateEntryCommand{.key_type = "CPF",
                              .key = std::string(kCpf),
                              .owner_type = "NATURAL_PERSON",
                              .owner_tax_id = std::string(kCpf),
                              .owner_name = "João Silva",
                              .trade_name = "Silva LTDA",
                              .branch = "0001",
                              .account_number = "123456",
                              .account_type = "CACC",
                              .opening_date = "2024-01-15"};
}

CreateEntryCommand EvpCommand() {
    CreateEntryCommand command = CpfCommand();
    command.key_type = "EVP";
    command.key.reset();
    return command;
}

CreateEntryCommand CnpjCommand() {
    return CreateEntryCommand{.key_type = "CNPJ",
                              .key = std::string(kCnpj),
                              .owner_type = "LEGAL_PERSON",
                              .owner_tax_id = std::string(kCnpj),
                              .owner_name = "Silva Comércio LTDA",
                              .trade_name = "Silva",
                              .branch = "0002",
                              .account_number = "998877",
                              .account_type = "CACC"};
}

class KeyServiceTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto opened = db::OpenDatabase("sqlite::memory:", {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        database_ = std::move(*opened);
        auto migrated = database_->Migrate("dict", DictStore::Migrations());
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        store_ = std::make_unique<DictStore>(*database_);
        service_ = std::make_unique<DictService>(*store_, clock_);
    }

    Entry CreateOk(const CreateEntryCommand& command) {
        auto created = service_->Create(command, bank_a_);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created.ok() ? *created : Entry{};
    }
    // The create must fail on `field` with `reason` ("" = derived from the code).
    void ExpectRefused(const CreateEntryCommand& command, std::string_view field,
                       std::string_view reason = "") {
        auto created = service_->Create(command, bank_a_);
        ASSERT_FALSE(created.ok()) << "accepted; expected a refusal on " << field;
        EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument) << created.error().message;
        EXPECT_EQ(created.error().field, field) << created.error().message;
        EXPECT_NE(created.error().message.find(field), std::string::npos)
            << created.error().message;
        EXPECT_EQ(created.error().reason, reason);
    }

    FakeClock clock_{*ParseRfc3339("2026-01-15T10:30:00Z")};
    std::unique_ptr<db::Database> database_;
    std::unique_ptr<DictStore> store_;
    std::unique_ptr<DictService> service_;
    Ispb bank_a_ = *Ispb::Parse("12345678");
    Ispb bank_b_ = *Ispb::Parse("87654321");
};

TEST_F(KeyServiceTest, CreateStoresTheEntryAsTheDocumentAnswersIt) {
    const Entry entry = CreateOk(CpfCommand());
    EXPECT_GT(entry.id, 0);
    EXPECT_EQ(entry.key_type, KeyType::kCpf);
    EXPECT_EQ(entry.key, kCpf);
    EXPECT_EQ(ToLetter(entry.owner_type), "F");
    EXPECT_EQ(entry.participant_ispb, "12345678");
    EXPECT_EQ(entry.status, EntryStatus::kActive);
    EXPECT_TRUE(entry.ownership_confirmed);
    EXPECT_EQ(entry.ownership_date, clock_.Now());
    EXPECT_EQ(entry.created_at, clock_.Now());
    EXPECT_FALSE(entry.trade_name.has_value());  // dropped for a natural person
    EXPECT_EQ(entry.opening_date, "2024-01-15");
    EXPECT_TRUE(IsCid(entry.cid));

    auto found = service_->GetByCid(entry.cid, bank_a_);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(found->id, entry.id);
    EXPECT_EQ(found->owner_name, "João Silva");
}

TEST_F(KeyServiceTest, CidIsTheHmacOfTheEntryUnderItsRequestId) {
    const Entry entry = CreateOk(CnpjCommand());
    CidRequestId request_id{};
    ASSERT_TRUE(FromHex(entry.cid_request_id, request_id));
    EXPECT_EQ(entry.cid, ComputeCid({.key_type = "CNPJ",
                                     .key = kCnpj,
                                     .owner_tax_id = kCnpj,
                                     .owner_name = "Silva Comércio LTDA",
                                     .owner_trade_name = "Silva",
                                     .participant = "12345678",
                                     .branch = "0002",
                                     .account_number = "998877",
                                     .account_type = "CACC"},
                                    request_id));
    EXPECT_EQ(ToLetter(entry.owner_type), "J");
}

TEST_F(KeyServiceTest, EvpIsMintedWhenKeyIsAbsent) {
    const Entry first = CreateOk(EvpCommand());
    const Entry second = CreateOk(EvpCommand());
    EXPECT_TRUE(IsValidEvp(first.key)) << first.key;
    EXPECT_NE(first.key, second.key);
    EXPECT_NE(first.cid, second.cid);
}

TEST_F(KeyServiceTest, EveryKeyTypeIsAccepted) {
    CreateEntryCommand phone = EvpCommand();
    phone.key_type = "PHONE";
    phone.key = "+5511987654321";
    EXPECT_EQ(CreateOk(phone).key, "+5511987654321");
    CreateEntryCommand email = EvpCommand();
    email.key_type = "EMAIL";
    email.key = "joao@example.com";
    EXPECT_EQ(CreateOk(email).key, "joao@example.com");
    CreateEntryCommand alnum = CnpjCommand();
    alnum.key = "12abc34501de35";
    alnum.owner_tax_id = "12ABC34501DE35";
    const Entry entry = CreateOk(alnum);
    EXPECT_EQ(entry.key, "12ABC34501DE35");
    EXPECT_EQ(entry.owner_tax_id, "12ABC34501DE35");
}

TEST_F(KeyServiceTest, EveryFieldRuleNamesItsField) {
    auto with = [](auto change) {
        CreateEntryCommand command = CpfCommand();
        change(command);
        return command;
    };
    ExpectRefused(with([](auto& c) { c.key_type = "RANDOM"; }), "keyType", "INVALID_KEY_TYPE");
    ExpectRefused(with([](auto& c) { c.key = "12345678901"; }), "key");
    ExpectRefused(with([](auto& c) {
                      c.key_type = "PHONE";
                      c.key.reset();
                  }),
                  "key");
    ExpectRefused(with([](auto& c) {
                      c.key_type = "EMAIL";
                      c.key = "Joao@example.com";
                  }),
                  "key");
    ExpectRefused(with([](auto& c) { c.owner_type = "PERSON"; }), "ownerType");
    ExpectRefused(with([](auto& c) { c.owner_tax_id = "12345678901"; }), "ownerTaxId");
    ExpectRefused(with([](auto& c) { c.owner_name = ""; }), "ownerName");
    ExpectRefused(with([](auto& c) { c.owner_name = std::string(121, 'a'); }), "ownerName");
    ExpectRefused(with([](auto& c) { c.branch = "001"; }), "branch");
    ExpectRefused(with([](auto& c) { c.branch = "00001"; }), "branch");
    ExpectRefused(with([](auto& c) { c.branch = "00a1"; }), "branch");
    ExpectRefused(with([](auto& c) { c.account_number = ""; }), "accountNumber");
    ExpectRefused(with([](auto& c) { c.account_number = std::string(21, '1'); }), "accountNumber");
    ExpectRefused(with([](auto& c) { c.account_type = "OTHR"; }), "accountType");
    ExpectRefused(with([](auto& c) { c.opening_date = "2024-02-30"; }), "openingDate");
    CreateEntryCommand legal = CnpjCommand();
    legal.trade_name = std::string(121, 'b');
    ExpectRefused(legal, "tradeName");
    // Names count characters, not bytes: 120 two-byte letters are fine.
    std::string accents;
    for (int char_idx = 0; char_idx < 120; ++char_idx) accents += "ã";
    CreateOk(with([&](auto& c) { c.owner_name = accents; }));
}

TEST_F(KeyServiceTest, DocumentKeysMustBeTheOwnersTaxId) {
    CreateEntryCommand other_cpf = CpfCommand();
    other_cpf.key = "12345678909";
    ExpectRefused(other_cpf, "key", "INVALID_OWNERSHIP");
    CreateEntryCommand cnpj_for_person = CpfCommand();
    cnpj_for_person.key_type = "CNPJ";
    cnpj_for_person.key = std::string(kCnpj);
    ExpectRefused(cnpj_for_person, "key", "INVALID_OWNERSHIP");
}

TEST_F(KeyServiceTest, DuplicateKeyIsKeyExistsEvenFromAnotherParticipant) {
    CreateOk(CpfCommand());
    auto again = service_->Create(CpfCommand(), bank_b_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(again.error().reason, "KEY_EXISTS");
}

TEST_F(KeyServiceTest, NaturalPersonAccountHoldsFiveKeys) {
    for (int key_idx = 0; key_idx < kKeysPerAccountMaxNaturalPerson; ++key_idx)
        CreateOk(EvpCommand());
    auto sixth = service_->Create(EvpCommand(), bank_a_);
    ASSERT_FALSE(sixth.ok());
    EXPECT_EQ(sixth.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(sixth.error().reason, "KEY_LIMIT_EXCEEDED");
    // Another account of the same owner has its own limit.
    CreateEntryCommand other_account = EvpCommand();
    other_account.account_number = "123457";
    CreateOk(other_account);
    // A deleted key frees its place.
    auto events = service_->CidEvents(bank_a_);
    ASSERT_TRUE(events.ok());
    auto first = store_->FindActiveByCid(events->front().cid);
    ASSERT_TRUE(first.ok() && first->has_value());
    ASSERT_TRUE(
        service_->Delete((*first)->key, "EVP", std::string_view("RECONCILIATION"), bank_a_).ok());
    CreateOk(EvpCommand());
}

// The limit check and the insert share one write: racing creates never pass the limit, and
// racing creates of one key store it once.
TEST_F(KeyServiceTest, ConcurrentCreatesKeepLimitAndUniqueness) {
    constexpr int kThreads = 8;
    std::atomic<int> evp_created{0};
    std::atomic<int> cpf_created{0};
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&] {
            if (service_->Create(EvpCommand(), bank_a_).ok()) ++evp_created;
            CreateEntryCommand cpf = CpfCommand();
            cpf.account_number = "777777";
            if (service_->Create(cpf, bank_a_).ok()) ++cpf_created;
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(evp_created.load(), kKeysPerAccountMaxNaturalPerson);
    EXPECT_EQ(cpf_created.load(), 1);
}

TEST_F(KeyServiceTest, LegalPersonAccountHoldsTwentyKeys) {
    CreateEntryCommand command = CnpjCommand();
    command.key_type = "EVP";
    command.key.reset();
    for (int key_idx = 0; key_idx < kKeysPerAccountMaxLegalPerson; ++key_idx) CreateOk(command);
    auto over = service_->Create(command, bank_a_);
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().reason, "KEY_LIMIT_EXCEEDED");
}

TEST_F(KeyServiceTest, EvpDeleteNeedsOneOfThreeReasons) {
    const Entry evp = CreateOk(EvpCommand());
    for (std::optional<std::string_view> reason :
         {std::optional<std::string_view>(), std::optional<std::string_view>("USER_REQUESTED"),
          std::optional<std::string_view>("FRAUD"),
          std::optional<std::string_view>("ACCOUNT_CLOSURE")}) {
        Status deleted = service_->Delete(evp.key, "EVP", reason, bank_a_);
        ASSERT_FALSE(deleted.ok());
        EXPECT_EQ(deleted.error().reason, "INVALID_DELETE_REASON");
        EXPECT_EQ(deleted.error().field, "reason");
    }
    for (std::string_view reason : {"BRANCH_TRANSFER", "RECONCILIATION", "RFB_VALIDATION"}) {
        const Entry entry = CreateOk(EvpCommand());
        EXPECT_TRUE(service_->Delete(entry.key, "EVP", reason, bank_a_).ok()) << reason;
    }
}

TEST_F(KeyServiceTest, DeleteOfOtherKeysTakesAnyKnownReason) {
    const Entry entry = CreateOk(CpfCommand());
    Status unknown = service_->Delete(entry.key, "CPF", std::string_view("BORED"), bank_a_);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().reason, "INVALID_DELETE_REASON");
    EXPECT_TRUE(service_->Delete(entry.key, "CPF", std::nullopt, bank_a_).ok());
    // Gone: lookup, CID and a second delete are 404; the key can be registered again.
    EXPECT_EQ(service_->Lookup(entry.key, "CPF").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->GetByCid(entry.cid, bank_a_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Delete(entry.key, "CPF", std::nullopt, bank_a_).error().code,
              ErrorCode::kNotFound);
    CreateOk(CpfCommand());
}

TEST_F(KeyServiceTest, OnlyTheHoldingParticipantSeesByCidAndDeletes) {
    const Entry entry = CreateOk(CpfCommand());
    EXPECT_EQ(service_->GetByCid(entry.cid, bank_b_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Delete(entry.key, "CPF", std::nullopt, bank_b_).error().code,
              ErrorCode::kNotFound);
    // The lookup is the directory: anyone finds the key, with an EndToEndId of their own.
    auto found = service_->LookupForPayment(entry.key, "CPF", bank_b_);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->entry.id, entry.id);
    EXPECT_TRUE(IsEndToEndId(found->end_to_end_id)) << found->end_to_end_id;
    EXPECT_EQ(found->end_to_end_id.substr(1, 8), "87654321");
}

TEST_F(KeyServiceTest, LookupWantsTheKeysOwnType) {
    const Entry entry = CreateOk(CnpjCommand());
    EXPECT_TRUE(service_->Lookup(entry.key, "CNPJ").ok());
    EXPECT_EQ(service_->Lookup(entry.key, "CPF").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Lookup(entry.key, "cnpj").error().reason, "INVALID_KEY_TYPE");
    EXPECT_EQ(service_->Lookup("not-a-key", "EMAIL").error().code, ErrorCode::kNotFound);
}

TEST_F(KeyServiceTest, GetByCidAcceptsEitherCaseAndRefusesMalformed) {
    const Entry entry = CreateOk(CpfCommand());
    std::string upper = entry.cid;
    for (char& c : upper)
        if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
    EXPECT_TRUE(service_->GetByCid(upper, bank_a_).ok());
    auto malformed = service_->GetByCid("E1234567890123456789012345678901", bank_a_);
    EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(malformed.error().field, "cid");
    EXPECT_EQ(service_->GetByCid(std::string(64, 'a'), bank_a_).error().code, ErrorCode::kNotFound);
}

TEST_F(KeyServiceTest, CreateUpdateAndDeleteAreCidEvents) {
    const Entry entry = CreateOk(CpfCommand());
    clock_.Advance(std::chrono::minutes(1));
    Entry target = entry;
    target.participant_ispb = "12345678";
    target.branch = "0009";
    auto updated = service_->Reassign(entry, target);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_NE(updated->cid, entry.cid);
    EXPECT_EQ(service_->GetByCid(entry.cid, bank_a_).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->GetByCid(updated->cid, bank_a_)->branch, "0009");
    clock_.Advance(std::chrono::minutes(1));
    ASSERT_TRUE(service_->Delete(entry.key, "CPF", std::nullopt, bank_a_).ok());

    auto events = service_->CidEvents(bank_a_);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 3u);
    EXPECT_EQ((*events)[0].type, CidEventType::kEntryCreated);
    EXPECT_EQ((*events)[0].cid, entry.cid);
    EXPECT_EQ((*events)[1].type, CidEventType::kEntryUpdated);
    EXPECT_EQ((*events)[1].cid, updated->cid);
    EXPECT_EQ((*events)[2].type, CidEventType::kEntryDeleted);
    EXPECT_EQ((*events)[2].cid, updated->cid);
    EXPECT_EQ((*events)[2].at, clock_.Now());
    for (const CidEvent& event : *events) {
        EXPECT_EQ(event.entry_id, entry.id);
        EXPECT_EQ(event.key_type, KeyType::kCpf);
    }
    EXPECT_TRUE(service_->CidEvents(bank_b_)->empty());
}

TEST_F(KeyServiceTest, RefusedCreatesLeaveNoEvent) {
    CreateOk(CpfCommand());
    EXPECT_FALSE(service_->Create(CpfCommand(), bank_a_).ok());
    EXPECT_EQ(service_->CidEvents(bank_a_)->size(), 1u);
}

TEST(ActingParticipantTest, HeaderMustMatchTheTokenUnlessAdmin) {
    const auth::Principal participant{.sub = "bank-a", .ispb = "12345678"};
    const auth::Principal admin{.sub = "ops", .scopes = {"admin"}};
    const auth::Principal operator_only{.sub = "ops"};

    EXPECT_EQ(ActingParticipant(participant, std::string_view("12345678"))->str(), "12345678");
    auto missing = ActingParticipant(participant, std::nullopt);
    EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(missing.error().field, "X-Participant-ISPB");
    EXPECT_EQ(ActingParticipant(participant, std::string_view("1234567")).error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(ActingParticipant(participant, std::string_view("87654321")).error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(ActingParticipant(admin, std::string_view("87654321"))->str(), "87654321");
    EXPECT_EQ(ActingParticipant(operator_only, std::string_view("87654321")).error().code,
              ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace dictra::dict
