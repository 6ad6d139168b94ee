// Rhythm classification input (one lead + RR channels), windows, per-block verdicts and AF episodes.
#include "ecglite/rhythm_class.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../common/stats.h"
#include "rhythm_verdict.h"
#include "rr_summary.h"
#include "single_lead_model.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"
#include "ecglite/qrs.h"

namespace ecglite {

namespace {

constexpr double kAmplitudeHalfWindowS = 0.05;  // QRS amplitude: max |x| within +-50 ms
constexpr float kEcgMax = 8;                    // the scaled lead is clipped to +-8 QRS amplitudes
constexpr float kRrMax = 4;                     // RR channels are clipped to [0, 4]

enum class Channel { kEcg, kRr, kRrChange };

Channel channel_of(const std::string& name) {
  const auto& names = rhythm_channel_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end())
    throw Error(ErrorKind::bad_model, "unknown rhythm model input channel '" + name + "' (known: ECG, RR, RR_change)");
  return static_cast<Channel>(it - names.begin());
}

std::vector<float> softmax(const float* logits, std::size_t n) {
  const float top = *std::max_element(logits, logits + n);
  std::vector<float> p(n);
  double sum = 0;
  for (std::size_t k = 0; k < n; ++k) sum += p[k] = static_cast<float>(std::exp(double(logits[k]) - top));
  for (float& v : p) v = static_cast<float>(v / sum);
  return p;
}

// The intervals between successive beats (samples of `record`); one across a stretch without signal
// on `lead` was not measured.
std::vector<detail::RrInterval> rr_intervals(const Record& record, int lead, const std::vector<std::int64_t>& beats) {
  const SampleIntervals gaps = signal_gaps(record, {lead});
  std::vector<detail::RrInterval> out;
  for (std::size_t j = 0; j + 1 < beats.size(); ++j)
    out.push_back({(beats[j + 1] - beats[j]) / record.sampling_rate_hz, !overlaps_any(gaps, beats[j], beats[j + 1])});
  return out;
}

void require_lead(const Record& record, int lead) {
  if (lead < 0 || lead >= static_cast<int>(record.leads.size()))
    throw Error(ErrorKind::bad_argument, record.name + ": lead " + std::to_string(lead) + " does not exist (the record has " +
                                             std::to_string(record.leads.size()) + ")");
}

// The network's logits through the model's head (ModelInfo::head_inputs), which reads them with the
// RR summaries of the stretch they were computed on.
std::vector<float> through_head(const ModelInfo& info, const std::vector<float>& logits,
                                const std::vector<detail::RrInterval>& stretch) {
  if (info.head_bias.empty()) return logits;
  const std::vector<float> all = detail::rr_summary(stretch);
  const auto& names = detail::rr_summary_names();
  std::vector<float> in(logits);
  for (const std::string& name : info.head_inputs)
    in.push_back(all[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin())]);
  std::vector<float> out(logits.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    double v = info.head_bias[k];
    for (std::size_t i = 0; i < in.size(); ++i) v += double(info.head_weights[k * in.size() + i]) * in[i];
    out[k] = static_cast<float>(v);
  }
  return out;
}

std::size_t argmax(const std::vector<float>& v) {
  return static_cast<std::size_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

// Window starts over `length` samples, the last flush with the end (one window when shorter).
std::vector<std::int64_t> window_starts(std::int64_t length, int window, int stride) {
  std::vector<std::int64_t> starts;
  if (length <= window) return {0};
  for (std::int64_t s = 0; s + window <= length; s += stride) starts.push_back(s);
  if (starts.back() != length - window) starts.push_back(length - window);
  return starts;
}

}  // namespace

const std::vector<std::string>& rhythm_class_names() {
  static const std::vector<std::string> names = {"N", "A", "O", "~"};
  return names;
}

const std::vector<std::string>& rhythm_channel_names() {
  static const std::vector<std::string> names = {"ECG", "RR", "RR_change"};
  return names;
}

const std::vector<std::string>& rhythm_rr_summary_names() { return detail::rr_summary_names(); }

std::vector<float> rhythm_rr_summary(const Record& record, int lead, const std::vector<std::int64_t>& beats) {
  require_lead(record, lead);
  return detail::rr_summary(rr_intervals(record, lead, beats));
}

bool is_rhythm_model(const ModelInfo& info) {
  return single_lead_model::matches(info, rhythm_class_names(), rhythm_channel_names(), &detail::rr_summary_names());
}

