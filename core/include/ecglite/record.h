// The one record model used by every stage after reading: named leads of physical samples at one
// sampling rate, plus the free-text comments of the source (PTB-XL/CinC keep age, sex, Dx there).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/clock_time.h"

namespace ecglite {

struct Lead {
  std::string name;            // as written in the source ("II", "aVR", "MLII", "V1", ...)
  std::string units;           // "mV", "uV", "NU" (unitless), "" when unknown
  std::vector<float> samples;  // physical values; NaN marks an invalid/missing sample
};

struct Record {
  std::string name;                   // record name (file stem) for messages
  double sampling_rate_hz = 0;        // samples per second of every lead
  std::vector<Lead> leads;            // all leads have the same length
  std::vector<std::string> comments;  // header comments / CSV preamble lines, without '#'
  std::vector<std::string> warnings;  // non-fatal findings of the reader (e.g. checksum mismatch)
  // Clock time of sample 0, when the file states a valid one (WFDB base time [and date], EDF start
  // date and time); a record read from the middle of a file starts later than the file.
  std::optional<ClockTime> start_time;

  std::size_t length() const { return leads.empty() ? 0 : leads[0].samples.size(); }
  double duration_s() const { return sampling_rate_hz > 0 ? length() / sampling_rate_hz : 0; }
};

}  // namespace ecglite
