// A small EDF/EDF+/BDF writer for tests: the committed fixtures under tests/fixtures/edf/ are made by
// it (edf_test.cpp checks that they still are), and malformed variants are made by editing its
// fields. Written from the specification (https://www.edfplus.info/specs/), independently of the
// reader under test.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/wfdb.h"

namespace ecglite::test {

struct EdfTestSignal {
  std::string label;
  std::string dimension = "uV";
  std::string physical_min = "-3276.8", physical_max = "3276.7";
  std::string digital_min = "-32768", digital_max = "32767";
  std::int64_t samples_per_record = 1;
  std::vector<std::int32_t> samples;  // every data record's samples, in order
};

struct EdfTestTal {
  double onset_s = 0;
  std::optional<double> duration_s;
  std::vector<std::string> texts;
};

struct EdfTestFile {
  bool bdf = false;
  std::string reserved = "EDF+C";      // "" plain EDF, "24BIT" plain BDF, "EDF+D", "BDF+C", ...
  std::string patient = "X X X X", recording = "Startdate 01-JAN-2024 X X ecglite-test";
  std::string start_date = "01.01.24", start_time = "10.00.00";  // written as is
  std::string record_duration = "1";
  std::int64_t num_records = 0;        // written as is (-1 allowed)
  std::optional<std::string> header_bytes;      // override of the header size field
  std::optional<std::string> num_records_text;  // override of the number of data records field
  std::vector<EdfTestSignal> signals;
  std::int64_t annotation_bytes = 0;   // per data record; 0: no annotation signal (plain EDF)
  std::vector<double> record_onsets;   // time-keeping onsets (EDF+); empty: k x duration
  std::vector<std::vector<EdfTestTal>> tals;  // per data record, after its time-keeping TAL

  Bytes bytes() const {
    const std::size_t ns = signals.size() + (annotation_bytes > 0 ? 1 : 0);
    std::string h;
    auto put = [&h](const std::string& value, std::size_t width) {
      std::string v = value.substr(0, width);
      h += v + std::string(width - v.size(), ' ');
    };
    if (bdf) {
      h += '\xFF';
      put("BIOSEMI", 7);
    } else {
      put("0", 8);
    }
    put(patient, 80);
    put(recording, 80);
    put(start_date, 8);
    put(start_time, 8);
    put(header_bytes.value_or(std::to_string(256 * (ns + 1))), 8);
    put(reserved, 44);
    put(num_records_text.value_or(std::to_string(num_records)), 8);
    put(record_duration, 8);
    put(std::to_string(ns), 4);
    const std::string annotation_label = bdf ? "BDF Annotations" : "EDF Annotations";
    const int bps = bdf ? 3 : 2;
    auto each = [&](auto field, std::size_t width, const std::string& annotation_value) {
      for (const EdfTestSignal& s : signals) put(field(s), width);
      if (annotation_bytes > 0) put(annotation_value, width);
    };
    const std::string annotation_spr = std::to_string((annotation_bytes + bps - 1) / bps);
    each([](const EdfTestSignal& s) { return s.label; }, 16, annotation_label);
    each([](const EdfTestSignal&) { return std::string(); }, 80, "");
    each([](const EdfTestSignal& s) { return s.dimension; }, 8, "");
    each([](const EdfTestSignal& s) { return s.physical_min; }, 8, "-1");
    each([](const EdfTestSignal& s) { return s.physical_max; }, 8, "1");
    each([](const EdfTestSignal& s) { return s.digital_min; }, 8, bdf ? "-8388608" : "-32768");
    each([](const EdfTestSignal& s) { return s.digital_max; }, 8, bdf ? "8388607" : "32767");
    each([](const EdfTestSignal&) { return std::string(); }, 80, "");
    each([](const EdfTestSignal& s) { return std::to_string(s.samples_per_record); }, 8, annotation_spr);
    each([](const EdfTestSignal&) { return std::string(); }, 32, "");

    Bytes out(h.begin(), h.end());
    const double duration = std::atof(record_duration.c_str());
    for (std::int64_t k = 0; k < num_records; ++k) {
      for (const EdfTestSignal& s : signals)
        for (std::int64_t j = 0; j < s.samples_per_record; ++j) {
          const std::size_t i = static_cast<std::size_t>(k * s.samples_per_record + j);
          const std::int32_t v = i < s.samples.size() ? s.samples[i] : 0;
          for (int b = 0; b < bps; ++b) out.push_back(static_cast<std::uint8_t>((static_cast<std::uint32_t>(v) >> (8 * b)) & 0xFF));
        }
      if (annotation_bytes > 0) {
        const double onset = k < static_cast<std::int64_t>(record_onsets.size()) ? record_onsets[k] : k * duration;
        std::string a = "+" + number(onset) + "\x14\x14";
        a += '\0';
        if (k < static_cast<std::int64_t>(tals.size()))
          for (const EdfTestTal& t : tals[k]) {
            a += (t.onset_s < 0 ? "-" : "+") + number(std::abs(t.onset_s));
            if (t.duration_s) a += "\x15" + number(*t.duration_s);
            a += "\x14";
            for (const std::string& text : t.texts) a += text + "\x14";
            a += '\0';
          }
        const std::size_t size = static_cast<std::size_t>(std::stoll(annotation_spr) * bps);
        a.resize(size, '\0');  // a test that overfills it gets a truncated (malformed) list
        out.insert(out.end(), a.begin(), a.end());
      }
    }
    return out;
  }

