// int8 convolution: y[t][o] = requantize(bias[o] + sum_j w[o][j] * x[t*stride*cin + j]), the
// input slice being contiguous thanks to the time-major layout. Weights and the centred input
// are int16 so that one dot instruction (wasm i32x4.dot_i16x8 / SSE2 pmaddwd) does 8 MACs.
// Requantization is qnnpack's: float32(acc) * multiplier, rounded half to even, plus the zero
// point, clamped (clamping before rounding is equivalent: the bounds are integers).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "nn_internal.h"
#include "simd.h"

namespace ecglite::nn {
namespace {

void conv_int8_scalar(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y) {
  const int step = c.stride * c.cin;
  const float lo = static_cast<float>(c.out_min - c.out_zero_point);
  const float hi = static_cast<float>(c.out_max - c.out_zero_point);
  for (int t = 0; t < t_out; ++t) {
    const std::int16_t* xs = x + static_cast<std::size_t>(t) * step;
    std::uint8_t* yt = y + static_cast<std::size_t>(t) * c.cout;
    for (int o = 0; o < c.cout; ++o) {
      const std::int16_t* w = c.w.data() + static_cast<std::size_t>(o) * c.row;
      std::int32_t acc = 0;
      for (int j = 0; j < c.depth; ++j) acc += static_cast<std::int32_t>(w[j]) * xs[j];
      float f = static_cast<float>(acc + c.bias[o]) * c.multiplier[o];
      f = std::min(std::max(f, lo), hi);
      yt[o] = static_cast<std::uint8_t>(static_cast<std::int32_t>(std::nearbyint(f)) + c.out_zero_point);
    }
  }
}

#if ECGLITE_SIMD
using namespace simd;

struct Requant {
  vi bias;
  vf mult, lo, hi;
  vi zp;
  std::uint32_t apply(vi sums) const {
    vf f = mul_f(cvt_i32_f(add_i32(sums, bias)), mult);
    f = min_f(max_f(f, lo), hi);
    return pack_u8(add_i32(round_f_i32(f), zp));
  }
};

inline void store_bytes(std::uint8_t* dst, std::uint32_t packed, int n) {
  if (n >= 4) std::memcpy(dst, &packed, 4);
  else
    for (int i = 0; i < n; ++i) dst[i] = static_cast<std::uint8_t>(packed >> (8 * i));
}

// Four output channels at a time (the weight rows stay in registers/L1 while the input streams),
// two time steps per pass so that each weight load feeds two dot products.
void conv_int8_simd(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y) {
  const std::size_t step = static_cast<std::size_t>(c.stride) * c.cin;
  const int row = c.row;
  for (int o = 0; o < c.cout_padded; o += 4) {
    const std::int16_t* w0 = c.w.data() + static_cast<std::size_t>(o) * row;
    const std::int16_t* w1 = w0 + row;
    const std::int16_t* w2 = w1 + row;
    const std::int16_t* w3 = w2 + row;
    Requant rq;
    rq.bias = load_i(c.bias.data() + o);
    rq.mult = load_f(c.multiplier.data() + o);
    rq.lo = splat_f(static_cast<float>(c.out_min - c.out_zero_point));
    rq.hi = splat_f(static_cast<float>(c.out_max - c.out_zero_point));
    rq.zp = splat_i32(c.out_zero_point);
    const int n = std::min(4, c.cout - o);
    int t = 0;
    for (; t + 2 <= t_out; t += 2) {
      const std::int16_t* xa = x + t * step;
      const std::int16_t* xb = xa + step;
      vi a0 = zero_i(), a1 = zero_i(), a2 = zero_i(), a3 = zero_i();
      vi b0 = zero_i(), b1 = zero_i(), b2 = zero_i(), b3 = zero_i();
      for (int j = 0; j < row; j += 8) {
        const vi va = load_i(xa + j), vb = load_i(xb + j);
        vi w = load_i(w0 + j);
        a0 = add_i32(a0, dot_i16(w, va));
        b0 = add_i32(b0, dot_i16(w, vb));
        w = load_i(w1 + j);
        a1 = add_i32(a1, dot_i16(w, va));
        b1 = add_i32(b1, dot_i16(w, vb));
        w = load_i(w2 + j);
        a2 = add_i32(a2, dot_i16(w, va));
        b2 = add_i32(b2, dot_i16(w, vb));
        w = load_i(w3 + j);
        a3 = add_i32(a3, dot_i16(w, va));
        b3 = add_i32(b3, dot_i16(w, vb));
      }
      store_bytes(y + static_cast<std::size_t>(t) * c.cout + o, rq.apply(hsum4_i(a0, a1, a2, a3)), n);
      store_bytes(y + static_cast<std::size_t>(t + 1) * c.cout + o, rq.apply(hsum4_i(b0, b1, b2, b3)), n);
    }
    for (; t < t_out; ++t) {
      const std::int16_t* xa = x + t * step;
      vi a0 = zero_i(), a1 = zero_i(), a2 = zero_i(), a3 = zero_i();
      for (int j = 0; j < row; j += 8) {
        const vi va = load_i(xa + j);
        a0 = add_i32(a0, dot_i16(load_i(w0 + j), va));
        a1 = add_i32(a1, dot_i16(load_i(w1 + j), va));
        a2 = add_i32(a2, dot_i16(load_i(w2 + j), va));
        a3 = add_i32(a3, dot_i16(load_i(w3 + j), va));
      }
      store_bytes(y + static_cast<std::size_t>(t) * c.cout + o, rq.apply(hsum4_i(a0, a1, a2, a3)), n);
    }
  }
}
#endif

}  // namespace

void conv_int8(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y, bool scalar) {
#if ECGLITE_SIMD
  if (!scalar) return conv_int8_simd(c, x, t_out, y);
#endif
  (void)scalar;
  conv_int8_scalar(c, x, t_out, y);
}

}  // namespace ecglite::nn
