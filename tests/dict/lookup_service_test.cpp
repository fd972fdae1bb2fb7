// The six-step lookup, the existence cache and its invalidation, the batch key check and the
// institutions admin rules: real store on sqlite::memory:, FakeClock, no HTTP.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "dict/institution.hpp"
#include "dict/lookup.hpp"

namespace dictra::dict {
namespace {

using std::chrono::minutes;

constexpr std::string_view kCpf = "52998224725";

CreateEntryCommand CpfCommand() {
    return CreateEntryCommand{.key_type = "CPF",
                              .key = std::string(kCpf),
                              .owner_type = "NATURAL_PERSON",
                              .owner_tax_id = std::string(kCpf),
                              .owner_name = "João Silva",
                              .branch = "0001",
                              .account_number = "123456",
                              .account_type = "CACC"};
}

class LookupServiceTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto opened = db::OpenDatabase("sqlite::memory:", {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        database_ = std::move(*opened);
        auto migrated = database_->Migrate("dict", DictStore::Migrations());
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        store_ = std::make_unique<DictStore>(*database_);
        dict_ = std::make_unique<DictService>(*store_, clock_);
        limiter_ = std::make_unique<RateLimiter>(RateLimitConfig{}, clock_);
        lookups_ =
            std::make_unique<LookupService>(*dict_, *limiter_, clock_, [this](const Entry& entry) {
                ++renders_;
                return "{\"key\":\"" + entry.key + "\"}";
            });
        institution_store_ = std::make_unique<InstitutionStore>(*database_);
        institutions_ =
            std::make_unique<InstitutionService>(*institution_store_, *limiter_, clock_);
    }

    Result<LookupAnswer> Lookup(std::string_view key, std::string_view type = "CPF",
                                std::string_view payer = "11144477735") {
        return lookups_->Lookup(
            LookupQuery{.key = key, .key_type = type, .payer_id = payer, .payer_type = {}},
            bank_a_);
    }

    FakeClock clock_{*ParseRfc3339("2026-01-15T10:30:00Z")};
    std::unique_ptr<db::Database> database_;
    std::unique_ptr<DictStore> store_;
    std::unique_ptr<DictService> dict_;
    std::unique_ptr<RateLimiter> limiter_;
    std::unique_ptr<LookupService> lookups_;
    std::unique_ptr<InstitutionStore> institution_store_;
    std::unique_ptr<InstitutionService> institutions_;
    int renders_ = 0;
    Ispb bank_a_ = *Ispb::Parse("12345678");
};

TEST_F(LookupServiceTest, FoundLookupChargesMintsAnEndToEndIdAndCaches) {
    ASSERT_TRUE(dict_->Create(CpfCommand(), bank_a_).ok());
    auto answer = Lookup(kCpf);
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    ASSERT_TRUE(answer->charge.allowed);
    ASSERT_NE(answer->entry, nullptr);
    EXPECT_EQ(answer->entry->json, "{\"key\":\"52998224725\"}");
    auto parts = ParseEndToEndId(answer->end_to_end_id);
    ASSERT_TRUE(parts.ok()) << answer->end_to_end_id;
    EXPECT_EQ(answer->end_to_end_id.substr(0, 21), "E12345678202601151030");
    // Served from the cache afterwards: rendered once.
    ASSERT_TRUE(Lookup(kCpf).ok());
    EXPECT_EQ(renders_, 1);
    EXPECT_EQ(limiter_->MetricsOf("12345678").queries_24h, 2);
    // The SPI's report gives the tokens back, once.
    auto refund = lookups_->ReportPayment(answer->end_to_end_id);
    ASSERT_TRUE(refund.ok());
    EXPECT_TRUE(refund->refunded);
}

TEST_F(LookupServiceTest, CachedLookupNeverReadsTheStoreAndChargesNothingOnAMiss) {
    ASSERT_TRUE(dict_->Create(CpfCommand(), bank_a_).ok());
    const LookupQuery query{.key = kCpf, .key_type = "CPF", .payer_id = "p", .payer_type = {}};
    auto cached = lookups_->LookupCached(query, bank_a_);
    ASSERT_TRUE(cached.ok());
    EXPECT_FALSE(cached->has_value());
    EXPECT_EQ(limiter_->PeekParticipant("12345678").remaining, 50);
    ASSERT_TRUE(lookups_->Lookup(query, bank_a_).ok());  // fills the cache
    cached = lookups_->LookupCached(query, bank_a_);
    ASSERT_TRUE(cached.ok());
    ASSERT_TRUE(cached->has_value());
    EXPECT_NE((*cached)->entry, nullptr);
    EXPECT_FALSE((*cached)->end_to_end_id.empty());
    EXPECT_EQ(limiter_->PeekParticipant("12345678").remaining, 48);
    // Bad input is refused on the cached path too.
    EXPECT_FALSE(lookups_->LookupCached({.key = kCpf, .key_type = "CPF"}, bank_a_).ok());
}

TEST(ExistenceCacheTest, AWriteBetweenReadAndFillWinsAndTheBoundHolds) {
    FakeClock clock(*ParseRfc3339("2026-01-15T10:30:00Z"));
    RateLimitConfig config;
    config.cache_entries_max = 64;  // one item per shard
    ExistenceCache cache(config, clock);
    std::uint64_t generation = 0;
    EXPECT_FALSE(cache.Find("k", generation).has_value());
    cache.Invalidate("k");  // a create lands while the reader is at the store
    cache.Fill("k", nullptr, generation);
    std::uint64_t now_generation = 0;
    EXPECT_FALSE(cache.Find("k", now_generation).has_value());  // the stale absence was dropped
    cache.Fill("k", nullptr, now_generation);
    EXPECT_TRUE(cache.Find("k", now_generation).has_value());
    // Full shards drop absences before refusing: filling many keys never grows past the bound.
    auto entry = std::make_shared<const CachedEntry>(CachedEntry{Entry{}, "{}"});
    int found_kept = 0;
    for (int key_idx = 0; key_idx < 1000; ++key_idx) {
        const std::string key = "key" + std::to_string(key_idx);
        std::uint64_t fill_generation = 0;
        cache.Find(key, fill_generation);
        cache.Fill(key, key_idx % 2 == 0 ? entry : nullptr, fill_generation);
    }
    for (int key_idx = 0; key_idx < 1000; ++key_idx) {
        std::uint64_t ignored = 0;
        if (cache.Find("key" + std::to_string(key_idx), ignored)) ++found_kept;
    }
    EXPECT_LE(found_kept, 64);
    EXPECT_GT(found_kept, 0);
}

TEST(BlockingExecutorTest, RunsEveryTaskAndRefusesWhenFullOrStopped) {
    std::atomic<int> ran{0};
    {
        BlockingExecutor executor(2, 1000);
        for (int task_idx = 0; task_idx < 100; ++task_idx)
            ASSERT_TRUE(executor.Submit([&ran] { ran.fetch_add(1); }));
        executor.Stop();
        EXPECT_FALSE(executor.Submit([] {}));
    }
    EXPECT_EQ(ran.load(), 100);
    BlockingExecutor tiny(0, 1);  // no threads: the queue fills
    EXPECT_TRUE(tiny.Submit([] {}));
    EXPECT_FALSE(tiny.Submit([] {}));
}

TEST_F(LookupServiceTest, StepOneRefusesWithoutPayerAndChargesNothing) {
    auto answer = lookups_->Lookup(LookupQuery{.key = kCpf, .key_type = "CPF"}, bank_a_);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().field, "PI-PayerId");
    answer = Lookup(kCpf, "CPF", std::string(65, 'x'));
    EXPECT_FALSE(answer.ok());
    answer = Lookup(kCpf, "CPF", "two words");
    EXPECT_FALSE(answer.ok());
    answer = Lookup(kCpf, "CPF", "caf\xc3\xa9");
    EXPECT_FALSE(answer.ok());
    EXPECT_TRUE(Lookup(kCpf, "CPF", std::string(64, 'x')).ok());
    answer = lookups_->Lookup(
        LookupQuery{.key = kCpf, .key_type = "CPF", .payer_id = "p", .payer_type = "ROBOT"},
        bank_a_);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().field, "PI-PayerType");
    answer = Lookup(kCpf, "SSN");
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().reason, "INVALID_KEY_TYPE");
    EXPECT_EQ(limiter_->MetricsOf("12345678").queries_24h, 1);  // only the 64-byte payer's
}

