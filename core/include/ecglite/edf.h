// European Data Format: EDF, EDF+ (continuous EDF+C and discontinuous EDF+D) and BDF/BDF+ (24-bit),
// as written by Holter and sleep recorders and research devices. From memory (the browser) or from
// disk (the CLI). Physical values match EDFlib's (tests/cpp/edf_edflib_test.cpp).
//
// - Every signal has its own sampling rate (samples per data record / record duration). The Record
//   has one rate: the highest rate among its leads; slower leads are linearly interpolated to it (a
//   warning names them). WFDB's own answer, averaging to the frame rate, is not used: an EDF frame
//   is a whole data record (often 1 s), and averaging an ECG to 1 Hz destroys it.
// - EDF+D: each data record starts where its time-keeping annotation says; the time between records
//   is a gap of invalid samples (NaN in the Record, kInvalidSample in EdfRecord::digital), so the
//   record keeps its timeline and the analyses treat the gap as a stretch without signal.
// - `EDF Annotations` (`BDF Annotations`) signals are parsed into annotations (onset, duration, text),
//   never read as leads. Signals that are not ECG by their EDF+ type ("EEG Fpz-Cz", "Resp", "SpO2")
//   or by a dimension that is not a voltage ("%", "bpm", "degC") are decoded but left out of the
//   Record, with a warning naming them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ecglite/annotations.h"
#include "ecglite/clock_time.h"
#include "ecglite/limits.h"
#include "ecglite/record.h"
#include "ecglite/wfdb.h"

namespace ecglite {

// One signal of the header, its fields as written (text trimmed; Latin-1 bytes as UTF-8).
struct EdfSignalSpec {
  std::string label;               // "ECG II", "EEG Fpz-Cz", "EDF Annotations"
  std::string transducer;
  std::string physical_dimension;  // "uV", "mV", "%", "" ...
  double physical_min = 0, physical_max = 0;
  std::int32_t digital_min = 0, digital_max = 0;
  std::string prefilter;
  std::int64_t samples_per_record = 0;
  bool annotations = false;        // an "EDF Annotations" / "BDF Annotations" signal of EDF+/BDF+
};

struct EdfHeader {
  bool bdf = false;                // 24-bit samples (BioSemi), else 16-bit
  bool plus = false;               // EDF+ / BDF+ (the reserved field says "EDF+C", "EDF+D", ...)
  bool discontinuous = false;      // EDF+D / BDF+D
  std::string patient, recording; // the 80-character identification fields
  std::string start_date, start_time;  // "dd.mm.yy", "hh.mm.ss" as written
  std::int64_t header_bytes = 0;
  std::int64_t num_records = 0;    // as written; -1: unknown (then counted from the file size)
  double record_duration_s = 0;    // 0 only in files of annotations alone
  std::vector<EdfSignalSpec> signals;

  std::string format_name() const;  // "EDF", "EDF+C", "EDF+D", "BDF", "BDF+C", "BDF+D"
  // The start date and time as a clock time: hh.mm.ss on dd.mm.yy (yy 85-99: 19yy, 00-84: 20yy), or
  // on the 4-digit year of an EDF+ recording field "Startdate dd-MMM-yyyy ..." that agrees with it
  // (EDF+ writes "yy" in the header after 2084). A time that is not hh.mm.ss of a real time of day
  // gives none; a date that is not a real one, disagrees with the recording field or is "Startdate X"
  // (unknown) gives the time of day only. What was left out is said in `warnings`.
  std::optional<ClockTime> start_clock_time(std::vector<std::string>* warnings = nullptr) const;
  int bytes_per_sample() const { return bdf ? 3 : 2; }
  double sampling_rate_hz(std::size_t signal) const;  // 0 when the record duration is 0
};

struct EdfAnnotation {
  double onset_s = 0;                  // seconds from the start of the file (the header's start time)
  std::optional<double> duration_s;    // absent when the file gives none
  std::string text;                    // UTF-8
};

struct EdfRecord {
  EdfHeader header;
  std::string name;                                // file stem, for messages and Record::name
  std::int64_t num_records = 0;                    // data records read
  // [signal][sample] per header signal on the record's timeline (EDF+D gaps included, as
  // kInvalidSample); empty for annotation signals.
  std::vector<std::vector<std::int32_t>> digital;
  // Start of each data record in seconds from the start of the file: k x duration, or (EDF+) the
  // record's time-keeping annotation. Sample 0 of every signal is at record_onsets_s[0].
  std::vector<double> record_onsets_s;
  std::vector<EdfAnnotation> annotations;          // every annotation signal, in file order
  std::vector<std::string> warnings;

  // Physical value of one sample, computed as EDFlib does; NaN for kInvalidSample.
  double physical(std::size_t signal, std::int64_t sample) const;
  // True for signals read as ECG leads by to_record() (see the file comment).
  bool is_ecg_lead(std::size_t signal) const;
  // The common record model: the ECG leads at one rate, in mV/uV/V as the header says, the
  // identification fields as comments. Error (missing_leads) when the file has no ECG signal.
  Record to_record() const;
  // The annotations as WFDB shows its notes (code NOTE, the text as aux), at the samples of a record
  // at `sampling_rate_hz` whose sample 0 is record_onsets_s[0].
  std::vector<Annotation> wfdb_annotations(double sampling_rate_hz) const;
};

// Parses the header (the first 256 x (signals + 1) bytes). Throws Error (bad_header, unsupported_format
// for a file that is not EDF/BDF at all, limit for more than limits.max_signals signals) naming
// `source_name`.
EdfHeader parse_edf_header(const Bytes& bytes, const std::string& source_name = "EDF",
                           const Limits& limits = default_limits());

// Reads the whole file: header, samples, annotations. Sample counts (EDF+D gaps included) are checked
// against limits.max_total_samples before anything is allocated.
EdfRecord read_edf(const Bytes& bytes, const std::string& source_name = "EDF",
                   const Limits& limits = default_limits());

EdfRecord read_edf_file(const std::string& path, const Limits& limits = default_limits());

// .edf / .bdf in any case.
bool is_edf_path(const std::string& path);

}  // namespace ecglite
