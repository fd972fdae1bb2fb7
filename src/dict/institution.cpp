#include "dict/institution.hpp"

#include <algorithm>

#include "core/check.hpp"
#include "core/ids.hpp"
#include "core/utf8.hpp"

namespace dictra::dict {
namespace {

constexpr std::string_view kInstitutionsSql =
    "CREATE TABLE dict_institutions (\n"
    "  ispb TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  category TEXT NOT NULL,\n"
    "  status TEXT NOT NULL,\n"
    "  category_changed_at_us BIGINT,\n"
    "  category_changed_by TEXT,\n"
    "  created_at_us BIGINT NOT NULL,\n"
    "  updated_at_us BIGINT NOT NULL\n"
    ");\n";

constexpr db::Migration kInstitutionsMigration = {
    .version = 2, .name = "institutions", .sql = kInstitutionsSql, .postgres_sql = {}};

std::int64_t Micros(SystemTimePoint at) {
    return at.time_since_epoch().count();
}
SystemTimePoint FromMicros(std::int64_t us) {
    return SystemTimePoint(std::chrono::microseconds(us));
}

std::size_t Utf8Chars(std::string_view text) {
    std::size_t chars = 0;
    for (char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
    return chars;
}

Error InstitutionNotFound() {
    return Error::NotFound("institution not found");
}

Result<Category> ParseCategory(std::string_view text) {
    auto category = CategoryFromString(text);
    if (!category) return Error::InvalidArgument("category must be one of A to H", "category");
    return *category;
}

Status CheckName(std::string_view name) {
    const std::size_t chars = Utf8Chars(name);
    if (chars == 0 || chars > kInstitutionNameCharsMax || FindInvalidUtf8(name))
        return Error::InvalidArgument("name must have 1 to 140 characters", "name");
    return Ok();
}

db::Value OptionalMicros(const std::optional<SystemTimePoint>& at) {
    return at ? db::Value(Micros(*at)) : db::Value(db::Null{});
}
db::Value OptionalText(const std::optional<std::string>& text) {
    return text ? db::Text(*text) : db::Value(db::Null{});
}

}  // namespace

std::string_view ToString(InstitutionStatus status) {
    return status == InstitutionStatus::kActive ? "ACTIVE" : "INACTIVE";
}

std::optional<InstitutionStatus> InstitutionStatusFromString(std::string_view text) {
    if (text == "ACTIVE") return InstitutionStatus::kActive;
    if (text == "INACTIVE") return InstitutionStatus::kInactive;
    return std::nullopt;
}

const db::Migration& InstitutionsMigration() {
    return kInstitutionsMigration;
}

// ---- store ----

Result<std::vector<Institution>> InstitutionStore::LoadAll() {
    return database_.Read([](db::Connection& connection) -> Result<std::vector<Institution>> {
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<db::Row> rows,
            connection.Query("SELECT ispb, name, category, status, category_changed_at_us, "
                             "category_changed_by, created_at_us, updated_at_us "
                             "FROM dict_institutions ORDER BY ispb"));
        std::vector<Institution> institutions;
        institutions.reserve(rows.size());
        for (const db::Row& row : rows) {
            Institution institution;
            institution.ispb = row.GetText("ispb");
            institution.name = row.GetText("name");
            auto category = CategoryFromString(row.GetText("category"));
            auto status = InstitutionStatusFromString(row.GetText("status"));
            DICTRA_CHECK(category.has_value() && status.has_value());
            institution.category = *category;
            institution.status = *status;
            if (auto at = row.GetOptionalInt64("category_changed_at_us"))
                institution.category_changed_at = FromMicros(*at);
            institution.category_changed_by = row.GetOptionalText("category_changed_by");
            institution.created_at = FromMicros(row.GetInt64("created_at_us"));
            institution.updated_at = FromMicros(row.GetInt64("updated_at_us"));
            institutions.push_back(std::move(institution));
        }
        return institutions;
    });
}

Status InstitutionStore::Insert(const Institution& institution) {
    return database_.Write([&](db::Transaction& tx) -> Status {
        DICTRA_ASSIGN_OR_RETURN(std::optional<db::Row> existing,
                                tx.QueryFirst("SELECT ispb FROM dict_institutions WHERE ispb = ?",
                                              {db::Text(institution.ispb)}));
        if (existing) return Error::AlreadyExists("institution already exists");
        auto inserted = tx.Execute(
            "INSERT INTO dict_institutions (name, category, status, category_changed_at_us, "
            "category_changed_by, updated_at_us, ispb, created_at_us) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {db::Text(institution.name), db::Text(ToString(institution.category)),
             db::Text(ToString(institution.status)),
             OptionalMicros(institution.category_changed_at),
             OptionalText(institution.category_changed_by), Micros(institution.updated_at),
             db::Text(institution.ispb), Micros(institution.created_at)});
        if (!inserted.ok()) return std::move(inserted).error();
        return Ok();
    });
}

