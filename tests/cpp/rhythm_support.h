// Synthetic single-lead recordings for the rhythm tests (rhythm_class_test.cpp, rhythm_head_test.cpp).
#pragma once
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "ecglite/record.h"

namespace ecglite::test {

// One lead at `fs` with a narrow QRS-like spike (amplitude `mv`) at each beat time, and a T wave.
inline Record synthetic_record(const std::vector<double>& beat_times_s, double seconds, double fs = 300, float mv = 1.2f,
                              const std::string& lead = "I") {
  Record r;
  r.name = "synthetic";
  r.sampling_rate_hz = fs;
  Lead l;
  l.name = lead;
  l.units = "mV";
  l.samples.assign(static_cast<std::size_t>(seconds * fs), 0.0f);
  for (double t : beat_times_s) {
    for (std::size_t i = 0; i < l.samples.size(); ++i) {
      const double d = i / fs - t;
      l.samples[i] += static_cast<float>(mv * std::exp(-d * d / (2 * 0.012 * 0.012)) +
                                         0.25 * std::exp(-(d - 0.3) * (d - 0.3) / (2 * 0.05 * 0.05)));
    }
  }
  r.leads.push_back(l);
  return r;
}

// Beat times: regular at `rr` seconds, except in [irregular_from, irregular_to) where the intervals
// vary at random by +-35 % (as in atrial fibrillation).
inline std::vector<double> beat_times(double seconds, double rr = 0.8, double irregular_from = -1, double irregular_to = -1) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(-0.35, 0.35);
  std::vector<double> t;
  for (double s = 0.4; s < seconds - 0.2;) {
    t.push_back(s);
    s += (s >= irregular_from && s < irregular_to) ? rr * (1 + jitter(rng)) : rr;
  }
  return t;
}

}  // namespace ecglite::test
