#include "core/metrics.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/check.hpp"

namespace dictra::metrics {
namespace {

bool IsNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) {
    return IsNameStart(c) || (c >= '0' && c <= '9');
}

// Metric names: [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name) {
    if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return IsNameChar(c) || c == ':'; });
}

// Label names: [a-zA-Z_][a-zA-Z0-9_]*, and "__" is reserved for Prometheus itself.
bool IsValidLabelName(std::string_view name) {
    if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) return false;
    return std::all_of(name.begin(), name.end(), IsNameChar);
}

void AppendValue(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[64];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
        DICTRA_CHECK(ec == std::errc());
        out.append(buffer, end);
    }
}

void AppendUnsigned(std::string& out, std::uint64_t value) {
    out += std::to_string(value);
}

// HELP text escapes backslash and newline only (format 0.0.4).
std::string EscapeHelp(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// `{a="1",b="2"` plus an optional extra label, then `}`; nothing when there are no labels.
void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
    if (names.empty() && extra_name.empty()) return;
    out.push_back('{');
    bool first = true;
    for (std::size_t label_idx = 0; label_idx < names.size(); ++label_idx) {
        if (!first) out.push_back(',');
        first = false;
        out += names[label_idx];
        out += "=\"";
        out += EscapeLabelValue(values[label_idx]);
        out.push_back('"');
    }
    if (!extra_name.empty()) {
        if (!first) out.push_back(',');
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out.push_back('"');
    }
    out.push_back('}');
}

void AppendHeader(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type) {
    out += "# HELP ";
    out += name;
    out.push_back(' ');
    out += EscapeHelp(help);
    out += "\n# TYPE ";
    out += name;
    out.push_back(' ');
    out += type;
    out.push_back('\n');
}

void AppendSample(std::string& out, std::string_view name, double value) {
    out += name;
    out.push_back(' ');
    AppendValue(out, value);
    out.push_back('\n');
}

int CompareSequences(const auto& lhs, const auto& rhs) {
    const std::size_t common = std::min(lhs.size(), rhs.size());
    for (std::size_t idx = 0; idx < common; ++idx) {
        const int order = std::string_view(lhs[idx]).compare(std::string_view(rhs[idx]));
        if (order != 0) return order;
    }
    return lhs.size() < rhs.size() ? -1 : (lhs.size() > rhs.size() ? 1 : 0);
}

struct ProcessFigures {
    std::optional<double> cpu_seconds;
    std::optional<double> resident_bytes;
    std::optional<double> virtual_bytes;
    std::optional<double> open_fds;
    std::optional<double> start_time_seconds;
    std::optional<double> threads;
};

std::optional<double> BootTimeSeconds() {
    std::ifstream stat("/proc/stat");
    for (std::string line; std::getline(stat, line);) {
        if (line.starts_with("btime ")) return std::stod(line.substr(6));
    }
    return std::nullopt;
}

ProcessFigures ReadProcessFigures() {
    ProcessFigures figures;
    std::ifstream stat_file("/proc/self/stat");
    std::string stat;
    std::getline(stat_file, stat);
    // The command name (field 2) is in parentheses and may hold spaces or ')'; fields after the
    // last ')' are plain numbers. Field N (1-based, man proc) is fields[N - 3] here.
    const std::size_t comm_end = stat.rfind(')');
    if (comm_end != std::string::npos) {
        std::istringstream rest(stat.substr(comm_end + 1));
        std::vector<std::string> fields;
        for (std::string field; rest >> field;) fields.push_back(field);
        const auto field = [&](int number) -> std::optional<double> {
            const auto idx = static_cast<std::size_t>(number - 3);
            if (idx >= fields.size()) return std::nullopt;
            double value = 0;
            const auto [ptr, ec] =
                std::from_chars(fields[idx].data(), fields[idx].data() + fields[idx].size(), value);
            if (ec != std::errc()) return std::nullopt;
            return value;
        };
        const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
        const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
        if (auto utime = field(14), stime = field(15); utime && stime) {
            figures.cpu_seconds = (*utime + *stime) / ticks_per_second;
        }
        figures.threads = field(20);
        static const std::optional<double> boot_time_s = BootTimeSeconds();
        if (auto start_ticks = field(22); start_ticks && boot_time_s) {
            figures.start_time_seconds = *boot_time_s + *start_ticks / ticks_per_second;
        }
        figures.virtual_bytes = field(23);
        if (auto rss_pages = field(24)) figures.resident_bytes = *rss_pages * page_bytes;
    }
    std::error_code ec;
    std::filesystem::directory_iterator fds("/proc/self/fd", ec);
    if (!ec) {
        double count = 0;
        for (const auto& entry : fds) {
            static_cast<void>(entry);
            ++count;
        }
        figures.open_fds = count;
    }
    return figures;
}

