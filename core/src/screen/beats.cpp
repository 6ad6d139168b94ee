// Beat classifier input (one lead window + RR features) and classification with a beat model.
#include "ecglite/beats.h"

#include "beats_internal.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "../common/stats.h"
#include "single_lead_model.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/qrs.h"

namespace ecglite {

namespace {

constexpr double kAmplitudeHalfWindowS = 0.05;  // QRS amplitude: max |x| within +-50 ms
constexpr int kLocalRrBefore = 5, kLocalRrAfter = 5;
// Every normaliser of a beat's input (the amplitude scale, the median beat, the long-term mean RR)
// is taken over the beats within +-150 s of it: a neighbourhood fixed in time and centred on the
// beat, so that a beat's input does not depend on where the analysed signal starts or ends once
// both are more than 150 s away (a streamed long record's 5-minute margins, rhythm.h). A count of
// beats would reach further back at slow rates (512 beats at 40/min: 6.4 minutes each side).
constexpr double kContextHalfWindowS = 150;
constexpr float kFeatureMax = 4;                // RR features are clipped to [0, 4]
constexpr double kDefaultRrS = 1.0;             // a lone beat has no RR interval
// The window's samples are interpolated from the filtered lead at the beat's own time with a
// Lanczos kernel of this many lobes, low-passed at the Nyquist frequency of the window's rate.
constexpr int kInterpolationLobes = 4;
// The band-pass runs at the lead's rate when its upper edge is below this fraction of it; slower
// leads are first upsampled by a whole factor (their samples stay where they are).
constexpr double kMaxBandFraction = 0.4;
constexpr int kMaxUpsampling = 16;

float clip(double v) { return static_cast<float>(std::clamp(v, 0.0, double(kFeatureMax))); }

enum class Channel { kEcg, kEcgDev, kRrPre, kRrPost, kRrLocal, kRrPreLocal, kRrIrregular, kRrAbs };

Channel channel_of(const std::string& name) {
  const auto& names = beat_channel_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    throw Error(ErrorKind::bad_model, "unknown beat model input channel '" + name +
                                          "' (known: ECG, ECG_dev, RR_pre, RR_post, "
                                          "RR_local, RR_pre_local, RR_irregular, RR_abs)");
  return static_cast<Channel>(it - names.begin());
}

// A multiset kept sorted, for the median of the values of the beats within a window that slides
// along the beats (a few hundred values: insertion and removal move a few hundred bytes).
class SortedValues {
 public:
  void insert(float v) { values_.insert(std::upper_bound(values_.begin(), values_.end(), v), v); }
  void erase(float v) {  // v must be one of the values
    values_.erase(std::lower_bound(values_.begin(), values_.end(), v));
  }
  // erase(gone) then insert(v), moving only the values between their places.
  void replace(float gone, float v) {
    const auto from = std::lower_bound(values_.begin(), values_.end(), gone);
    const auto to = std::upper_bound(values_.begin(), values_.end(), v);
    if (to > from) {
      std::move(from + 1, to, from);
      *(to - 1) = v;
    } else {
      std::move_backward(to, from, from + 1);
      *to = v;
    }
  }
  // numpy's median, as stats::median.
  double median() const {
    const std::size_t n = values_.size();
    if (n == 0) return 0;
    return n % 2 ? values_[n / 2] : (double(values_[n / 2 - 1]) + values_[n / 2]) / 2;
  }