RhythmInputSpec rhythm_input_spec(const ModelInfo& info) {
  if (!is_rhythm_model(info))
    throw Error(ErrorKind::wrong_model, info.name +
                                            ": not a rhythm model (it must have the classes N A O ~, and input "
                                            "channels and head inputs named as in rhythm_class.h); the rhythm "
                                            "model is models/rhythm-int8.ecgm");
  RhythmInputSpec spec = single_lead_model::input_spec<RhythmInputSpec>(info);
  spec.stride = info.window_stride > 0 ? info.window_stride : info.input_length;
  return spec;
}

int rhythm_lead(const Record& record) {
  for (std::size_t k = 0; k < record.leads.size(); ++k)
    if (canonical_lead_name(record.leads[k].name) == "I") return static_cast<int>(k);
  return 0;
}

std::vector<float> rhythm_signal(const Record& record, int lead, const std::vector<std::int64_t>& beats,
                                 const RhythmInputSpec& spec) {
  const double fs = record.sampling_rate_hz;
  if (!(fs > 0)) throw Error(ErrorKind::needs_rate, record.name + ": unknown sampling rate (cannot read the rhythm)");
  if (record.leads.empty()) throw Error(ErrorKind::missing_leads, record.name + ": no leads (cannot read the rhythm)");
  require_lead(record, lead);
  std::vector<Channel> channels;
  for (const std::string& name : spec.channels) channels.push_back(channel_of(name));

  std::vector<float> x = record.leads[static_cast<std::size_t>(lead)].samples;
  repair_lead(x);
  const double rate = spec.sampling_rate_hz;
  if (std::fabs(fs - rate) > 1e-9 * fs) x = resample(x, fs, rate);
  const std::vector<float> ecg = bandpass_filtfilt(x, rate, spec.band_low_hz, spec.band_high_hz, spec.filter_order);
  const std::int64_t n = static_cast<std::int64_t>(ecg.size());

  // Beats at the model's rate, and the scale: the median QRS amplitude (max |x| within +-50 ms).
  std::vector<std::int64_t> centre;
  std::vector<double> amplitudes;
  const std::int64_t half = std::max<std::int64_t>(1, std::lround(kAmplitudeHalfWindowS * rate));
  for (std::int64_t b : beats) {
    const std::int64_t c = std::clamp<std::int64_t>(std::llround(static_cast<double>(b) * rate / fs), 0, std::max<std::int64_t>(0, n - 1));
    centre.push_back(c);
    double a = 0;
    for (std::int64_t t = std::max<std::int64_t>(0, c - half); t <= std::min<std::int64_t>(n - 1, c + half); ++t)
      a = std::max(a, double(std::fabs(ecg[t])));
    amplitudes.push_back(a);
  }
  double amplitude = stats::median(amplitudes);
  if (!(amplitude > 0))
    for (float v : ecg) amplitude = std::max(amplitude, double(std::fabs(v)));
  const double scale = amplitude > 0 ? 1 / amplitude : 1;

  // rr[j]: the interval between beats j and j+1; one across a stretch without signal was not measured
  // and takes the record's median instead (a gap is not an irregular beat).
  const std::vector<detail::RrInterval> intervals = rr_intervals(record, lead, beats);
  std::vector<double> rr, measured_rr;
  for (const detail::RrInterval& i : intervals)
    if (i.measured) measured_rr.push_back(i.seconds);
  const double median_rr = stats::median(measured_rr);
  for (const detail::RrInterval& i : intervals) rr.push_back(i.measured ? i.seconds : median_rr);
  std::vector<double> change(rr.size(), 0);
  for (std::size_t j = 1; j < rr.size(); ++j) change[j] = median_rr > 0 ? std::fabs(rr[j] - rr[j - 1]) / median_rr : 0;
  if (change.size() >= 2) change[0] = change[1];

  std::vector<float> out(channels.size() * static_cast<std::size_t>(n));
  for (std::size_t c = 0; c < channels.size(); ++c) {
    float* o = out.data() + c * static_cast<std::size_t>(n);
    if (channels[c] == Channel::kEcg) {
      for (std::int64_t t = 0; t < n; ++t) o[t] = std::clamp(static_cast<float>(ecg[t] * scale), -kEcgMax, kEcgMax);
      continue;
    }
    const std::vector<double>& value = channels[c] == Channel::kRr ? rr : change;
    if (value.empty()) {
      std::fill(o, o + n, 0.0f);
      continue;
    }
    // Interval j spans [centre[j], centre[j+1]); the first holds before the first beat, the last after.
    std::size_t j = 0;
    for (std::int64_t t = 0; t < n; ++t) {
      while (j + 1 < value.size() && t >= centre[j + 1]) ++j;
      o[t] = std::clamp(static_cast<float>(value[j]), 0.0f, kRrMax);
    }
  }
  return out;
}