TEST_F(LookupServiceTest, NotFoundIsCachedFiveMinutesAndInvalidatedByCreate) {
    auto answer = Lookup(kCpf);
    ASSERT_TRUE(answer.ok());
    EXPECT_TRUE(answer->charge.allowed);
    EXPECT_EQ(answer->entry, nullptr);
    EXPECT_TRUE(answer->end_to_end_id.empty());
    EXPECT_EQ(limiter_->PeekParticipant("12345678").remaining, 47);
    // The create invalidates the cached absence at once.
    ASSERT_TRUE(dict_->Create(CpfCommand(), bank_a_).ok());
    answer = Lookup(kCpf);
    ASSERT_TRUE(answer.ok());
    EXPECT_NE(answer->entry, nullptr);
    // And the delete invalidates the found entry.
    ASSERT_TRUE(dict_->Delete(kCpf, "CPF", std::nullopt, bank_a_).ok());
    answer = Lookup(kCpf);
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer->entry, nullptr);
}

TEST_F(LookupServiceTest, CacheExpiresAfterItsLifetime) {
    ASSERT_TRUE(Lookup(kCpf).ok());  // absence cached
    // A row written behind the service's back (another process) shows after 5 minutes.
    ASSERT_TRUE(store_
                    ->Insert(
                        [&] {
                            Entry entry;
                            entry.key_type = KeyType::kCpf;
                            entry.key = std::string(kCpf);
                            entry.cid = std::string(64, 'a');
                            entry.cid_request_id = std::string(32, 'b');
                            entry.owner_tax_id = std::string(kCpf);
                            entry.owner_name = "X";
                            entry.participant_ispb = "87654321";
                            entry.branch = "0001";
                            entry.account_number = "1";
                            return entry;
                        }(),
                        5)
                    .ok());
    auto answer = Lookup(kCpf);
    EXPECT_EQ(answer->entry, nullptr);
    clock_.Advance(minutes(5));
    answer = Lookup(kCpf);
    EXPECT_NE(answer->entry, nullptr);
}

