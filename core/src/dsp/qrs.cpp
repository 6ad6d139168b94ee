// The QRS detector (see qrs.h for the outline and docs/QRS.md for the evaluation). Everything is
// expressed in seconds, so one set of parameters serves every sampling rate.
#include "ecglite/qrs.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "../common/stats.h"
#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"

namespace ecglite {

namespace {

// Scaling and weighting of the per-lead energies.
constexpr double kScaleBlockS = 10;    // the QRS level of a lead: max per 10 s block ...
constexpr int kScaleNeighbours = 5;    // ... median over +-5 blocks (robust to artefact bursts)
constexpr float kEnergyClip = 4;       // an artefact counts at most 4 QRS levels
constexpr double kNoiseBlockS = 1;     // noise level: 30th percentile of each 1 s block ...
constexpr double kNoisePercentile = 0.30;
constexpr int kNoiseNeighbours = 2;    // ... max over +-2 blocks
constexpr double kNoiseReference = 0.02;  // weight 1/2 at this noise level (clean leads: ~0.001)
constexpr int kLevelMemory = 8;        // beats / noise peaks in the running medians
constexpr double kSlopeWindowS = 0.075;

using stats::median;

// Linear-interpolated percentile (numpy's default) of v[begin, end); reorders the range.
double percentile(std::vector<float>::iterator begin, std::vector<float>::iterator end, double q) {
  const std::size_t n = static_cast<std::size_t>(end - begin);
  const double rank = q * (n - 1);
  const std::size_t lo = static_cast<std::size_t>(rank);
  std::nth_element(begin, begin + lo, end);
  const double a = begin[lo];
  if (lo + 1 >= n) return a;
  const double b = *std::min_element(begin + lo + 1, end);
  return a + (rank - lo) * (b - a);
}

// The lead indices `requested` (empty: all, up to 12), checked against the record.
std::vector<int> leads_to_use(const Record& record, const std::vector<int>& requested) {
  if (record.leads.empty()) throw Error(ErrorKind::missing_leads, record.name + ": no leads to detect beats in");
  std::vector<int> leads = requested;
  if (leads.empty())
    for (int k = 0; k < static_cast<int>(std::min<std::size_t>(record.leads.size(), 12)); ++k)
      leads.push_back(k);
  for (int k : leads)
    if (k < 0 || k >= static_cast<int>(record.leads.size()))
      throw Error(ErrorKind::bad_argument, record.name + ": lead index " + std::to_string(k) +
                                               " out of range (the record has " +
                                               std::to_string(record.leads.size()) + " leads)");
  return leads;
}

// Band-pass, derivative, square, centred moving-window integration.
std::vector<float> lead_energy(std::vector<float> x, double fs, const QrsOptions& o) {
  repair_lead(x);
  const std::vector<float> y = bandpass_filtfilt(x, fs, o.band_low_hz, o.band_high_hz, 2);
  const std::size_t n = y.size();
  std::vector<double> cumulative(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double d = (i > 0 && i + 1 < n) ? double(y[i + 1]) - y[i - 1] : 0.0;
    cumulative[i + 1] = cumulative[i] + d * d;
  }
  const std::ptrdiff_t w = std::max<std::ptrdiff_t>(1, std::lround(o.integration_s * fs));
  const std::ptrdiff_t half = w / 2, size = static_cast<std::ptrdiff_t>(n);
  std::vector<float> e(n);
  for (std::ptrdiff_t i = 0; i < size; ++i) {
    const std::ptrdiff_t lo = std::clamp<std::ptrdiff_t>(i - half, 0, size);
    const std::ptrdiff_t hi = std::clamp<std::ptrdiff_t>(i - half + w, 0, size);
    e[i] = static_cast<float>((cumulative[hi] - cumulative[lo]) / w);
  }
  return e;
}

// Divides a lead's energy by its running QRS level and clips it. False for a flat lead.
bool normalise(std::vector<float>& e, double fs) {
  const std::size_t n = e.size();
  const std::size_t block = std::max<std::size_t>(1, std::lround(kScaleBlockS * fs));
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<double> peak(blocks);
  for (std::size_t b = 0; b < blocks; ++b)
    peak[b] = *std::max_element(e.begin() + b * block, e.begin() + std::min(n, (b + 1) * block));
  bool any = false;
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t lo = b >= kScaleNeighbours ? b - kScaleNeighbours : 0;
    const std::size_t hi = std::min(blocks, b + kScaleNeighbours + 1);
    const double scale = median(std::vector<double>(peak.begin() + lo, peak.begin() + hi));
    for (std::size_t i = b * block; i < std::min(n, (b + 1) * block); ++i)
      e[i] = scale > 0 ? std::min(static_cast<float>(e[i] / scale), kEnergyClip) : 0.0f;
    any = any || scale > 0;
  }
  return any;
}

// Per-sample weight of a normalised lead: low where the energy between beats is high (noise).
std::vector<float> lead_weight(const std::vector<float>& e, double fs) {
  const std::size_t n = e.size();
  const std::size_t block = std::max<std::size_t>(1, std::lround(kNoiseBlockS * fs));
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<double> level(blocks);
  std::vector<float> scratch;
  for (std::size_t b = 0; b < blocks; ++b) {
    scratch.assign(e.begin() + b * block, e.begin() + std::min(n, (b + 1) * block));
    level[b] = percentile(scratch.begin(), scratch.end(), kNoisePercentile);
  }
  std::vector<float> w(n);
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t lo = b >= kNoiseNeighbours ? b - kNoiseNeighbours : 0;
    const std::size_t hi = std::min(blocks, b + kNoiseNeighbours + 1);
    const double noise = *std::max_element(level.begin() + lo, level.begin() + hi);
    const float weight = static_cast<float>(1 / (1 + noise / kNoiseReference));
    std::fill(w.begin() + b * block, w.begin() + std::min(n, (b + 1) * block), weight);
  }
  return w;
}

