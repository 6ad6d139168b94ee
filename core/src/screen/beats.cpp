// Beat classifier input (one lead window + RR features) and classification with a beat model.
#include "ecglite/beats.h"

#include "beats_internal.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "../common/stats.h"
#include "single_lead_model.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/qrs.h"

namespace ecglite {

namespace {

constexpr double kAmplitudeHalfWindowS = 0.05;  // QRS amplitude: max |x| within +-50 ms
constexpr int kLocalRrBefore = 5, kLocalRrAfter = 5;
constexpr double kLongRrHalfWindowS = 150;
constexpr float kFeatureMax = 4;                // RR features are clipped to [0, 4]
constexpr double kDefaultRrS = 1.0;             // a lone beat has no RR interval

// The upper of the two middle values for an even count (not numpy's mean of both): the amplitude
// scale the shipped beat model was trained with.
double upper_median(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + m, v.end());
  return v[m];
}

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

constexpr std::size_t kTemplateBlock = 64;      // beats sharing one median beat ...
constexpr std::size_t kTemplateNeighbours = 224;  // ... made of the beats within this many around it


// Everything beat_inputs needs, computed once per record; fill() writes one beat's input.
class BeatFeatures {
 public:
  BeatFeatures(const Record& record, const std::vector<std::int64_t>& beats, const BeatInputSpec& spec)
      : spec_(spec), count_(beats.size()) {
    const double fs = record.sampling_rate_hz;
    if (!(fs > 0)) throw Error(ErrorKind::needs_rate, record.name + ": unknown sampling rate (cannot classify beats)");
    if (record.leads.empty()) throw Error(ErrorKind::missing_leads, record.name + ": no leads (cannot classify beats)");
    if (spec.window < 2 || spec.window > 4096) throw Error(ErrorKind::bad_model, "beat window must be 2..4096 samples");
    for (const std::string& name : spec.channels) channels_.push_back(channel_of(name));
    std::vector<float> x = record.leads[beat_lead(record)].samples;
    repair_lead(x);
    if (std::fabs(fs - spec.sampling_rate_hz) > 1e-9 * fs) x = resample(x, fs, spec.sampling_rate_hz);
    ecg_ = bandpass_filtfilt(x, spec.sampling_rate_hz, spec.band_low_hz, spec.band_high_hz, spec.filter_order);

    const std::int64_t n = static_cast<std::int64_t>(ecg_.size());
    const std::int64_t half = std::max<std::int64_t>(1, std::lround(kAmplitudeHalfWindowS * spec.sampling_rate_hz));
    std::vector<double> amplitudes;
    centre_.resize(count_);
    for (std::size_t i = 0; i < count_; ++i) {
      centre_[i] = std::llround(static_cast<double>(beats[i]) * spec.sampling_rate_hz / fs);
      double a = 0;
      for (std::int64_t t = std::max<std::int64_t>(0, centre_[i] - half);
           t <= std::min<std::int64_t>(n - 1, centre_[i] + half); ++t)
        a = std::max(a, double(std::fabs(ecg_[t])));
      amplitudes.push_back(a);
    }
    const double m = upper_median(amplitudes);
    scale_ = m > 0 ? 1 / m : 1;
    for (Channel c : channels_)
      if (c == Channel::kEcgDev) make_templates();
    make_rr_features(beats, fs, signal_gaps(record, {beat_lead(record)}));
  }

  std::size_t size() const { return count_; }
  std::size_t floats_per_beat() const { return channels_.size() * static_cast<std::size_t>(spec_.window); }

  void fill(std::size_t i, float* out) const {
    const std::size_t w = static_cast<std::size_t>(spec_.window);
    for (std::size_t c = 0; c < channels_.size(); ++c) {
      float* o = out + c * w;
      switch (channels_[c]) {
        case Channel::kEcg: window(i, o); break;
        case Channel::kEcgDev: {
          window(i, o);
          const float* t = &templates_[(i / kTemplateBlock) * w];
          for (std::size_t k = 0; k < w; ++k) o[k] -= t[k];
          break;
        }
        default: std::fill(o, o + w, rr_[kRrCount * i + (static_cast<int>(channels_[c]) - 2)]);
      }
    }
  }

 private:
  static constexpr std::size_t kRrCount = 6;  // RR_pre .. RR_abs

  float sample(std::int64_t s) const {
    return s >= 0 && s < static_cast<std::int64_t>(ecg_.size()) ? static_cast<float>(ecg_[s] * scale_) : 0.0f;
  }
  void window(std::size_t i, float* out) const {
    const std::int64_t start = centre_[i] - spec_.window / 2;
    for (int t = 0; t < spec_.window; ++t) out[t] = sample(start + t);
  }

