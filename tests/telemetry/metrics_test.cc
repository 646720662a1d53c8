#include "telemetry/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tierguard::telemetry {
namespace {

TEST(Registry, ExposesCountersWithHelpTypeAndSortedLabelledSamples) {
  Registry registry;
  auto& requests = registry.counter("app_requests_total", "Requests served.", {"route", "code"});
  requests.with({"pods", "200"}).inc();
  requests.with({"pods", "200"}).inc(2);
  requests.with({"rbac", "400"}).inc();
  EXPECT_EQ(registry.expose(),
            "# HELP app_requests_total Requests served.\n"
            "# TYPE app_requests_total counter\n"
            "app_requests_total{route=\"pods\",code=\"200\"} 3\n"
            "app_requests_total{route=\"rbac\",code=\"400\"} 1\n");
}

TEST(Registry, ExposesUnlabelledGauge) {
  Registry registry;
  auto& in_flight = registry.gauge("app_in_flight", "In flight.");
  in_flight.with({}).add(3);
  in_flight.with({}).sub(1);
  EXPECT_EQ(registry.expose(),
            "# HELP app_in_flight In flight.\n"
            "# TYPE app_in_flight gauge\n"
            "app_in_flight 2\n");
}

TEST(Registry, ExposesHistogramBucketsCumulativelyWithSumAndCount) {
  Registry registry;
  auto& latency = registry.histogram("app_latency_seconds", "Latency.", {"route"}, {0.001, 0.01});
  auto& pods = latency.with({"pods"});
  pods.observe(0.0005);
  pods.observe(0.001);  // an observation equal to a bound falls into that bucket
  pods.observe(0.005);
  pods.observe(2);
  EXPECT_EQ(registry.expose(),
            "# HELP app_latency_seconds Latency.\n"
            "# TYPE app_latency_seconds histogram\n"
            "app_latency_seconds_bucket{route=\"pods\",le=\"0.001\"} 2\n"
            "app_latency_seconds_bucket{route=\"pods\",le=\"0.01\"} 3\n"
            "app_latency_seconds_bucket{route=\"pods\",le=\"+Inf\"} 4\n"
            "app_latency_seconds_sum{route=\"pods\"} 2.0065\n"
            "app_latency_seconds_count{route=\"pods\"} 4\n");
}

TEST(Registry, UnlabelledHistogramGetsOnlyTheLeLabel) {
  Registry registry;
  registry.histogram("h", "H.", {}, {1}).with({}).observe(0.5);
  const std::string text = registry.expose();
  EXPECT_NE(text.find("h_bucket{le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("h_sum 0.5\n"), std::string::npos);
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry registry;
  registry.counter("c", "Line one\\\nline two", {"tier"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_EQ(registry.expose(),
            "# HELP c Line one\\\\\\nline two\n"
            "# TYPE c counter\n"
            "c{tier=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Registry, LabelTuplesThatConcatenateAlikeStayDistinct) {
  Registry registry;
  auto& family = registry.counter("c", "C.", {"a", "b"});
  family.with({"x:1", "y"}).inc();
  family.with({"x", "1:y"}).inc(5);
  EXPECT_EQ(family.with({"x:1", "y"}).value(), 1);
  EXPECT_EQ(family.with({"x", "1:y"}).value(), 5);
}

TEST(Registry, RejectsDuplicateAndInvalidNamesAndWrongLabelCounts) {
  Registry registry;
  auto& family = registry.counter("dup_total", "D.", {"a"});
  EXPECT_THROW(registry.counter("dup_total", "D."), std::invalid_argument);
  EXPECT_THROW(registry.gauge("9starts_with_digit", "X."), std::invalid_argument);
  EXPECT_THROW(registry.gauge("has-dash", "X."), std::invalid_argument);
  EXPECT_THROW(family.with({"one", "two"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "H.", {}, {2, 1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h2", "H.", {"le"}, {1}), std::invalid_argument);
}

TEST(MetricValue, FormatsSpecialValuesAsPrometheusExpects) {
  std::string out;
  append_metric_value(out, std::numeric_limits<double>::infinity());
  out += ' ';
  append_metric_value(out, -std::numeric_limits<double>::infinity());
  out += ' ';
  append_metric_value(out, std::numeric_limits<double>::quiet_NaN());
  out += ' ';
  append_metric_value(out, 0.25);
  EXPECT_EQ(out, "+Inf -Inf NaN 0.25");
}

TEST(Counter, ConcurrentIncrementsFromManyThreadsAreAllCounted) {
  Registry registry;
  auto& family = registry.counter("c", "C.", {"route"});
  auto& histogram = registry.histogram("h", "H.", {}, {1}).with({});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        family.with({i % 2 ? "odd" : "even"}).inc();
        histogram.observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.with({"odd"}).value() + family.with({"even"}).value(), kThreads * kPerThread);
  EXPECT_EQ(histogram.snapshot().count, static_cast<std::uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace tierguard::telemetry
