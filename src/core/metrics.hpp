// Prometheus metrics, own code: counters, gauges and histograms in labelled families, rendered
// in the text exposition format 0.0.4 for /metrics.
//
// Hot path: look a child up once (Family::WithLabels, a shared lock and a map lookup without
// allocation) and keep the reference; updating a child is lock-free atomics only. Children live
// as long as the registry, so references stay valid.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dictra::metrics {

// A family past this many label sets stops growing: further label sets share a sink child that is
// never rendered. Unbounded labels (a raw path, an id) would otherwise eat memory and the scraper.
inline constexpr std::size_t kChildrenPerFamilyMax = 10000;
// Buckets per histogram; each costs one atomic per child.
inline constexpr std::size_t kHistogramBucketsMax = 64;

// Prometheus' client default, in seconds: 5 ms .. 10 s.
std::vector<double> DefaultLatencyBucketsSeconds();

// Monotonic count. Thread-safe, lock-free.
class Counter {
 public:
    // A counter never goes down: negative and NaN increments are ignored.
    void Increment(double by = 1.0);
    double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
    std::atomic<double> value_{0.0};
};

// A value that goes up and down. Thread-safe, lock-free.
class Gauge {
 public:
    void Set(double value) { value_.store(value, std::memory_order_relaxed); }
    void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
    double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
    std::atomic<double> value_{0.0};
};

// Observations counted in fixed buckets (upper bounds, ascending, +Inf implied). Thread-safe,
// lock-free. A concurrent render may see a sum from slightly before or after the counts.
class Histogram {
 public:
    // REQUIRES: `upper_bounds` strictly ascending, finite, at most kHistogramBucketsMax.
    explicit Histogram(std::span<const double> upper_bounds);

    // NaN observations are ignored.
    void Observe(double value);
    void ObserveDuration(std::chrono::nanoseconds duration) {
        Observe(std::chrono::duration<double>(duration).count());
    }

    struct Snapshot {
        std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
        double sum = 0.0;
    };
    Snapshot Read() const;
    const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
    std::vector<double> upper_bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> bucket_counts_;  // per bucket, +Inf last
    std::atomic<double> sum_{0.0};
};

enum class MetricType { kCounter, kGauge, kHistogram };

// Orders label-value tuples; also compares against spans of string_view so lookups do not
// build strings.
struct LabelValuesLess {
    using is_transparent = void;
    bool operator()(const std::vector<std::string>& lhs, const std::vector<std::string>& rhs) const;
    bool operator()(const std::vector<std::string>& lhs,
                    std::span<const std::string_view> rhs) const;
    bool operator()(std::span<const std::string_view> lhs,
                    const std::vector<std::string>& rhs) const;
};

// One metric name with its label names, and one child per distinct label-value tuple.
template <typename Metric>
class Family {
 public:
    Family(std::string name, std::string help, std::vector<std::string> label_names,
           std::vector<double> bucket_bounds = {});

    // The child for these label values, created on first use. Thread-safe.
    // REQUIRES: exactly one value per label name (a programmer error otherwise: crashes).
    Metric& WithLabels(std::span<const std::string_view> label_values);
    Metric& WithLabels(std::initializer_list<std::string_view> label_values) {
        return WithLabels(
            std::span<const std::string_view>(label_values.begin(), label_values.size()));
    }

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    const std::vector<std::string>& label_names() const { return label_names_; }

    // Calls visit(label_values, metric) for each rendered child, in label-value order.
    template <typename Visit>
    void ForEach(Visit&& visit) const {
        std::shared_lock lock(mutex_);
        for (const auto& [values, metric] : children_) visit(values, *metric);
    }

 private:
    std::unique_ptr<Metric> MakeChild() const;

    const std::string name_;
    const std::string help_;
    const std::vector<std::string> label_names_;
    const std::vector<double> bucket_bounds_;  // histograms only
    mutable std::shared_mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>, LabelValuesLess>
        children_;                           // guarded by mutex_
    std::unique_ptr<Metric> overflow_sink_;  // past kChildrenPerFamilyMax; never rendered
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

struct RegistryOptions {
    // Adds process_* figures from /proc/self at render time (Linux).
    bool include_process_metrics = true;
};

// Owns families by name. Registering a name again with the same type and label names (and
// buckets) returns the existing family, so services in one process can share e.g. the HTTP
// families; a conflicting re-registration or an invalid name is a programmer error (crashes).
class Registry {
 public:
    explicit Registry(RegistryOptions options = {});
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    CounterFamily& AddCounter(std::string name, std::string help,
                              std::vector<std::string> label_names = {});
    GaugeFamily& AddGauge(std::string name, std::string help,
                          std::vector<std::string> label_names = {});
    HistogramFamily& AddHistogram(
        std::string name, std::string help, std::vector<std::string> label_names = {},
        std::vector<double> bucket_bounds = DefaultLatencyBucketsSeconds());

    // The text exposition format 0.0.4 (Content-Type "text/plain; version=0.0.4"): families in
    // name order with HELP and TYPE lines, then process_* figures. Thread-safe.
    std::string RenderText() const;

 private:
    struct Entry;
    Entry& FindOrAdd(std::string name, std::string help, MetricType type,
                     std::vector<std::string> label_names, std::vector<double> bucket_bounds);

    const RegistryOptions options_;
    mutable std::mutex mutex_;
    std::map<std::string, std::unique_ptr<Entry>> families_;  // guarded by mutex_
};

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// The HTTP layer's two families:
//   http_requests_total{service,method,route,status}            counter
//   http_request_duration_seconds{service,method,route}         histogram (default buckets)
// `route` must be the route pattern ("/api/v1/payments/{id}"), never the raw path.
class HttpMetrics {
 public:
    explicit HttpMetrics(Registry& registry);

    // Thread-safe. Costs two child lookups; cache children from the families for hotter paths.
    void Record(std::string_view service, std::string_view method, std::string_view route,
                int status, std::chrono::nanoseconds duration);

    CounterFamily& requests() { return requests_; }
    HistogramFamily& durations() { return durations_; }

 private:
    CounterFamily& requests_;
    HistogramFamily& durations_;
};

// Escapes a label value for the text format: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);

}  // namespace dictra::metrics
