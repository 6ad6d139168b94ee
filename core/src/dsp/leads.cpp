// Lead names and the mapping of a record's leads onto the 12 standard leads the models use.
#include <cctype>
#include <cmath>
#include <cstdio>

#include "dsp_internal.h"
#include "../common/units.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"

namespace ecglite {

const std::vector<std::string>& standard_lead_names() {
  static const std::vector<std::string> names = {"I",   "II", "III", "aVR", "aVL", "aVF",
                                                 "V1",  "V2", "V3",  "V4",  "V5",  "V6"};
  return names;
}

namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, std::char_traits<char>::length(prefix), prefix) == 0;
}

// For deriving limb leads from I and II written in different units; a unit that is not a voltage
// is assumed to be shared by both leads.
double lead_scale_mv(const std::string& units) {
  const double mv = millivolts_per_unit(units);
  return mv > 0 ? mv : 1.0;
}

}  // namespace

double millivolts_per_unit(const std::string& unit) {
  return unit.empty() ? 1.0 : units::millivolts_per(unit);  // WFDB: no unit given means mV
}

std::string canonical_lead_name(const std::string& name) {
  std::string s;
  for (unsigned char c : name) s += static_cast<char>(std::tolower(c));
  // Units in brackets are not part of the name: "II (mV)", "V1 [uV]".
  auto bracket = s.find_first_of("([");
  if (bracket != std::string::npos) s.erase(bracket);
  auto trim = [](std::string& t) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    std::size_t i = 0;
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    t.erase(0, i);
  };
  trim(s);
  // A leading minus is an inverted lead (e.g. "-aVR" in the Cabrera display): not a standard lead.
  if (s.empty() || s[0] == '-') return "";
  bool had_lead_prefix = false;
  for (const char* prefix : {"ecg", "ekg"}) {
    if (starts_with(s, prefix)) s.erase(0, 3);
  }
  std::string compact;
  for (char c : s)
    if (c != ' ' && c != '_' && c != '-' && c != '.' && c != ':') compact += c;
  if (starts_with(compact, "lead")) {
    compact.erase(0, 4);
    had_lead_prefix = true;
  }
  static const char* const kLower[] = {"i",  "ii", "iii", "avr", "avl", "avf",
                                       "v1", "v2", "v3",  "v4",  "v5",  "v6"};
  for (std::size_t k = 0; k < 12; ++k)
    if (compact == kLower[k]) return standard_lead_names()[k];
  // European notation DI, DII, DIII; "Lead 1".."Lead 3" (bare digits are too ambiguous).
  if (compact == "di") return "I";
  if (compact == "dii") return "II";
  if (compact == "diii") return "III";
  if (had_lead_prefix && compact == "1") return "I";
  if (had_lead_prefix && compact == "2") return "II";
  if (had_lead_prefix && compact == "3") return "III";
  return "";
}

namespace detail {

void derive_limb_leads(std::vector<std::vector<float>>& leads, const std::vector<std::string>& derived,
                       double lead_ii_scale) {
  const std::vector<float>& lead_i = leads[0];
  const std::vector<float>& lead_ii = leads[1];
  const std::size_t n = lead_i.size();
  for (const std::string& name : derived) {
    std::vector<float> out(n);
    // Einthoven (III = II - I) and Goldberger's augmented leads, computed in double.
    for (std::size_t t = 0; t < n; ++t) {
      const double a = lead_i[t], b = lead_ii_scale * lead_ii[t];
      double v;
      if (name == "III") v = b - a;
      else if (name == "aVR") v = -(a + b) / 2;
      else if (name == "aVL") v = a - b / 2;
      else v = b - a / 2;  // aVF
      out[t] = static_cast<float>(v);
    }
    if (name == "III") leads[2] = std::move(out);
    else if (name == "aVR") leads[3] = std::move(out);
    else if (name == "aVL") leads[4] = std::move(out);
    else leads[5] = std::move(out);
  }
}

}  // namespace detail

std::vector<std::vector<float>> map_to_standard_leads(const Record& record, std::vector<std::string>* derived,
                                                      double* lead_ii_scale, std::vector<std::string>* units) {
  const auto& names = standard_lead_names();
  std::vector<int> source(12, -1);
  for (std::size_t i = 0; i < record.leads.size(); ++i) {
    const std::string canonical = canonical_lead_name(record.leads[i].name);
    for (std::size_t k = 0; k < 12; ++k)
      if (canonical == names[k] && source[k] < 0) source[k] = static_cast<int>(i);  // first wins
  }

  std::vector<std::string> to_derive;
  if (source[0] >= 0 && source[1] >= 0)
    for (std::size_t k = 2; k < 6; ++k)
      if (source[k] < 0) to_derive.push_back(names[k]);

  std::vector<std::string> missing;
  for (std::size_t k = 0; k < 12; ++k) {
    const bool limb = k >= 2 && k < 6;  // derivable once I and II are there: not listed
    if (source[k] < 0 && !limb) missing.push_back(names[k]);
  }
  if (!missing.empty()) {
    std::string have, lack;
    for (const Lead& lead : record.leads) have += (have.empty() ? "" : ", ") + lead.name;
    for (const std::string& m : missing) lack += (lack.empty() ? "" : ", ") + m;
    throw Error(ErrorKind::missing_leads, "record " + record.name + " has " +
                (have.empty() ? std::string("no leads") : "leads " + have) + " (missing " + lack +
                "): the 12-lead model needs I, II, V1-V6 (III, aVR, aVL, aVF can be derived from "
                "I and II)");
  }

  std::vector<std::vector<float>> leads(12);
  for (std::size_t k = 0; k < 12; ++k)
    if (source[k] >= 0) leads[k] = record.leads[source[k]].samples;

  // Lead II in the units of lead I, so that the derived leads are consistent with lead I.
  const double scale = to_derive.empty() ? 1.0
                                         : lead_scale_mv(record.leads[source[1]].units) /
                                               lead_scale_mv(record.leads[source[0]].units);
  if (!to_derive.empty()) detail::derive_limb_leads(leads, to_derive, scale);
  if (derived) *derived = to_derive;
  if (lead_ii_scale) *lead_ii_scale = scale;
  if (units) {
    units->assign(12, record.leads[source[0]].units);  // derived leads are in lead I's units
    for (std::size_t k = 0; k < 12; ++k)
      if (source[k] >= 0) (*units)[k] = record.leads[source[k]].units;
  }
  return leads;
}

}  // namespace ecglite