 private:
  std::vector<float> values_;
};

// Weights that interpolate a signal of rate `from_hz` at `offset` samples (any real number) from one
// of its samples, low-passed at the Nyquist frequency of `to_hz` when that is the lower rate (a
// Lanczos kernel stretched accordingly): taps[k] applies to the sample at first + k from it.
struct Interpolator {
  std::int64_t first = 0;
  std::vector<double> taps;
};

constexpr double kPi = 3.14159265358979323846;

double sinc(double x) { return std::fabs(x) < 1e-12 ? 1.0 : std::sin(kPi * x) / (kPi * x); }

Interpolator interpolator(double offset, double from_hz, double to_hz) {
  const double stretch = std::max(1.0, from_hz / to_hz);  // input samples per zero crossing
  const std::int64_t base = static_cast<std::int64_t>(std::floor(offset));
  const std::int64_t reach = static_cast<std::int64_t>(std::ceil(kInterpolationLobes * stretch));
  Interpolator out;
  out.first = base - reach + 1;
  double sum = 0;
  for (std::int64_t s = out.first; s <= base + reach; ++s) {
    const double u = (static_cast<double>(s) - offset) / stretch;
    const double w = std::fabs(u) < kInterpolationLobes ? sinc(u) * sinc(u / kInterpolationLobes) : 0.0;
    out.taps.push_back(w);
    sum += w;
  }
  for (double& w : out.taps) w /= sum;  // unit gain at DC
  return out;
}

// Everything beat_inputs needs for the beats [first, last) of `beats`, whose inputs it fills; the
// other beats given serve as their context.
class BeatFeatures {
 public:
  BeatFeatures(const Record& record, const std::vector<std::int64_t>& beats, const BeatInputSpec& spec,
               std::size_t first, std::size_t last)
      : spec_(spec), count_(beats.size()), first_(first), last_(last) {
    const double fs = record.sampling_rate_hz;
    if (!(fs > 0)) throw Error(ErrorKind::needs_rate, record.name + ": unknown sampling rate (cannot classify beats)");
    if (record.leads.empty()) throw Error(ErrorKind::missing_leads, record.name + ": no leads (cannot classify beats)");
    if (spec.window < 2 || spec.window > 4096) throw Error(ErrorKind::bad_model, "beat window must be 2..4096 samples");
    if (!(spec.sampling_rate_hz > 0)) throw Error(ErrorKind::bad_model, "beat window rate must be positive");
    for (const std::string& name : spec.channels) channels_.push_back(channel_of(name));
    if (!std::is_sorted(beats.begin(), beats.end()))
      throw Error(ErrorKind::bad_argument, record.name + ": beats must be in ascending order (as detect_qrs gives them)");
    std::vector<float> x = record.leads[beat_lead(record)].samples;
    repair_lead(x);
    // The band-pass at the lead's own rate (upsampled by a whole factor when too slow for it), the
    // window interpolated around each beat: no grid shared by all beats, so a beat's window is the
    // same wherever the signal given starts.
    int upsample = 1;
    while (spec.band_high_hz >= kMaxBandFraction * fs * upsample && upsample <= kMaxUpsampling) ++upsample;
    if (upsample > kMaxUpsampling) {
      char text[160];
      std::snprintf(text, sizeof text, ": sampled at %.4g Hz, too slowly to classify beats (at least %.4g Hz)", fs,
                    spec.band_high_hz / (kMaxBandFraction * kMaxUpsampling));
      throw Error(ErrorKind::limit, record.name + text);
    }
    rate_ = fs * upsample;
    if (upsample > 1) x = resample(x, fs, rate_);
    ecg_ = bandpass_filtfilt(x, rate_, spec.band_low_hz, spec.band_high_hz, spec.filter_order);
    align_on_peaks(beats, upsample);
    for (int k = 0; k < spec.window; ++k)
      interpolators_.push_back(interpolator((k - spec.window / 2) * rate_ / spec.sampling_rate_hz, rate_,
                                            spec.sampling_rate_hz));

    make_windows();
    const bool templates = std::find(channels_.begin(), channels_.end(), Channel::kEcgDev) != channels_.end();
    make_context(std::llround(kContextHalfWindowS * rate_), templates);
    make_rr_features(beats, signal_gaps(record, {beat_lead(record)}));
  }

  std::size_t floats_per_beat() const { return channels_.size() * static_cast<std::size_t>(spec_.window); }

  // Beat i's input, first <= i < last.
  void fill(std::size_t i, float* out) const {
    const std::size_t w = static_cast<std::size_t>(spec_.window);
    const float* beat = &windows_[i * w];
    const float scale = scale_[i - first_];
    for (std::size_t c = 0; c < channels_.size(); ++c) {
      float* o = out + c * w;
      switch (channels_[c]) {
        case Channel::kEcg:
          for (std::size_t k = 0; k < w; ++k) o[k] = beat[k] * scale;
          break;
        case Channel::kEcgDev: {
          const float* t = &templates_[(i - first_) * w];
          for (std::size_t k = 0; k < w; ++k) o[k] = (beat[k] - t[k]) * scale;
          break;
        }
        default: std::fill(o, o + w, rr_[kRrCount * i + (static_cast<int>(channels_[c]) - 2)]);
      }
    }
  }