void AppendProcessFigures(std::string& out) {
    const ProcessFigures figures = ReadProcessFigures();
    const auto emit = [&](std::string_view name, std::string_view help, std::string_view type,
                          const std::optional<double>& value) {
        if (!value) return;
        AppendHeader(out, name, help, type);
        AppendSample(out, name, *value);
    };
    emit("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
         figures.cpu_seconds);
    emit("process_open_fds", "Number of open file descriptors.", "gauge", figures.open_fds);
    emit("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
         figures.resident_bytes);
    emit("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
         "gauge", figures.start_time_seconds);
    emit("process_threads", "Number of OS threads in the process.", "gauge", figures.threads);
    emit("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
         figures.virtual_bytes);
}

}  // namespace

std::vector<double> DefaultLatencyBucketsSeconds() {
    return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string EscapeLabelValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

void Counter::Increment(double by) {
    if (!(by >= 0)) return;  // also catches NaN
    value_.fetch_add(by, std::memory_order_relaxed);
}

Histogram::Histogram(std::span<const double> upper_bounds)
    : upper_bounds_(upper_bounds.begin(), upper_bounds.end()),
      bucket_counts_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds.size() + 1)) {
    DICTRA_CHECK(upper_bounds_.size() <= kHistogramBucketsMax);
    for (std::size_t bound_idx = 0; bound_idx < upper_bounds_.size(); ++bound_idx) {
        DICTRA_CHECK(std::isfinite(upper_bounds_[bound_idx]));
        DICTRA_CHECK(bound_idx == 0 || upper_bounds_[bound_idx - 1] < upper_bounds_[bound_idx]);
    }
}

void Histogram::Observe(double value) {
    if (std::isnan(value)) return;
    // Bucket i counts values <= bound i ("le"); past the last bound is the +Inf bucket.
    const auto bucket_idx = static_cast<std::size_t>(
        std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
        upper_bounds_.begin());
    bucket_counts_[bucket_idx].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
    Snapshot snapshot;
    snapshot.cumulative_counts.reserve(upper_bounds_.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t bucket_idx = 0; bucket_idx <= upper_bounds_.size(); ++bucket_idx) {
        running += bucket_counts_[bucket_idx].load(std::memory_order_relaxed);
        snapshot.cumulative_counts.push_back(running);
    }
    snapshot.sum = sum_.load(std::memory_order_relaxed);
    return snapshot;
}

bool LabelValuesLess::operator()(const std::vector<std::string>& lhs,
                                 const std::vector<std::string>& rhs) const {
    return lhs < rhs;
}
bool LabelValuesLess::operator()(const std::vector<std::string>& lhs,
                                 std::span<const std::string_view> rhs) const {
    return CompareSequences(lhs, rhs) < 0;
}
bool LabelValuesLess::operator()(std::span<const std::string_view> lhs,
                                 const std::vector<std::string>& rhs) const {
    return CompareSequences(lhs, rhs) < 0;
}

