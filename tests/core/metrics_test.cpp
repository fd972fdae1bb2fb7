#include "core/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace dictra::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RegistryOptions NoProcess() {
    return RegistryOptions{.include_process_metrics = false};
}

TEST(Registry, RendersCounterWithHelpTypeAndLabels) {
    Registry registry(NoProcess());
    auto& family =
        registry.AddCounter("payments_total", "Payments created.", {"service", "status"});
    family.WithLabels({"spi", "ACCC"}).Increment();
    family.WithLabels({"spi", "ACCC"}).Increment(2);
    family.WithLabels({"settlement", "RJCT"}).Increment();
    EXPECT_EQ(registry.RenderText(),
              "# HELP payments_total Payments created.\n"
              "# TYPE payments_total counter\n"
              "payments_total{service=\"settlement\",status=\"RJCT\"} 1\n"
              "payments_total{service=\"spi\",status=\"ACCC\"} 3\n");
}

TEST(Registry, UnlabelledMetricsRenderZeroFromTheStart) {
    Registry registry(NoProcess());
    registry.AddGauge("queue_depth", "Events waiting.");
    registry.AddCounter("boots_total", "Boots.");
    EXPECT_EQ(registry.RenderText(),
              "# HELP boots_total Boots.\n# TYPE boots_total counter\nboots_total 0\n"
              "# HELP queue_depth Events waiting.\n# TYPE queue_depth gauge\nqueue_depth 0\n");
}

TEST(Registry, GaugeGoesUpAndDown) {
    Registry registry(NoProcess());
    auto& gauge =
        registry.AddGauge("in_flight", "Requests in flight.", {"service"}).WithLabels({"dict"});
    gauge.Add(3);
    gauge.Add(-1);
    EXPECT_EQ(gauge.Value(), 2);
    gauge.Set(-0.5);
    EXPECT_THAT(registry.RenderText(), HasSubstr("in_flight{service=\"dict\"} -0.5\n"));
}

TEST(Registry, EscapesLabelValuesAndHelp) {
    Registry registry(NoProcess());
    registry.AddCounter("odd_total", "Line one\nback\\slash \"quoted\"", {"path"})
        .WithLabels({"a\"b\\c\nd"})
        .Increment();
    const std::string text = registry.RenderText();
    EXPECT_THAT(text, HasSubstr("# HELP odd_total Line one\\nback\\\\slash \"quoted\"\n"));
    EXPECT_THAT(text, HasSubstr("odd_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"));
    EXPECT_EQ(EscapeLabelValue("plain"), "plain");
}

TEST(Registry, RendersHistogramBucketsSumAndCount) {
    Registry registry(NoProcess());
    auto& histogram = registry.AddHistogram("latency_seconds", "Latency.", {"route"}, {0.1, 0.5, 1})
                          .WithLabels({"/health"});
    histogram.Observe(0.05);
    histogram.Observe(0.1);  // on the bound: counted in le="0.1"
    histogram.Observe(0.7);
    histogram.Observe(3);
    histogram.Observe(std::nan(""));  // ignored
    EXPECT_EQ(registry.RenderText(),
              "# HELP latency_seconds Latency.\n"
              "# TYPE latency_seconds histogram\n"
              "latency_seconds_bucket{route=\"/health\",le=\"0.1\"} 2\n"
              "latency_seconds_bucket{route=\"/health\",le=\"0.5\"} 2\n"
              "latency_seconds_bucket{route=\"/health\",le=\"1\"} 3\n"
              "latency_seconds_bucket{route=\"/health\",le=\"+Inf\"} 4\n"
              "latency_seconds_sum{route=\"/health\"} 3.85\n"
              "latency_seconds_count{route=\"/health\"} 4\n");
}

TEST(Registry, UnlabelledHistogramHasOnlyLe) {
    Registry registry(NoProcess());
    registry.AddHistogram("job_seconds", "Job time.", {}, {1}).WithLabels({}).Observe(2);
    EXPECT_THAT(registry.RenderText(),
                HasSubstr("job_seconds_bucket{le=\"1\"} 0\njob_seconds_bucket{le=\"+Inf\"} 1\n"
                          "job_seconds_sum 2\njob_seconds_count 1\n"));
}