 private:
  static constexpr std::size_t kRrCount = 6;  // RR_pre .. RR_abs

  // Each beat's centre: the sample of largest |band-passed lead| within +-50 ms of the detection,
  // in samples of ecg_. The detector's fiducial point of a beat can move by a few samples with the
  // signal it was given (it adapts to what came before); the peak it is near does not, so neither
  // do the window and the RR intervals measured between peaks.
  void align_on_peaks(const std::vector<std::int64_t>& beats, int upsample) {
    const std::int64_t n = static_cast<std::int64_t>(ecg_.size());
    const std::int64_t half = std::max<std::int64_t>(1, std::llround(kAmplitudeHalfWindowS * rate_));
    centre_.resize(count_);
    amplitudes_.assign(count_, 0.0f);
    for (std::size_t i = 0; i < count_; ++i) {
      const std::int64_t detected = beats[i] * upsample;
      centre_[i] = detected;
      float a = -1;
      for (std::int64_t t = std::max<std::int64_t>(0, detected - half); t <= std::min<std::int64_t>(n - 1, detected + half); ++t)
        if (std::fabs(ecg_[static_cast<std::size_t>(t)]) > a) {
          a = std::fabs(ecg_[static_cast<std::size_t>(t)]);
          centre_[i] = t;
        }
      amplitudes_[i] = std::max(a, 0.0f);
    }
  }

  // Every beat's window (in the lead's units, unscaled: the median beat is taken before scaling).
  void make_windows() {
    const std::size_t w = static_cast<std::size_t>(spec_.window);
    const std::int64_t n = static_cast<std::int64_t>(ecg_.size());
    windows_.assign(count_ * w, 0.0f);
    for (std::size_t i = 0; i < count_; ++i) {
      for (std::size_t k = 0; k < w; ++k) {
        const Interpolator& f = interpolators_[k];
        double v = 0;
        for (std::size_t j = 0; j < f.taps.size(); ++j) {
          const std::int64_t s = centre_[i] + f.first + static_cast<std::int64_t>(j);
          if (s >= 0 && s < n) v += f.taps[j] * ecg_[static_cast<std::size_t>(s)];  // zero outside the signal
        }
        windows_[i * w + k] = static_cast<float>(v);
      }
    }
  }

  // For each beat filled: the scale (1 / median QRS amplitude) and, when asked, the median beat
  // (sample by sample) of the beats within +-span samples of it, itself included.
  void make_context(std::int64_t span, bool templates) {
    const std::size_t w = static_cast<std::size_t>(spec_.window);
    const std::size_t filled = last_ - first_;
    scale_.assign(filled, 1.0f);
    if (templates) templates_.assign(filled * w, 0.0f);
    if (filled == 0) return;
    SortedValues amplitudes;
    std::vector<SortedValues> columns(templates ? w : 0);
    auto add = [&](std::size_t j) {
      amplitudes.insert(amplitudes_[j]);
      for (std::size_t k = 0; k < columns.size(); ++k) columns[k].insert(windows_[j * w + k]);
    };
    auto remove = [&](std::size_t j) {
      amplitudes.erase(amplitudes_[j]);
      for (std::size_t k = 0; k < columns.size(); ++k) columns[k].erase(windows_[j * w + k]);
    };
    auto swap = [&](std::size_t gone, std::size_t j) {  // remove(gone), add(j)
      amplitudes.replace(amplitudes_[gone], amplitudes_[j]);
      for (std::size_t k = 0; k < columns.size(); ++k) columns[k].replace(windows_[gone * w + k], windows_[j * w + k]);
    };
    std::size_t lo = static_cast<std::size_t>(std::lower_bound(centre_.begin(), centre_.end(), centre_[first_] - span) - centre_.begin());
    std::size_t hi = lo;  // the beats [lo, hi) are in the sorted values
    for (std::size_t i = first_; i < last_; ++i) {
      // The window slides: beats leaving and entering are paired (one move instead of two).
      for (; lo < hi && centre_[lo] < centre_[i] - span && hi < count_ && centre_[hi] <= centre_[i] + span; ++lo, ++hi)
        swap(lo, hi);
      for (; hi < count_ && centre_[hi] <= centre_[i] + span; ++hi) add(hi);
      for (; centre_[lo] < centre_[i] - span; ++lo) remove(lo);
      const double m = amplitudes.median();
      scale_[i - first_] = m > 0 ? static_cast<float>(1 / m) : 1.0f;
      for (std::size_t k = 0; k < columns.size(); ++k)
        templates_[(i - first_) * w + k] = static_cast<float>(columns[k].median());
    }
  }