// Local maxima (the middle of a plateau) of f, thinned so that no two are closer than `distance`,
// the higher one winning (scipy.signal.find_peaks with `distance`).
std::vector<std::int64_t> find_peaks(const std::vector<float>& f, std::int64_t distance) {
  std::vector<std::int64_t> peaks;
  const std::int64_t n = static_cast<std::int64_t>(f.size());
  for (std::int64_t i = 1; i + 1 < n; ++i) {
    if (!(f[i - 1] < f[i])) continue;
    std::int64_t ahead = i + 1;
    while (ahead + 1 < n && f[ahead] == f[i]) ++ahead;
    if (f[ahead] < f[i]) {
      peaks.push_back((i + ahead - 1) / 2);
      i = ahead - 1;
    }
  }
  std::vector<std::size_t> order(peaks.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return f[peaks[a]] < f[peaks[b]]; });
  std::vector<char> keep(peaks.size(), 1);
  for (std::size_t r = order.size(); r-- > 0;) {
    const std::size_t j = order[r];
    if (!keep[j]) continue;
    for (std::size_t k = j; k-- > 0 && peaks[j] - peaks[k] < distance;) keep[k] = 0;
    for (std::size_t k = j + 1; k < peaks.size() && peaks[k] - peaks[j] < distance; ++k) keep[k] = 0;
  }
  std::vector<std::int64_t> kept;
  for (std::size_t k = 0; k < peaks.size(); ++k)
    if (keep[k]) kept.push_back(peaks[k]);
  return kept;
}

// The steepest rise of f in the 75 ms before p: QRS complexes rise faster than T waves.
double rise(const std::vector<float>& f, std::int64_t p, double fs) {
  const std::int64_t from = std::max<std::int64_t>(0, p - static_cast<std::int64_t>(kSlopeWindowS * fs));
  double best = 0;
  bool any = false;
  for (std::int64_t i = from + 1; i <= p; ++i) {
    const double d = double(f[i]) - f[i - 1];
    if (!any || d > best) best = d;
    any = true;
  }
  return best;
}

// The last (up to) kLevelMemory values of a history, median.
class RunningMedian {
 public:
  explicit RunningMedian(double initial) : values_(kLevelMemory, initial) {}
  void push(double v) {
    values_[next_] = v;
    next_ = (next_ + 1) % kLevelMemory;
  }
  double value() const { return median(values_); }

 private:
  std::vector<double> values_;
  std::size_t next_ = 0;
};

}  // namespace

