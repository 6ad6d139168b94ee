// Where a 12-lead result comes from: a model-agnostic occlusion map of classify()'s class
// probabilities. For every lead the model reads and every 0.5 s segment of the record (at the model's
// rate, after preprocessing), the segment is replaced by 0 — the band-passed baseline, a flat line —
// and the network runs again: the map holds, per class, the fall of the class probability of the
// inference windows that hold the segment (the 2.5 s runs of inference_plan.h), averaged over them.
// Positive: that stretch of that lead raises the class's probability; negative: it lowers it. It
// measures the model's sensitivity to the stretch, not a clinical criterion.
//
// Why the runs' probabilities and not the record's: classify() takes each 10 s window's maximum over
// its runs, so evidence repeated in every beat is redundant — occluding one segment only moves the
// maximum to another run, and the record's fall is nearly 0 outside the best run. Measured on PTB-XL
// fold 9 (scripts/train/explain_check.py, models/EXPLANATION_CHECK.md): occluding the top 20 % of cells
// by this map lowers the record's probability by 0.20-0.41 on average, 20 % at random by at most 0.08
// (and on average raises MI, STTC and CD), for all five classes; ranked by the record probability's
// own single-cell fall, the top 20 % meet the target (at least twice random) for only 2 of the 5.
// Averaged over the runs holding the segment (not over all runs), the first and last 1.25 s, which one
// run each holds, weigh as much as the rest. occluded_probabilities() gives the record probability's
// fall for any set of stretches.
//
// Fast because an occluded segment only changes the inference runs that overlap it: only those are run
// again, the others' logits are reused.
//
// Long records: one time axis over the whole record, each segment's fall averaged over the runs that
// hold it, whichever 10 s window they belong to. Records longer than kMaxExplainSeconds are refused
// (ErrorKind::limit): the cost grows with the length (about 2 network runs per segment and lead).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/model.h"
#include "ecglite/preprocess.h"
#include "ecglite/record.h"

namespace ecglite {

constexpr double kExplainSegmentSeconds = 0.5;
constexpr double kMaxExplainSeconds = 300;

// One stretch of one model input lead set to 0: samples [begin, end) at the model's rate.
struct Occlusion {
  std::size_t lead = 0;  // model input channel (ModelInfo::lead_names order)
  std::size_t begin = 0;
  std::size_t end = 0;
};
using OcclusionMask = std::vector<Occlusion>;  // stretches occluded together

struct ClassExplanation {
  std::string name;          // "MI"
  float probability = 0;     // classify()'s
  std::vector<float> drop;   // [lead][segment], row-major: mean probability fall of the runs holding the cell
  // In words: the fewest leads holding half the positive mass (largest first), and the shortest time
  // span holding half of theirs; summary "mostly V1-V3, 2.0-4.5 s" ("spread over many leads, ..." when
  // more than four leads are needed; no leads, an empty span and "no stretch of any lead raises it
  // noticeably" when the positive drops sum to less than 0.001).
  std::vector<std::string> top_leads;
  double start_s = 0, end_s = 0;
  std::string summary;
};

struct Explanation {
  double segment_s = kExplainSegmentSeconds;
  std::size_t segments = 0;           // along the whole record
  std::vector<std::string> leads;     // the rows of every drop matrix: the model's input leads
  std::vector<ClassExplanation> classes;  // every class, in the model's order
  std::size_t inferences = 0;         // network runs made for the map (beyond classify's)
};

// The map of `prepared` (from preprocess_for(model, record), classify.h).
// Throws Error as classify_prepared does, and ErrorKind::limit past kMaxExplainSeconds.
Explanation explain_prepared(const Model& model, const Prepared& prepared);
Explanation explain(const Model& model, const Record& record);

// Class probabilities (model order) of `prepared` with each mask applied, one row per mask, as
// classify_prepared() would give them for the occluded record; only the runs a mask touches are run. A
// stretch running past the record's end stops there; one starting past it, or of a lead the model does
// not read, is an Error (bad_argument).
std::vector<std::vector<float>> occluded_probabilities(const Model& model, const Prepared& prepared,
                                                       const std::vector<OcclusionMask>& masks);

// Masks in words: "V1:2-2.5,V2:2-4.5;II:0-1" — masks separated by ';', each a list of LEAD:FROM-TO
// (a lead the model reads, seconds from the record's start, end not included), at the model's rate.
// Throws Error (bad_argument) naming what it cannot read.
std::vector<OcclusionMask> parse_occlusions(const std::string& spec, const ModelInfo& info);

// The words of one class's map (pure; explain_prepared fills ClassExplanation with them). `drop` is
// [leads][segments]; `duration_s` ends the last segment.
struct ExplanationWords {
  std::vector<std::string> top_leads;
  double start_s = 0, end_s = 0;
  std::string summary;
};
ExplanationWords describe_explanation(const std::vector<float>& drop, const std::vector<std::string>& leads,
                                      double segment_s, double duration_s);

// "V1-V3, II": lead names (ranked) grouped into runs of adjacent standard leads (I-III, aVR-aVF,
// V1-V6; three or more as "V1-V3"), each run where its best-ranked lead stands.
std::string describe_leads(const std::vector<std::string>& ranked);

// JSON: {"method":"occlusion","segment_s":0.5,"segments":..,"leads":[..],"inferences":..,
// "classes":[{"name","probability","summary","top_leads","start_s","end_s","drop":[[..],..]}]} —
// the "explanation" of `ecglite classify --explain --json` and of the wasm module's
// classify(model, record, { explain: true }) (wasm/index.d.ts, Explanation).
std::string to_json(const Explanation& explanation);

// A classification with its explanation: to_json(result) with "explanation" added.
std::string to_json(const ClassifyResult& result, const Explanation& explanation);

}  // namespace ecglite
