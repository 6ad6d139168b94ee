// PTB-XL evaluation: CSV parsing and the benchmark labelling rule, rank-based AUC with ties,
// skip accounting, and the `eval` / `classify` commands.
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/error.h"
#include "ecglite/ptbxl_eval.h"
#include "ecglite/read.h"
#include "test_support.h"

using namespace ecglite;

namespace {

const std::vector<std::string> kClasses = {"NORM", "MI", "STTC", "CD", "HYP"};

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A 12-lead WFDB format-16 record dir/path (.hea + .dat) of `n` samples at 100 Hz; `seed`
// varies the waveform.
void write_record(const std::string& dir, const std::string& path, int n, int seed) {
  const std::string name = path.substr(path.find_last_of('/') + 1);
  static const char* leads[] = {"I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"};
  std::vector<std::int16_t> data(static_cast<std::size_t>(n) * 12);
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 30 + 10 * seed);
  for (int t = 0; t < n; ++t)
    for (int c = 0; c < 12; ++c)
      data[t * 12 + c] = static_cast<std::int16_t>(400 * std::sin(t * 0.02 * (1 + (c + seed) % 5)) + noise(rng));
  std::ofstream(dir + "/" + path + ".dat", std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * 2));
  std::string hea = name + " 12 100 " + std::to_string(n) + "\n";
  for (int c = 0; c < 12; ++c) {
    int checksum = 0;
    for (int t = 0; t < n; ++t) checksum += data[t * 12 + c];
    hea += name + ".dat 16 1000/mV 16 0 " + std::to_string(data[c]) + " " +
           std::to_string(static_cast<std::int16_t>(checksum & 0xffff)) + " 0 " + leads[c] + "\n";
  }
  write(dir + "/" + path + ".hea", hea);
}

// A PTB-XL-layout directory: 9 rows in folds 1-2 (6 usable, 1 unlabelled, 1 absent, 1 broken)
// and one row in fold 3.
std::string make_mini_ptbxl() {
  static std::string dir;
  if (!dir.empty()) return dir;
  dir = ::testing::TempDir() + "ecglite_mini_ptbxl_" + std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0755);
  ::mkdir((dir + "/records100").c_str(), 0755);
  ::mkdir((dir + "/records100/00000").c_str(), 0755);
  write(dir + "/scp_statements.csv",
        ",description,diagnostic,form,rhythm,diagnostic_class,diagnostic_subclass\n"
        "NORM,normal ECG,1.0,,,NORM,NORM\n"
        "IMI,inferior myocardial infarction,1.0,,,MI,IMI\n"
        "NDT,\"non-diagnostic T abnormalities\",1.0,1.0,,STTC,STTC\n"
        "LAFB,left anterior fascicular block,1.0,,,CD,LAFB/LPFB\n"
        "LVH,left ventricular hypertrophy,1.0,,,HYP,LVH\n"
        "SR,sinus rhythm,,,1.0,,\n"
        "LVOLT,low QRS voltages,,1.0,,,\n");
  std::string db = "ecg_id,patient_id,report,scp_codes,strat_fold,filename_lr,filename_hr\n";
  auto row = [&](int id, const std::string& scp, int fold) {
    char name[64];
    std::snprintf(name, sizeof name, "records100/00000/%05d_lr", id);
    db += std::to_string(id) + ",1" + std::to_string(id) + ".0,\"report, with a comma\nand a \"\"quote\"\"\",\"" + scp +
          "\"," + std::to_string(fold) + "," + name + ",records500/x\n";
    return std::string(name);
  };
  int seed = 0;
  for (auto [id, scp] : std::vector<std::pair<int, std::string>>{{1, "{'NORM': 100.0, 'SR': 0.0}"},
                                                                 {2, "{'IMI': 50.0, 'NDT': 100.0}"},
                                                                 {3, "{'NORM': 80.0, 'LVOLT': 0.0}"},
                                                                 {4, "{'LAFB': 100.0, 'LVH': 50.0}"},
                                                                 {5, "{'IMI': 15.0, 'SR': 0.0}"},
                                                                 {6, "{'LVH': 100.0, 'NORM': 0.0}"}}) {
    write_record(dir, row(id, scp, 1 + id % 2), 1000, ++seed);
  }
  write_record(dir, row(7, "{'SR': 0.0, 'LVOLT': 100.0}", 1), 1000, 9);  // no superclass
  row(8, "{'NORM': 100.0}", 2);                                           // files absent
  const std::string broken = row(9, "{'NORM': 100.0}", 1);
  write_record(dir, broken, 1000, 10);
  write(dir + "/" + broken + ".dat", "short");                            // truncated signal file
  write_record(dir, row(10, "{'NORM': 100.0}", 3), 1000, 11);            // fold 3
  write(dir + "/ptbxl_database.csv", db);
  return dir;
}