Status InstitutionStore::Update(const Institution& institution) {
    return database_.Write([&](db::Transaction& tx) -> Status {
        DICTRA_ASSIGN_OR_RETURN(
            std::int64_t changed,
            tx.Execute("UPDATE dict_institutions SET name = ?, category = ?, status = ?, "
                       "category_changed_at_us = ?, category_changed_by = ?, updated_at_us = ? "
                       "WHERE ispb = ?",
                       {db::Text(institution.name), db::Text(ToString(institution.category)),
                        db::Text(ToString(institution.status)),
                        OptionalMicros(institution.category_changed_at),
                        OptionalText(institution.category_changed_by),
                        Micros(institution.updated_at), db::Text(institution.ispb)}));
        if (changed == 0) return InstitutionNotFound();
        return Ok();
    });
}

Status InstitutionStore::Delete(std::string_view ispb) {
    return database_.Write([&](db::Transaction& tx) -> Status {
        DICTRA_ASSIGN_OR_RETURN(
            std::int64_t changed,
            tx.Execute("DELETE FROM dict_institutions WHERE ispb = ?", {db::Text(ispb)}));
        if (changed == 0) return InstitutionNotFound();
        return Ok();
    });
}

// ---- service ----

Status InstitutionService::Load() {
    DICTRA_ASSIGN_OR_RETURN(std::vector<Institution> all, store_.LoadAll());
    std::lock_guard lock(mutex_);
    for (Institution& institution : all) {
        limiter_.Configure(institution.ispb, institution.category,
                           institution.status == InstitutionStatus::kActive);
        std::string ispb = institution.ispb;
        institutions_.insert_or_assign(std::move(ispb), std::move(institution));
    }
    return Ok();
}

Result<InstitutionPage> InstitutionService::List(const InstitutionFilter& filter) const {
    if (filter.limit < 1 || filter.limit > kInstitutionsPageMax)
        return Error::InvalidArgument("limit must be between 1 and 100", "limit");
    if (filter.offset < 0) return Error::InvalidArgument("offset must not be negative", "offset");
    InstitutionPage page;
    std::lock_guard lock(mutex_);
    for (const auto& [ispb, institution] : institutions_) {
        if (filter.category && institution.category != *filter.category) continue;
        if (filter.status && institution.status != *filter.status) continue;
        if (page.total_count >= filter.offset && page.total_count < filter.offset + filter.limit) {
            page.institutions.push_back(institution);
        }
        ++page.total_count;
    }
    return page;
}

Result<Institution> InstitutionService::Create(std::string_view ispb, std::string_view name,
                                               std::optional<std::string_view> category_text) {
    if (!IsIspb(ispb)) return Error::InvalidArgument("ispb must be 8 digits", "ispb");
    DICTRA_RETURN_IF_ERROR(CheckName(name));
    Category category = Category::kH;
    if (category_text) {
        DICTRA_ASSIGN_OR_RETURN(category, ParseCategory(*category_text));
    }
    Institution institution;
    institution.ispb = std::string(ispb);
    institution.name = std::string(name);
    institution.category = category;
    institution.created_at = clock_.Now();
    institution.updated_at = institution.created_at;
    std::lock_guard lock(mutex_);
    if (institutions_.contains(ispb)) return Error::AlreadyExists("institution already exists");
    DICTRA_RETURN_IF_ERROR(store_.Insert(institution));
    limiter_.Configure(institution.ispb, institution.category, true);
    institutions_.emplace(institution.ispb, institution);
    return institution;
}

Status InstitutionService::Seed(std::string_view ispb, std::string_view name, Category category) {
    auto created = Create(ispb, name, ToString(category));
    if (!created.ok() && created.error().code != ErrorCode::kAlreadyExists)
        return std::move(created).error();
    return Ok();
}

