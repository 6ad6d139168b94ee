// The MIT-format annotation reader: synthetic byte sequences for every pseudo-annotation, committed
// fixtures against WFDB rdann output, and (with ../shared/data) rdann outputs of the WFDB sample
// files and the published beat tables of all 48 MIT-BIH records.
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "ecglite/annotations.h"
#include "ecglite/error.h"
#include "test_support.h"

using namespace ecglite;
using ecglite::test::data_dir;
using ecglite::test::fixture;
using ecglite::test::read_text;
using ecglite::test::run_cli;

namespace {

// Writes annotation words the way WFDB's putann does.
struct Writer {
  Bytes bytes;
  void word(unsigned w) {
    bytes.push_back(w & 0xFF);
    bytes.push_back((w >> 8) & 0xFF);
  }
  void ann(int code, unsigned delta) { word((unsigned(code) << 10) | delta); }
  void skip(std::int32_t interval) {
    word(59u << 10);
    const std::uint32_t v = static_cast<std::uint32_t>(interval);
    word(v >> 16);
    word(v & 0xFFFF);
  }
  void num(unsigned v) { word((60u << 10) | v); }
  void sub(unsigned v) { word((61u << 10) | v); }
  void chn(unsigned v) { word((62u << 10) | v); }
  void aux(const std::string& text) {
    word((63u << 10) | text.size());
    for (char c : text) bytes.push_back(static_cast<std::uint8_t>(c));
    if (text.size() % 2) bytes.push_back(0);
  }
  void end() { word(0); }
};

// "sample\tsymbol\tsubtype\tchan\tnum\taux" lines, as `ecglite ann --full` prints.
std::string full_lines(const AnnotationFile& file) {
  std::ostringstream s;
  for (const auto& a : file.annotations)
    s << a.sample << '\t' << a.symbol << '\t' << a.subtype << '\t' << a.chan << '\t' << a.num << '\t'
      << a.aux << '\n';
  return s.str();
}

// rdann's output ("time sample symbol subtype chan num[\taux]") in the same tab-separated form.
std::string rdann_as_full_lines(const std::string& text) {
  static const std::regex line_re(
      R"(^\s*[\[\]\w\.:/]+ +(\d+) +(\S) +(-?\d+) +(\d+) +(-?\d+)\t?(.*)$)");
  std::istringstream in(text);
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, line_re)) {
      ADD_FAILURE() << "unparsed rdann line: " << line;
      continue;
    }
    out << m[1] << '\t' << m[2] << '\t' << m[3] << '\t' << m[4] << '\t' << m[5] << '\t' << m[6] << '\n';
  }
  return out.str();
}

}  // namespace

TEST(Annotations, DecodesCodesTimesAndPseudoAnnotations) {
  Writer w;
  w.ann(28, 18);  // rhythm change at 18 with an odd-length aux (padded)
  w.aux(std::string("(N\0", 3));
  w.ann(1, 59);   // N at 77
  w.skip(100000); // long interval: next annotation at 100077 + 5
  w.ann(5, 5);    // V at 100082
  w.sub(3);
  w.chn(1);
  w.num(1023);    // 10-bit field, a signed char in WFDB: -1
  w.ann(28, 1);   // rhythm change, chan and num carried over
  w.aux("(AFIB");
  w.ann(22, 0);   // note at the same time
  w.aux("even");
  w.end();
  const AnnotationFile f = parse_annotations(w.bytes, "t.atr");
  ASSERT_EQ(f.annotations.size(), 5u);
  EXPECT_TRUE(f.warnings.empty());
  EXPECT_EQ(f.annotations[0].sample, 18);
  EXPECT_EQ(f.annotations[0].symbol, "+");
  EXPECT_EQ(f.annotations[0].aux, "(N");  // up to the NUL, as rdann prints it
  EXPECT_EQ(f.annotations[1].sample, 77);
  EXPECT_EQ(f.annotations[1].code, anncode::kNormal);
  EXPECT_EQ(f.annotations[1].aux, "");
  const Annotation& v = f.annotations[2];
  EXPECT_EQ(v.sample, 100082);
  EXPECT_EQ(v.symbol, "V");
  EXPECT_EQ(v.subtype, 3);
  EXPECT_EQ(v.chan, 1);
  EXPECT_EQ(v.num, -1);
  EXPECT_EQ(f.annotations[3].sample, 100083);
  EXPECT_EQ(f.annotations[3].aux, "(AFIB");
  EXPECT_EQ(f.annotations[3].chan, 1);
  EXPECT_EQ(f.annotations[3].num, -1);
  EXPECT_EQ(f.annotations[3].subtype, 0);  // subtype is not carried over
  EXPECT_EQ(f.annotations[4].aux, "even");
  EXPECT_EQ(f.annotations[4].symbol, "\"");
}