double brute_force_auc(const std::vector<float>& s, const std::vector<int>& y) {
  double wins = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (y[i] && !y[j]) {
        pairs += 1;
        wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
      }
  return wins / pairs;
}

Model tiny() { return Model::from_file(test::fixture("model/tiny-int8.ecgm")); }

}  // namespace

TEST(Eval, RocAucIsRankBasedWithAveragedTies) {
  EXPECT_DOUBLE_EQ(roc_auc({0.1f, 0.4f, 0.35f, 0.8f}, {0, 0, 1, 1}), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc({0.1f, 0.5f, 0.5f, 0.9f}, {0, 1, 0, 1}), 0.875);
  EXPECT_DOUBLE_EQ(roc_auc({0.5f, 0.5f, 0.5f, 0.5f}, {0, 1, 0, 1}), 0.5);
  EXPECT_TRUE(std::isnan(roc_auc({0.1f, 0.2f}, {1, 1})));
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> s(200);
    std::vector<int> y(200);
    for (std::size_t i = 0; i < s.size(); ++i) {
      y[i] = rng() % 3 == 0;
      s[i] = static_cast<float>(rng() % 20 + 3 * y[i]) / 20.0f;  // many ties
    }
    EXPECT_NEAR(roc_auc(s, y), brute_force_auc(s, y), 1e-12);
  }
}

TEST(Eval, PtbxlIndexAppliesTheBenchmarkLabelRule) {
  auto index = read_ptbxl_index(make_mini_ptbxl(), kClasses);
  ASSERT_EQ(index.size(), 10u);
  EXPECT_EQ(index[0].ecg_id, 1);
  EXPECT_EQ(index[0].filename_lr, "records100/00000/00001_lr");
  EXPECT_EQ(index[0].labels, (std::vector<int>{1, 0, 0, 0, 0}));
  EXPECT_EQ(index[1].labels, (std::vector<int>{0, 1, 1, 0, 0}));  // likelihoods ignored
  EXPECT_EQ(index[3].labels, (std::vector<int>{0, 0, 0, 1, 1}));
  EXPECT_EQ(index[5].labels, (std::vector<int>{1, 0, 0, 0, 1}));  // NORM: 0.0 still counts
  EXPECT_FALSE(index[6].labelled);                                 // only non-diagnostic codes
  EXPECT_EQ(index[1].fold, 1);
  EXPECT_EQ(index[9].fold, 3);
}

TEST(Eval, MissingCsvFilesAreNamed) {
  try {
    read_ptbxl_index("/nonexistent-ptbxl", kClasses);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-ptbxl/scp_statements.csv: cannot open"), std::string::npos);
  }
}

