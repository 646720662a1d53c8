#pragma once

// A small thread-safe Prometheus registry: counters, gauges and histograms in families with a
// fixed set of label names, exposed in the text format 0.0.4.
//
// Hot path: `Family::with(...)` looks a child up under a shared lock; callers that increment
// the same child often keep the returned reference (children live as long as the registry).
// Increments on a child are lock-free: relaxed atomics spread over cache-line-padded shards
// chosen per thread, so concurrent server threads do not bounce one cache line.

#include <array>
#include <atomic>
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

namespace tierguard::telemetry {

inline constexpr std::size_t kMetricShards = 8;

namespace detail {
struct alignas(64) PaddedDouble {
  std::atomic<double> value{0.0};
};
// The shard this thread writes to (threads are assigned round-robin on first use).
std::size_t this_thread_shard();
}  // namespace detail

// A monotonically increasing value.
class Counter {
 public:
  void inc(double amount = 1.0) {
    shards_[detail::this_thread_shard()].value.fetch_add(amount, std::memory_order_relaxed);
  }
  double value() const;

 private:
  std::array<detail::PaddedDouble, kMetricShards> shards_{};
};

// A value that goes up and down (in-flight requests, ready flag).
class Gauge {
 public:
  void set(double value) { value_.value.store(value, std::memory_order_relaxed); }
  void add(double amount) { value_.value.fetch_add(amount, std::memory_order_relaxed); }
  void sub(double amount) { add(-amount); }
  double value() const { return value_.value.load(std::memory_order_relaxed); }

 private:
  detail::PaddedDouble value_;
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implicit).
class Histogram {
 public:
  explicit Histogram(std::span<const double> upper_bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  struct alignas(64) Shard {
    std::atomic<double> sum{0.0};
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts;  // bounds + 1 (+Inf)
  };
  std::vector<double> upper_bounds_;
  std::array<Shard, kMetricShards> shards_;
};

enum class MetricType { kCounter, kGauge, kHistogram };

// Common face of a family for the registry's exposition.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  virtual MetricType type() const = 0;
  // Appends HELP, TYPE and one sample line per child (children sorted by label values).
  void write_text(std::string& out) const;

 protected:
  virtual void write_samples(std::string& out) const = 0;
  // Writes `{a="x",b="y"` (no closing brace) for the child's label values; returns whether a
  // brace was opened.
  bool open_labels(std::string& out, const std::vector<std::string>& values) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

// A metric family: one child per distinct tuple of label values.
template <typename Metric>
class Family : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> buckets = {})
      : FamilyBase(std::move(name), std::move(help), std::move(label_names)),
        buckets_(std::move(buckets)) {}

  // The child for these label values, created on first use. The count of values must match
  // the family's label names (a programming error otherwise: throws std::invalid_argument).
  Metric& with(std::initializer_list<std::string_view> label_values) {
    return with(std::span<const std::string_view>(label_values.begin(), label_values.size()));
  }
  Metric& with(std::span<const std::string_view> label_values);

  MetricType type() const override;

 private:
  void write_samples(std::string& out) const override;

  struct Child {
    std::vector<std::string> label_values;
    std::unique_ptr<Metric> metric;
  };
  std::unique_ptr<Metric> make_metric() const;

  std::vector<double> buckets_;
  mutable std::shared_mutex mutex_;
  // Keyed by the length-prefixed concatenation of the label values (unambiguous for any bytes).
  std::map<std::string, Child, std::less<>> children_;
};

// The set of families a process exposes on /metrics.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registering a name twice throws std::invalid_argument (names must be unique).
  Family<Counter>& counter(std::string name, std::string help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string name, std::string help,
                       std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(std::string name, std::string help,
                               std::vector<std::string> label_names, std::vector<double> buckets);

  // The whole registry in Prometheus text exposition format 0.0.4.
  std::string expose() const;
  void expose(std::string& out) const;

 private:
  template <typename Metric>
  Family<Metric>& add(std::unique_ptr<Family<Metric>> family);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

// The Content-Type of Registry::expose output.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// Text-format helpers, exposed for tests.
void append_metric_value(std::string& out, double value);
void append_escaped_label_value(std::string& out, std::string_view value);
void append_escaped_help(std::string& out, std::string_view help);

}  // namespace tierguard::telemetry