template <typename Metric>
Family<Metric>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bucket_bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bucket_bounds_(std::move(bucket_bounds)),
      overflow_sink_(MakeChild()) {
    if (label_names_.empty()) children_.emplace(std::vector<std::string>{}, MakeChild());
}

template <typename Metric>
std::unique_ptr<Metric> Family<Metric>::MakeChild() const {
    if constexpr (std::is_same_v<Metric, Histogram>) {
        return std::make_unique<Histogram>(bucket_bounds_);
    } else {
        return std::make_unique<Metric>();
    }
}

template <typename Metric>
Metric& Family<Metric>::WithLabels(std::span<const std::string_view> label_values) {
    DICTRA_CHECK(label_values.size() == label_names_.size());
    {
        std::shared_lock lock(mutex_);
        if (auto found = children_.find(label_values); found != children_.end())
            return *found->second;
    }
    std::unique_lock lock(mutex_);
    if (auto found = children_.find(label_values); found != children_.end()) return *found->second;
    if (children_.size() >= kChildrenPerFamilyMax) return *overflow_sink_;
    std::vector<std::string> key(label_values.begin(), label_values.end());
    auto [inserted, _] = children_.emplace(std::move(key), MakeChild());
    return *inserted->second;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
    MetricType type;
    std::vector<double> bucket_bounds;
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<GaugeFamily> gauge;
    std::unique_ptr<HistogramFamily> histogram;

    const std::vector<std::string>& label_names() const {
        switch (type) {
            case MetricType::kCounter: return counter->label_names();
            case MetricType::kGauge: return gauge->label_names();
            case MetricType::kHistogram: return histogram->label_names();
        }
        return counter->label_names();
    }
};

Registry::Registry(RegistryOptions options) : options_(options) {}
Registry::~Registry() = default;

Registry::Entry& Registry::FindOrAdd(std::string name, std::string help, MetricType type,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bucket_bounds) {
    DICTRA_CHECK(IsValidMetricName(name));
    DICTRA_CHECK(!name.starts_with("process_"));  // reserved for the figures added at render time
    for (const std::string& label : label_names) {
        DICTRA_CHECK(IsValidLabelName(label));
        DICTRA_CHECK(type != MetricType::kHistogram || label != "le");
        DICTRA_CHECK(std::count(label_names.begin(), label_names.end(), label) == 1);
    }
    std::lock_guard lock(mutex_);
    if (auto found = families_.find(name); found != families_.end()) {
        Entry& entry = *found->second;
        DICTRA_CHECK(entry.type == type && entry.label_names() == label_names &&
                     entry.bucket_bounds == bucket_bounds);
        return entry;
    }
    auto entry = std::make_unique<Entry>();
    entry->type = type;
    entry->bucket_bounds = bucket_bounds;
    switch (type) {
        case MetricType::kCounter:
            entry->counter =
                std::make_unique<CounterFamily>(name, std::move(help), std::move(label_names));
            break;
        case MetricType::kGauge:
            entry->gauge =
                std::make_unique<GaugeFamily>(name, std::move(help), std::move(label_names));
            break;
        case MetricType::kHistogram:
            entry->histogram = std::make_unique<HistogramFamily>(
                name, std::move(help), std::move(label_names), std::move(bucket_bounds));
            break;
    }
    return *families_.emplace(std::move(name), std::move(entry)).first->second;
}

CounterFamily& Registry::AddCounter(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
    return *FindOrAdd(std::move(name), std::move(help), MetricType::kCounter,
                      std::move(label_names), {})
                .counter;
}

GaugeFamily& Registry::AddGauge(std::string name, std::string help,
                                std::vector<std::string> label_names) {
    return *FindOrAdd(std::move(name), std::move(help), MetricType::kGauge, std::move(label_names),
                      {})
                .gauge;
}

HistogramFamily& Registry::AddHistogram(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> bucket_bounds) {
    return *FindOrAdd(std::move(name), std::move(help), MetricType::kHistogram,
                      std::move(label_names), std::move(bucket_bounds))
                .histogram;
}