  static std::string number(double v) {
    char s[32];
    std::snprintf(s, sizeof s, "%.10g", v);
    return s;
  }
};

// The committed fixtures (tests/fixtures/edf/), by file name.
inline EdfTestFile edf_fixture(const std::string& name) {
  EdfTestFile f;
  const double pi = 3.14159265358979323846;
  if (name == "two-rates.edf") {
    // EDF+C, 10 s: lead II at 250 Hz in uV, V1 at 125 Hz in mV, a respiration signal at 25 Hz (not an
    // ECG), annotations with and without a duration, one with a UTF-8 text.
    f.num_records = 10;
    f.annotation_bytes = 120;
    EdfTestSignal ii{"ECG II", "uV", "-3276.8", "3276.7", "-32768", "32767", 250, {}};
    EdfTestSignal v1{"ECG V1", "mV", "-5", "5", "-2048", "2047", 125, {}};
    EdfTestSignal resp{"Resp chest", "", "-100", "100", "-1000", "1000", 25, {}};
    for (int i = 0; i < 2500; ++i) {
      const double t = i / 250.0, beat = std::fmod(t, 0.8);
      ii.samples.push_back(static_cast<std::int32_t>(std::lround(10 * (1000 * std::exp(-std::pow((beat - 0.2) / 0.012, 2)) +
                                                                         150 * std::sin(2 * pi * 0.3 * t)))));
    }
    for (int i = 0; i < 1250; ++i) {
      const double t = i / 125.0, beat = std::fmod(t, 0.8);
      v1.samples.push_back(static_cast<std::int32_t>(std::lround(2047 / 5.0 * (-0.8 * std::exp(-std::pow((beat - 0.2) / 0.02, 2))))));
    }
    for (int i = 0; i < 250; ++i) resp.samples.push_back(static_cast<std::int32_t>(std::lround(800 * std::sin(2 * pi * 0.25 * i / 25.0))));
    f.signals = {ii, v1, resp};
    f.tals.resize(10);
    f.tals[0].push_back({0.5, std::nullopt, {"Recording starts"}});
    f.tals[2].push_back({2.5, 1.25, {"Arousal", "Movement"}});
    f.tals[7].push_back({7.04, 0, {"Lights off \xC2\xB5"}});
  } else if (name == "gaps.edf") {
    // EDF+D: four 1 s records of one 100 Hz lead at 0, 1, 3.5 and 4.5 s: a 1.5 s gap.
    f.reserved = "EDF+D";
    f.num_records = 4;
    f.annotation_bytes = 60;
    f.record_onsets = {0, 1, 3.5, 4.5};
    EdfTestSignal ii{"ECG II", "mV", "-10", "10", "-32768", "32767", 100, {}};
    for (int i = 0; i < 400; ++i) ii.samples.push_back((i * 37) % 2001 - 1000);
    f.signals = {ii};
    f.tals.resize(4);
    f.tals[2].push_back({3.6, 0.2, {"after the gap"}});
  } else if (name == "bdf24.bdf") {
    // Plain BDF, 24-bit: two 256 Hz leads over the whole digital range, 4 s.
    f.bdf = true;
    f.reserved = "24BIT";
    f.num_records = 2;
    f.record_duration = "2";
    EdfTestSignal i1{"I", "uV", "-262144", "262143", "-8388608", "8388607", 512, {}};
    EdfTestSignal i2{"II", "uV", "-262144", "262143", "-8388608", "8388607", 512, {}};
    for (int i = 0; i < 1024; ++i) {
      i1.samples.push_back(-8388608 + static_cast<std::int32_t>((static_cast<std::int64_t>(i) * 16383) % 16777216));
      i2.samples.push_back(static_cast<std::int32_t>(std::lround(300000 * std::sin(2 * pi * i / 256.0))));
    }
    i1.samples[0] = -8388608;
    i1.samples[1] = 8388607;
    f.signals = {i1, i2};
  }
  return f;
}

}  // namespace ecglite::test
