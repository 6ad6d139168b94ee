// The long-record analysis: a RecordSource read block by block (with margins of context), per-beat,
// per-gap and per-5 s-block results kept for each block's own span, summaries made once at the end.
// The one analysis path: a record in memory goes through it too (as one block up to 40 minutes).
#include <algorithm>
#include <cmath>
#include <cstdio>

// The wasm module runs in one thread (the page's worker): no thread code is compiled into it.
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define ECGLITE_BLOCK_THREADS 0
#else
#define ECGLITE_BLOCK_THREADS 1
#include <exception>
#include <mutex>
#include <thread>
#endif

#include "ecglite/error.h"
#include "ecglite/rhythm.h"
#include "../io/record_source_internal.h"
#include "beats_internal.h"
#include "rhythm_verdict.h"

namespace ecglite {

namespace {

// A record in memory seen as a source without a copy when it is analysed in one piece.
class RecordView : public RecordSource {
 public:
  explicit RecordView(const Record& record) : record_(record), info_(source::info_of(record)) {}
  const RecordInfo& info() const override { return info_; }
  Record read(std::int64_t from, std::int64_t to) override {
    if (from < 0 || to < from || to > info_.length)
      throw Error(ErrorKind::bad_argument, record_.name + ": samples " + std::to_string(from) + " to " +
                                               std::to_string(to) + " are outside the record");
    return source::slice(record_, from, to);
  }
  const Record& whole() const { return record_; }