  void make_rr_features(const std::vector<std::int64_t>& beats, const SampleIntervals& gaps) {
    // rr[j] is the interval between the centres of beats j and j+1, in samples of ecg_ (whole
    // numbers: their sums are exact, so a mean does not depend on where the sums start); one across
    // a signal gap was not measured (measured[j] false): it is left out of the means, and a beat next
    // to it takes the local mean as its RR.
    const double fs = rate_;
    std::vector<std::int64_t> rr;
    std::vector<bool> measured;
    for (std::size_t j = 0; j + 1 < count_; ++j) {
      rr.push_back(centre_[j + 1] - centre_[j]);
      measured.push_back(!overlaps_any(gaps, beats[j], beats[j + 1]));
    }
    std::vector<std::int64_t> prefix(rr.size() + 1, 0), prefix_count(rr.size() + 1, 0);
    for (std::size_t j = 0; j < rr.size(); ++j) {
      prefix[j + 1] = prefix[j] + (measured[j] ? rr[j] : 0);
      prefix_count[j + 1] = prefix_count[j] + measured[j];
    }
    auto seconds = [&](std::size_t j) { return static_cast<double>(rr[j]) / fs; };
    auto mean = [&](std::int64_t lo, std::int64_t hi) {  // mean of the measured rr[lo, hi) in seconds, clamped
      lo = std::max<std::int64_t>(lo, 0);
      hi = std::min<std::int64_t>(hi, static_cast<std::int64_t>(rr.size()));
      const std::int64_t n = hi > lo ? prefix_count[hi] - prefix_count[lo] : 0;
      return n > 0 ? static_cast<double>(prefix[hi] - prefix[lo]) / fs / static_cast<double>(n) : kDefaultRrS;
    };
    // change[k]: |RR after beat k - RR before it| (0 next to an unmeasured one); the first and last
    // beats borrow their neighbour's.
    std::vector<double> change(count_, 0);
    for (std::size_t k = 1; k + 1 < count_; ++k)
      if (measured[k] && measured[k - 1]) change[k] = static_cast<double>(std::llabs(rr[k] - rr[k - 1])) / fs;
    if (count_ >= 3) {
      change[0] = change[1];
      change[count_ - 1] = change[count_ - 2];
    }
    rr_.resize(count_ * kRrCount);
    const std::int64_t span = std::llround(kContextHalfWindowS * rate_);
    std::size_t lo = 0, hi = 0;  // rr indices whose first beat lies within +-150 s
    std::vector<double> nearby;
    for (std::size_t i = 0; i < count_; ++i) {
      const std::int64_t k = static_cast<std::int64_t>(i);
      const double local = mean(k - kLocalRrBefore, k + kLocalRrAfter);
      double pre = i > 0 ? seconds(i - 1) : (rr.empty() ? kDefaultRrS : seconds(0));
      if (!rr.empty() && !measured[i > 0 ? i - 1 : 0]) pre = local;
      double post = i < rr.size() ? seconds(i) : pre;
      if (i < rr.size() && !measured[i]) post = local;
      while (lo < rr.size() && centre_[lo] < centre_[i] - span) ++lo;
      while (hi < rr.size() && centre_[hi] <= centre_[i] + span) ++hi;
      const double longer = mean(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
      nearby.assign(change.begin() + std::max<std::int64_t>(0, k - kLocalRrBefore),
                    change.begin() + std::min<std::int64_t>(static_cast<std::int64_t>(count_), k + kLocalRrAfter + 1));
      const double irregular = stats::median(nearby);
      float* f = &rr_[kRrCount * i];
      f[0] = clip(pre / longer);
      f[1] = clip(post / longer);
      f[2] = clip(local / longer);
      f[3] = clip(pre / local);
      f[4] = clip(irregular / local);
      f[5] = clip(local);
    }
  }

  BeatInputSpec spec_;
  std::size_t count_, first_, last_;
  std::vector<Channel> channels_;
  double rate_ = 0;                          // of ecg_
  std::vector<float> ecg_;                   // the lead, band-passed
  std::vector<std::int64_t> centre_;         // beats (their peaks) in samples of ecg_
  std::vector<Interpolator> interpolators_;  // per window sample, relative to the beat
  std::vector<float> windows_;               // [beat][window], unscaled
  std::vector<float> amplitudes_;            // [beat]
  std::vector<float> scale_;                 // [beat - first]
  std::vector<float> templates_;             // [beat - first][window]
  std::vector<float> rr_;                    // [beat][kRrCount]
};

}  // namespace

const std::vector<std::string>& beat_class_names() {
  static const std::vector<std::string> names = {"N", "S", "V", "F", "Q"};
  return names;
}

const std::vector<std::string>& beat_channel_names() {
  static const std::vector<std::string> names = {"ECG",      "ECG_dev",      "RR_pre",       "RR_post",
                                                 "RR_local", "RR_pre_local", "RR_irregular", "RR_abs"};
  return names;
}

bool is_beat_model(const ModelInfo& info) {
  return single_lead_model::matches(info, beat_class_names(), beat_channel_names());
}

BeatInputSpec beat_input_spec(const ModelInfo& info) {
  if (!is_beat_model(info))
    throw Error(ErrorKind::wrong_model, info.name +
                                            ": not a beat classification model (it must have the classes "
                                            "N S V F Q and input channels named as in beats.h); the "
                                            "beat model is models/beats-int8.ecgm");
  return single_lead_model::input_spec<BeatInputSpec>(info);
}

int beat_lead(const Record& record) {
  for (std::size_t k = 0; k < record.leads.size(); ++k) {
    std::string compact;
    for (unsigned char c : record.leads[k].name)
      if (!std::isspace(c)) compact += static_cast<char>(std::toupper(c));
    if (compact == "MLII" || canonical_lead_name(record.leads[k].name) == "II") return static_cast<int>(k);
  }
  return 0;
}

std::vector<float> beat_inputs(const Record& record, const std::vector<std::int64_t>& beats,
                               const BeatInputSpec& spec) {
  if (beats.empty()) return {};
  const BeatFeatures features(record, beats, spec, 0, beats.size());
  std::vector<float> out(beats.size() * features.floats_per_beat());
  for (std::size_t i = 0; i < beats.size(); ++i) features.fill(i, out.data() + i * features.floats_per_beat());
  return out;
}

std::vector<Beat> detail::classify_beats_in(const Model& model, const Record& record,
                                            const std::vector<std::int64_t>& beats, std::int64_t from,
                                            std::int64_t to) {
  const BeatInputSpec spec = beat_input_spec(model.info());
  std::vector<Beat> out;
  if (beats.empty()) return out;
  // The beats classified, [first, last); the others only lend their context.
  const std::size_t first = static_cast<std::size_t>(std::lower_bound(beats.begin(), beats.end(), from) - beats.begin());
  const std::size_t last = static_cast<std::size_t>(std::lower_bound(beats.begin(), beats.end(), to) - beats.begin());
  if (first >= last) return out;
  const BeatFeatures features(record, beats, spec, first, last);
  std::vector<float> input(features.floats_per_beat());
  const auto& names = beat_class_names();
  for (std::size_t i = first; i < last; ++i) {
    features.fill(i, input.data());
    const std::vector<float> logits = model.logits(input.data());
    const std::size_t best = static_cast<std::size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    double sum = 0;
    for (float l : logits) sum += std::exp(double(l) - logits[best]);
    Beat b;
    b.sample = beats[i];
    b.cls = names[best][0];
    b.probability = static_cast<float>(1 / sum);
    out.push_back(b);
  }
  return out;
}

std::vector<Beat> classify_beats(const Model& model, const Record& record,
                                 const std::vector<std::int64_t>& beats) {
  if (beats.empty()) {
    beat_input_spec(model.info());  // a wrong model is an error even without beats
    return {};
  }
  return detail::classify_beats_in(model, record, beats, INT64_MIN, INT64_MAX);
}

}  // namespace ecglite
