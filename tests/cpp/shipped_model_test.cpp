// The shipped models (models/*.ecgm) load, run the whole pipeline and separate the classes on the
// committed mini PTB-XL fixture; with ../shared/data, every genuine PTB-XL record classifies.
#include <dirent.h>

#include <cmath>
#include <string>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/inference_plan.h"
#include "ecglite/ptbxl_eval.h"
#include "ecglite/qrs.h"
#include "ecglite/read.h"
#include "ecglite/rhythm_class.h"
#include "test_support.h"

using namespace ecglite;

namespace {

std::string shipped(const char* name) { return test::source_dir() + "/models/" + name; }

}  // namespace

TEST(ShippedModel, StudentsEvaluateTheMiniPtbxlFixture) {
  for (const char* name : {"student-int8.ecgm", "student-fp32.ecgm"}) {
    const Model model = Model::from_file(shipped(name));
    EXPECT_EQ(model.info().class_names, (std::vector<std::string>{"NORM", "MI", "STTC", "CD", "HYP"}));
    EXPECT_LE(model.info().parameters, 250000);
    EvalOptions options;
    options.folds = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    const EvalResult r = evaluate_ptbxl(model, test::fixture("ptbxl-mini"), options);
    EXPECT_EQ(r.records_used, 20u) << name;
    EXPECT_EQ(r.skipped_errors, 0u) << name;
    // mostly training records: a working model separates them well; a broken one sits near 0.5
    EXPECT_GT(r.macro_auc, 0.85) << name;
  }
}

TEST(ShippedModel, Int8FileRespectsTheSizeBudget) {
  const std::string bytes = test::read_text(shipped("student-int8.ecgm"));
  EXPECT_LE(bytes.size(), 300u * 1024u);
  const Model model = Model::from_file(shipped("student-int8.ecgm"));
  EXPECT_EQ(model.info().precision, "int8");
  // MACs per 10 s record under the sliding-window scheme the model file prescribes
  const auto runs = sliding_window_starts(1000, model.info().input_length, model.info().window_stride).size();
  EXPECT_LE(static_cast<long long>(runs) * model.info().macs_per_window, 25'000'000LL);
}

TEST(ShippedModel, EveryGenuinePtbxlRecordClassifies) {
  ECGLITE_REQUIRE_DATA("ptbxl-raw");
  const Model model = Model::from_file(shipped("student-int8.ecgm"));
  std::vector<std::string> records = {test::data_dir() + "/ptbxl-raw/records100/00000/00001_lr"};
  const std::string cinc = test::data_dir() + "/ptbxl-raw/cinc2021";
  if (DIR* d = ::opendir(cinc.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name.compare(name.size() - 4, 4, ".hea") == 0)
        records.push_back(cinc + "/" + name.substr(0, name.size() - 4));
    }
    ::closedir(d);
  }
  ASSERT_GT(records.size(), 1u);
  for (const auto& path : records) {
    const ClassifyResult r = classify(model, read_record_file(path));
    ASSERT_EQ(r.classes.size(), 5u) << path;
    for (const auto& c : r.classes) {
      EXPECT_TRUE(std::isfinite(c.probability)) << path;
      EXPECT_GE(c.probability, 0.f);
      EXPECT_LE(c.probability, 1.f);
    }
    EXPECT_EQ(r.windows, 1u) << path;
  }
}

// The shipped models read amplitudes in mV; a record without physical units (the derived, z-scored
// PTB-XL subset) still gets a result, with a warning that amplitude-dependent classes are unreliable.
TEST(ShippedModel, RecordWithoutUnitsIsClassifiedWithAWarning) {
  for (const char* name : {"student-int8.ecgm", "student-fp32.ecgm"}) {
    const Model model = Model::from_file(shipped(name));
    EXPECT_EQ(model.info().amplitude, "mV") << name;
    const ClassifyResult derived = classify(model, read_record_file(test::fixture("ptbxl-derived/00024_lr")));
    std::string all;
    for (const auto& w : derived.warnings) all += w + "\n";
    EXPECT_NE(all.find("all 12 leads carry no physical unit (NU"), std::string::npos) << all;
    EXPECT_NE(all.find("HYP above all"), std::string::npos) << all;
    const ClassifyResult genuine =
        classify(model, read_record_file(test::fixture("ptbxl-mini/records100/00000/00024_lr")));
    for (const auto& w : genuine.warnings) EXPECT_EQ(w.find("no physical unit"), std::string::npos) << w;
    // the CinC 2021 copy of a PTB-XL record writes its unit "mv": millivolts, not unitless
    const ClassifyResult cinc = classify(model, read_record_file(test::source_dir() + "/web/samples/HR06001"));
    for (const auto& w : cinc.warnings) EXPECT_EQ(w.find("no physical unit"), std::string::npos) << w;
  }
}

TEST(ShippedModel, RhythmModelCallsTheAfFixturesAfAndARegularRecordNot) {
  const Model model = Model::from_file(shipped("rhythm-int8.ecgm"));
  EXPECT_TRUE(is_rhythm_model(model.info()));
  EXPECT_LE(test::read_text(shipped("rhythm-int8.ecgm")).size(), 100u * 1024u);  // the budget
  // Two AF recordings (a CinC 2017 record and an Apple Watch export of another) and a sinus one.
  for (const char* file : {"rhythm/A00004.hea", "rhythm/apple-watch-af.csv"}) {
    const Record r = read_record_file(test::fixture(file));
    EXPECT_EQ(classify_rhythm(model, r, detect_qrs(r)).cls, 'A') << file;
  }
  const Record sinus = read_record_file(test::source_dir() + "/web/samples/00001_lr.hea");
  const RhythmVerdict v = classify_rhythm(model, sinus, detect_qrs(sinus));
  EXPECT_EQ(v.cls, 'N');
  EXPECT_EQ(v.lead_name, "I");
}