TEST(Annotations, AppliesDefinitionTableAndDropsPlaceholders) {
  // What wfdb-python's wrann writes for custom labels: NOTEs at 0, then SKIP -1 and a NOTQRS word.
  Writer w;
  w.ann(22, 0);
  w.aux("## annotation type definitions");
  w.ann(22, 0);
  w.aux("42 Z zebra beat");
  w.ann(22, 0);
  w.aux("## end of definitions");
  w.skip(-1);
  w.ann(0, 1);
  w.ann(42, 100);
  w.ann(1, 50);
  w.ann(43, 50);
  w.end();
  const AnnotationFile f = parse_annotations(w.bytes);
  ASSERT_EQ(f.annotations.size(), 3u);
  EXPECT_EQ(f.annotations[0].sample, 100);
  EXPECT_EQ(f.annotations[0].symbol, "Z");
  EXPECT_EQ(f.custom_descriptions.at(42), "zebra beat");
  EXPECT_EQ(f.annotations[1].symbol, "N");
  EXPECT_EQ(f.annotations[2].symbol, "[43]");
}

TEST(Annotations, KeepsOrdinaryNotesAtSampleZero) {
  Writer w;
  w.ann(22, 0);
  w.aux("gqrs -r 100");
  w.ann(1, 64);
  w.end();
  const AnnotationFile f = parse_annotations(w.bytes);
  ASSERT_EQ(f.annotations.size(), 2u);
  EXPECT_EQ(f.annotations[0].aux, "gqrs -r 100");
}

TEST(Annotations, TruncatedOrOversizedFilesAreErrorsNamingTheSource) {
  Writer w;
  w.ann(1, 10);
  w.word(59u << 10);
  w.word(0);  // SKIP with half its interval
  try {
    parse_annotations(w.bytes, "x.atr");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x.atr: SKIP interval cut short"), std::string::npos) << e.what();
  }
  Writer a;
  a.ann(1, 10);
  a.word((63u << 10) | 20);
  a.bytes.push_back('(');
  EXPECT_THROW(parse_annotations(a.bytes, "y.atr"), Error);

  Limits small;
  small.max_file_bytes = 4;
  Writer big;
  for (int i = 0; i < 4; ++i) big.ann(1, 10);
  EXPECT_THROW(parse_annotations(big.bytes, "z.atr", small), Error);
}

TEST(Annotations, MissingEndOfFileIsAWarning) {
  Writer w;
  w.ann(1, 10);
  w.ann(1, 300);
  const AnnotationFile f = parse_annotations(w.bytes, "w.atr");
  EXPECT_EQ(f.annotations.size(), 2u);
  ASSERT_EQ(f.warnings.size(), 1u);
  EXPECT_NE(f.warnings[0].find("w.atr"), std::string::npos);
  EXPECT_TRUE(parse_annotations(Bytes{}).annotations.empty());
}

TEST(Annotations, CodeTablesAndAamiClasses) {
  EXPECT_EQ(annotation_symbol(1), "N");
  EXPECT_EQ(annotation_symbol(12), "/");
  EXPECT_EQ(annotation_symbol(15), "[15]");
  EXPECT_EQ(annotation_symbol(60), "[60]");
  EXPECT_EQ(annotation_description(5), "Premature ventricular contraction");
  const std::string beats = "NLRaVFJASEj/Qenfr?B";
  for (int code = 0; code <= anncode::kMaxCode; ++code) {
    const bool listed = beats.find(annotation_symbol(code)) != std::string::npos &&
                        annotation_symbol(code).size() == 1;
    EXPECT_EQ(is_beat_code(code), listed) << code;
  }
  EXPECT_EQ(aami_class(1), 'N');
  EXPECT_EQ(aami_class(11), 'N');  // j
  EXPECT_EQ(aami_class(4), 'S');   // a
  EXPECT_EQ(aami_class(7), 'S');   // J
  EXPECT_EQ(aami_class(10), 'V');  // E
  EXPECT_EQ(aami_class(6), 'F');
  EXPECT_EQ(aami_class(12), 'Q');  // paced
  EXPECT_EQ(aami_class(38), 'Q');  // f
  EXPECT_EQ(aami_class(28), 0);    // rhythm change
  EXPECT_EQ(aami_class(31), 0);    // flutter wave
}

TEST(Annotations, FixtureMatchesRdann) {
  const AnnotationFile f = read_annotations_file(fixture("annotations/12726"), "anI");
  EXPECT_EQ(full_lines(f), rdann_as_full_lines(read_text(fixture("annotations/12726.anI.rdann"))));
  EXPECT_EQ(f.annotations.at(0).chan, 255);  // CHN 1023 stored in an unsigned char
}