Result<Institution> InstitutionService::Find(std::string_view ispb) const {
    if (!IsIspb(ispb)) return Error::InvalidArgument("ispb must be 8 digits", "ispb");
    auto it = institutions_.find(ispb);
    if (it == institutions_.end()) return InstitutionNotFound();
    return it->second;
}

Result<Institution> InstitutionService::Get(std::string_view ispb) const {
    std::lock_guard lock(mutex_);
    return Find(ispb);
}

bool InstitutionService::IsRegistered(std::string_view ispb) const {
    std::lock_guard lock(mutex_);
    return institutions_.contains(ispb);
}

std::int64_t InstitutionService::Count() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(institutions_.size());
}

Result<Institution> InstitutionService::Update(std::string_view ispb,
                                               const InstitutionUpdate& update) {
    std::lock_guard lock(mutex_);
    DICTRA_ASSIGN_OR_RETURN(Institution institution, Find(ispb));
    if (update.name) {
        DICTRA_RETURN_IF_ERROR(CheckName(*update.name));
        institution.name = *update.name;
    }
    if (update.status) {
        auto status = InstitutionStatusFromString(*update.status);
        if (!status) return Error::InvalidArgument("status must be ACTIVE or INACTIVE", "status");
        institution.status = *status;
    }
    institution.updated_at = clock_.Now();
    DICTRA_RETURN_IF_ERROR(store_.Update(institution));
    limiter_.Configure(institution.ispb, institution.category,
                       institution.status == InstitutionStatus::kActive);
    institutions_.insert_or_assign(institution.ispb, institution);
    return institution;
}

Status InstitutionService::Delete(std::string_view ispb) {
    std::lock_guard lock(mutex_);
    DICTRA_ASSIGN_OR_RETURN(Institution institution, Find(ispb));
    DICTRA_RETURN_IF_ERROR(store_.Delete(ispb));
    limiter_.Unconfigure(ispb);
    institutions_.erase(institution.ispb);
    return Ok();
}

Result<Institution> InstitutionService::ChangeCategory(std::string_view ispb,
                                                       std::string_view category_text,
                                                       std::string_view changed_by) {
    DICTRA_ASSIGN_OR_RETURN(Category category, ParseCategory(category_text));
    const std::size_t by_chars = Utf8Chars(changed_by);
    if (by_chars == 0 || by_chars > kInstitutionNameCharsMax || FindInvalidUtf8(changed_by))
        return Error::InvalidArgument("changed_by must have 1 to 140 characters", "changed_by");
    std::lock_guard lock(mutex_);
    DICTRA_ASSIGN_OR_RETURN(Institution institution, Find(ispb));
    const SystemTimePoint now = clock_.Now();
    institution.category = category;
    institution.category_changed_at = now;
    institution.category_changed_by = std::string(changed_by);
    institution.updated_at = now;
    DICTRA_RETURN_IF_ERROR(store_.Update(institution));
    limiter_.Configure(institution.ispb, institution.category,
                       institution.status == InstitutionStatus::kActive);
    institutions_.insert_or_assign(institution.ispb, institution);
    return institution;
}

Result<std::vector<InstitutionSeed>> ParseInstitutionSeeds(std::string_view text) {
    std::vector<InstitutionSeed> seeds;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        const std::string_view entry = text.substr(start, comma - start);
        start = comma + 1;
        const std::string bad = "--dict-institutions: bad entry '" + std::string(entry) +
                                "' (expected ISPB:CATEGORY:Name, e.g. 12345678:C:Demo Bank)";
        const std::size_t first = entry.find(':');
        if (first == std::string_view::npos) return Error::InvalidArgument(bad);
        const std::size_t second = entry.find(':', first + 1);
        if (second == std::string_view::npos) return Error::InvalidArgument(bad);
        InstitutionSeed seed;
        seed.ispb = std::string(entry.substr(0, first));
        auto category = CategoryFromString(entry.substr(first + 1, second - first - 1));
        seed.name = std::string(entry.substr(second + 1));
        if (!IsIspb(seed.ispb) || !category || !CheckName(seed.name).ok())
            return Error::InvalidArgument(bad);
        seed.category = *category;
        seeds.push_back(std::move(seed));
    }
    return seeds;
}

}  // namespace dictra::dict
