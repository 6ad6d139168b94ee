// classify(): sliding windows (max within a 10 s window), mean over 10 s windows, thresholds,
// adaptations and warnings; checked against Model::probabilities on the same windows.
#include <cmath>
#include <string>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/error.h"
#include "ecglite/inference_plan.h"
#include "ecglite/preprocess.h"
#include "ecglite/read.h"
#include "test_support.h"

using namespace ecglite;

namespace {

Model tiny(const char* which = "int8") {
  return Model::from_file(test::fixture(std::string("model/tiny-") + which + ".ecgm"));
}

// 12 leads of `n` samples of a few sines whose mix changes along the record.
Prepared synthetic_prepared(std::size_t n, std::size_t window) {
  Prepared p;
  p.sampling_rate_hz = 100;
  p.num_samples = n;
  p.leads.assign(12, std::vector<float>(n));
  for (std::size_t c = 0; c < 12; ++c)
    for (std::size_t t = 0; t < n; ++t)
      p.leads[c][t] = static_cast<float>(std::sin(0.05 * (c + 1) * t) + (t > n / 2 ? 0.8 * std::sin(0.9 * t + c) : 0.0));
  p.window_length = std::min(n, window);
  for (std::size_t s = 0; s + window <= n; s += window) p.window_starts.push_back(s);
  if (p.window_starts.empty()) p.window_starts.push_back(0);
  p.adaptations.push_back("from the test");
  return p;
}

}  // namespace

TEST(Screen, SlidingWindowStartsCoverTheSpanWithTheLastFlush) {
  EXPECT_EQ(sliding_window_starts(1000, 250, 125),
            (std::vector<std::size_t>{0, 125, 250, 375, 500, 625, 750}));
  EXPECT_EQ(sliding_window_starts(1100, 250, 300), (std::vector<std::size_t>{0, 300, 600, 850}));
  EXPECT_EQ(sliding_window_starts(250, 250, 125), (std::vector<std::size_t>{0}));
  EXPECT_TRUE(sliding_window_starts(200, 250, 125).empty());
}

TEST(Screen, PreprocessOptionsComeFromTheModel) {
  auto o = preprocess_options(tiny().info());
  EXPECT_DOUBLE_EQ(o.target_rate_hz, 100);
  EXPECT_DOUBLE_EQ(o.band_low_hz, 0.5);
  EXPECT_EQ(o.filter_order, 4);
  EXPECT_EQ(o.window_samples, 1000);
  EXPECT_EQ(o.min_samples, 250);
}

TEST(Screen, ClassifyPreparedIsMaxOverPositionsThenMeanOverWindows) {
  for (const char* which : {"int8", "fp32"}) {
    Model m = tiny(which);
    Prepared p = synthetic_prepared(2000, 1000);
    ClassifyResult r = classify_prepared(m, p);
    ASSERT_EQ(r.classes.size(), 5u);
    EXPECT_EQ(r.windows, 2u);
    EXPECT_EQ(r.inferences, 14u);
    std::vector<double> expected(5, 0.0);
    for (std::size_t w : p.window_starts) {
      std::vector<float> best(5, 0.0f);
      for (std::size_t pos : sliding_window_starts(1000, 250, 125)) {
        std::vector<float> x(12 * 250);
        for (int c = 0; c < 12; ++c)
          for (int t = 0; t < 250; ++t) x[c * 250 + t] = p.leads[c][w + pos + t];
        auto prob = m.probabilities(x.data());
        for (int k = 0; k < 5; ++k) best[k] = std::max(best[k], prob[k]);
      }
      for (int k = 0; k < 5; ++k) expected[k] += best[k] / 2.0;
    }
    std::vector<std::string> labels;
    for (int k = 0; k < 5; ++k) {
      EXPECT_NEAR(r.classes[k].probability, expected[k], 1e-6) << which << " class " << k;
      EXPECT_EQ(r.classes[k].threshold, m.info().thresholds[k]);
      EXPECT_EQ(r.classes[k].positive, r.classes[k].probability >= r.classes[k].threshold);
      if (r.classes[k].positive) labels.push_back(r.classes[k].name);
    }
    EXPECT_EQ(r.labels, labels);
    EXPECT_EQ(r.classes[3].description, "Conduction disturbance");
    ASSERT_EQ(r.adaptations.size(), 2u);
    EXPECT_EQ(r.adaptations[0], "from the test");
    EXPECT_NE(r.adaptations[1].find("14 inferences of 2.5 s"), std::string::npos) << r.adaptations[1];
  }
}