  // The median beat of each block of kTemplateBlock beats, over the beats within
  // kTemplateNeighbours of the block.
  void make_templates() {
    const std::size_t w = static_cast<std::size_t>(spec_.window);
    const std::size_t blocks = (count_ + kTemplateBlock - 1) / kTemplateBlock;
    templates_.assign(blocks * w, 0.0f);
    std::vector<double> column;
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t lo = b * kTemplateBlock >= kTemplateNeighbours ? b * kTemplateBlock - kTemplateNeighbours : 0;
      const std::size_t hi = std::min(count_, (b + 1) * kTemplateBlock + kTemplateNeighbours);
      for (std::size_t t = 0; t < w; ++t) {
        column.clear();
        for (std::size_t j = lo; j < hi; ++j) column.push_back(sample(centre_[j] - spec_.window / 2 + static_cast<std::int64_t>(t)));
        templates_[b * w + t] = static_cast<float>(stats::median(column));
      }
    }
  }

  void make_rr_features(const std::vector<std::int64_t>& beats, double fs, const SampleIntervals& gaps) {
    // rr[j] is the interval between beats j and j+1, in seconds; one across a signal gap was not
    // measured (measured[j] false): it is left out of the means, and a beat next to it takes the
    // local mean as its RR.
    std::vector<double> rr;
    std::vector<bool> measured;
    for (std::size_t j = 0; j + 1 < count_; ++j) {
      rr.push_back((beats[j + 1] - beats[j]) / fs);
      measured.push_back(!overlaps_any(gaps, beats[j], beats[j + 1]));
    }
    std::vector<double> prefix(rr.size() + 1, 0);
    std::vector<std::int64_t> prefix_count(rr.size() + 1, 0);
    for (std::size_t j = 0; j < rr.size(); ++j) {
      prefix[j + 1] = prefix[j] + (measured[j] ? rr[j] : 0);
      prefix_count[j + 1] = prefix_count[j] + measured[j];
    }
    auto mean = [&](std::int64_t lo, std::int64_t hi) {  // mean of the measured rr[lo, hi), clamped
      lo = std::max<std::int64_t>(lo, 0);
      hi = std::min<std::int64_t>(hi, static_cast<std::int64_t>(rr.size()));
      const std::int64_t n = hi > lo ? prefix_count[hi] - prefix_count[lo] : 0;
      return n > 0 ? (prefix[hi] - prefix[lo]) / n : kDefaultRrS;
    };
    // change[k]: |RR after beat k - RR before it| (0 next to an unmeasured one); the first and last
    // beats borrow their neighbour's.
    std::vector<double> change(count_, 0);
    for (std::size_t k = 1; k + 1 < count_; ++k)
      if (measured[k] && measured[k - 1]) change[k] = std::fabs(rr[k] - rr[k - 1]);
    if (count_ >= 3) {
      change[0] = change[1];
      change[count_ - 1] = change[count_ - 2];
    }
    rr_.resize(count_ * kRrCount);
    const std::int64_t span = std::llround(kLongRrHalfWindowS * fs);
    std::size_t lo = 0, hi = 0;  // rr indices whose first beat lies within +-150 s
    std::vector<double> nearby;
    for (std::size_t i = 0; i < count_; ++i) {
      const std::int64_t k = static_cast<std::int64_t>(i);
      const double local = mean(k - kLocalRrBefore, k + kLocalRrAfter);
      double pre = i > 0 ? rr[i - 1] : (rr.empty() ? kDefaultRrS : rr[0]);
      if (!rr.empty() && !measured[i > 0 ? i - 1 : 0]) pre = local;
      double post = i < rr.size() ? rr[i] : pre;
      if (i < rr.size() && !measured[i]) post = local;
      while (lo < rr.size() && beats[lo] < beats[i] - span) ++lo;
      while (hi < rr.size() && beats[hi] <= beats[i] + span) ++hi;
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
  std::size_t count_;
  std::vector<Channel> channels_;
  std::vector<float> ecg_;
  double scale_ = 1;
  std::vector<std::int64_t> centre_;
  std::vector<float> templates_;  // [block][window]
  std::vector<float> rr_;         // [beat][kRrCount]
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
  const BeatFeatures features(record, beats, spec);
  std::vector<float> out(features.size() * features.floats_per_beat());
  for (std::size_t i = 0; i < features.size(); ++i) features.fill(i, out.data() + i * features.floats_per_beat());
  return out;
}

std::vector<Beat> detail::classify_beats_in(const Model& model, const Record& record,
                                            const std::vector<std::int64_t>& beats, std::int64_t from,
                                            std::int64_t to) {
  const BeatInputSpec spec = beat_input_spec(model.info());
  std::vector<Beat> out;
  if (beats.empty()) return out;
  const BeatFeatures features(record, beats, spec);
  std::vector<float> input(features.floats_per_beat());
  const auto& names = beat_class_names();
  for (std::size_t i = 0; i < beats.size(); ++i) {
    if (beats[i] < from || beats[i] >= to) continue;
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
