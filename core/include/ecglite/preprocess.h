// Preprocessing: the single definition of what the network sees, shared by the CLI, the wasm module
// and the training pipeline (which calls `ecglite preprocess`). Each stage is a small pure function
// pinned down by golden data from scripts/reference/preprocess_reference.py (scipy).
//
//   Record -> map_to_standard_leads -> millivolts -> resample_to(100 Hz) -> bandpass_filtfilt -> windows
//
// Amplitudes stay in millivolts, so that voltage criteria (hypertrophy) and the relative size of the
// leads reach the network. Models trained before that (format without an `amplitude` entry) get the
// per-lead z-score they were trained with.
#pragma once
#include <string>
#include <vector>

#include "ecglite/record.h"

namespace ecglite {

// I, II, III, aVR, aVL, aVF, V1..V6: the order the models use.
const std::vector<std::string>& standard_lead_names();

// Canonical standard lead name for a source name ("lead ii" -> "II", "AVR" -> "aVR", "v1" -> "V1"),
// or "" when the name is not one of the 12 standard leads.
std::string canonical_lead_name(const std::string& name);

// How amplitudes reach the network.
enum class Amplitude {
  millivolts,  // band-passed signal in mV; leads without physical units are rescaled (see below)
  zscore,      // per-lead z-score: no amplitude information (the models before amplitudes were kept)
};

struct PreprocessOptions {
  Amplitude amplitude = Amplitude::millivolts;
  double target_rate_hz = 100;
  double band_low_hz = 0.5;
  double band_high_hz = 40;
  int filter_order = 4;         // Butterworth order of each edge (band-pass order 2*filter_order)
  int window_samples = 1000;    // 10 s at the target rate
  int min_samples = 250;        // shortest record accepted (2.5 s): the model's input length
  double min_source_rate_hz = 50;  // slowest record accepted: below it a QRS complex is 1-2 samples
};

// --- the stages, usable alone (and tested alone) ---

// Reorders leads to the standard 12 by name and derives missing limb leads from I and II
// (III = II - I, aVR = -(I+II)/2, aVL = I - II/2, aVF = II - I/2). Returns the 12 leads in
// standard order; `derived` receives the names of derived leads, `lead_ii_scale` the factor that
// expresses lead II in the units of lead I (1 when their units agree; uV and V are converted), which
// the derivation applies, `units` the units of each of the 12 (a derived lead has lead I's). Throws
// Error naming the missing leads when the 12 cannot be formed.
std::vector<std::vector<float>> map_to_standard_leads(const Record& record, std::vector<std::string>* derived,
                                                      double* lead_ii_scale = nullptr,
                                                      std::vector<std::string>* units = nullptr);

// Polyphase resampling with a Kaiser-windowed FIR anti-aliasing filter, equal to
// scipy.signal.resample_poly(x, up, down) with up/down = the reduced ratio of the two rates
// (128.5 -> 100 Hz: 200/257). A ratio without small terms (a measured 360.0072 Hz) is approximated
// by the closest fraction with up, down <= 10000. Same rate: a copy. Output length ceil(n*up/down).
std::vector<float> resample(const std::vector<float>& x, double from_hz, double to_hz);

// Zero-phase Butterworth band-pass, equal to scipy.signal.filtfilt(*butter(order, [low, high],
// 'band', fs=sampling_rate_hz), x) with its default odd padding (3 * (2*order + 1) samples), run as
// second-order sections (more accurate than filtfilt's b/a form above 250 Hz). Inputs not longer than
// the padding (which scipy rejects) are padded with n - 1 samples. Throws Error unless
// 0 < low < high < sampling_rate_hz / 2.
std::vector<float> bandpass_filtfilt(const std::vector<float>& x, double sampling_rate_hz, double low_hz,
                                     double high_hz, int order);

// True when a lead carries no signal: standard deviation below 1e-6 of its units (1 nV for mV),
// the rounding noise of the filters.
bool is_flat(const std::vector<float>& x);

// Millivolts per unit of a lead's stated units, in any case (CinC Challenge headers write "mv"):
// mV 1, uV (µV) 0.001, V 1000, also spelt out; "" (WFDB's default when a header names no unit)
// counts as mV. 0 for units that are not a voltage ("NU": unitless,
// as in z-scored exports), which carry no amplitude.
double millivolts_per_unit(const std::string& units);

// The typical standard deviation of each standard lead (I, II, ... V6) after the band-pass, in mV:
// the median over PTB-XL's training folds (scripts/train/lead_scale.py measures it). A lead
// without physical units is z-scored and multiplied by it, so that the network sees leads of
// typical size in their typical proportions; amplitude criteria cannot be judged for it.
const std::vector<double>& typical_lead_std_mv();

// Per-lead z-score (population standard deviation); a flat lead (std < 1e-6, i.e. nothing but
// rounding noise) becomes all zeros and false is returned. Expects finite samples (run
// fill_invalid first).
bool zscore(std::vector<float>& x);

// Marks as invalid (NaN) the few samples, at most 1 % of the lead, that lie more than
// kOutlierDeviations median absolute deviations from the lead's median: corrupt values (a 1e30 in a
// CSV export, a bit error), which would otherwise dominate the z-score and the QRS detector's
// threshold. Real ECG stays below ~250 (measured on PTB-XL and MIT-BIH). Returns how many were
// marked; run fill_invalid next.
constexpr double kOutlierDeviations = 10000;
std::size_t invalidate_outliers(std::vector<float>& x);

// Replaces NaN (and infinite) samples by linear interpolation between valid neighbours, as
// numpy.interp: a gap at either end takes the nearest valid value. Returns how many were replaced.
// A lead with no valid sample becomes all zeros.
std::size_t fill_invalid(std::vector<float>& x);

// invalidate_outliers, then fill_invalid: how every stage that filters a lead repairs it first.
struct LeadRepair {
  std::size_t outliers = 0;  // corrupt values marked invalid
  std::size_t filled = 0;    // invalid samples interpolated over (the outliers included)
};
LeadRepair repair_lead(std::vector<float>& x);

// --- the whole path ---

struct Prepared {
  double sampling_rate_hz = 0;         // the target rate
  std::size_t num_samples = 0;         // per lead, after resampling
  std::vector<std::vector<float>> leads;  // 12 leads in standard order
  std::vector<std::size_t> window_starts;  // 10 s windows covering the record (last may overlap)
  std::size_t window_length = 0;       // samples per window (shorter than 10 s for short records)
  std::vector<std::string> derived_leads;
  std::vector<std::string> adaptations;  // what was done, in words, for the user
  std::vector<std::string> warnings;     // what makes the result less reliable (no physical units)
};

// map_to_standard_leads -> repair_lead (measured leads; derived ones are recomputed from the
// repaired I and II) -> millivolts (Amplitude::millivolts) -> resample to target_rate_hz (none when
// the rate already is it) -> bandpass_filtfilt at the target rate -> per lead: kept in mV, or
// z-scored (Amplitude::zscore, and leads without physical units, then scaled to
// typical_lead_std_mv() with a warning). Windows: window_samples long from the
// start, plus one aligned to the end when a remainder exists; a record shorter than one window but
// at least min_samples long gets one window of its whole length. Throws Error for a
// record without leads or sampling rate, a rate below min_source_rate_hz, missing leads, or fewer
// than min_samples samples after resampling.
Prepared preprocess(const Record& record, const PreprocessOptions& options = {});

}  // namespace ecglite
