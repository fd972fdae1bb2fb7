// The rate-limited lookup (spec "Get PIX Key", six steps) and the batch key check.
//
// 1. PI-PayerId (1..64 bytes) is required; PI-PayerType is NATURAL_PERSON (default) or
//    LEGAL_PERSON.  2. The existence cache answers found (30 days) or not found (5 minutes);
//    a miss reads the store once and fills it. DictService invalidates a key on every write.
// 3. Both buckets are charged together: found costs, or the 404 penalties.  4. A found lookup
//    mints the EndToEndId (PI-EndToEndId) and remembers it for the refund on payment.
// 5. The RateLimiter counts the lookup (24 h metrics).  6. The caller renders the headers.
// No database write happens on this path.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/ids.hpp"
#include "dict/rate_limit.hpp"
#include "dict/service.hpp"

namespace dictra::dict {

// An entry as the lookup serves it: the entry and its JSON, rendered once.
struct CachedEntry {
    Entry entry;
    std::string json;
};

// Existence cache: normalized key -> found entry or known absence, with expiry. Thread-safe
// (sharded, one mutex per shard). A writer's Invalidate between a reader's store read and its
// Fill wins: the reader's stale answer is not stored.
class ExistenceCache {
 public:
    ExistenceCache(const RateLimitConfig& config, const Clock& clock);
    ~ExistenceCache();

    struct Hit {
        std::shared_ptr<const CachedEntry> entry;  // null: known absent
    };
    // A live answer, or nullopt (then `generation` is what Fill must be given).
    std::optional<Hit> Find(std::string_view key, std::uint64_t& generation);
    void Fill(std::string_view key, std::shared_ptr<const CachedEntry> entry,
              std::uint64_t generation);
    void Invalidate(std::string_view key);

 private:
    struct Shard;
    Shard& ShardFor(std::string_view key);

    const RateLimitConfig& config_;
    const Clock& clock_;
    std::unique_ptr<Shard[]> shards_;
};

struct LookupQuery {
    std::string_view key;
    std::string_view key_type;
    std::optional<std::string_view> payer_id;
    std::optional<std::string_view> payer_type;
};

struct LookupAnswer {
    ChargeOutcome charge;                      // allowed == false: 429
    std::shared_ptr<const CachedEntry> entry;  // null when not found (or refused)
    std::string end_to_end_id;                 // found and allowed only
};

struct KeyCheck {
    std::string key;
    bool has_entry = false;
};

using EntryRenderer = std::function<std::string(const Entry&)>;

// A few threads for the lookups the cache cannot answer (they read the database), so that the
// cached lookups can be answered on the I/O thread. Bounded queue; Stop()/destruction finishes
// the queued tasks and joins.
class BlockingExecutor {
 public:
    BlockingExecutor(std::size_t threads, std::size_t queue_max);
    ~BlockingExecutor();
    BlockingExecutor(const BlockingExecutor&) = delete;
    BlockingExecutor& operator=(const BlockingExecutor&) = delete;

    // False (task not taken) when the queue is full or the executor stopped.
    bool Submit(std::function<void()> task);
    void Stop();

 private:
    void Run();

    const std::size_t queue_max_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::function<void()>> tasks_;  // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
    std::vector<std::thread> threads_;
};

class LookupService {
 public:
    // REQUIRES: all references outlive the service. Registers the cache invalidation on
    // `dict` (DictService::SetKeyChangeListener).
    LookupService(DictService& dict, RateLimiter& limiter, const Clock& clock,
                  EntryRenderer render);

    // The six steps. Errors (nothing charged): kInvalidArgument for PI-PayerId / PI-PayerType /
    // keyType (INVALID_KEY_TYPE); kPermissionDenied when the participant is INACTIVE.
    Result<LookupAnswer> Lookup(const LookupQuery& query, const Ispb& participant);
    // The same without touching the database: nullopt (nothing charged) when the existence
    // cache does not know the key; then call Lookup off the I/O thread.
    Result<std::optional<LookupAnswer>> LookupCached(const LookupQuery& query,
                                                     const Ispb& participant);

    // POST /api/v2/keys/check: 1..200 keys, presence only. kInvalidArgument outside 1..200;
    // kResourceExhausted past 70 requests/min (retry_after set in `charge`).
    Result<std::vector<KeyCheck>> CheckKeys(const std::vector<std::string>& keys,
                                            const Ispb& participant, ChargeOutcome& charge);

    // The SPI reports a settled payment made with a lookup's EndToEndId.
    Result<RefundResult> ReportPayment(std::string_view end_to_end_id);

    RateLimiter& limiter() { return limiter_; }
    BlockingExecutor& executor() { return executor_; }

 private:
    Result<std::optional<LookupAnswer>> Run(const LookupQuery& query, const Ispb& participant,
                                            bool may_read_store);
    // Cache first, then the store. Null when the key has no active entry.
    Result<std::shared_ptr<const CachedEntry>> Resolve(std::string_view normalized_key);

    DictService& dict_;
    RateLimiter& limiter_;
    const Clock& clock_;
    EntryRenderer render_;
    ExistenceCache cache_;
    BlockingExecutor executor_{4, 100'000};
};

inline constexpr std::size_t kKeyCheckKeysMax = 200;

}  // namespace dictra::dict
