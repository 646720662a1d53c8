#include "kube/backoff.h"

#include <algorithm>
#include <cmath>

namespace tierguard::kube {

Backoff::Backoff(BackoffPolicy policy, RandomSource random)
    : policy_(policy), random_(random ? std::move(random) : default_random()) {}

std::chrono::milliseconds Backoff::next() {
  const double initial = static_cast<double>(policy_.initial.count());
  const double cap = static_cast<double>(policy_.max.count());
  const double base = std::min(cap, initial * std::pow(policy_.multiplier, attempt_));
  if (base < cap) ++attempt_;  // stop growing once capped (no overflow on long outages)
  const double r = std::clamp(random_(), 0.0, 1.0);
  const double factor = 1.0 - policy_.jitter + 2.0 * policy_.jitter * r;
  return std::chrono::milliseconds(static_cast<long long>(std::llround(base * factor)));
}

}  // namespace tierguard::kube
