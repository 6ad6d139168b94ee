// explain(): the occlusion map of classify()'s probabilities (explain.h). An Occluder holds the
// record time-major, the logits of every inference run and the sigmoid of each 10 s window's best
// logit; a mask zeroes its stretches, reruns only the runs they overlap, then either averages those
// runs' probability falls (the map) or redoes the max for the windows of those runs and the mean over
// windows (the record's probability), and puts the samples back.
#include "ecglite/explain.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/inference_plan.h"

namespace ecglite {

namespace {

// A class's map says nothing when its positive drops sum to less than this (probability units).
constexpr double kNegligibleMass = 1e-3;
// "Most": the leads, then the time span, holding this share of the positive mass.
constexpr double kMostShare = 0.5;
// When more leads than this are needed to hold most of the mass, it is "spread over many leads".
constexpr std::size_t kMaxNamedLeads = 4;

double sigmoid(float logit) { return 1.0 / (1.0 + std::exp(-static_cast<double>(logit))); }

class Occluder {
 public:
  Occluder(const Model& model, const Prepared& prepared)
      : model_(model),
        plan_(plan_inference(model.info(), prepared)),
        channels_(plan_.lead_of.size()),
        classes_(model.info().class_names.size()),
        length_(static_cast<std::size_t>(model.info().input_length)),
        samples_(prepared.num_samples),
        tm_(time_major_input(plan_, prepared)),
        logits_(plan_.run_starts.size() * classes_),
        fresh_(logits_.size()),
        touched_(plan_.run_starts.size(), 0),
        window_touched_(plan_.windows, 0),
        runs_of_window_(plan_.windows) {
    const std::size_t runs = plan_.run_starts.size();
    for (std::size_t r = 0; r < runs; ++r) {
      run_logits(model_, plan_, tm_, r, &logits_[r * classes_]);
      runs_of_window_[plan_.window_of_run[r]].push_back(r);
    }
    window_sigmoid_.resize(plan_.windows * classes_);
    for (std::size_t w = 0; w < plan_.windows; ++w)
      for (std::size_t k = 0; k < classes_; ++k) window_sigmoid_[w * classes_ + k] = sigmoid(pooled_logit(w, k));
    base_.resize(classes_);
    mean_over_windows(base_.data());
  }

  const std::vector<float>& base() const { return base_; }
  std::size_t channels() const { return channels_; }
  std::size_t samples() const { return samples_; }
  std::size_t inferences() const { return inferences_; }

  bool is_zero(const Occlusion& o) const {
    for (std::size_t t = o.begin; t < o.end; ++t)
      if (tm_[t * channels_ + o.lead] != 0.0f) return false;
    return true;
  }

  // Class probabilities with `mask` applied, written to out[classes]: the pooled logit of the runs
  // of each 10 s window (WindowPool), mean over windows, as classify().
  void probabilities(const OcclusionMask& mask, float* out) {
    with_occluded(mask, [&] {
      for (std::size_t r : rerun_) window_touched_[plan_.window_of_run[r]] = 1;
      for (std::size_t k = 0; k < classes_; ++k) {
        double sum = 0;
        for (std::size_t w = 0; w < plan_.windows; ++w)
          sum += window_touched_[w] ? sigmoid(pooled_logit(w, k)) : window_sigmoid_[w * classes_ + k];
        out[k] = static_cast<float>(sum / plan_.windows);
      }
      for (std::size_t r : rerun_) window_touched_[plan_.window_of_run[r]] = 0;
    });
  }

  // The fall of each run's class probability when `mask` is applied, averaged over the runs the mask
  // reaches, written to out[classes].
  void mean_run_drops(const OcclusionMask& mask, float* out) {
    with_occluded(mask, [&] {
      for (std::size_t k = 0; k < classes_; ++k) {
        double sum = 0;
        for (std::size_t r : rerun_) sum += sigmoid(logits_[r * classes_ + k]) - sigmoid(fresh_[r * classes_ + k]);
        out[k] = rerun_.empty() ? 0.0f : static_cast<float>(sum / rerun_.size());
      }
    });
  }

  // Throws Error (bad_argument) for a stretch outside the record (the map's own cells never are).
  void check(const Occlusion& o) const {
    if (o.lead >= channels_ || o.begin >= o.end || o.end > samples_)
      throw Error(ErrorKind::bad_argument,
                  "occlusion of lead " + std::to_string(o.lead) + ", samples " + std::to_string(o.begin) + "-" +
                      std::to_string(o.end) + " is outside the record (" + std::to_string(channels_) + " leads, " +
                      std::to_string(samples_) + " samples)");
  }

