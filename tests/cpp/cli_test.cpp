// The command line's contract with users and scripts, whatever the command: exit statuses (0 done,
// 1 an input could not be used or the output not written, 2 a usage error), one-line messages in
// valid UTF-8, --rate and record paths handled alike by every command that reads a record, help.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "robustness_support.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;
using ecglite::test::is_valid_utf8;
using ecglite::test::run_cli;
using ecglite::test::shell_quote;
using ecglite::test::TestDir;

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << "in: " << (haystack)

std::string fixture(const std::string& relative) { return ecglite::test::fixture(relative); }

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The 20 s MIT-BIH excerpt (2 leads, 360 Hz) as a CSV without a time column or rate line.
void write_csv_without_rate(const std::string& path) {
  const auto dump = run_cli("dump " + fixture("mitdb/205_20s"));
  ASSERT_EQ(dump.status, 0) << dump.err;
  std::string text = "MLII,V1\n" + dump.out;
  std::replace(text.begin(), text.end(), '\t', ',');
  std::ofstream(path) << text;
}

TEST(Cli, UsageListsCommandsAndFailsWithoutArguments) {
  auto r = run_cli("");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("ecglite dump RECORD"), std::string::npos);
}

TEST(Cli, UnknownCommandIsAnErrorNamingIt) {
  auto r = run_cli("frobnicate");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
}

