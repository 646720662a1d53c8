#include "telemetry/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tierguard::telemetry {

namespace detail {
std::size_t this_thread_shard() {
  static std::atomic<std::size_t> next_shard{0};
  thread_local const std::size_t shard =
      next_shard.fetch_add(1, std::memory_order_relaxed) % kMetricShards;
  return shard;
}
}  // namespace detail

double Counter::value() const {
  double total = 0;
  for (const auto& shard : shards_) total += shard.value.load(std::memory_order_relaxed);
  return total;
}

Histogram::Histogram(std::span<const double> upper_bounds)
    : upper_bounds_(upper_bounds.begin(), upper_bounds.end()) {
  if (!std::is_sorted(upper_bounds_.begin(), upper_bounds_.end()) ||
      std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end()) != upper_bounds_.end()) {
    throw std::invalid_argument("histogram bucket bounds must be strictly ascending");
  }
  for (auto& shard : shards_) {
    shard.counts = std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1);
  }
}

void Histogram::observe(double value) {
  // Buckets are few (about a dozen): a linear scan beats a binary search here.
  std::size_t bucket = 0;
  while (bucket < upper_bounds_.size() && value > upper_bounds_[bucket]) ++bucket;
  Shard& shard = shards_[detail::this_thread_shard()];
  shard.counts[bucket].fetch_add(1, std::memory_order_relaxed);
  shard.sum.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  snap.cumulative_counts.assign(upper_bounds_.size() + 1, 0);
  for (const auto& shard : shards_) {
    for (std::size_t i = 0; i <= upper_bounds_.size(); ++i) {
      snap.cumulative_counts[i] += shard.counts[i].load(std::memory_order_relaxed);
    }
    snap.sum += shard.sum.load(std::memory_order_relaxed);
  }
  for (std::size_t i = 1; i < snap.cumulative_counts.size(); ++i) {
    snap.cumulative_counts[i] += snap.cumulative_counts[i - 1];
  }
  snap.count = snap.cumulative_counts.back();
  return snap;
}

void append_metric_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, ec == std::errc{} ? end : buf);
  }
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

void append_escaped_help(std::string& out, std::string_view help) {
  for (char c : help) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

namespace {
std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

void append_child_key(std::string& key, std::span<const std::string_view> values) {
  for (std::string_view value : values) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value.size());
    key.append(digits, end);
    key += ':';
    key.append(value);
  }
}

bool valid_metric_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == ':';
  });
}
}  // namespace

void FamilyBase::write_text(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped_help(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type());
  out += '\n';
  write_samples(out);
}

bool FamilyBase::open_labels(std::string& out, const std::vector<std::string>& values) const {
  if (label_names_.empty()) return false;
  out += '{';
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    if (i) out += ',';
    out += label_names_[i];
    out += "=\"";
    append_escaped_label_value(out, values[i]);
    out += '"';
  }
  return true;
}

template <typename Metric>
Metric& Family<Metric>::with(std::span<const std::string_view> label_values) {
  if (label_values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + ": wrong number of label values");
  }
  thread_local std::string key;
  key.clear();
  append_child_key(key, label_values);
  {
    std::shared_lock lock(mutex_);
    if (auto it = children_.find(std::string_view(key)); it != children_.end()) {
      return *it->second.metric;
    }
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = children_.try_emplace(key);
  if (inserted) {
    it->second.label_values.assign(label_values.begin(), label_values.end());
    it->second.metric = make_metric();
  }
  return *it->second.metric;
}

template <>
std::unique_ptr<Counter> Family<Counter>::make_metric() const {
  return std::make_unique<Counter>();
}
template <>
std::unique_ptr<Gauge> Family<Gauge>::make_metric() const {
  return std::make_unique<Gauge>();
}
template <>
std::unique_ptr<Histogram> Family<Histogram>::make_metric() const {
  return std::make_unique<Histogram>(buckets_);
}

template <>
MetricType Family<Counter>::type() const {
  return MetricType::kCounter;
}
template <>
MetricType Family<Gauge>::type() const {
  return MetricType::kGauge;
}
template <>
MetricType Family<Histogram>::type() const {
  return MetricType::kHistogram;
}

namespace {
void append_sample_value(std::string& out, double value) {
  out += ' ';
  append_metric_value(out, value);
  out += '\n';
}
}  // namespace

// Counters and gauges: one sample per child.
template <typename Metric>
void Family<Metric>::write_samples(std::string& out) const {
  std::shared_lock lock(mutex_);
  for (const auto& [key, child] : children_) {
    out += name_;
    if (open_labels(out, child.label_values)) out += '}';
    append_sample_value(out, child.metric->value());
  }
}

template <>
void Family<Histogram>::write_samples(std::string& out) const {
  std::shared_lock lock(mutex_);
  for (const auto& [key, child] : children_) {
    const Histogram::Snapshot snap = child.metric->snapshot();
    const auto& bounds = child.metric->upper_bounds();
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
      out += name_;
      out += "_bucket";
      if (open_labels(out, child.label_values)) {
        out += ',';
      } else {
        out += '{';
      }
      out += "le=\"";
      append_metric_value(out, i < bounds.size() ? bounds[i]
                                                 : std::numeric_limits<double>::infinity());
      out += "\"} ";
      append_metric_value(out, static_cast<double>(snap.cumulative_counts[i]));
      out += '\n';
    }
    for (std::string_view suffix : {"_sum", "_count"}) {
      out += name_;
      out += suffix;
      if (open_labels(out, child.label_values)) out += '}';
      out += ' ';
      append_metric_value(out, suffix == "_sum" ? snap.sum : static_cast<double>(snap.count));
      out += '\n';
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename Metric>
Family<Metric>& Registry::add(std::unique_ptr<Family<Metric>> family) {
  if (!valid_metric_name(family->name())) {
    throw std::invalid_argument("invalid metric name: " + family->name());
  }
  std::lock_guard lock(mutex_);
  for (const auto& existing : families_) {
    if (existing->name() == family->name()) {
      throw std::invalid_argument("metric registered twice: " + family->name());
    }
  }
  Family<Metric>& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> label_names) {
  return add(std::make_unique<Family<Counter>>(std::move(name), std::move(help),
                                               std::move(label_names)));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> label_names) {
  return add(
      std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(label_names)));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> buckets) {
  Histogram validate(buckets);  // throws on unsorted bounds before registering
  (void)validate;
  for (const auto& label : label_names) {
    if (label == "le") throw std::invalid_argument("histogram label 'le' is reserved");
  }
  return add(std::make_unique<Family<Histogram>>(std::move(name), std::move(help),
                                                 std::move(label_names), std::move(buckets)));
}

std::string Registry::expose() const {
  std::string out;
  expose(out);
  return out;
}

void Registry::expose(std::string& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) family->write_text(out);
}

}  // namespace tierguard::telemetry