 private:
  // Sets the stretches of `mask` to 0, reruns the runs they overlap (rerun_, fresh_), calls f, and
  // puts everything back.
  template <class F>
  void with_occluded(const OcclusionMask& mask, F f) {
    saved_.clear();
    for (const Occlusion& o : mask)
      for (std::size_t t = o.begin; t < o.end; ++t) {
        float& v = tm_[t * channels_ + o.lead];
        saved_.push_back(v);
        v = 0.0f;
      }
    rerun_overlapping(mask);
    f();
    for (std::size_t r : rerun_) touched_[r] = 0;
    // Last saved first: stretches of one mask may overlap.
    auto value = saved_.rbegin();
    for (auto o = mask.rbegin(); o != mask.rend(); ++o)
      for (std::size_t t = o->end; t-- > o->begin;) tm_[t * channels_ + o->lead] = *value++;
  }

  // Reruns every inference run that overlaps a stretch of `mask` (into fresh_), once each.
  void rerun_overlapping(const OcclusionMask& mask) {
    rerun_.clear();
    for (const Occlusion& o : mask)
      for (std::size_t r = 0; r < plan_.run_starts.size(); ++r) {
        const std::size_t start = plan_.run_starts[r];
        if (touched_[r] || start >= o.end || start + length_ <= o.begin) continue;
        touched_[r] = 1;
        rerun_.push_back(r);
      }
    for (std::size_t r : rerun_) run_logits(model_, plan_, tm_, r, &fresh_[r * classes_]);
    inferences_ += rerun_.size();
  }

  // The largest logit of class k over the runs of window w, the rerun ones taken fresh.
  float pooled_logit(std::size_t w, std::size_t k) const {
    WindowPool pool(model_.info());
    for (std::size_t r : runs_of_window_[w]) pool.add((touched_[r] ? fresh_ : logits_)[r * classes_ + k]);
    return pool.value();
  }

  void mean_over_windows(float* out) const {
    for (std::size_t k = 0; k < classes_; ++k) {
      double sum = 0;
      for (std::size_t w = 0; w < plan_.windows; ++w) sum += window_sigmoid_[w * classes_ + k];
      out[k] = static_cast<float>(sum / plan_.windows);
    }
  }

  const Model& model_;
  const InferencePlan plan_;
  const std::size_t channels_, classes_, length_, samples_;
  std::vector<float> tm_;                  // [sample][channel]
  std::vector<float> logits_, fresh_;      // [run][class]: unoccluded, and the runs just rerun
  std::vector<char> touched_, window_touched_;
  std::vector<std::vector<std::size_t>> runs_of_window_;
  std::vector<double> window_sigmoid_;     // [window][class], unoccluded
  std::vector<float> base_;
  std::vector<float> saved_;
  std::vector<std::size_t> rerun_;
  std::size_t inferences_ = 0;
};

std::size_t segment_samples(double rate_hz) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(kExplainSegmentSeconds * rate_hz)));
}

std::string model_lead_name(const std::string& name) {
  const std::string standard = canonical_lead_name(name);
  return standard.empty() ? name : standard;
}

// Index of `name` among the standard 12 leads, or -1.
int standard_index(const std::string& name) {
  const auto& all = standard_lead_names();
  auto it = std::find(all.begin(), all.end(), canonical_lead_name(name));
  return it == all.end() ? -1 : static_cast<int>(it - all.begin());
}

// The standard leads fall into three rows of neighbours: I-III, aVR-aVF, V1-V6.
int standard_group(int index) { return index < 3 ? 0 : index < 6 ? 1 : 2; }

// Shortest run of `mass` (non-negative) holding at least `target`: [first, last].
std::pair<std::size_t, std::size_t> shortest_span(const std::vector<double>& mass, double target) {
  std::pair<std::size_t, std::size_t> best{0, mass.empty() ? 0 : mass.size() - 1};
  std::size_t a = 0;
  double sum = 0;
  for (std::size_t b = 0; b < mass.size(); ++b) {
    sum += mass[b];
    while (a < b && sum - mass[a] >= target) sum -= mass[a++];
    if (sum >= target && b - a < best.second - best.first) best = {a, b};
  }
  return best;
}

std::string span_words(double start_s, double end_s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f-%.1f s", start_s, end_s);
  return buf;
}