TEST(Cli, VersionPrintsProjectVersion) {
  auto r = run_cli("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("ecglite ", 0), 0u);
}

TEST(Cli, HelpListsEveryOptionAndEachCommandHasItsOwn) {
  const auto all = run_cli("--help");
  EXPECT_EQ(all.status, 0);
  for (const char* option : {"classify RECORD... [--model FILE] [--json] [--explain] [--occlude MASKS] [--rate HZ]",
                             "--skipped FILE",
                             "--threads N", "ann RECORD ANNOTATOR [--full]", "--export-windows FILE.npy",
                             "--no-annotations", "--tolerance-ms MS", "--markdown", "--resample HZ"})
    EXPECT_CONTAINS(all.out, option);
  for (const char* command : {"info", "dump", "preprocess", "classify", "eval", "ann", "beats", "rhythm", "qrs-eval"}) {
    for (const char* help : {"--help", "-h"}) {
      const auto r = run_cli(std::string(command) + " " + help);
      EXPECT_EQ(r.status, 0) << command << " " << help << ": " << r.err;
      EXPECT_EQ(r.out.rfind(std::string("usage: ecglite ") + command + " ", 0), 0u) << r.out;
      EXPECT_CONTAINS(r.out, "options:");
    }
  }
  EXPECT_CONTAINS(run_cli("info --help").out, "--rate HZ");
  EXPECT_CONTAINS(run_cli("rhythm x --help").out, "--trend SECONDS");
}

// README and docs/LIMITS.md: exit 2 for a usage error, 1 when an input cannot be used.
TEST(Cli, UsageErrorsExitWithStatusTwo) {
  const std::string rec = fixture("wfdb/mitdb100_1s");
  const std::vector<std::string> usage_errors = {
      "info", "info " + rec + " " + rec, "dump", "classify", "eval", "eval --ptbxl x", "eval --ptbxl x --folds x",
      "ann " + rec, "beats", "rhythm", "qrs-eval", "preprocess " + rec,
      "classify " + rec + " --bogus", "dump " + rec + " --from", "dump " + rec + " --from abc",
      "dump " + rec + " --from 5 --to 2", "dump " + rec + " --signals 0,x", "dump " + rec + " --rate 0",
      "classify " + rec + " --rate inf", "rhythm " + rec + " --trend 0", "beats " + rec + " --leads 99",
      "eval --ptbxl x --folds 1 --threads 999", "qrs-eval x --tolerance-ms 0"};
  for (const std::string& args : usage_errors) {
    const auto r = run_cli(args);
    EXPECT_EQ(r.status, 2) << "ecglite " << args << "\n" << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_CONTAINS(r.err, "(usage: ecglite ");
  }
  // Not usage errors: the arguments are right, the input cannot be used.
  EXPECT_EQ(run_cli("info " + fixture("wfdb/no_such_record")).status, 1);
  EXPECT_EQ(run_cli("dump " + rec + " --to 400").status, 1);  // past the record's end
}

// A full disk must fail the command (exit 1, one line), not leave a truncated file with exit 0 or
// abort with an exception from a destructor.
TEST(Cli, OutputThatCannotBeWrittenFailsTheCommand) {
  if (!ecglite::test::path_exists("/dev/full")) GTEST_SKIP() << "/dev/full not available";
  const std::string rec = fixture("mitdb/205_20s");
  const std::string model = " --model " + fixture("model/tiny-int8.ecgm");
  const std::vector<std::pair<std::string, std::string>> runs = {
      {"dump", "dump " + rec},  // more than one output block
      {"dump", "dump " + rec + " --to 3"},
      {"info", "info " + rec},
      {"ann", "ann " + rec + " atr"},
      {"beats", "beats " + rec + " --no-model"},
      {"rhythm", "rhythm " + rec + " --no-model --json"},
      {"classify", "classify " + fixture("ptbxl-mini/records100/00000/00024_lr") + model + " --json"},
      {"qrs-eval", "qrs-eval " + fixture("mitdb")},
      {"", "--help"},
  };
  for (const auto& [command, args] : runs) {
    const auto r = run_cli(args, "/dev/full");
    EXPECT_EQ(r.status, 1) << "ecglite " << args << "\n" << r.err;
    const std::string prefix = command.empty() ? "ecglite: " : "ecglite " + command + ": ";
    EXPECT_EQ(r.err.rfind(prefix + "cannot write the output (", 0), 0u) << r.err;
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  }
}

// The CSV reader's message says "give it with --rate HZ": every command that reads a record takes it.
TEST(Cli, EveryCommandReadingARecordTakesRateForACsvWithoutTime) {
  TestDir dir("cli_rate");
  const std::string csv = dir / "notime.csv";
  write_csv_without_rate(csv);
  for (const std::string command : {"info", "dump", "beats --no-model", "rhythm --no-model"}) {
    const auto without = run_cli(command + " " + csv);
    EXPECT_EQ(without.status, 1) << command;
    EXPECT_CONTAINS(without.err, "--rate HZ");
    const auto with = run_cli(command + " " + csv + " --rate 360");
    EXPECT_EQ(with.status, 0) << command << ": " << with.err;
  }
  EXPECT_CONTAINS(run_cli("info " + csv + " --rate 360").out, "360 Hz");
  EXPECT_EQ(count_lines(run_cli("dump " + csv + " --rate 360").out), 7200u);
  EXPECT_CONTAINS(run_cli("rhythm " + csv + " --rate 360 --no-model").out, "(2 leads, 360 Hz)");

  // A rate no ECG is recorded at (a typo, or the record's duration given instead) is refused, not
  // classified after resampling 1,000 samples taken as 2,000 s.
  const std::string twelve = dir / "twelve_notime.csv";
  {
    const auto dump = run_cli("dump " + fixture("ptbxl-mini/records100/00000/00158_lr"));
    ASSERT_EQ(dump.status, 0) << dump.err;
    std::ofstream(twelve) << "I\tII\tIII\taVR\taVL\taVF\tV1\tV2\tV3\tV4\tV5\tV6\n" << dump.out;
  }
  EXPECT_EQ(run_cli("classify " + twelve + " --rate 100").status, 0);
  const auto slow = run_cli("classify " + twelve + " --rate 0.5");
  EXPECT_EQ(slow.status, 1);
  EXPECT_CONTAINS(slow.err, "sampled at 0.5 Hz, too slowly for an ECG: at least 50 Hz is needed");

  // A WFDB header states the rate: --rate there is an error, not silently ignored.
  for (const std::string command : {"info", "dump", "beats", "rhythm", "classify"}) {
    const auto r = run_cli(command + " " + fixture("mitdb/205_20s") + " --rate 500");
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_CONTAINS(r.err, "--rate applies to CSV files; WFDB headers state their rate");
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  }
}

// A file name is whatever bytes the file system holds; JSON and messages must still be UTF-8.
TEST(Cli, JsonAndMessagesAreUtf8WhateverTheFileName) {
  TestDir dir("cli_utf8");
  const std::string latin1 = dir / "lat\xe9n.csv";
  write_csv_without_rate(latin1);
  const std::string replaced = "lat\xEF\xBF\xBDn";  // U+FFFD for the stray byte
  for (const std::string command : {"beats --json --no-model", "rhythm --json --no-model"}) {
    const auto r = run_cli(command + " " + shell_quote(latin1) + " --rate 360");
    ASSERT_EQ(r.status, 0) << command << ": " << r.err;
    EXPECT_TRUE(is_valid_utf8(r.out)) << command;
    EXPECT_CONTAINS(r.out, "\"record\": \"" + replaced + "\"");
  }
  const auto classify = run_cli("classify --json " + shell_quote(latin1) + " --rate 360 --model " +
                                fixture("model/tiny-int8.ecgm"));
  EXPECT_TRUE(is_valid_utf8(classify.out));
  EXPECT_CONTAINS(classify.out, "\"record\":\"" + dir.path.string() + "/" + replaced + ".csv\"");

  const auto missing = run_cli("info " + shell_quote(dir / "no\xff.csv"));
  EXPECT_EQ(missing.status, 1);
  EXPECT_TRUE(is_valid_utf8(missing.err)) << missing.err;
  EXPECT_CONTAINS(missing.err, "no\xEF\xBF\xBD.csv");
}

// The comparison printed is the one made: "0.529 >= 0.53" would contradict itself.
TEST(Cli, ClassifyPrintsProbabilityAndThresholdAlike) {
  const auto r = run_cli("classify " + fixture("ptbxl-mini/records100/00000/00024_lr") + " --model " +
                         fixture("model/tiny-int8.ecgm"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::regex line(R"(^  \S+ .* (\d\.\d{3})  (>=|< ) (\d\.\d{3})(  POSITIVE)?$)");
  std::istringstream in(r.out);
  int classes = 0;
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    ++classes;
    const bool positive = m[2] == ">=";
    EXPECT_EQ(positive, std::stod(m[1]) >= std::stod(m[3])) << l;
    EXPECT_EQ(positive, m[4].matched) << l;
  }
  EXPECT_EQ(classes, 5) << r.out;
}

TEST(Cli, RecordPathsWithUpperCaseHeaderOrADirectory) {
  TestDir dir("cli_paths");
  fs::copy_file(fixture("wfdb/mitdb100_1s.dat"), dir / "mitdb100_1s.dat");
  fs::copy_file(fixture("wfdb/mitdb100_1s.hea"), dir / "mitdb100_1s.HEA");
  const std::string expected = run_cli("dump " + fixture("wfdb/mitdb100_1s")).out;
  auto r = run_cli("dump " + (dir / "mitdb100_1s.HEA"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected);
  r = run_cli("info " + (dir / "mitdb100_1s.HEA"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_CONTAINS(r.out, "mitdb100_1s.HEA");
  // "100.HEA" typed for 100.hea.
  r = run_cli("dump " + fixture("wfdb/mitdb100_1s.HEA"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected);

  for (const std::string command : {"info", "dump", "beats", "rhythm"}) {
    r = run_cli(command + " " + dir.path.string());
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_CONTAINS(r.err, dir.path.string() + ": is a directory, not a record");
  }
}

// Where the model was looked for, on one line; a bad $ECGLITE_MODEL is named as such.
TEST(Cli, ModelLookupErrorsAreOneLineAndNameTheirSource) {
  const std::string record = fixture("ptbxl-mini/records100/00000/00024_lr");
  const char* saved = std::getenv("ECGLITE_MODEL");
  const std::string saved_value = saved ? saved : "";
  ::setenv("ECGLITE_MODEL", "/nonexistent.ecgm", 1);
  const auto r = run_cli("classify " + record);
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.err, "ECGLITE_MODEL=/nonexistent.ecgm: no such model file (correct or unset ECGLITE_MODEL");
  ::unsetenv("ECGLITE_MODEL");

  TestDir dir("cli_nomodel");  // a copy of the binary with no models/ near it
  fs::copy_file(ECGLITE_CLI_PATH, dir / "ecglite");
  fs::permissions(dir / "ecglite", fs::perms::owner_all);
  const std::string err = dir / "err";
  const int raw = std::system((dir / "ecglite" + " classify " + record + " 2>" + err).c_str());
  if (saved) ::setenv("ECGLITE_MODEL", saved_value.c_str(), 1);
  const std::string message = ecglite::test::read_text(err);
  if (message.find("no model found") == std::string::npos) GTEST_SKIP() << "a models/ directory is near " << dir.path;
  EXPECT_EQ(WEXITSTATUS(raw), 1);
  EXPECT_EQ(count_lines(message), 1u) << message;
  EXPECT_CONTAINS(message, "pass --model FILE");
}

// The committed beat model given where the 12-lead model belongs: said in those words.
TEST(Cli, ABeatModelGivenToClassifyOrEvalSaysWhereItBelongs) {
  const std::string beats_model = ecglite::test::source_dir() + "/models/beats-int8.ecgm";
  const auto c = run_cli("classify " + fixture("ptbxl-mini/records100/00000/00024_lr") + " --model " + beats_model);
  EXPECT_EQ(c.status, 1);
  EXPECT_CONTAINS(c.err, "beats-int8: a beat classification model (classes N S V F Q), not a model of whole recordings");
  const auto e = run_cli("eval --ptbxl " + fixture("ptbxl-mini") + " --folds 1 --model " + beats_model);
  EXPECT_EQ(e.status, 1);
  // The core says what the model is; the command line adds where it belongs, with its flag.
  EXPECT_CONTAINS(e.err,
                  "(classify and eval take the 12-lead model and beats and rhythm a beat model, each with "
                  "--model FILE; rhythm's verdict takes a rhythm model with --rhythm-model FILE)");
  EXPECT_EQ(count_lines(e.err), 1u) << e.err;
}

TEST(Cli, RhythmJsonNamesTheRecordAndQrsEvalCountsRecords) {
  const auto r = run_cli("rhythm --json --no-model " + fixture("mitdb/205_20s"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\n  \"record\": \"205_20s\",\n", 0), 0u) << r.out;
  const auto q = run_cli("qrs-eval " + fixture("mitdb"));
  ASSERT_EQ(q.status, 0) << q.err;
  EXPECT_CONTAINS(q.out, "(1 record)");
}

}  // namespace