TEST(Annotations, MitdbExcerptMatchesItsSource) {
  const AnnotationFile f = read_annotations_file(fixture("mitdb/205_20s.hea"), "atr");
  EXPECT_EQ(full_lines(f), read_text(fixture("mitdb/205_20s.expected")));
}

TEST(Annotations, MissingFileOrBadAnnotatorNameIsAnError) {
  EXPECT_THROW(read_annotations_file(fixture("mitdb/205_20s"), "nope"), Error);
  const std::string message = ecglite::test::error_of([] { read_annotations_file(fixture("mitdb/205_20s"), "nope"); });
  EXPECT_NE(message.find("205_20s.nope: no such annotation file (No such file or directory; annotator 'nope'"),
            std::string::npos) << message;
  EXPECT_EQ(message.find("signal files"), std::string::npos) << message;
  EXPECT_THROW(read_annotations_file(fixture("mitdb/205_20s"), "../x"), Error);
}

TEST(Annotations, CliPrintsSampleSymbolAux) {
  auto r = run_cli("ann " + fixture("mitdb/205_20s") + " atr");
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::string first, second;
  std::getline(in, first);
  std::getline(in, second);
  EXPECT_EQ(first, "0\t+\t(N");
  EXPECT_EQ(second, "196\tN\t");
  auto full = run_cli("ann " + fixture("mitdb/205_20s") + " atr --full");
  EXPECT_EQ(full.out, read_text(fixture("mitdb/205_20s.expected")));
  auto bad = run_cli("ann " + fixture("mitdb/205_20s"));
  EXPECT_EQ(bad.status, 2);  // a usage error
  EXPECT_NE(bad.err.find("usage: ecglite ann"), std::string::npos);
}

TEST(Annotations, WfdbSamplesMatchRdann) {
  ECGLITE_REQUIRE_DATA("wfdb-samples");
  const std::string root = data_dir() + "/wfdb-samples/";
  const struct {
    const char* record;
    const char* annotator;
    const char* target;
  } cases[] = {{"100", "atr", "ann-1"}, {"12726", "anI", "ann-2"}, {"1003", "atr", "ann-3"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    const AnnotationFile f = read_annotations_file(root + "sample-data/" + c.record, c.annotator);
    const std::string expected = rdann_as_full_lines(read_text(root + "target-output/" + c.target));
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(full_lines(f), expected);
  }
}

// The database's own "Table of beat types (entire records)" (mitdbdir/tables.htm): every count of
// every record, including flutter waves (!) and non-conducted P waves (x).
TEST(Annotations, MitdbBeatTablesForAll48Records) {
  ECGLITE_REQUIRE_DATA("mitdb/mitdbdir/tables.htm");
  const std::string html = read_text(data_dir() + "/mitdb/mitdbdir/tables.htm");
  const std::size_t begin = html.find("name=\"allbeats\"");
  const std::size_t end = html.find("name=\"allrhythms\"");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string table = html.substr(begin, end - begin);
  // Column symbols of the table (its header shows "." for N, "P" for /, "p" for x).
  const std::vector<std::string> columns = {"N", "L", "R", "A", "a", "J", "S", "V", "F",
                                            "!", "e", "j", "E", "/", "f", "x", "Q"};
  static const std::regex row_re(R"(<tr align=right><td align=center>(\d+)</td>(.*?)</tr>)");
  static const std::regex cell_re(R"(<td>([^<]*)</td>)");
  int records = 0;
  long long beats = 0;
  for (auto it = std::sregex_iterator(table.begin(), table.end(), row_re); it != std::sregex_iterator(); ++it) {
    const std::string record = (*it)[1];
    const std::string cells = (*it)[2];
    std::vector<long> expected;
    for (auto c = std::sregex_iterator(cells.begin(), cells.end(), cell_re); c != std::sregex_iterator(); ++c)
      expected.push_back((*c)[1] == "-" ? 0 : std::stol((*c)[1]));
    ASSERT_EQ(expected.size(), columns.size()) << record;
    const AnnotationFile f = read_annotations_file(data_dir() + "/mitdb/" + record, "atr");
    std::map<std::string, long> counts;
    for (const auto& a : f.annotations) {
      ++counts[a.symbol];
      beats += is_beat_code(a.code);
    }
    for (std::size_t k = 0; k < columns.size(); ++k)
      EXPECT_EQ(counts[columns[k]], expected[k]) << "record " << record << " symbol " << columns[k];
    ++records;
  }
  EXPECT_EQ(records, 48);
  EXPECT_EQ(beats, 109494);  // beat annotations over the 48 records
}