TEST(Eval, CountsSkipsSeparatelyAndAgreesWithClassify) {
  const std::string dir = make_mini_ptbxl();
  Model m = tiny();
  EvalOptions o;
  o.folds = {1, 2};
  o.threads = 2;
  EvalResult r = evaluate_ptbxl(m, dir, o);
  EXPECT_EQ(r.rows_in_folds, 9u);
  EXPECT_EQ(r.records_used, 6u);
  EXPECT_EQ(r.skipped_no_label, 1u);
  EXPECT_EQ(r.skipped_missing, 1u);
  EXPECT_EQ(r.skipped_errors, 1u);
  ASSERT_EQ(r.error_examples.size(), 1u);
  EXPECT_NE(r.error_examples[0].find("00009_lr"), std::string::npos);
  EXPECT_EQ(r.positives, (std::vector<std::size_t>{3, 2, 1, 1, 2}));

  // the same numbers from classify() record by record
  auto index = read_ptbxl_index(dir, kClasses);
  std::vector<std::vector<float>> s(5);
  std::vector<std::vector<int>> y(5);
  for (int id = 1; id <= 6; ++id) {
    auto c = classify(m, read_record_file(dir + "/" + index[id - 1].filename_lr));
    for (int k = 0; k < 5; ++k) {
      s[k].push_back(c.classes[k].probability);
      y[k].push_back(index[id - 1].labels[k]);
    }
  }
  double sum = 0;
  for (int k = 0; k < 5; ++k) {
    EXPECT_DOUBLE_EQ(r.per_class_auc[k], roc_auc(s[k], y[k])) << k;
    sum += r.per_class_auc[k];
  }
  EXPECT_NEAR(r.macro_auc, sum / 5, 1e-12);

  o.threads = 1;
  EvalResult single = evaluate_ptbxl(m, dir, o);
  EXPECT_EQ(single.per_class_auc, r.per_class_auc);
}

TEST(Eval, CommandPrintsJsonWithTheDocumentedKeys) {
  const std::string dir = make_mini_ptbxl();
  auto r = test::run_cli("eval --ptbxl " + dir + " --folds 1-2 --json --model " + test::fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(r.status, 0) << r.err;
  for (const char* key : {"{\"macro_auc\":", "\"per_class_auc\":{\"NORM\":", "\"records_used\":6",
                          "\"records_skipped\":{\"total\":3,\"missing_files\":1,\"no_label\":1,\"errors\":1}",
                          "\"folds\":[1,2]", "\"model\":{\"name\":\"tiny-int8\""})
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " in " << r.out;
  auto text = test::run_cli("eval --ptbxl " + dir + " --folds 1,2 --model " + test::fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("6 records used"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("macro"), std::string::npos);
  auto bad = test::run_cli("eval --ptbxl " + dir + " --folds 1-x --model " + test::fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(bad.status, 2);  // a usage error
  EXPECT_NE(bad.err.find("--folds"), std::string::npos) << bad.err;
  auto none = test::run_cli("eval --ptbxl " + dir + " --folds 9 --model " + test::fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(none.out, "");
  EXPECT_NE(none.err.find(": no record of folds 9 could be used (0 rows in these folds"), std::string::npos) << none.err;
}

TEST(Eval, ClassifyCommandContinuesAfterAFailedRecord) {
  const std::string dir = make_mini_ptbxl();
  const std::string good = dir + "/records100/00000/00001_lr";
  auto r = test::run_cli("classify " + dir + "/nope " + good + " --json --model " + test::fixture("model/tiny-int8.ecgm"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("{\"records\":[{\"record\":\"" + dir + "/nope\",\"error\":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"record\":\"" + good + "\",\"probabilities\":{\"NORM\":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"model\":{\"name\":\"tiny-int8\""), std::string::npos);

  auto text = test::run_cli("classify " + good + " --model " + test::fixture("model/tiny-fp32.ecgm"));
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("Myocardial infarction"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("labels:"), std::string::npos);
  EXPECT_NE(text.out.find("7 inferences"), std::string::npos);

  auto nomodel = test::run_cli("classify " + good + " --model /nonexistent.ecgm");
  EXPECT_EQ(nomodel.status, 1);
  EXPECT_NE(nomodel.err.find("/nonexistent.ecgm: cannot open model file"), std::string::npos) << nomodel.err;
}

TEST(Eval, SharedPtbxlFold9CountsMatchPandas) {
  ECGLITE_REQUIRE_DATA("ptbxl");
  EvalOptions o;
  o.folds = {9};
  EvalResult r = evaluate_ptbxl(tiny(), test::data_dir() + "/ptbxl", o);
  // counted independently with pandas (ast.literal_eval of scp_codes, diagnostic == 1)
  EXPECT_EQ(r.rows_in_folds, 2193u);
  EXPECT_EQ(r.skipped_no_label, 37u);
  EXPECT_EQ(r.skipped_missing, 1973u);
  EXPECT_EQ(r.records_used, 183u);
  EXPECT_EQ(r.skipped_errors, 0u);
  EXPECT_EQ(r.positives, (std::vector<std::size_t>{101, 22, 50, 39, 14}));
}