std::vector<std::int64_t> detect_qrs(const Record& record, const QrsOptions& o) {
  const double fs = record.sampling_rate_hz;
  if (!(fs >= kQrsMinRateHz))
    throw Error(ErrorKind::limit, record.name + ": QRS detection needs a sampling rate of at least " +
                std::to_string(static_cast<int>(kQrsMinRateHz)) + " Hz, the record has " +
                text::format_number(fs) + " Hz");
  if (!(fs <= kQrsMaxRateHz))
    throw Error(ErrorKind::limit, record.name + ": a sampling rate of " + text::format_number(fs) +
                                      " Hz is beyond QRS detection's limit of 1 MHz (is the header's rate right?)");
  const std::vector<int> leads = leads_to_use(record, o.leads);
  // No valid sample in any lead used is "no data", not "no beats" (which would read as asystole).
  const bool any_valid = std::any_of(leads.begin(), leads.end(), [&](int k) {
    const auto& x = record.leads[k].samples;
    return std::any_of(x.begin(), x.end(), [](float v) { return !std::isnan(v); });
  });
  if (!any_valid && record.length() > 0)
    throw Error(ErrorKind::no_signal,
                record.name + ": the leads have no valid samples (all missing): nothing to detect beats in");
  const std::size_t n = record.length();
  if (n < 3) return {};

  // The weighted mean of the normalised lead energies.
  std::vector<float> sum(n, 0.0f), weights(n, 0.0f);
  for (int k : leads) {
    std::vector<float> e = lead_energy(record.leads[k].samples, fs, o);
    if (!normalise(e, fs)) continue;
    const std::vector<float> w = lead_weight(e, fs);
    for (std::size_t i = 0; i < n; ++i) {
      sum[i] += w[i] * e[i];
      weights[i] += w[i];
    }
  }
  std::vector<float>& f = sum;
  for (std::size_t i = 0; i < n; ++i) f[i] = weights[i] > 0 ? f[i] / weights[i] : 0.0f;

  const std::int64_t refractory = static_cast<std::int64_t>(o.refractory_s * fs);
  const std::vector<std::int64_t> peaks = find_peaks(f, std::max<std::int64_t>(1, refractory / 2));
  if (peaks.empty()) return {};
  std::vector<float> height(peaks.size());
  for (std::size_t i = 0; i < peaks.size(); ++i) height[i] = f[peaks[i]];

  // Initial beat level: the ten largest peaks of the first 10 s.
  std::vector<double> first;
  for (std::size_t i = 0; i < peaks.size() && peaks[i] < 10 * fs; ++i) first.push_back(height[i]);
  std::sort(first.begin(), first.end());
  if (first.size() > 10) first.erase(first.begin(), first.end() - 10);
  RunningMedian signal(first.empty() ? 1.0 : median(first)), noise(0.0);

  std::vector<std::int64_t> beats;
  std::vector<std::int64_t> rr;  // last kLevelMemory RR intervals
  double rr_mean = fs;
  std::int64_t last = 0;
  std::vector<std::size_t> since;  // candidates rejected since the last beat
  auto accept = [&](std::size_t i) {
    if (!beats.empty()) {
      rr.push_back(peaks[i] - last);
      if (rr.size() > kLevelMemory) rr.erase(rr.begin());
      double s = 0;
      for (auto v : rr) s += v;
      rr_mean = s / rr.size();
    }
    beats.push_back(peaks[i]);
    last = peaks[i];
    signal.push(height[i]);
  };
  auto reject = [&](std::size_t i) {
    noise.push(height[i]);
    since.push_back(i);
  };

  for (std::size_t i = 0; i < peaks.size();) {
    const std::int64_t p = peaks[i];
    const double spk = signal.value(), npk = noise.value();
    const double threshold = npk + o.threshold_fraction * (spk - npk);
    if (!beats.empty() && p - last > o.searchback_rr * rr_mean) {
      // Search back: the largest rejected peak above half the threshold becomes a beat.
      std::size_t best = peaks.size();
      for (std::size_t j : since)
        if (peaks[j] - last > refractory && height[j] > threshold / 2 &&
            (best == peaks.size() || height[j] >= height[best]))
          best = j;
      if (best != peaks.size()) {
        accept(best);
        std::vector<std::size_t> later;
        for (std::size_t j : since)
          if (peaks[j] > peaks[best]) later.push_back(j);
        since = later;
        continue;  // re-examine peak i against the new beat
      }
    }
    const bool beat_like = height[i] > threshold && (beats.empty() || p - last > refractory);
    bool is_beat = beat_like;
    if (beat_like) {
      // A larger peak within the refractory period is the QRS; this one is its P wave or onset.
      for (std::size_t j = i + 1; j < peaks.size() && peaks[j] - p <= refractory; ++j)
        if (height[j] > height[i]) is_beat = false;
      if (is_beat && !beats.empty() && p - last < o.twave_window_s * fs &&
          rise(f, p, fs) < 0.5 * rise(f, last, fs))
        is_beat = false;  // a T wave
    }
    if (is_beat) {
      accept(i);
      since.clear();
    } else {
      reject(i);
    }
    ++i;
  }
  return beats;
}

SampleIntervals signal_gaps(const Record& record, const std::vector<int>& leads, double min_s) {
  const std::vector<int> used = leads_to_use(record, leads);
  const std::int64_t n = static_cast<std::int64_t>(record.length());
  const std::int64_t shortest = std::max<std::int64_t>(1, std::llround(min_s * record.sampling_rate_hz));
  SampleIntervals gaps;
  std::int64_t start = -1;  // first sample of the current run without any valid sample
  for (std::int64_t t = 0; t <= n; ++t) {
    const bool missing = t < n && std::all_of(used.begin(), used.end(), [&](int k) {
      return std::isnan(record.leads[k].samples[t]);
    });
    if (missing && start < 0) start = t;
    if (!missing && start >= 0) {
      if (t - start >= shortest) gaps.emplace_back(start, t - 1);
      start = -1;
    }
  }
  return gaps;
}

bool overlaps_any(const SampleIntervals& intervals, std::int64_t first, std::int64_t last) {
  // The first interval that ends at or after `first`; it overlaps if it starts by `last`.
  auto it = std::lower_bound(intervals.begin(), intervals.end(), first,
                             [](const std::pair<std::int64_t, std::int64_t>& iv, std::int64_t v) { return iv.second < v; });
  return it != intervals.end() && it->first <= last;
}

}  // namespace ecglite