TEST(Registry, SameRegistrationTwiceSharesTheFamily) {
    Registry registry(NoProcess());
    auto& first = registry.AddCounter("shared_total", "Shared.", {"service"});
    auto& second = registry.AddCounter("shared_total", "Shared.", {"service"});
    EXPECT_EQ(&first, &second);
    EXPECT_EQ(&first.WithLabels({"a"}), &second.WithLabels({"a"}));
}

TEST(Registry, CounterIgnoresNegativeIncrements) {
    Counter counter;
    counter.Increment(2);
    counter.Increment(-1);
    counter.Increment(std::nan(""));
    EXPECT_EQ(counter.Value(), 2);
}

TEST(Registry, ChildrenBeyondTheLimitGoToAnUnrenderedSink) {
    Registry registry(NoProcess());
    auto& family = registry.AddCounter("ids_total", "Too many labels.", {"id"});
    for (std::size_t child_idx = 0; child_idx < kChildrenPerFamilyMax; ++child_idx) {
        family.WithLabels({std::to_string(child_idx)});
    }
    Counter& sink = family.WithLabels({"one-too-many"});
    sink.Increment();
    EXPECT_EQ(&sink, &family.WithLabels({"another"}));
    EXPECT_THAT(registry.RenderText(), Not(HasSubstr("one-too-many")));
    EXPECT_EQ(family.WithLabels({"0"}).Value(), 0);  // existing children still work
}

TEST(Registry, ConcurrentUpdatesAreNotLost) {
    Registry registry(NoProcess());
    HttpMetrics http(registry);
    constexpr int kThreads = 4;
    constexpr int kRequestsPerThread = 2000;
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&] {
            for (int request_idx = 0; request_idx < kRequestsPerThread; ++request_idx) {
                http.Record("spi", "GET", "/health", 200, std::chrono::milliseconds(2));
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(http.requests().WithLabels({"spi", "GET", "/health", "200"}).Value(),
              kThreads * kRequestsPerThread);
    const std::string text = registry.RenderText();
    EXPECT_THAT(text, HasSubstr("http_request_duration_seconds_count{service=\"spi\",method="
                                "\"GET\",route=\"/health\"} 8000\n"));
    EXPECT_THAT(text, HasSubstr("http_request_duration_seconds_bucket{service=\"spi\",method="
                                "\"GET\",route=\"/health\",le=\"0.005\"} 8000\n"));
    EXPECT_THAT(text, HasSubstr("http_requests_total{service=\"spi\",method=\"GET\",route=\"/"
                                "health\",status=\"200\"} 8000\n"));
}

TEST(Registry, ProcessFiguresFromProc) {
    Registry registry;
    const std::string text = registry.RenderText();
    for (std::string_view name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
                                  "process_virtual_memory_bytes ", "process_open_fds ",
                                  "process_start_time_seconds ", "process_threads "}) {
        EXPECT_THAT(text, HasSubstr("\n" + std::string(name))) << name;
    }
    EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
    EXPECT_THAT(Registry(NoProcess()).RenderText(), Not(HasSubstr("process_")));
}

using RegistryDeathTest = ::testing::Test;

TEST(RegistryDeathTest, ProgrammerErrorsCrash) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(Registry(NoProcess()).AddCounter("bad-name", "x"), "check_failed");
    EXPECT_DEATH(Registry(NoProcess()).AddCounter("ok_total", "x", {"__reserved"}), "check_failed");
    EXPECT_DEATH(Registry(NoProcess()).AddHistogram("h", "x", {"le"}), "check_failed");
    EXPECT_DEATH(Registry(NoProcess()).AddHistogram("h", "x", {}, {1, 0.5}), "check_failed");
    EXPECT_DEATH(
        {
            Registry registry(NoProcess());
            registry.AddCounter("c_total", "x", {"a"});
            registry.AddGauge("c_total", "x", {"a"});
        },
        "check_failed");
    EXPECT_DEATH(
        {
            Registry registry(NoProcess());
            registry.AddCounter("c_total", "x", {"a", "b"}).WithLabels({"only-one"});
        },
        "check_failed");
}

}  // namespace
}  // namespace dictra::metrics
