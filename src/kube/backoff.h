#pragma once

#include <chrono>

#include "kube/clock.h"

namespace tierguard::kube {

// Jittered exponential backoff: attempt n waits
//   min(initial * multiplier^n, max) * (1 - jitter + 2 * jitter * r),  r uniform in [0, 1)
// so consecutive clients spread out instead of reconnecting in lockstep.
struct BackoffPolicy {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30'000};
  double multiplier = 2.0;
  double jitter = 0.2;
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, RandomSource random);

  // The delay before the next attempt; grows with each call until reset().
  std::chrono::milliseconds next();
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  RandomSource random_;
  int attempt_ = 0;
};

}  // namespace tierguard::kube
