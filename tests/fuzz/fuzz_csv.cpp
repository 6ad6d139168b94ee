// libFuzzer target: the CSV reader. The first byte chooses the options (rate and units given or
// inferred); the rest is the file text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ecglite/csv.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const double kRates[] = {0, 500, 100, 0.5, 1e6, 360};
  static const char* const kUnits[] = {"", "mV", "uV", "\xC2\xB5V", "volts"};
  ecglite::CsvOptions options;
  options.sampling_rate_hz = kRates[data[0] % 6];
  options.units = kUnits[(data[0] / 6) % 5];
  options.limits = ecglite::fuzz::fuzz_limits();
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    const ecglite::Record r = ecglite::read_csv(text, options, "fuzz.csv");
    ecglite::fuzz::check_record(r, options.limits);
  } catch (const ecglite::Error&) {
  }
  return 0;
}
