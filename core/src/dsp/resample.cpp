// Polyphase resampling, the exact algorithm of scipy.signal.resample_poly(x, up, down) with its
// default window ('kaiser', 5.0) and zero padding: a firwin low-pass of 20 * max(up, down) + 1 taps
// at cutoff 1 / max(up, down) (relative to Nyquist), gain `up`, centred on each output sample.
// Cost O(N * taps / up) per output, nothing quadratic: a 30-min 360 Hz lead takes milliseconds.
#include <algorithm>
#include <cmath>
#include <limits>

#include "dsp_internal.h"
#include "../common/text.h"
#include "ecglite/error.h"
#include "ecglite/preprocess.h"

namespace ecglite {
namespace detail {

ResampleRatio resample_ratio(double from_hz, double to_hz) {
  if (!(from_hz > 0) || !(to_hz > 0) || !std::isfinite(from_hz) || !std::isfinite(to_hz))
    throw Error(ErrorKind::bad_argument, "cannot resample from " + text::format_number(from_hz) + " Hz to " +
                text::format_number(to_hz) + " Hz (both rates must be positive numbers)");
  // Continued-fraction convergents of to/from: the first one within 1e-9 is the exact ratio of
  // rates written with a few decimals (100/128.5 = 200/257); a rate with no small fraction (a
  // measured 360.0072 Hz) gets the closest convergent with bounded factors.
  const double r = to_hz / from_hz;
  std::int64_t p0 = 0, q0 = 1, p1 = 1, q1 = 0;
  double x = r;
  ResampleRatio best{1, 1};
  bool have = false;
  for (int iter = 0; iter < 64; ++iter) {
    const double a = std::floor(x);
    if (a > static_cast<double>(kMaxResampleFactor)) break;
    const std::int64_t ai = static_cast<std::int64_t>(a);
    const std::int64_t p2 = ai * p1 + p0, q2 = ai * q1 + q0;
    if (p2 > kMaxResampleFactor || q2 > kMaxResampleFactor) break;
    if (p2 > 0) {
      best = {p2, q2};
      have = true;
      if (std::fabs(static_cast<double>(p2) / q2 - r) <= 1e-9 * r) break;
    }
    p0 = p1, q0 = q1, p1 = p2, q1 = q2;
    const double frac = x - a;
    if (frac < 1e-12) break;
    x = 1 / frac;
  }
  if (!have)
    throw Error(ErrorKind::bad_argument, "cannot resample from " + text::format_number(from_hz) + " Hz to " +
                text::format_number(to_hz) + " Hz (the rate ratio is too extreme)");
  return best;
}

std::size_t resampled_length(std::size_t n, const ResampleRatio& ratio) {
  const std::uint64_t total = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(ratio.up);
  return static_cast<std::size_t>(total / ratio.down + (total % ratio.down != 0));
}

}  // namespace detail

namespace {

constexpr double kPi = 3.14159265358979323846;

// Modified Bessel function of the first kind, order 0 (power series; beta = 5 converges fast).
double bessel_i0(double x) {
  double sum = 1, term = 1;
  const double q = x * x / 4;
  for (int k = 1; k < 200; ++k) {
    term *= q / (static_cast<double>(k) * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

// scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta)) for a low-pass, scaled to unit DC
// gain, then multiplied by `gain` (resample_poly's h *= up).
std::vector<double> kaiser_lowpass(std::size_t numtaps, double cutoff, double beta, double gain) {
  std::vector<double> h(numtaps);
  const double alpha = 0.5 * (numtaps - 1);
  const double i0_beta = bessel_i0(beta);
  double sum = 0;
  for (std::size_t n = 0; n < numtaps; ++n) {
    const double m = n - alpha;
    const double arg = cutoff * m;
    const double sinc = arg == 0 ? 1.0 : std::sin(kPi * arg) / (kPi * arg);
    const double ratio = alpha > 0 ? m / alpha : 0;
    const double window = bessel_i0(beta * std::sqrt(std::max(0.0, 1 - ratio * ratio))) / i0_beta;
    h[n] = cutoff * sinc * window;
    sum += h[n];
  }
  for (double& v : h) v *= gain / sum;
  return h;
}

}  // namespace

std::vector<float> resample(const std::vector<float>& x, double from_hz, double to_hz) {
  const detail::ResampleRatio ratio = detail::resample_ratio(from_hz, to_hz);
  const std::int64_t up = ratio.up, down = ratio.down;
  if (up == 1 && down == 1) return x;
  const std::int64_t n_in = static_cast<std::int64_t>(x.size());
  const std::int64_t n_out = static_cast<std::int64_t>(detail::resampled_length(x.size(), ratio));
  const std::int64_t half_len = 10 * std::max(up, down);
  const std::int64_t taps = 2 * half_len + 1;
  const std::vector<double> h =
      kaiser_lowpass(static_cast<std::size_t>(taps), 1.0 / std::max(up, down), 5.0, up);

  // Output m is sum_i x[i] * h[m*down + half_len - i*up] (resample_poly's padding and trimming
  // reduce to exactly this centring). Taps of one phase r = pos mod up are h[r], h[r+up], ...
  // stored contiguously so that the inner loop walks memory in order.
  std::vector<std::int64_t> phase_start(up + 1, 0);
  for (std::int64_t r = 0; r < up; ++r) phase_start[r + 1] = phase_start[r] + (taps - r + up - 1) / up;
  std::vector<double> banks(static_cast<std::size_t>(phase_start[up]));
  for (std::int64_t r = 0; r < up; ++r)
    for (std::int64_t k = 0, j = r; j < taps; ++k, j += up) banks[phase_start[r] + k] = h[j];

  std::vector<float> y(static_cast<std::size_t>(n_out));
  for (std::int64_t m = 0; m < n_out; ++m) {
    const std::int64_t pos = m * down + half_len;
    const std::int64_t r = pos % up;
    const std::int64_t i0 = pos / up;  // x index paired with tap h[r]
    const double* bank = &banks[phase_start[r]];
    const std::int64_t len = phase_start[r + 1] - phase_start[r];
    // Tap k pairs with x[i0 - k]; keep 0 <= i0 - k < n_in (zeros outside, as resample_poly).
    const std::int64_t k_begin = std::max<std::int64_t>(0, i0 - (n_in - 1));
    const std::int64_t k_end = std::min<std::int64_t>(len, i0 + 1);
    double acc = 0;
    for (std::int64_t k = k_begin; k < k_end; ++k) acc += bank[k] * x[static_cast<std::size_t>(i0 - k)];
    y[static_cast<std::size_t>(m)] = static_cast<float>(acc);
  }
  return y;
}

}  // namespace ecglite