std::string Registry::RenderText() const {
    std::string out;
    {
        std::lock_guard lock(mutex_);
        for (const auto& name_and_entry : families_) {
            // Plain references, not a structured binding: clang 14 (the fuzz build) cannot
            // capture structured bindings in the lambdas below.
            const auto& name = name_and_entry.first;
            const auto& entry = name_and_entry.second;
            switch (entry->type) {
                case MetricType::kCounter:
                    AppendHeader(out, name, entry->counter->help(), "counter");
                    entry->counter->ForEach(
                        [&](const std::vector<std::string>& values, const Counter& counter) {
                            out += name;
                            AppendLabels(out, entry->counter->label_names(), values);
                            out.push_back(' ');
                            AppendValue(out, counter.Value());
                            out.push_back('\n');
                        });
                    break;
                case MetricType::kGauge:
                    AppendHeader(out, name, entry->gauge->help(), "gauge");
                    entry->gauge->ForEach(
                        [&](const std::vector<std::string>& values, const Gauge& gauge) {
                            out += name;
                            AppendLabels(out, entry->gauge->label_names(), values);
                            out.push_back(' ');
                            AppendValue(out, gauge.Value());
                            out.push_back('\n');
                        });
                    break;
                case MetricType::kHistogram: {
                    const HistogramFamily& family = *entry->histogram;
                    AppendHeader(out, name, family.help(), "histogram");
                    family.ForEach(
                        [&](const std::vector<std::string>& values, const Histogram& histogram) {
                            const Histogram::Snapshot snapshot = histogram.Read();
                            const auto& bounds = histogram.upper_bounds();
                            for (std::size_t bucket_idx = 0; bucket_idx <= bounds.size();
                                 ++bucket_idx) {
                                std::string le;
                                if (bucket_idx < bounds.size()) {
                                    AppendValue(le, bounds[bucket_idx]);
                                } else {
                                    le = "+Inf";
                                }
                                out += name;
                                out += "_bucket";
                                AppendLabels(out, family.label_names(), values, "le", le);
                                out.push_back(' ');
                                AppendUnsigned(out, snapshot.cumulative_counts[bucket_idx]);
                                out.push_back('\n');
                            }
                            out += name;
                            out += "_sum";
                            AppendLabels(out, family.label_names(), values);
                            out.push_back(' ');
                            AppendValue(out, snapshot.sum);
                            out.push_back('\n');
                            out += name;
                            out += "_count";
                            AppendLabels(out, family.label_names(), values);
                            out.push_back(' ');
                            // _count equals the +Inf bucket by construction, even under concurrent
                            // updates.
                            AppendUnsigned(out, snapshot.cumulative_counts.back());
                            out.push_back('\n');
                        });
                    break;
                }
            }
        }
    }
    if (options_.include_process_metrics) AppendProcessFigures(out);
    return out;
}

HttpMetrics::HttpMetrics(Registry& registry)
    : requests_(registry.AddCounter("http_requests_total",
                                    "HTTP requests answered, by route and status.",
                                    {"service", "method", "route", "status"})),
      durations_(registry.AddHistogram("http_request_duration_seconds",
                                       "Time from request read to response written, in seconds.",
                                       {"service", "method", "route"})) {}

void HttpMetrics::Record(std::string_view service, std::string_view method, std::string_view route,
                         int status, std::chrono::nanoseconds duration) {
    char status_text[8];
    const auto [end, ec] = std::to_chars(status_text, status_text + sizeof status_text, status);
    DICTRA_CHECK(ec == std::errc());
    requests_
        .WithLabels({service, method, route,
                     std::string_view(status_text, static_cast<std::size_t>(end - status_text))})
        .Increment();
    durations_.WithLabels({service, method, route}).ObserveDuration(duration);
}

}  // namespace dictra::metrics
