// The whole preprocessing path: what the network sees, for the CLI, the wasm module and training.
//   standard leads (derive III, aVR, aVL, aVF) -> invalidate outliers, fill invalid samples ->
//   millivolts -> resample to 100 Hz -> band-pass 0.5-40 Hz (zero phase) -> 10 s windows
//   (the leads stay in mV; z-scored only for old models, or rescaled when a lead has no unit)
// Stages exchange float vectors; each stage computes in double internally.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "dsp_internal.h"
#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/limits.h"
#include "ecglite/preprocess.h"

namespace ecglite {
namespace {

using text::seconds;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

void check_options(const PreprocessOptions& o) {
  if (!(o.target_rate_hz > 0) || o.window_samples < 1 || o.min_samples < 1 ||
      o.min_samples > o.window_samples)
    throw Error(ErrorKind::bad_argument, "invalid preprocessing options (need target rate > 0 and "
                "1 <= min_samples <= window_samples)");
}

}  // namespace

Prepared preprocess(const Record& record, const PreprocessOptions& options) {
  check_options(options);
  const std::string& name = record.name;
  if (record.leads.empty()) throw Error(ErrorKind::missing_leads, "record " + name + " has no leads");
  if (!(record.sampling_rate_hz > 0) || !std::isfinite(record.sampling_rate_hz))
    throw Error(ErrorKind::needs_rate, "record " + name + " has no sampling rate");
  const double from_hz = record.sampling_rate_hz, to_hz = options.target_rate_hz;
  if (from_hz < options.min_source_rate_hz)
    throw Error(ErrorKind::limit, "record " + name + " is sampled at " + text::format_number(from_hz) +
                " Hz, too slowly for an ECG: at least " + text::format_number(options.min_source_rate_hz) +
                " Hz is needed (check the rate in the header, or the one given for a CSV file)");

  // Length check first: a record that is too short fails before any work is done.
  const detail::ResampleRatio ratio = detail::resample_ratio(from_hz, to_hz);
  const bool resampling = !(ratio.up == 1 && ratio.down == 1);
  const std::size_t n = detail::resampled_length(record.length(), ratio);
  const std::size_t window = static_cast<std::size_t>(options.window_samples);
  // Upsampling a very low rate could multiply the size; keep the output within the reader limits.
  if (static_cast<std::uint64_t>(n) * 12 > default_limits().max_total_samples)
    throw Error(ErrorKind::limit, "record " + name + " would have " + std::to_string(n) + " samples per lead at " +
                text::format_number(to_hz) + " Hz, more than the limit of " +
                std::to_string(default_limits().max_total_samples / 12) + " (split it into shorter records)");
  if (n < static_cast<std::size_t>(options.min_samples))
    throw Error(ErrorKind::limit, "record " + name + " is " + seconds(record.duration_s()) + " long and at least " +
                seconds(options.min_samples / to_hz) + " are needed (record a longer ECG)");

  Prepared out;
  out.sampling_rate_hz = to_hz;
  out.num_samples = n;
  double lead_ii_scale = 1;
  std::vector<std::string> units;
  out.leads = map_to_standard_leads(record, &out.derived_leads, &lead_ii_scale, &units);
  const bool keep_millivolts = options.amplitude == Amplitude::millivolts;
  const auto& names = standard_lead_names();

  // Repair the measured leads, then recompute the derived ones from the repaired I and II (their
  // NaNs are those of I and II and need no separate count).
  std::size_t filled = 0, outliers = 0;
  std::vector<std::string> empty_leads;
  for (std::size_t k = 0; k < 12; ++k) {
    bool is_derived = false;
    for (const auto& d : out.derived_leads) is_derived |= d == names[k];
    if (is_derived) continue;
    const LeadRepair repair = repair_lead(out.leads[k]);
    outliers += repair.outliers;
    filled += repair.filled;
    if (repair.filled == out.leads[k].size()) empty_leads.push_back(names[k]);
  }
  if (!out.derived_leads.empty()) detail::derive_limb_leads(out.leads, out.derived_leads, lead_ii_scale);

  std::vector<std::string> flat_leads;  // constant after filtering: no ECG in them
  std::vector<std::string> unitless_leads, unitless_units;
  for (std::size_t k = 0; k < 12; ++k) {
    auto& lead = out.leads[k];
    const double mv_per_unit = millivolts_per_unit(units[k]);
    const bool unitless = keep_millivolts && !(mv_per_unit > 0);
    if (keep_millivolts && !unitless && mv_per_unit != 1)
      for (float& v : lead) v = static_cast<float>(v * mv_per_unit);
    if (resampling) lead = resample(lead, from_hz, to_hz);
    lead = bandpass_filtfilt(lead, to_hz, options.band_low_hz, options.band_high_hz,
                             options.filter_order);
    const bool empty = std::find(empty_leads.begin(), empty_leads.end(), names[k]) != empty_leads.end();
    bool has_signal;
    if (keep_millivolts && !unitless) {
      has_signal = !is_flat(lead);
      if (!has_signal) std::fill(lead.begin(), lead.end(), 0.0f);
    } else {
      has_signal = zscore(lead);
    }
    if (!has_signal && !empty) flat_leads.push_back(names[k]);
    if (unitless) {
      unitless_leads.push_back(names[k]);
      if (std::find(unitless_units.begin(), unitless_units.end(), units[k]) == unitless_units.end())
        unitless_units.push_back(units[k]);
      const float typical = static_cast<float>(typical_lead_std_mv()[k]);
      for (float& v : lead) v *= typical;
    }
  }
  if (!unitless_leads.empty())
    out.warnings.push_back(
        (unitless_leads.size() == 12 ? std::string("all 12 leads carry")
         : unitless_leads.size() == 1 ? "lead " + unitless_leads[0] + " carries"
                                      : "leads " + join(unitless_leads) + " carry") +
        " no physical unit (" + join(unitless_units) + " is not mV, uV or V), so the ECG's voltages are "
        "unknown: each lead was scaled to the typical size of that lead, and amplitude-dependent findings "
        "(HYP above all) are unreliable");
  // The network answers even for zeros (a flat record came out "STTC, HYP"): no signal at all is
  // an error, a flat lead a note.
  if (flat_leads.size() + empty_leads.size() == 12)
    throw Error(ErrorKind::no_signal, "record " + name +
                                          " has no ECG signal: every lead is flat or invalid (disconnected "
                                          "electrodes, or an empty recording); nothing to classify");

  // Windows of 10 s from the start; a remainder gets one more window aligned to the end.
  if (n >= window) {
    out.window_length = window;
    for (std::size_t start = 0; start + window <= n; start += window) out.window_starts.push_back(start);
    if (n % window != 0) out.window_starts.push_back(n - window);
  } else {
    out.window_length = n;
    out.window_starts.push_back(0);
  }

  auto& notes = out.adaptations;
  if (resampling) {
    std::string note = "resampled from " + text::format_number(from_hz) + " Hz to " +
                       text::format_number(to_hz) + " Hz";
    const double exact = to_hz / from_hz, used = double(ratio.up) / double(ratio.down);
    if (std::fabs(used - exact) > 1e-9 * exact)
      note += " (rate ratio approximated as " + std::to_string(ratio.up) + "/" +
              std::to_string(ratio.down) + ", off by " +
              text::format_number(std::fabs(used / exact - 1) * 100) + "%)";
    notes.push_back(note);
    if (from_hz < 2 * options.band_high_hz)
      notes.push_back("the record's rate (" + text::format_number(from_hz) +
                      " Hz) cannot hold frequencies above " + text::format_number(from_hz / 2) +
                      " Hz that the model was trained with: results may be less reliable");
  }
  if (!out.derived_leads.empty())
    notes.push_back("derived " + join(out.derived_leads) + " from I and II");
  if (outliers > 0)
    notes.push_back(std::to_string(outliers) + " sample" + (outliers == 1 ? " lies" : "s lie") +
                    " impossibly far from the rest of " + (outliers == 1 ? "its" : "their") +
                    " lead (over " + text::format_number(kOutlierDeviations) +
                    " times the lead's median deviation): treated as invalid");
  if (filled > 0)
    notes.push_back("filled " + std::to_string(filled) + " invalid sample" + (filled == 1 ? "" : "s") +
                    " by interpolation");
  if (!empty_leads.empty())
    notes.push_back("lead" + std::string(empty_leads.size() == 1 ? " " : "s ") + join(empty_leads) +
                    (empty_leads.size() == 1 ? " had no valid samples and was set to zero"
                                              : " had no valid samples and were set to zero"));
  if (!flat_leads.empty())
    notes.push_back("lead" + std::string(flat_leads.size() == 1 ? " " : "s ") + join(flat_leads) +
                    (flat_leads.size() == 1 ? " is flat" : " are flat") +
                    " (no signal: a disconnected electrode?) and carr" + (flat_leads.size() == 1 ? "ies" : "y") +
                    " no information: results may be less reliable");
  const std::string window_text = seconds(window / to_hz);
  const std::size_t count = out.window_starts.size();
  if (n < window)
    notes.push_back("record of " + seconds(n / to_hz) + " is shorter than " + window_text +
                    ": analysed as one " + seconds(n / to_hz) + " window (the model was trained on " +
                    window_text + ")");
  else if (n == window)
    notes.push_back(window_text + " record: 1 window");
  else
    notes.push_back("record of " + seconds(n / to_hz) + ": " + std::to_string(count) +
                    " windows of " + window_text + (n % window ? ", last overlapping" : ""));
  return out;
}

}  // namespace ecglite
