// explain(): the occlusion map of classify()'s probabilities. A model written here, whose answer is
// known (one class reads lead V2 alone), pins down the numbers and the words; the tiny int8 fixture
// model pins the shortcut (only the inference runs overlapping a segment are rerun) to the slow
// way: every cell occluded and every run of the record run again (and classified again, for
// occluded_probabilities).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/error.h"
#include "ecglite/explain.h"
#include "ecglite/inference_plan.h"
#include "ecglite/preprocess.h"
#include "test_support.h"

using namespace ecglite;

namespace {

// --- an .ecgm written byte by byte (format: scripts/train/ecgm.py) ---

struct Bytes {
  std::vector<std::uint8_t> b;
  template <class T>
  Bytes& put(T v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    b.insert(b.end(), p, p + sizeof v);
    return *this;
  }
  Bytes& str(const std::string& s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& strs(const std::string& key, const std::vector<std::string>& v) {
    str(key).put<std::uint8_t>(4).put<std::uint32_t>(static_cast<std::uint32_t>(v.size()));
    for (const auto& s : v) str(s);
    return *this;
  }
  Bytes& node(std::uint8_t op, bool relu, std::uint32_t input, std::uint32_t channels, std::uint32_t kernel = 0,
              std::uint32_t stride = 0) {
    put(op).put<std::uint8_t>(relu).put<std::uint16_t>(0).put(input).put<std::uint32_t>(0).put(channels);
    return put(kernel).put(stride).put<std::uint32_t>(0).put<std::uint32_t>(0).put(0.0f).put<std::int32_t>(0);
  }
};

const std::vector<std::string> kLeads = {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"};
constexpr std::size_t kV2 = 7;

// fp32; three classes from one feature, the mean of relu(V2) over the 2.5 s input:
// UP = 10 * feature - 3, FLAT = 0, DOWN = 3 - 10 * feature.
Model v2_model(const std::string& window_pooling = "") {
  Bytes info;
  info.put<std::uint32_t>(window_pooling.empty() ? 13 : 14);
  if (!window_pooling.empty()) info.str("window_pooling").put<std::uint8_t>(1).str(window_pooling);
  info.str("name").put<std::uint8_t>(1).str("v2-reader");
  info.str("precision").put<std::uint8_t>(1).str("fp32");
  info.strs("class_names", {"UP", "FLAT", "DOWN"});
  info.strs("class_descriptions", {"Reads V2", "Reads nothing", "Reads V2 the other way"});
  info.str("thresholds").put<std::uint8_t>(5).put<std::uint32_t>(3).put(0.5).put(0.5).put(0.5);
  info.strs("lead_names", kLeads);
  info.str("input_channels").put<std::uint8_t>(3).put<std::int64_t>(12);
  info.str("input_length").put<std::uint8_t>(3).put<std::int64_t>(250);
  info.str("window_stride").put<std::uint8_t>(3).put<std::int64_t>(125);
  info.str("sampling_rate_hz").put<std::uint8_t>(2).put(100.0);
  info.str("band_low_hz").put<std::uint8_t>(2).put(0.5);
  info.str("band_high_hz").put<std::uint8_t>(2).put(40.0);
  info.str("filter_order").put<std::uint8_t>(3).put<std::int64_t>(4);
  Bytes graph;
  graph.put<std::uint32_t>(4);
  graph.node(0, false, 0, 12);
  graph.node(1, true, 0, 1, 1, 1);  // conv 12 -> 1, kernel 1: V2 only
  for (std::size_t c = 0; c < 12; ++c) graph.put(c == kV2 ? 1.0f : 0.0f);
  graph.put(0.0f);
  graph.node(4, false, 1, 1);  // global average pool
  graph.node(5, false, 2, 3);  // classifier
  graph.put(10.0f).put(0.0f).put(-10.0f).put(-3.0f).put(0.0f).put(3.0f);
  Bytes file;
  file.b = {'E', 'C', 'G', 'M'};
  file.put<std::uint32_t>(1).put<std::uint32_t>(2);
  file.b.insert(file.b.end(), {'I', 'N', 'F', 'O'});
  file.put<std::uint32_t>(static_cast<std::uint32_t>(info.b.size()));
  file.b.insert(file.b.end(), info.b.begin(), info.b.end());
  file.b.insert(file.b.end(), {'G', 'R', 'P', 'H'});
  file.put<std::uint32_t>(static_cast<std::uint32_t>(graph.b.size()));
  file.b.insert(file.b.end(), graph.b.begin(), graph.b.end());
  return Model::from_bytes(file.b);
}

// 12 leads of `n` samples at 100 Hz: every lead but V2 a sine (which the V2 model ignores), V2 zero
// but for a 1 mV plateau over [bump_from, bump_to); 10 s windows as preprocess() makes them.
Prepared prepared(std::size_t n, std::size_t bump_from = 300, std::size_t bump_to = 350) {
  Prepared p;
  p.sampling_rate_hz = 100;
  p.num_samples = n;
  p.leads.assign(12, std::vector<float>(n, 0.0f));
  for (std::size_t c = 0; c < 12; ++c)
    for (std::size_t t = 0; t < n; ++t)
      p.leads[c][t] = c == kV2 ? (t >= bump_from && t < bump_to ? 1.0f : 0.0f)
                               : static_cast<float>(std::sin(0.05 * (c + 1) * t) + 0.5 * std::sin(0.9 * t + c));
  p.window_length = std::min<std::size_t>(n, 1000);
  for (std::size_t s = 0; s + 1000 <= n; s += 1000) p.window_starts.push_back(s);
  if (n % 1000 && n > 1000) p.window_starts.push_back(n - 1000);
  if (p.window_starts.empty()) p.window_starts.push_back(0);
  return p;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

float probability(const Model& m, const Prepared& p, std::size_t k) { return classify_prepared(m, p).classes[k].probability; }

}  // namespace

TEST(Explain, OccludingTheStretchAModelReadsDropsItsProbabilityByTheKnownAmount) {
  const Model m = v2_model();
  const Explanation e = explain_prepared(m, prepared(1000));
  EXPECT_EQ(e.segments, 20u);
  EXPECT_DOUBLE_EQ(e.segment_s, 0.5);
  EXPECT_EQ(e.leads, kLeads);
  ASSERT_EQ(e.classes.size(), 3u);
  // The plateau (3.0-3.5 s, 50 samples) lies inside 2 of the 7 runs (those starting at 1.25 s and
  // 2.5 s): their feature is 50 / 250 = 0.2, occluded 0; the map is the mean of their two falls.
  const double fall = sigmoid(10 * 0.2 - 3) - sigmoid(-3);
  const ClassExplanation& up = e.classes[0];
  EXPECT_EQ(up.name, "UP");
  EXPECT_NEAR(up.probability, sigmoid(10 * 0.2 - 3), 1e-6);
  for (std::size_t l = 0; l < 12; ++l)
    for (std::size_t s = 0; s < 20; ++s) {
      const float d = up.drop[l * 20 + s];
      if (l == kV2 && s == 6) EXPECT_NEAR(d, fall, 1e-6);
      else EXPECT_EQ(d, 0.0f) << e.leads[l] << " segment " << s;  // the model ignores everything else
    }
  EXPECT_EQ(up.top_leads, std::vector<std::string>{"V2"});
  EXPECT_DOUBLE_EQ(up.start_s, 3.0);
  EXPECT_DOUBLE_EQ(up.end_s, 3.5);
  EXPECT_EQ(up.summary, "mostly V2, 3.0-3.5 s");
  // FLAT reads nothing; the plateau lowers DOWN's probability in the runs holding it: a negative
  // fall, and no positive mass to name.
  for (float d : e.classes[1].drop) EXPECT_EQ(d, 0.0f);
  EXPECT_NEAR(e.classes[2].drop[kV2 * 20 + 6], -fall, 1e-6);
  for (std::size_t k : {1, 2}) {
    EXPECT_EQ(e.classes[k].summary, "no stretch of any lead raises it noticeably");
    EXPECT_TRUE(e.classes[k].top_leads.empty());
  }
  // The record's own probability: the best run of DOWN (logit 3) holds no plateau, so occluding the
  // plateau does not change it; UP's best runs are the plateau's.
  const auto occluded = occluded_probabilities(m, prepared(1000), {{{kV2, 300, 350}}});
  EXPECT_NEAR(occluded[0][0], sigmoid(-3), 1e-6);
  EXPECT_NEAR(occluded[0][2], sigmoid(3), 1e-6);
  EXPECT_EQ(occluded[0][2], e.classes[2].probability);
}

TEST(Explain, OnlyTheRunsOverlappingASegmentAreRunAgain) {
  const Model m = v2_model();
  const Explanation e = explain_prepared(m, prepared(1000));
  // Runs start every 125 samples (0 ... 750, 250 long); a segment [50 s, 50 s + 50) overlaps those
  // starting in (50 s - 250, 50 s + 50). The 11 sine leads are occluded in every segment, V2 only
  // in its plateau (the rest of it is already 0: nothing to occlude).
  std::size_t expected = 0;
  for (std::size_t s = 0; s < 20; ++s) {
    std::size_t overlapping = 0;
    for (std::size_t start = 0; start <= 750; start += 125)
      overlapping += start < 50 * s + 50 && start + 250 > 50 * s;
    expected += overlapping * (11 + (s == 6));
  }
  EXPECT_EQ(e.inferences, expected);
  EXPECT_LT(e.inferences, 12u * 20u * 7u / 3u);
}

namespace {

// The probability of every run of the plan, [run][class], computed the slow way, and the runs' starts.
std::vector<std::vector<double>> run_probabilities(const Model& m, const Prepared& p, std::vector<std::size_t>* starts) {
  const InferencePlan plan = plan_inference(m.info(), p);
  const std::vector<float> input = time_major_input(plan, p);
  std::vector<std::vector<double>> out;
  std::vector<float> logits(m.info().class_names.size());
  for (std::size_t r = 0; r < plan.run_starts.size(); ++r) {
    run_logits(m, plan, input, r, logits.data());
    out.emplace_back();
    for (float l : logits) out.back().push_back(sigmoid(l));
  }
  *starts = plan.run_starts;
  return out;
}

}  // namespace

TEST(Explain, EqualsOccludingEachCellAndRunningEveryWindowAgainOverSeveralWindows) {
  const Model m = Model::from_file(test::fixture("model/tiny-int8.ecgm"));
  ASSERT_EQ(m.info().lead_names, kLeads);  // input channel l reads prepared lead l
  // 25 s: three 10 s windows, the last overlapping the second; a plateau on V2 and sines elsewhere.
  const Prepared p = prepared(2500, 1900, 2150);
  const Explanation e = explain_prepared(m, p);
  ASSERT_EQ(e.segments, 50u);
  const ClassifyResult base = classify_prepared(m, p);
  for (std::size_t k = 0; k < base.classes.size(); ++k) EXPECT_EQ(e.classes[k].probability, base.classes[k].probability);
  std::vector<std::size_t> starts;
  const auto before = run_probabilities(m, p, &starts);
  std::size_t nonzero = 0;
  for (std::size_t l : {0, 7, 11})
    for (std::size_t s = 0; s < e.segments; s += 3) {
      Prepared q = p;
      for (std::size_t t = s * 50; t < s * 50 + 50; ++t) q.leads[l][t] = 0.0f;
      const auto after = run_probabilities(m, q, &starts);
      const ClassifyResult r = classify_prepared(m, q);
      const auto occluded = occluded_probabilities(m, p, {{{l, s * 50, s * 50 + 50}}});
      for (std::size_t k = 0; k < r.classes.size(); ++k) {
        double fall = 0, holding = 0;  // over the runs holding the segment
        for (std::size_t run = 0; run < starts.size(); ++run)
          if (starts[run] < s * 50 + 50 && starts[run] + 250 > s * 50) fall += before[run][k] - after[run][k], ++holding;
        EXPECT_NEAR(e.classes[k].drop[l * e.segments + s], fall / holding, 1e-6) << "lead " << l << " segment " << s;
        EXPECT_NEAR(occluded[0][k], r.classes[k].probability, 1e-6) << "lead " << l << " segment " << s;
        nonzero += e.classes[k].drop[l * e.segments + s] != 0.0f;
      }
    }
  EXPECT_GT(nonzero, 10u);  // the comparison is not all zeros
}

TEST(Explain, MasksGiveTheProbabilitiesOfTheRecordWithThoseStretchesOccluded) {
  const Model m = v2_model();
  const Prepared p = prepared(1000);
  const auto masks = parse_occlusions("V2:3-3.5; V1:0-10 ,II:2-2.5;v2:9-12", m.info());
  ASSERT_EQ(masks.size(), 3u);
  ASSERT_EQ(masks[1].size(), 2u);
  EXPECT_EQ(masks[0][0].lead, kV2);
  EXPECT_EQ(masks[0][0].begin, 300u);
  EXPECT_EQ(masks[0][0].end, 350u);
  EXPECT_EQ(masks[1][0].lead, 6u);
  const auto probs = occluded_probabilities(m, p, masks);
  ASSERT_EQ(probs.size(), 3u);
  EXPECT_NEAR(probs[0][0], sigmoid(-3), 1e-6);                 // the plateau gone
  EXPECT_EQ(probs[1][0], probability(m, p, 0));                // V1 and II: the model ignores them
  EXPECT_EQ(probs[2][0], probability(m, p, 0));                // 9-12 s: stops at the record's end
  EXPECT_EQ(test::thrown_by([&] { occluded_probabilities(m, p, parse_occlusions("V2:10-11", m.info())); }).kind(),
            ErrorKind::bad_argument);
  for (const char* bad : {"", "V7:1-2", "V1:2", "V1:3-2", "V1:a-2", "V1:2-2.001", "V1:1-2;", ":1-2"})
    EXPECT_EQ(test::thrown_by([&] { parse_occlusions(bad, m.info()); }).kind(), ErrorKind::bad_argument) << bad;
}

TEST(Explain, AMeanPooledModelIsExplainedWithItsOwnPooling) {
  const Model m = v2_model("mean");
  ASSERT_EQ(m.info().window_pooling, "mean");
  // UP's logit is 10 x (V2's mean over the run) - 3: -1 for the two runs (of 7) holding the 50-sample
  // plateau, -3 for the others; pooled by their mean, not their maximum (-1).
  const Explanation e = explain_prepared(m, prepared(1000));
  EXPECT_NEAR(e.classes[0].probability, sigmoid((2 * -1.0 + 5 * -3.0) / 7), 1e-6);
  EXPECT_EQ(e.classes[0].probability, probability(m, prepared(1000), 0));
  const auto occluded = occluded_probabilities(m, prepared(1000), {{{kV2, 300, 350}}});
  EXPECT_NEAR(occluded[0][0], sigmoid(-3), 1e-6);
}

TEST(Explain, LeadsInWordsAreRankedRunsOfNeighbouringStandardLeads) {
  EXPECT_EQ(describe_leads({"V2", "V1", "V3", "II"}), "V1-V3, II");
  EXPECT_EQ(describe_leads({"II", "aVF", "III"}), "II, III, aVF");
  EXPECT_EQ(describe_leads({"I", "II", "III"}), "I-III");
  EXPECT_EQ(describe_leads({"III", "aVR"}), "III, aVR");  // neighbours by index, not on the paper
  EXPECT_EQ(describe_leads({"V6", "I", "V5", "V4"}), "V4-V6, I");
  EXPECT_EQ(describe_leads({"MLII", "V1"}), "MLII, V1");
  EXPECT_EQ(describe_leads({}), "");
}

TEST(Explain, WordsNameTheLeadsAndTheShortestSpanHoldingMostOfThePositiveMass) {
  const std::vector<std::string> leads = {"I", "V1", "V2"};
  // 3 leads x 6 segments of 0.5 s; V2 and V1 carry most, at 1.0-2.0 s; negative drops do not count.
  const std::vector<float> drop = {0.1f, 0, 0, 0, 0, -0.5f,
                                   0, 0.01f, 0.2f, 0.05f, 0, 0,
                                   0, 0, 0.2f, 0.1f, 0.02f, 0};
  ExplanationWords w = describe_explanation(drop, leads, 0.5, 2.9);
  EXPECT_EQ(w.top_leads, (std::vector<std::string>{"V2", "V1"}));
  EXPECT_DOUBLE_EQ(w.start_s, 1.0);
  EXPECT_DOUBLE_EQ(w.end_s, 1.5);  // V2 (0.32) is less than half of 0.68, V1 and V2 hold 0.4 of their 0.58 there
  EXPECT_EQ(w.summary, "mostly V1, V2, 1.0-1.5 s");
  // The last segment ends with the record.
  w = describe_explanation({0, 0, 0, 0, 0, 1}, {"V1"}, 0.5, 2.9);
  EXPECT_DOUBLE_EQ(w.end_s, 2.9);
  EXPECT_EQ(w.summary, "mostly V1, 2.5-2.9 s");
  // Evenly spread: more than four leads needed for half the mass.
  w = describe_explanation(std::vector<float>(12, 0.1f), kLeads, 0.5, 0.5);
  EXPECT_EQ(w.top_leads.size(), 6u);
  EXPECT_EQ(w.summary, "spread over many leads, 0.0-0.5 s");
  EXPECT_EQ(describe_explanation(std::vector<float>(12, 1e-5f), kLeads, 0.5, 0.5).summary,
            "no stretch of any lead raises it noticeably");
}

TEST(Explain, JsonHoldsTheWordsAndOneRowPerLeadOfEveryClass) {
  const Model m = v2_model();
  const Prepared p = prepared(1000);
  const Explanation e = explain_prepared(m, p);
  const std::string json = to_json(e);
  EXPECT_EQ(json.rfind("{\"method\":\"occlusion\",\"segment_s\":0.5,\"segments\":20,\"leads\":[\"I\",", 0), 0u) << json;
  EXPECT_NE(json.find("\"name\":\"UP\""), std::string::npos);
  EXPECT_NE(json.find("\"summary\":\"mostly V2, 3.0-3.5 s\",\"top_leads\":[\"V2\"],\"start_s\":3,\"end_s\":3.5"),
            std::string::npos) << json;
  EXPECT_NE(json.find("[0,0,0,0,0,0,0.2215,0,0,0,0,0,0,0,0,0,0,0,0,0]"), std::string::npos) << json;
  const ClassifyResult r = classify_prepared(m, p);
  const std::string both = to_json(r, e);
  const std::string alone = to_json(r);
  EXPECT_EQ(both.substr(0, alone.size() - 1), alone.substr(0, alone.size() - 1));
  EXPECT_EQ(both.substr(alone.size() - 1), ",\"explanation\":" + json + "}");
}

TEST(Explain, TooLongAndNonFiniteInputsAreErrorsOfTheirKind) {
  const Model m = v2_model();
  EXPECT_EQ(test::thrown_by([&] { explain_prepared(m, prepared(30100)); }).kind(), ErrorKind::limit);
  Prepared nan = prepared(1000);
  nan.leads[3][500] = NAN;
  EXPECT_EQ(test::thrown_by([&] { explain_prepared(m, nan); }).kind(), ErrorKind::bad_data);
  Prepared shorter = prepared(200);
  EXPECT_EQ(test::thrown_by([&] { explain_prepared(m, shorter); }).kind(), ErrorKind::limit);
}

// The command line: `classify --explain` in words for the positive classes, the matrices in JSON,
// and --occlude, on a committed PTB-XL record with the shipped model.
TEST(ExplainCli, ClassifyExplainsInWordsAndInJsonAndOccludes) {
  const std::string record = test::fixture("ptbxl-mini/records100/00000/00024_lr");
  const std::string model = " --model " + test::source_dir() + "/models/student-int8.ecgm";
  const auto text = test::run_cli("classify " + record + model + " --explain");
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("explanation (occlusion of 0.5 s stretches;"), std::string::npos) << text.out;
  const auto json = test::run_cli("classify " + record + model + " --explain --json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find(",\"explanation\":{\"method\":\"occlusion\",\"segment_s\":0.5,\"segments\":20,"),
            std::string::npos);
  // Every positive class's words are printed in the text output, as the JSON has them.
  ASSERT_NE(json.out.find("\"positive\":true"), std::string::npos) << "the record has no positive class to explain";
  for (std::size_t at = 0; (at = json.out.find("\"positive\":true", at)) != std::string::npos; ++at) {
    const std::size_t name = json.out.rfind("{\"name\":\"", at) + 9;
    const std::string cls = json.out.substr(name, json.out.find('"', name) - name);
    const std::size_t entry = json.out.find("{\"name\":\"" + cls + "\",\"probability\"", json.out.find("\"explanation\""));
    ASSERT_NE(entry, std::string::npos) << cls;
    const std::size_t summary = json.out.find("\"summary\":\"", entry) + 11;
    const std::string words = json.out.substr(summary, json.out.find('"', summary) - summary);
    std::string line = cls;
    line.resize(5, ' ');
    EXPECT_NE(text.out.find("    " + line + " " + words + "\n"), std::string::npos) << cls << ": " << words << "\n" << text.out;
  }
  const auto occluded = test::run_cli("classify " + record + model + " --json --occlude 'V1:0-10;II:2-2.5,III:2-2.5'");
  ASSERT_EQ(occluded.status, 0) << occluded.err;
  EXPECT_NE(occluded.out.find(",\"occlusions\":[{\"mask\":\"V1:0-10\",\"probabilities\":{\"NORM\":"), std::string::npos)
      << occluded.out;
  EXPECT_NE(occluded.out.find("{\"mask\":\"II:2-2.5,III:2-2.5\",\"probabilities\":{"), std::string::npos);
  const auto bad = test::run_cli("classify " + record + model + " --occlude V9:0-1");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--occlude: occlusion 'V9:0-1': the model reads no lead 'V9'"), std::string::npos) << bad.err;
}
