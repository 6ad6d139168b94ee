// ECG CSV exports: lead-named columns (I, II, ..., V6; also "Lead I", "AVR", ...), optional time
// column, ',' ';' or tab delimiters, decimal commas, units from the header or an option, key-value
// preamble lines ("Sample Rate,512 hertz") as written by single-lead devices.
//
// Layout: ["# comment" and "key,value" preamble lines] [header row] [units row] data rows. The
// delimiter is detected (tab, then ';', then ','); decimal commas are read when the delimiter is ';'
// or tab (or inside a quoted cell). PhysioNet `rdsamp -c` exports ('quoted' names, a units row,
// clock times) are read too. Columns:
//   - leads: every numeric column that is not a time or index column, named as in the header
//     minus its unit ("II (mV)" -> "II"); unknown names are kept ("MLII", "ECG1"); without a header
//     "column N" (or the preamble's "Lead,..." value for a single column);
//   - time, never a lead: by name "time", "t", "Time (s)", "time_ms", "seconds", "ms", "Elapsed
//     time", "timestamp", "Phone timestamp" (any name with the word time/timestamp/datetime), or any
//     name with a time unit ("Zeit [s]", "sensor timestamp [ns]", "[ms]", "[us]"); by value, a column
//     under another name (or none) whose numbers increase on every one of at least 64 rows (epoch
//     milliseconds, a device's nanoseconds; a standard lead name or a voltage unit is believed, and a
//     count 1, 2, 3, ... is an index). Cells are numbers or clock times ("0:01.250", "2024-03-01T
//     10:15:02.123"; an ISO date makes the stamps continue past midnight). The first time column
//     whose stamps increase evenly gives the sampling rate: steps within 1 % of the mean plus the
//     written resolution (1 ms stamps at 360 Hz are fine), in the stated unit, else the largest of s,
//     ms, us, ns in which the steps mean at least 10 Hz (with a warning unless seconds). The rate is
//     snapped to a usual ECG rate (130 Hz: Polar H10) or the simplest decimal the resolution allows
//     (128.5 Hz stays 128.5). When no time column gives a rate and none is stated, the Error names
//     the column whose stamps stayed in order longest, and the row. Polar Sensor Logger files
//     ("Phone timestamp;sensor timestamp [ns];timestamp [ms];ecg [uV]") read as one lead in uV at
//     130 Hz: the phone's times repeat within a Bluetooth packet, the sensor's give the rate;
//   - index ("sample", "index", "#", or an unnamed first column 0, 1, 2, ...): ignored;
//   - text columns (annotations, markers): ignored with a warning.
// Sampling rate: CsvOptions::sampling_rate_hz, else a preamble line ("Sample Rate,512 hertz",
// "Sampling rate: 250 Hz", "fs=500"), else a time column, else an Error (kind needs_rate). A rate
// from two sources that disagree by more than 1 % is a warning.
// Units: kept as stated, not converted: Lead::units is CsvOptions::units if set, else the column's
// ("II (mV)", "I [uV]", "V1_uV", a units row), else a "Unit,µV" preamble line, else "mV"
// (µV/μV/uV are all reported as "uV"). Preprocessing z-scores every lead, so only the derivation of
// limb leads from I and II in different units cares, and it converts.
// Invalid cells: empty, NaN/NA/null and infinite cells become NaN samples (one warning with the
// count and the first position); preprocessing interpolates them. A row with every cell empty is
// skipped like a blank line. A word in a numeric column, a row with a different number of fields
// (ragged), binary or non-text data are Errors naming the line. A Latin-1 file is accepted
// (converted); other non-UTF-8 bytes are "not a CSV text file".
// Limits: file size, columns (max_signals) and rows x columns (max_total_samples) are checked
// before the sample arrays are allocated.
#pragma once
#include <string>

#include "ecglite/limits.h"
#include "ecglite/record.h"

namespace ecglite {

struct CsvOptions {
  double sampling_rate_hz = 0;  // 0: infer from a time column or a preamble line, else error
  std::string units;            // "mV", "uV" (also "µV"), "V": overrides the file; "" = from the
                                // file, else mV. Other values are an Error.
  Limits limits = default_limits();
};

Record read_csv(const std::string& text, const CsvOptions& options = {},
                const std::string& source_name = "CSV");

Record read_csv_file(const std::string& path, const CsvOptions& options = {});

}  // namespace ecglite