TEST_F(LookupServiceTest, WrongTypeOrMalformedKeyIsNotFoundAndPaysThePenalty) {
    ASSERT_TRUE(dict_->Create(CpfCommand(), bank_a_).ok());
    auto answer = Lookup(kCpf, "PHONE");
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer->entry, nullptr);
    answer = Lookup("12345678901");  // bad check digits
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer->entry, nullptr);
    EXPECT_EQ(limiter_->MetricsOf("12345678").not_found_24h, 2);
}

TEST_F(LookupServiceTest, RefusedWhenEitherBucketIsEmpty) {
    for (int lookup_idx = 0; lookup_idx < 5; ++lookup_idx) ASSERT_TRUE(Lookup(kCpf).ok());
    auto answer = Lookup(kCpf);
    ASSERT_TRUE(answer.ok());
    EXPECT_FALSE(answer->charge.allowed);
    EXPECT_EQ(answer->charge.view.bucket, "user");
    EXPECT_EQ(answer->charge.retry_after_seconds, 20 * 60);
}

TEST_F(LookupServiceTest, InactiveInstitutionIsRefused) {
    ASSERT_TRUE(institutions_->Create("12345678", "Bank A", std::nullopt).ok());
    ASSERT_TRUE(institutions_->Update("12345678", {.name = {}, .status = "INACTIVE"}).ok());
    auto answer = Lookup(kCpf);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(LookupServiceTest, BatchCheckSaysOnlyWhetherKeysExist) {
    ASSERT_TRUE(dict_->Create(CpfCommand(), bank_a_).ok());
    ChargeOutcome charge;
    auto checks = lookups_->CheckKeys({std::string(kCpf), "test@example.com", ""}, bank_a_, charge);
    ASSERT_TRUE(checks.ok()) << checks.error().message;
    ASSERT_EQ(checks->size(), 3u);
    EXPECT_TRUE((*checks)[0].has_entry);
    EXPECT_FALSE((*checks)[1].has_entry);
    EXPECT_FALSE((*checks)[2].has_entry);
    EXPECT_TRUE(charge.allowed);
    EXPECT_EQ(lookups_->CheckKeys({}, bank_a_, charge).error().message,
              "Keys array must contain 1-200 elements");
    EXPECT_FALSE(lookups_->CheckKeys(std::vector<std::string>(201, "x"), bank_a_, charge).ok());
    EXPECT_TRUE(lookups_->CheckKeys(std::vector<std::string>(200, "x"), bank_a_, charge).ok());
    for (int request_idx = 2; request_idx < 70; ++request_idx)
        ASSERT_TRUE(lookups_->CheckKeys({"x"}, bank_a_, charge).ok()) << request_idx;
    auto limited = lookups_->CheckKeys({"x"}, bank_a_, charge);
    ASSERT_FALSE(limited.ok());
    EXPECT_EQ(limited.error().code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(limited.error().message, "Rate limit exceeded. 70 requests/min allowed");
    // Batch checks do not spend lookup tokens.
    EXPECT_EQ(limiter_->PeekParticipant("12345678").remaining, 50);
}

TEST_F(LookupServiceTest, BatchCheckMatchesStoredSpellings) {
    CreateEntryCommand email = CpfCommand();
    email.key_type = "EMAIL";
    email.key = "ab@example.com";  // 14 characters, like a CNPJ
    ASSERT_TRUE(dict_->Create(email, bank_a_).ok());
    CreateEntryCommand cnpj{.key_type = "CNPJ",
                            .key = "12ABC34501DE35",
                            .owner_type = "LEGAL_PERSON",
                            .owner_tax_id = "12ABC34501DE35",
                            .owner_name = "Empresa",
                            .branch = "0001",
                            .account_number = "9",
                            .account_type = "CACC"};
    ASSERT_TRUE(dict_->Create(cnpj, bank_a_).ok());
    ChargeOutcome charge;
    auto checks = lookups_->CheckKeys({"ab@example.com", "12abc34501de35", "12ABC34501DE35"},
                                      bank_a_, charge);
    ASSERT_TRUE(checks.ok());
    EXPECT_TRUE((*checks)[0].has_entry);
    EXPECT_TRUE((*checks)[1].has_entry);
    EXPECT_EQ((*checks)[1].key, "12abc34501de35");  // echoed as sent
    EXPECT_TRUE((*checks)[2].has_entry);
}

TEST_F(LookupServiceTest, InstitutionsAdminRules) {
    auto created = institutions_->Create("12345678", "Test Bank", std::nullopt);
    ASSERT_TRUE(created.ok()) << created.error().message;
    EXPECT_EQ(created->category, Category::kH);
    EXPECT_EQ(institutions_->Create("12345678", "Again", "A").error().code,
              ErrorCode::kAlreadyExists);
    EXPECT_EQ(institutions_->Create("1234567", "Bad", "A").error().field, "ispb");
    EXPECT_EQ(institutions_->Create("22222222", "", "A").error().field, "name");
    EXPECT_EQ(institutions_->Create("22222222", "Bad", "Z").error().field, "category");
    ASSERT_TRUE(institutions_->Create("00000000", "Banco do Brasil", "A").ok());

    auto page = institutions_->List({.category = Category::kA});
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->total_count, 1);
    EXPECT_EQ(page->institutions[0].ispb, "00000000");
    page = institutions_->List({.limit = 1, .offset = 1});
    EXPECT_EQ(page->total_count, 2);
    ASSERT_EQ(page->institutions.size(), 1u);
    EXPECT_EQ(page->institutions[0].ispb, "12345678");
    EXPECT_FALSE(institutions_->List({.limit = 101}).ok());
    EXPECT_FALSE(institutions_->List({.offset = -1}).ok());

    auto changed = institutions_->ChangeCategory("12345678", "G", "admin@dictra.com");
    ASSERT_TRUE(changed.ok());
    EXPECT_EQ(changed->category_changed_at, clock_.Now());
    EXPECT_EQ(limiter_->BucketStatusOf("12345678", true)->capacity, 200);
    EXPECT_EQ(institutions_->ChangeCategory("12345678", "G", "").error().field, "changed_by");
    EXPECT_EQ(institutions_->ChangeCategory("99999999", "G", "x").error().code,
              ErrorCode::kNotFound);

    // It survives a restart: a new service reads the table.
    RateLimiter fresh_limiter({}, clock_);
    InstitutionService reloaded(*institution_store_, fresh_limiter, clock_);
    ASSERT_TRUE(reloaded.Load().ok());
    EXPECT_EQ(reloaded.Get("12345678")->category, Category::kG);
    EXPECT_EQ(fresh_limiter.BucketStatusOf("12345678", true)->capacity, 200);

    ASSERT_TRUE(institutions_->Delete("12345678").ok());
    EXPECT_EQ(institutions_->Delete("12345678").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(limiter_->BucketStatusOf("12345678", false)->capacity, 50);  // back to H
}

TEST(InstitutionSeedsTest, ParsesAndRefuses) {
    auto seeds = ParseInstitutionSeeds("12345678:C:Demo Bank A,87654321:H:B: with colon");
    ASSERT_TRUE(seeds.ok()) << seeds.error().message;
    ASSERT_EQ(seeds->size(), 2u);
    EXPECT_EQ((*seeds)[1].name, "B: with colon");
    EXPECT_EQ((*seeds)[0].category, Category::kC);
    EXPECT_TRUE(ParseInstitutionSeeds("")->empty());
    EXPECT_FALSE(ParseInstitutionSeeds("1234567:C:x").ok());
    EXPECT_FALSE(ParseInstitutionSeeds("12345678:Q:x").ok());
    EXPECT_FALSE(ParseInstitutionSeeds("12345678:C:").ok());
    EXPECT_FALSE(ParseInstitutionSeeds("12345678").ok());
}

}  // namespace
}  // namespace dictra::dict