 private:
  const Record& record_;
  RecordInfo info_;
};

// What the analysis of the whole record is made from: per-beat, per-gap and per-5 s-block results
// (of one block, then of all of them joined).
struct Joined {
  std::vector<Beat> beats;
  SampleIntervals gaps;
  RhythmVerdict verdict;                 // lead, model, blocks
  std::vector<double> class_probability;  // per-class sums over the blocks
  std::vector<float> whole_probabilities;  // one block only: every window's mean
  bool has_blocks = false;
};

// Analyses `record` (frames [r0, r0 + length) of the source) and keeps what lies in [b0, b1).
Joined analyse_block(const Record& record, std::int64_t r0, std::int64_t b0, std::int64_t b1, bool single,
                     const Model* beat_model, const RhythmOptions& options, const Model* rhythm_model,
                     bool want_verdict) {
  Joined out;
  const std::vector<std::int64_t> samples = detect_qrs(record, options.qrs);
  if (single) {
    // Under a second there is at most one beat: no rate, no rhythm, only a misleading summary.
    constexpr double kMinSeconds = 1.0;
    if (record.duration_s() < kMinSeconds) {
      char text[160];
      std::snprintf(text, sizeof text, " is %.2f s long; rhythm analysis needs at least %.0f s of signal",
                    record.duration_s(), kMinSeconds);
      throw Error(ErrorKind::limit, "record " + record.name + text);
    }
  }
  // Features from every beat of the read range, the network only on those kept.
  std::vector<Beat> beats;
  if (beat_model) {
    beats = single ? classify_beats(*beat_model, record, samples)
                   : detail::classify_beats_in(*beat_model, record, samples, b0 - r0, b1 - r0);
  } else {
    beats.resize(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) beats[i].sample = samples[i];
  }
  for (Beat b : beats) {
    b.sample += r0;
    if (b.sample >= b0 && b.sample < b1) out.beats.push_back(b);
  }
  for (const auto& gap : signal_gaps(record, options.qrs.leads)) {
    const std::int64_t first = std::max(b0, gap.first + r0), last = std::min(b1 - 1, gap.second + r0);
    if (first <= last) out.gaps.emplace_back(first, last);
  }
  if (!rhythm_model || !want_verdict) return out;
  detail::RhythmBlocks rb = single ? detail::rhythm_blocks(*rhythm_model, record, samples, options.rhythm_lead)
                                   : detail::rhythm_blocks(*rhythm_model, record, samples, options.rhythm_lead, b0 - r0, b1 - r0);
  const std::size_t classes = rhythm_class_names().size();
  out.verdict.lead = rb.verdict.lead;
  out.verdict.lead_name = rb.verdict.lead_name;
  out.verdict.model = rb.verdict.model;
  out.class_probability.assign(classes, 0);
  out.whole_probabilities = rb.whole_probabilities;
  out.has_blocks = true;
  for (std::size_t k = 0; k < rb.verdict.blocks.size(); ++k) {
    RhythmBlock block = rb.verdict.blocks[k];
    block.start += r0;
    block.end += r0;
    if (block.start < b0 || block.start >= b1) continue;
    out.verdict.blocks.push_back(block);
    for (std::size_t c = 0; c < classes; ++c) out.class_probability[c] += rb.block_probabilities[k * classes + c];
  }
  return out;
}

// Appends the next block's results to `all`.
void join(Joined& all, Joined&& part) {
  if (all.beats.empty()) all.beats = std::move(part.beats);
  else all.beats.insert(all.beats.end(), part.beats.begin(), part.beats.end());
  for (const auto& gap : part.gaps) {
    // A stretch across a joint was seen whole by both blocks: join its halves.
    if (!all.gaps.empty() && all.gaps.back().second + 1 >= gap.first) all.gaps.back().second = std::max(all.gaps.back().second, gap.second);
    else all.gaps.push_back(gap);
  }
  if (!part.has_blocks) return;
  if (!all.has_blocks) {
    all.verdict.lead = part.verdict.lead;
    all.verdict.lead_name = part.verdict.lead_name;
    all.verdict.model = part.verdict.model;
    all.class_probability.assign(part.class_probability.size(), 0);
    all.whole_probabilities = part.whole_probabilities;
    all.has_blocks = true;
  }
  for (RhythmBlock block : part.verdict.blocks) {
    // Blocks start on the model's stride from frame 0; with a stride that is no whole number of
    // frames a block may start a frame off its neighbour's end: they tile the record regardless.
    if (!all.verdict.blocks.empty()) block.start = all.verdict.blocks.back().end;
    all.verdict.blocks.push_back(block);
  }
  for (std::size_t c = 0; c < part.class_probability.size(); ++c) all.class_probability[c] += part.class_probability[c];
}

// Samples (frames x leads) of a read range up to which two ranges are analysed at once: about 70 MB
// each (~18 bytes per sample while analysed). 2 leads at 360 Hz (1.7 M samples per 40-minute range)
// run two at a time; 12 leads at 500 Hz (14 M) one at a time, so memory stays that of one range.
constexpr double kParallelRangeSamples = 4e6;

// Blocks analysed at once: native builds use 2 threads when ranges are small enough (the analysis of
// one block is independent of the others; the source is read by one at a time); the wasm module runs
// in one thread (the page's worker).
#if ECGLITE_BLOCK_THREADS
unsigned parallel_blocks(double range_samples) {
  if (range_samples > kParallelRangeSamples) return 1;
  return std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
}
#endif

}  // namespace

RhythmAnalysis analyze_rhythm(RecordSource& source, const Model* beat_model, const std::vector<Annotation>* reference,
                              const RhythmOptions& options, const Model* rhythm_model, const StreamOptions& stream) {
  const RecordInfo& info = source.info();
  const double fs = info.sampling_rate_hz;
  const std::int64_t length = info.length;
  if (!(stream.block_s > 0) || !(stream.margin_s >= 0) || !std::isfinite(stream.block_s) || !std::isfinite(stream.margin_s))
    throw Error(ErrorKind::bad_argument, info.name + ": the analysis block must be a positive number of seconds and "
                                                     "its margin zero or more");
  RhythmAnalysis a;
  a.record_name = info.name;
  const bool want_verdict = info.duration_s() >= kRhythmMinSeconds;
  if (rhythm_model && !want_verdict) {
    char text[160];
    std::snprintf(text, sizeof text, "no rhythm verdict: the recording is %.1f s long, the rhythm model needs %.0f s",
                  info.duration_s(), kRhythmMinSeconds);
    a.warnings.push_back(text);
  }

  // Blocks are whole numbers of the rhythm model's stride (5 s) in frames of the record, so that the
  // model's 5 s blocks of every read range fall on the record's own; at least 2 strides (10 s, more
  // than a rhythm verdict needs).
  const RhythmInputSpec spec = rhythm_model && want_verdict ? rhythm_input_spec(rhythm_model->info()) : RhythmInputSpec{};
  const double unit = fs > 0 ? spec.stride * fs / spec.sampling_rate_hz : 1;
  const std::int64_t block_units = std::max<std::int64_t>(2, std::llround(stream.block_s * fs / unit));
  const std::int64_t margin_units = static_cast<std::int64_t>(std::ceil(stream.margin_s * fs / unit - 1e-9));
  const bool single = !(fs > 0) || info.duration_s() <= detail::kWholeRecordingMaxSeconds ||
                      static_cast<double>(length) <= (block_units + 2 * margin_units) * unit;

  Joined joined;
  auto report = [&](double fraction) {
    if (stream.progress && !stream.progress(fraction))
      throw Error(ErrorKind::cancelled, info.name + ": the analysis was cancelled");
  };
  if (single) {
    const RecordView* view = dynamic_cast<const RecordView*>(&source);
    if (view) {
      joined = analyse_block(view->whole(), 0, 0, length, true, beat_model, options, rhythm_model, want_verdict);
    } else {
      const Record record = source.read(0, length);
      joined = analyse_block(record, 0, 0, length, true, beat_model, options, rhythm_model, want_verdict);
    }
    report(1.0);
  } else {
    struct Block {
      std::int64_t b0, b1, r0, r1;
    };
    std::vector<Block> blocks;
    auto frame = [&](std::int64_t units) { return std::clamp<std::int64_t>(std::llround(units * unit), 0, length); };
    for (std::int64_t k = 0; frame(k * block_units) < length; ++k) {
      blocks.push_back({frame(k * block_units), frame((k + 1) * block_units), frame(k * block_units - margin_units),
                        frame((k + 1) * block_units + margin_units)});
      // A tail shorter than 2 strides (10 s, too short for a rhythm verdict) joins the last block.
      if (static_cast<double>(length - blocks.back().b1) < 2 * unit) {
        blocks.back().b1 = blocks.back().r1 = length;
        break;
      }
    }
    auto analyse = [&](const Block& b, const Record& record) {
      return analyse_block(record, b.r0, b.b0, b.b1, false, beat_model, options, rhythm_model, want_verdict);
    };
    auto finish = [&](const Block& b, Joined part) {
      join(joined, std::move(part));
      report(static_cast<double>(b.b1) / static_cast<double>(length));
    };
#if ECGLITE_BLOCK_THREADS
    // Waves of parallel_blocks() blocks; results joined in order, progress after each.
    double range_samples = 0;
    for (const Block& b : blocks)
      range_samples = std::max(range_samples, static_cast<double>(b.r1 - b.r0) * std::max<std::size_t>(1, info.lead_names.size()));
    const std::size_t wave = parallel_blocks(range_samples);
    std::mutex reading;
    for (std::size_t first = 0; first < blocks.size(); first += wave) {
      const std::size_t count = std::min(wave, blocks.size() - first);
      std::vector<Joined> parts(count);
      std::vector<std::exception_ptr> errors(count);
      auto work = [&](std::size_t i) {
        try {
          const Block& b = blocks[first + i];
          Record record;
          {
            std::lock_guard<std::mutex> lock(reading);
            record = source.read(b.r0, b.r1);
          }
          parts[i] = analyse(b, record);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      };
      std::vector<std::thread> threads;
      for (std::size_t i = 1; i < count; ++i) threads.emplace_back(work, i);
      work(0);
      for (std::thread& t : threads) t.join();
      for (std::size_t i = 0; i < count; ++i) {
        if (errors[i]) std::rethrow_exception(errors[i]);
        finish(blocks[first + i], std::move(parts[i]));
      }
    }
#else
    for (const Block& b : blocks) finish(b, analyse(b, source.read(b.r0, b.r1)));
#endif
  }

  a.beats = std::move(joined.beats);
  a.summary = summarize_rhythm(a.beats, fs, length, options, joined.gaps);
  if (reference) a.summary.reference_rhythms = rhythm_episodes(*reference, fs, length);
  if (joined.has_blocks) {
    a.verdict = std::move(joined.verdict);
    detail::finish_verdict(a.verdict, joined.class_probability, joined.whole_probabilities, info.duration_s(), fs);
    a.has_verdict = true;
  }
  HolterOptions holter;
  holter.pause_s = options.pause_s;
  a.holter = summarize_holter(a.beats, fs, length, joined.gaps, a.has_verdict ? &a.verdict : nullptr, holter);
  a.holter.start_time = info.start_time;
  return a;
}

RhythmAnalysis analyze_rhythm(const Record& record, const Model* beat_model, const std::vector<Annotation>* reference,
                              const RhythmOptions& options, const Model* rhythm_model) {
  RecordView view(record);
  return analyze_rhythm(view, beat_model, reference, options, rhythm_model);
}

}  // namespace ecglite