TEST(Screen, ShortWindowsAndWrongRatesAreErrors) {
  Model m = tiny();
  Prepared p = synthetic_prepared(200, 1000);
  try {
    classify_prepared(m, p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs at least 2.5 s"), std::string::npos) << e.what();
  }
  Prepared q = synthetic_prepared(1000, 1000);
  q.sampling_rate_hz = 250;
  EXPECT_THROW(classify_prepared(m, q), Error);
  Prepared nan = synthetic_prepared(1000, 1000);
  nan.leads[5][100] = NAN;
  EXPECT_THROW(classify_prepared(m, nan), Error);
}

TEST(Screen, ClassifyRecordResamplesAndPassesWarningsOn) {
  Model m = tiny();
  Record rec;
  rec.name = "synthetic";
  rec.sampling_rate_hz = 500;
  for (const char* name : {"I", "II", "V1", "V2", "V3", "V4", "V5", "V6"}) {
    Lead l;
    l.name = name;
    l.units = "mV";
    for (int t = 0; t < 5000; ++t) l.samples.push_back(static_cast<float>(std::sin(t * 0.01 * (1 + l.name.size()))));
    rec.leads.push_back(l);
  }
  rec.warnings.push_back("checksum mismatch in the test");
  ClassifyResult r = classify(m, rec);
  EXPECT_EQ(r.record_name, "synthetic");
  EXPECT_DOUBLE_EQ(r.sampling_rate_hz, 500);
  EXPECT_DOUBLE_EQ(r.duration_s, 10);
  EXPECT_EQ(r.inferences, 7u);
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_EQ(r.warnings[0], "checksum mismatch in the test");
  std::string all;
  for (const auto& a : r.adaptations) all += a + "\n";
  EXPECT_NE(all.find("resampled"), std::string::npos) << all;
  EXPECT_NE(all.find("derived"), std::string::npos) << all;
  for (const auto& c : r.classes) EXPECT_TRUE(c.probability >= 0 && c.probability <= 1);
}

TEST(Screen, ARecordWithoutAnyValidSampleIsAnError) {
  Record rec;
  rec.name = "blank";
  rec.sampling_rate_hz = 100;
  for (const char* name : {"I", "II", "V1", "V2", "V3", "V4", "V5", "V6"}) rec.leads.push_back({name, "mV", std::vector<float>(1000, NAN)});
  try {
    classify(tiny(), rec);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("blank has no valid samples"), std::string::npos) << e.what();
  }
}

TEST(Screen, ACorruptSampleIsTreatedAsInvalidAndSaid) {
  const Model m = tiny();
  Record rec = read_record_file(test::fixture("ptbxl-mini/records100/00000/00158_lr"));
  const ClassifyResult clean = classify(m, rec);
  rec.leads[1].samples[500] = 1e30f;  // lead II: also the source of the limb leads derived from it
  rec.leads[7].samples[200] = -1e6f;
  const ClassifyResult spiked = classify(m, rec);
  ASSERT_EQ(spiked.classes.size(), clean.classes.size());
  for (std::size_t c = 0; c < clean.classes.size(); ++c)
    EXPECT_NEAR(spiked.classes[c].probability, clean.classes[c].probability, 0.02) << clean.classes[c].name;
  std::string all;
  for (const auto& a : spiked.adaptations) all += a + "\n";
  EXPECT_NE(all.find("2 samples lie impossibly far from the rest of their lead"), std::string::npos) << all;
  EXPECT_NE(all.find("filled 2 invalid samples"), std::string::npos) << all;
}

