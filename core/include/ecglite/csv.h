// ECG CSV exports: lead-named columns (I, II, ..., V6; also "Lead I", "AVR", ...), optional time
// column, ',' ';' or tab delimiters, decimal commas, units from the header or an option, key-value
// preamble lines ("Sample Rate,512 hertz") as written by single-lead devices.
#pragma once
#include <string>

#include "ecglite/limits.h"
#include "ecglite/record.h"

namespace ecglite {

struct CsvOptions {
  double sampling_rate_hz = 0;  // 0: infer from a time column or a preamble line, else error
  std::string units;            // "mV", "uV" (also "µV"); "" = from the header, else mV
  Limits limits = default_limits();
};

Record read_csv(const std::string& text, const CsvOptions& options = {},
                const std::string& source_name = "CSV");

Record read_csv_file(const std::string& path, const CsvOptions& options = {});

}  // namespace ecglite