double parse_seconds(const std::string& text, const std::string& item) {
  const std::string t = text::trim(text);
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || !std::isfinite(v) || v < 0)
    throw Error(ErrorKind::bad_argument, "occlusion '" + item + "': '" + text + "' is not a time in seconds");
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  for (std::size_t at; (at = s.find(sep, from)) != std::string::npos; from = at + 1) parts.push_back(s.substr(from, at - from));
  parts.push_back(s.substr(from));
  return parts;
}

Occlusion parse_occlusion(const std::string& item, const ModelInfo& info) {
  const std::size_t colon = item.find(':');
  const std::size_t dash = colon == std::string::npos ? colon : item.find('-', colon + 2);
  if (dash == std::string::npos)
    throw Error(ErrorKind::bad_argument, "occlusion '" + item + "' is not LEAD:FROM-TO (e.g. V1:2-2.5, in seconds)");
  const std::string lead = text::trim(item.substr(0, colon));
  Occlusion o;
  auto it = std::find_if(info.lead_names.begin(), info.lead_names.end(),
                         [&](const std::string& n) { return n == lead || model_lead_name(n) == model_lead_name(lead); });
  if (lead.empty() || it == info.lead_names.end())
    throw Error(ErrorKind::bad_argument, "occlusion '" + item + "': the model reads no lead '" + lead + "'");
  o.lead = static_cast<std::size_t>(it - info.lead_names.begin());
  const double from = parse_seconds(item.substr(colon + 1, dash - colon - 1), item);
  const double to = parse_seconds(item.substr(dash + 1), item);
  o.begin = static_cast<std::size_t>(std::lround(from * info.sampling_rate_hz));
  o.end = static_cast<std::size_t>(std::lround(to * info.sampling_rate_hz));
  if (o.end <= o.begin)
    throw Error(ErrorKind::bad_argument, "occlusion '" + item + "' ends before it starts (or spans no sample)");
  return o;
}

}  // namespace

std::string describe_leads(const std::vector<std::string>& ranked) {
  // The rank of each standard lead named (none: ranked.size()), then runs of neighbours in standard
  // order, each placed by the best rank of its leads. (No std::sort: its instantiations cost the wasm
  // module kilobytes for lists of at most 12.)
  const std::size_t none = ranked.size();
  const auto& names = standard_lead_names();
  std::vector<std::size_t> rank_of(names.size(), none);
  std::vector<std::pair<std::size_t, std::string>> runs;  // rank, words
  for (std::size_t rank = 0; rank < ranked.size(); ++rank) {
    const int i = standard_index(ranked[rank]);
    if (i < 0) runs.emplace_back(rank, ranked[rank]);
    else if (rank_of[i] == none) rank_of[i] = rank;
  }
  for (std::size_t a = 0; a < names.size(); ++a) {
    if (rank_of[a] == none) continue;
    std::size_t b = a + 1, rank = rank_of[a];
    for (; b < names.size() && rank_of[b] != none && standard_group(static_cast<int>(b)) == standard_group(static_cast<int>(a)); ++b)
      rank = std::min(rank, rank_of[b]);
    std::string words = names[a];
    if (b - a >= 3) words += "-" + names[b - 1];
    else if (b - a == 2) words += ", " + names[a + 1];
    runs.emplace_back(rank, words);
    a = b - 1;
  }
  std::string out;
  for (std::size_t rank = 0; rank < ranked.size(); ++rank)
    for (const auto& run : runs)
      if (run.first == rank) out += (out.empty() ? "" : ", ") + run.second;
  return out;
}

