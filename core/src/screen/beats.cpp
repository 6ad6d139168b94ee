// Beat classifier input (one lead window + RR features) and classification with a beat model.
#include "ecglite/beats.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "ecglite/error.h"
#include "ecglite/preprocess.h"

namespace ecglite {

namespace {

constexpr double kAmplitudeHalfWindowS = 0.05;  // QRS amplitude: max |x| within +-50 ms
constexpr int kLocalRrBefore = 5, kLocalRrAfter = 5;
constexpr double kLongRrHalfWindowS = 150;
constexpr float kFeatureMax = 4;                // RR features are clipped to [0, 4]
constexpr double kDefaultRrS = 1.0;             // a lone beat has no RR interval

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const std::size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + m, v.end());
  return v[m];
}

float clip(double v) { return static_cast<float>(std::clamp(v, 0.0, double(kFeatureMax))); }

// Everything beat_inputs needs, computed once per record; fill() writes one beat's input.
class BeatFeatures {
 public:
  BeatFeatures(const Record& record, const std::vector<std::int64_t>& beats, const BeatInputSpec& spec)
      : spec_(spec), count_(beats.size()) {
    const double fs = record.sampling_rate_hz;
    if (!(fs > 0)) throw Error(record.name + ": unknown sampling rate (cannot classify beats)");
    if (record.leads.empty()) throw Error(record.name + ": no leads (cannot classify beats)");
    std::vector<float> x = record.leads[beat_lead(record)].samples;
    fill_invalid(x);
    if (std::fabs(fs - spec.rate_hz) > 1e-9 * fs) x = resample(x, fs, spec.rate_hz);
    ecg_ = bandpass_filtfilt(x, spec.rate_hz, spec.band_low_hz, spec.band_high_hz, spec.filter_order);

    const std::int64_t n = static_cast<std::int64_t>(ecg_.size());
    const std::int64_t half = std::max<std::int64_t>(1, std::lround(kAmplitudeHalfWindowS * spec.rate_hz));
    std::vector<double> amplitudes;
    centre_.resize(count_);
    for (std::size_t i = 0; i < count_; ++i) {
      centre_[i] = std::llround(static_cast<double>(beats[i]) * spec.rate_hz / fs);
      double a = 0;
      for (std::int64_t t = std::max<std::int64_t>(0, centre_[i] - half);
           t <= std::min<std::int64_t>(n - 1, centre_[i] + half); ++t)
        a = std::max(a, double(std::fabs(ecg_[t])));
      amplitudes.push_back(a);
    }
    const double m = median(amplitudes);
    scale_ = m > 0 ? 1 / m : 1;

    // RR intervals in seconds; rr[j] is between beats j and j+1.
    std::vector<double> rr;
    for (std::size_t j = 0; j + 1 < count_; ++j) rr.push_back((beats[j + 1] - beats[j]) / fs);
    std::vector<double> prefix(rr.size() + 1, 0);
    for (std::size_t j = 0; j < rr.size(); ++j) prefix[j + 1] = prefix[j] + rr[j];
    auto mean = [&](std::int64_t lo, std::int64_t hi) {  // mean of rr[lo, hi), clamped
      lo = std::max<std::int64_t>(lo, 0);
      hi = std::min<std::int64_t>(hi, static_cast<std::int64_t>(rr.size()));
      return hi > lo ? (prefix[hi] - prefix[lo]) / (hi - lo) : kDefaultRrS;
    };
    features_.resize(count_ * 4);
    const std::int64_t span = std::llround(kLongRrHalfWindowS * fs);
    std::size_t lo = 0, hi = 0;  // rr indices whose start beat lies within +-150 s
    for (std::size_t i = 0; i < count_; ++i) {
      const std::int64_t k = static_cast<std::int64_t>(i);
      const double pre = i > 0 ? rr[i - 1] : (rr.empty() ? kDefaultRrS : rr[0]);
      const double post = i < rr.size() ? rr[i] : pre;
      const double local = mean(k - kLocalRrBefore, k + kLocalRrAfter);
      while (lo < rr.size() && beats[lo] < beats[i] - span) ++lo;
      while (hi < rr.size() && beats[hi] <= beats[i] + span) ++hi;
      const double longer = mean(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi));
      features_[4 * i + 0] = clip(pre / local);
      features_[4 * i + 1] = clip(post / local);
      features_[4 * i + 2] = clip(local / longer);
      features_[4 * i + 3] = clip(local);
    }
  }

  std::size_t size() const { return count_; }
  std::size_t floats_per_beat() const { return 5 * static_cast<std::size_t>(spec_.window); }

  void fill(std::size_t i, float* out) const {
    const int w = spec_.window;
    const std::int64_t start = centre_[i] - w / 2, n = static_cast<std::int64_t>(ecg_.size());
    for (int t = 0; t < w; ++t) {
      const std::int64_t s = start + t;
      out[t] = s >= 0 && s < n ? static_cast<float>(ecg_[s] * scale_) : 0.0f;
    }
    for (int c = 0; c < 4; ++c) std::fill(out + (c + 1) * w, out + (c + 2) * w, features_[4 * i + c]);
  }

 private:
  BeatInputSpec spec_;
  std::size_t count_;
  std::vector<float> ecg_;
  double scale_ = 1;
  std::vector<std::int64_t> centre_;
  std::vector<float> features_;  // [beat][4]
};

}  // namespace

const std::vector<std::string>& beat_class_names() {
  static const std::vector<std::string> names = {"N", "S", "V", "F", "Q"};
  return names;
}

const std::vector<std::string>& beat_channel_names() {
  static const std::vector<std::string> names = {"ECG", "RR_pre", "RR_post", "RR_local", "RR_abs"};
  return names;
}

bool is_beat_model(const ModelInfo& info) {
  return info.class_names == beat_class_names() && info.lead_names == beat_channel_names() &&
         info.input_channels == static_cast<int>(beat_channel_names().size());
}

BeatInputSpec beat_input_spec(const ModelInfo& info) {
  if (!is_beat_model(info))
    throw Error(info.name + ": not a beat classification model (it must have the classes N S V F Q "
                "and the input channels ECG RR_pre RR_post RR_local RR_abs; use models/beats-int8.ecgm)");
  BeatInputSpec spec;
  spec.rate_hz = info.sampling_rate_hz;
  spec.band_low_hz = info.band_low_hz;
  spec.band_high_hz = info.band_high_hz;
  spec.filter_order = info.filter_order;
  spec.window = info.input_length;
  return spec;
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

std::vector<Beat> classify_beats(const Model& model, const Record& record,
                                 const std::vector<std::int64_t>& beats) {
  const BeatInputSpec spec = beat_input_spec(model.info());
  std::vector<Beat> out(beats.size());
  for (std::size_t i = 0; i < beats.size(); ++i) out[i].sample = beats[i];
  if (beats.empty()) return out;
  const BeatFeatures features(record, beats, spec);
  std::vector<float> input(features.floats_per_beat());
  const auto& names = beat_class_names();
  for (std::size_t i = 0; i < beats.size(); ++i) {
    features.fill(i, input.data());
    const std::vector<float> logits = model.logits(input.data());
    const std::size_t best = static_cast<std::size_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    double sum = 0;
    for (float l : logits) sum += std::exp(double(l) - logits[best]);
    out[i].cls = names[best][0];
    out[i].probability = static_cast<float>(1 / sum);
  }
  return out;
}

}  // namespace ecglite
