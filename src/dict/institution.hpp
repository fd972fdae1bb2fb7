// Institutions (spec "Admin API - Rate Limiting"): the participants an operator registered, with
// the BACEN category that sizes their lookup bucket. Stored in dict_institutions (dict migration
// 2) and mirrored in memory, where the RateLimiter reads the category and status on every lookup.
// A participant with no record is category H and active.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/db/database.hpp"
#include "core/result.hpp"
#include "dict/rate_limit.hpp"

namespace dictra::dict {

enum class InstitutionStatus { kActive, kInactive };
std::string_view ToString(InstitutionStatus status);
std::optional<InstitutionStatus> InstitutionStatusFromString(std::string_view text);

inline constexpr std::size_t kInstitutionNameCharsMax = 140;
inline constexpr std::int64_t kInstitutionsPageMax = 100;
inline constexpr std::int64_t kInstitutionsPageDefault = 20;

struct Institution {
    std::string ispb;
    std::string name;
    Category category = Category::kH;
    InstitutionStatus status = InstitutionStatus::kActive;
    std::optional<SystemTimePoint> category_changed_at;
    std::optional<std::string> category_changed_by;
    SystemTimePoint created_at;
    SystemTimePoint updated_at;
};

// dict migration 2: dict_institutions.
const db::Migration& InstitutionsMigration();

class InstitutionStore {
 public:
    explicit InstitutionStore(db::Database& database) : database_(database) {}
    Result<std::vector<Institution>> LoadAll();
    // kAlreadyExists when the ISPB is registered (nothing stored).
    Status Insert(const Institution& institution);
    // kNotFound when absent.
    Status Update(const Institution& institution);
    Status Delete(std::string_view ispb);

 private:
    db::Database& database_;
};

struct InstitutionFilter {
    std::optional<Category> category;
    std::optional<InstitutionStatus> status;
    std::int64_t limit = kInstitutionsPageDefault;
    std::int64_t offset = 0;
};

struct InstitutionPage {
    std::vector<Institution> institutions;
    std::int64_t total_count = 0;
};

struct InstitutionUpdate {
    std::optional<std::string> name;
    std::optional<std::string> status;
};

// The admin rules. Writes go to the database first, then to memory and the RateLimiter.
// Thread-safe.
class InstitutionService {
 public:
    InstitutionService(InstitutionStore& store, RateLimiter& limiter, const Clock& clock)
        : store_(store), limiter_(limiter), clock_(clock) {}

    // Reads every institution and configures the limiter. Call once at start-up.
    Status Load();

    // Page of institutions ordered by ISPB. kInvalidArgument for limit outside 1..100 or a
    // negative offset.
    Result<InstitutionPage> List(const InstitutionFilter& filter) const;
    // `category` absent means H. kInvalidArgument naming the field; kAlreadyExists
    // ("institution already exists").
    Result<Institution> Create(std::string_view ispb, std::string_view name,
                               std::optional<std::string_view> category);
    // Creates the institution when absent; used for the demo institutions of the default run.
    Status Seed(std::string_view ispb, std::string_view name, Category category);
    Result<Institution> Get(std::string_view ispb) const;
    Result<Institution> Update(std::string_view ispb, const InstitutionUpdate& update);
    Status Delete(std::string_view ispb);
    Result<Institution> ChangeCategory(std::string_view ispb, std::string_view category,
                                       std::string_view changed_by);
    bool IsRegistered(std::string_view ispb) const;
    std::int64_t Count() const;

 private:
    Result<Institution> Find(std::string_view ispb) const;

    InstitutionStore& store_;
    RateLimiter& limiter_;
    const Clock& clock_;
    mutable std::mutex mutex_;  // serialises writes and guards institutions_
    std::map<std::string, Institution, std::less<>> institutions_;  // guarded by mutex_
};

// "ISPB:CATEGORY:Name,..." (flag --dict-institutions) -> seeds. kInvalidArgument naming the
// bad entry.
struct InstitutionSeed {
    std::string ispb;
    Category category = Category::kH;
    std::string name;
};
Result<std::vector<InstitutionSeed>> ParseInstitutionSeeds(std::string_view text);

}  // namespace dictra::dict