ExplanationWords describe_explanation(const std::vector<float>& drop, const std::vector<std::string>& leads,
                                      double segment_s, double duration_s) {
  const std::size_t n_leads = leads.size();
  const std::size_t segments = n_leads ? drop.size() / n_leads : 0;
  std::vector<double> lead_mass(n_leads, 0.0);
  double total = 0;
  for (std::size_t l = 0; l < n_leads; ++l)
    for (std::size_t s = 0; s < segments; ++s) lead_mass[l] += std::max(0.0f, drop[l * segments + s]);
  for (double m : lead_mass) total += m;
  ExplanationWords words;
  if (!(total >= kNegligibleMass)) {
    words.summary = "no stretch of any lead raises it noticeably";
    return words;
  }
  double held = 0;
  std::vector<double> time_mass(segments, 0.0);
  std::vector<char> taken(n_leads, 0);
  while (held < kMostShare * total) {
    std::size_t l = 0;  // the largest lead not taken yet (the first of equals)
    while (taken[l]) ++l;
    for (std::size_t m = l + 1; m < n_leads; ++m)
      if (!taken[m] && lead_mass[m] > lead_mass[l]) l = m;
    taken[l] = 1;
    held += lead_mass[l];
    words.top_leads.push_back(leads[l]);
    for (std::size_t s = 0; s < segments; ++s) time_mass[s] += std::max(0.0f, drop[l * segments + s]);
  }
  // The time span: where those leads hold most of their mass.
  const auto span = shortest_span(time_mass, kMostShare * held);
  words.start_s = span.first * segment_s;
  words.end_s = std::min(duration_s, (span.second + 1) * segment_s);
  const std::string which = words.top_leads.size() > kMaxNamedLeads
                                ? std::string("spread over many leads")
                                : "mostly " + describe_leads(words.top_leads);
  words.summary = which + ", " + span_words(words.start_s, words.end_s);
  return words;
}

Explanation explain_prepared(const Model& model, const Prepared& prepared) {
  const ModelInfo& info = model.info();
  const double duration_s = prepared.num_samples / prepared.sampling_rate_hz;
  if (duration_s > kMaxExplainSeconds + 1e-9)
    throw Error(ErrorKind::limit, "the record is " + text::seconds(duration_s) +
                                      " long; explanations cover records of up to " +
                                      text::seconds(kMaxExplainSeconds) +
                                      " (the cost grows with the length): explain a shorter excerpt");
  Occluder occluder(model, prepared);
  const std::size_t seg = segment_samples(prepared.sampling_rate_hz);
  const std::size_t n = occluder.samples(), leads = occluder.channels();
  Explanation e;
  e.segment_s = seg / prepared.sampling_rate_hz;
  e.segments = (n + seg - 1) / seg;
  for (const std::string& name : info.lead_names) e.leads.push_back(model_lead_name(name));
  const std::size_t classes = info.class_names.size();
  for (std::size_t k = 0; k < classes; ++k) {
    ClassExplanation c;
    c.name = info.class_names[k];
    c.probability = occluder.base()[k];
    c.drop.assign(leads * e.segments, 0.0f);
    e.classes.push_back(std::move(c));
  }
  std::vector<float> p(classes);
  for (std::size_t l = 0; l < leads; ++l)
    for (std::size_t s = 0; s < e.segments; ++s) {
      const Occlusion cell{l, s * seg, std::min(n, (s + 1) * seg)};
      if (occluder.is_zero(cell)) continue;  // already the baseline: occluding it changes nothing
      occluder.mean_run_drops({cell}, p.data());
      for (std::size_t k = 0; k < classes; ++k) e.classes[k].drop[l * e.segments + s] = p[k];
    }
  for (ClassExplanation& c : e.classes) {
    ExplanationWords w = describe_explanation(c.drop, e.leads, e.segment_s, duration_s);
    c.top_leads = std::move(w.top_leads);
    c.start_s = w.start_s;
    c.end_s = w.end_s;
    c.summary = std::move(w.summary);
  }
  e.inferences = occluder.inferences();
  return e;
}

Explanation explain(const Model& model, const Record& record) {
  return explain_prepared(model, preprocess_for(model, record));
}

std::vector<std::vector<float>> occluded_probabilities(const Model& model, const Prepared& prepared,
                                                       const std::vector<OcclusionMask>& masks) {
  Occluder occluder(model, prepared);
  std::vector<std::vector<float>> out;
  for (OcclusionMask mask : masks) {
    for (Occlusion& o : mask) {
      o.end = std::min(o.end, occluder.samples());  // past the end: up to the end
      occluder.check(o);
    }
    out.emplace_back(occluder.base().size());
    occluder.probabilities(mask, out.back().data());
  }
  return out;
}

std::vector<OcclusionMask> parse_occlusions(const std::string& spec, const ModelInfo& info) {
  std::vector<OcclusionMask> masks;
  for (const std::string& mask_text : split(spec, ';')) {
    OcclusionMask mask;
    for (const std::string& item : split(mask_text, ','))
      if (!text::trim(item).empty()) mask.push_back(parse_occlusion(text::trim(item), info));
    if (mask.empty())
      throw Error(ErrorKind::bad_argument, "an occlusion mask is empty (masks are LEAD:FROM-TO lists separated by ';')");
    masks.push_back(std::move(mask));
  }
  return masks;
}

}  // namespace ecglite