namespace detail {

RhythmBlocks rhythm_blocks(const Model& model, const Record& record, const std::vector<std::int64_t>& beats, int lead,
                           std::int64_t keep_from, std::int64_t keep_to) {
  const RhythmInputSpec spec = rhythm_input_spec(model.info());
  if (lead < 0) lead = rhythm_lead(record);
  if (record.duration_s() < kRhythmMinSeconds) {
    char text[160];
    std::snprintf(text, sizeof text, " is %.1f s long; a rhythm verdict needs at least %.0f s of signal",
                  record.duration_s(), kRhythmMinSeconds);
    throw Error(ErrorKind::limit, "record " + record.name + text);
  }
  const std::vector<float> signal = rhythm_signal(record, lead, beats, spec);
  const std::size_t channels = spec.channels.size();
  const std::int64_t n = static_cast<std::int64_t>(signal.size() / channels);
  const std::size_t classes = rhythm_class_names().size();
  if (model.info().class_names.size() != classes) throw Error(ErrorKind::bad_model, "rhythm model: wrong class count");

  // The blocks asked for: those starting in [keep_from, keep_to) (their middles decide the windows run).
  const double to_record = record.sampling_rate_hz / spec.sampling_rate_hz;
  const std::int64_t length = static_cast<std::int64_t>(record.length());
  auto block_start = [&](std::int64_t b) { return std::min<std::int64_t>(length, std::llround(b * spec.stride * to_record)); };
  const std::int64_t nblocks = (n + spec.stride - 1) / spec.stride;
  std::int64_t first_block = 0, end_block = nblocks;
  while (first_block < nblocks && block_start(first_block) < keep_from) ++first_block;
  while (end_block > first_block && block_start(end_block - 1) >= keep_to) --end_block;
  auto middle = [&](std::int64_t b) { return (b * spec.stride + std::min<std::int64_t>(n, (b + 1) * spec.stride)) / 2; };
  const std::int64_t lowest_mid = first_block < end_block ? middle(first_block) : 0;
  const std::int64_t highest_mid = first_block < end_block ? middle(end_block - 1) : -1;

  // Window logits; a window past the end (a recording shorter than one window) is zero-padded.
  const std::vector<std::int64_t> starts = window_starts(n, spec.window, spec.stride);
  std::vector<float> logits(starts.size() * classes);
  std::vector<float> input(channels * static_cast<std::size_t>(spec.window));
  for (std::size_t w = 0; w < starts.size(); ++w) {
    if (starts[w] > highest_mid || starts[w] + spec.window <= lowest_mid) continue;  // covers no block asked for
    std::fill(input.begin(), input.end(), 0.0f);
    for (std::size_t c = 0; c < channels; ++c) {
      const float* from = signal.data() + c * static_cast<std::size_t>(n) + starts[w];
      const std::int64_t len = std::min<std::int64_t>(spec.window, n - starts[w]);
      std::copy(from, from + len, input.begin() + static_cast<std::ptrdiff_t>(c * spec.window));
    }
    const std::vector<float> l = model.logits(input.data());
    std::copy(l.begin(), l.end(), logits.begin() + static_cast<std::ptrdiff_t>(w * classes));
  }
  // The mean logits of the windows `covers` selects, through the model's head with the RR intervals
  // of the stretch those windows span.
  const std::vector<detail::RrInterval> intervals =
      model.info().head_bias.empty() ? std::vector<detail::RrInterval>{} : rr_intervals(record, lead, beats);
  auto mean_logits = [&](auto covers) {
    std::vector<float> m(classes, 0.0f);
    int count = 0;
    std::int64_t span_from = n, span_to = 0;
    for (std::size_t w = 0; w < starts.size(); ++w) {
      if (starts[w] > highest_mid || starts[w] + spec.window <= lowest_mid || !covers(starts[w])) continue;
      for (std::size_t k = 0; k < classes; ++k) m[k] += logits[w * classes + k];
      ++count;
      span_from = std::min(span_from, starts[w]);
      span_to = std::max(span_to, std::min<std::int64_t>(n, starts[w] + spec.window));
    }
    for (float& v : m) v /= static_cast<float>(std::max(count, 1));
    if (intervals.empty()) return through_head(model.info(), m, {});
    const std::int64_t from = std::llround(span_from * to_record), to = std::llround(span_to * to_record);
    std::vector<detail::RrInterval> stretch;
    for (std::size_t j = 0; j < intervals.size(); ++j)
      if (beats[j] >= from && beats[j + 1] < to) stretch.push_back(intervals[j]);
    return through_head(model.info(), m, stretch);
  };

  RhythmBlocks out;
  RhythmVerdict& v = out.verdict;
  v.lead = lead;
  v.lead_name = record.leads[static_cast<std::size_t>(lead)].name;
  v.model = model.info().name;
  const auto& names = rhythm_class_names();
  for (std::int64_t b = first_block; b < end_block; ++b) {
    const std::int64_t lo = b * spec.stride, hi = std::min<std::int64_t>(n, lo + spec.stride);
    const std::int64_t mid = (lo + hi) / 2;
    const std::vector<float> p = softmax(mean_logits([&](std::int64_t s) { return s <= mid && mid < s + spec.window; }).data(), classes);
    RhythmBlock block;
    block.start = block_start(b);
    block.end = std::min<std::int64_t>(length, std::llround(hi * to_record));
    const std::size_t k = argmax(p);
    block.cls = names[k][0];
    block.probability = p[k];
    v.blocks.push_back(block);
    out.block_probabilities.insert(out.block_probabilities.end(), p.begin(), p.end());
  }
  out.whole_probabilities = softmax(mean_logits([](std::int64_t) { return true; }).data(), classes);
  return out;
}

void finish_verdict(RhythmVerdict& v, const std::vector<double>& class_probability, const std::vector<float>& whole_probabilities,
                    double duration_s, double sampling_rate_hz) {
  const auto& names = rhythm_class_names();
  const std::size_t classes = names.size();
  std::vector<double> class_blocks(classes, 0);
  for (const RhythmBlock& b : v.blocks)
    for (std::size_t k = 0; k < classes; ++k) class_blocks[k] += b.cls == names[k][0];
  const std::size_t nblocks = v.blocks.size();
  const bool whole = duration_s <= kWholeRecordingMaxSeconds;
  if (whole) {
    v.probabilities = whole_probabilities;
  } else {
    v.probabilities.assign(classes, 0.0f);
    for (std::size_t c = 0; c < classes; ++c) v.probabilities[c] = static_cast<float>(class_probability[c] / nblocks);
  }
  const std::size_t best = whole ? argmax(v.probabilities)
                                 : static_cast<std::size_t>(std::max_element(class_blocks.begin(), class_blocks.end()) -
                                                            class_blocks.begin());
  v.cls = names[best][0];
  v.probability = v.probabilities[best];

  // AF episodes: runs of AF blocks lasting kMinAfEpisodeSeconds or more (shorter runs stay AF blocks).
  double readable = 0, af = 0;
  std::vector<AfEpisode> runs;
  v.af_episodes.clear();
  for (const RhythmBlock& b : v.blocks) {
    if (b.cls == '~') continue;
    readable += double(b.end - b.start);
    if (b.cls != 'A') continue;
    if (!runs.empty() && runs.back().end == b.start) runs.back().end = b.end;
    else runs.push_back({b.start, b.end});
  }
  const double min_samples = kMinAfEpisodeSeconds * sampling_rate_hz - 0.5;
  for (const AfEpisode& e : runs) {
    if (double(e.end - e.start) < min_samples) continue;
    v.af_episodes.push_back(e);
    af += double(e.end - e.start);
  }
  v.af_burden = readable > 0 ? af / readable : 0;
}

}  // namespace detail

RhythmVerdict classify_rhythm(const Model& model, const Record& record, const std::vector<std::int64_t>& beats,
                              int lead) {
  detail::RhythmBlocks blocks = detail::rhythm_blocks(model, record, beats, lead);
  const std::size_t classes = rhythm_class_names().size();
  std::vector<double> class_probability(classes, 0);
  for (std::size_t b = 0; b < blocks.verdict.blocks.size(); ++b)
    for (std::size_t c = 0; c < classes; ++c) class_probability[c] += blocks.block_probabilities[b * classes + c];
  detail::finish_verdict(blocks.verdict, class_probability, blocks.whole_probabilities, record.duration_s(),
                         record.sampling_rate_hz);
  return std::move(blocks.verdict);
}

}  // namespace ecglite
