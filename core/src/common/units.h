// Voltage unit spellings, one vocabulary for the CSV reader (which names a column's unit) and the
// preprocessing (which converts every lead to mV).
#pragma once
#include <string>

#include "text.h"

namespace ecglite::units {

// Millivolts per unit of `s`, in any case and spelt out or not ("mV", "mv" as CinC Challenge headers
// write it, "uV", "µV", "microvolts", "V", "volt"); 0 when `s` is not a voltage unit (or is empty).
inline double millivolts_per(const std::string& s) {
  const std::string u = text::lower(text::trim(s));
  if (u == "mv" || u == "millivolt" || u == "millivolts") return 1.0;
  if (u == "uv" || u == "\xC2\xB5v" || u == "\xCE\xBCv" || u == "microvolt" || u == "microvolts") return 1e-3;
  if (u == "v" || u == "volt" || u == "volts") return 1e3;
  return 0.0;
}

}  // namespace ecglite::units