TEST(Screen, JsonOfAResultHasTheDocumentedKeys) {
  ClassifyResult r = classify_prepared(tiny(), synthetic_prepared(1000, 1000));
  r.record_name = "a \"quoted\" name";
  std::string j = to_json(r);
  for (const char* key : {"\"record\":\"a \\\"quoted\\\" name\"", "\"probabilities\":{\"NORM\":", "\"labels\":[",
                          "\"classes\":[{\"name\":\"NORM\"", "\"threshold\":0.5,\"positive\":", "\"adaptations\":[\"from the test\"", "\"warnings\":[]"})
    EXPECT_NE(j.find(key), std::string::npos) << key << " in " << j;
}

TEST(Screen, GenuinePtbxlRecordEndToEnd) {
  ECGLITE_REQUIRE_DATA("ptbxl-raw");
  Model m = tiny();
  ClassifyResult r = classify(m, read_record_file(test::data_dir() + "/ptbxl-raw/records100/00000/00001_lr"));
  EXPECT_EQ(r.windows, 1u);
  EXPECT_EQ(r.inferences, 7u);
  EXPECT_DOUBLE_EQ(r.sampling_rate_hz, 100);
}

TEST(Screen, WindowPoolingTakesTheMaximumOrTheMeanLogitOfEachWindow) {
  ModelInfo info;
  info.class_names = {"A"};
  info.class_descriptions = {"a"};
  info.thresholds = {0.7f};
  InferencePlan plan;
  plan.windows = 2;
  plan.positions_per_window = 2;
  plan.run_starts = {0, 1, 2, 3};
  plan.window_of_run = {0, 0, 1, 1};
  const std::vector<float> logits = {0, 2, -1, 1};
  const auto sigmoid = [](double z) { return 1 / (1 + std::exp(-z)); };
  // max: windows 2 and 1; mean: windows 1 and 0; then the mean probability over the windows
  ClassifyResult r = combine_logits(info, plan, logits);
  EXPECT_NEAR(r.classes[0].probability, (sigmoid(2) + sigmoid(1)) / 2, 1e-6);
  EXPECT_TRUE(r.classes[0].positive);
  info.window_pooling = "mean";
  r = combine_logits(info, plan, logits);
  EXPECT_NEAR(r.classes[0].probability, (sigmoid(1) + sigmoid(0)) / 2, 1e-6);
  EXPECT_FALSE(r.classes[0].positive);
}

TEST(Screen, PlanAndCombineReproduceClassifyPreparedForOtherEngines) {
  const Model model = tiny("int8");
  const Prepared p = synthetic_prepared(2500, 1000);
  const InferencePlan plan = plan_inference(model.info(), p);
  ASSERT_EQ(plan.windows, p.window_starts.size());
  ASSERT_EQ(plan.run_starts.size(), plan.windows * plan.positions_per_window);

  // another engine: channel-major windows through Model::logits, then the shared rule
  const std::size_t channels = plan.lead_of.size(), length = model.info().input_length;
  std::vector<float> logits, window(channels * length);
  for (std::size_t start : plan.run_starts) {
    for (std::size_t c = 0; c < channels; ++c)
      std::copy_n(p.leads[plan.lead_of[c]].data() + start, length, window.data() + c * length);
    const auto l = model.logits(window.data());
    logits.insert(logits.end(), l.begin(), l.end());
  }
  const ClassifyResult combined = combine_logits(model.info(), plan, logits);
  const ClassifyResult direct = classify_prepared(model, p);
  ASSERT_EQ(combined.classes.size(), direct.classes.size());
  for (std::size_t k = 0; k < direct.classes.size(); ++k)
    EXPECT_NEAR(combined.classes[k].probability, direct.classes[k].probability, 1e-6) << k;
  EXPECT_EQ(combined.labels, direct.labels);
  EXPECT_EQ(direct.adaptations.back(), describe_inference(model.info(), plan));

  logits.pop_back();
  EXPECT_THROW(combine_logits(model.info(), plan, logits), Error);
}
