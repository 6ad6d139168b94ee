// QRS (heartbeat) detection on records of any sampling rate (>= 50 Hz) and 1-12 leads. Its
// beat-by-beat evaluation against reference annotations (EC57) is in the eval library (qrs_eval.h).
//
// The detector (docs/QRS.md): per lead, a 5-15 Hz Butterworth band-pass (bandpass_filtfilt),
// derivative, square and a 100 ms moving-window integration; each lead's energy is scaled by a
// running level of its own QRS peaks and weighted down where it is noisy, and the leads are
// averaged. Peaks of that curve are accepted in time order against adaptive thresholds (medians of
// recent beat and noise peaks), with a 200 ms refractory period, a look-ahead that keeps the
// largest peak within it, T-wave rejection by slope within 360 ms, and search-back at half the
// threshold when no beat came for 1.66 average RR intervals.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "ecglite/record.h"

namespace ecglite {

struct QrsOptions {
  std::vector<int> leads;            // indices of the leads to use; empty: all (up to 12)
  double band_low_hz = 5;
  double band_high_hz = 15;          // below half the lowest accepted rate (kQrsMinRateHz)
  double integration_s = 0.10;       // moving-window integration length
  double refractory_s = 0.20;        // no second beat within this time
  double twave_window_s = 0.36;      // a peak this close to the last beat must be as steep as a QRS
  double threshold_fraction = 0.30;  // threshold = noise + fraction * (signal - noise)
  double searchback_rr = 1.66;       // search back after this many average RR intervals
};

// The lowest and the highest sampling rate detect_qrs accepts (no ECG is sampled faster than 1 MHz; a
// header's absurd rate must not turn the detector's windows into numbers of samples that overflow).
constexpr double kQrsMinRateHz = 50;
constexpr double kQrsMaxRateHz = 1e6;

// Sample indices of the detected beats, ascending. NaN samples are interpolated. Throws Error for a
// rate outside [kQrsMinRateHz, kQrsMaxRateHz], a lead index out of range or a record without leads.
std::vector<std::int64_t> detect_qrs(const Record& record, const QrsOptions& options = {});

// Intervals [first, last] of samples: stretches without signal (signal_gaps), or left out of a
// comparison (EC57 excludes ventricular flutter/fibrillation episodes, where beats are not annotated).
using SampleIntervals = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Stretches of at least `min_s` seconds in which none of `leads` (empty: all, up to 12) has a valid
// sample (electrodes off, a recorder's dropout): [first, last] samples, ascending. detect_qrs
// interpolates across them, so an RR interval that overlaps one was not measured: the rhythm
// summary and the beat features leave such intervals out.
SampleIntervals signal_gaps(const Record& record, const std::vector<int>& leads = {}, double min_s = 1.0);

// Whether [first, last] overlaps any interval of `intervals` (ascending).
bool overlaps_any(const SampleIntervals& intervals, std::int64_t first, std::int64_t last);

}  // namespace ecglite
