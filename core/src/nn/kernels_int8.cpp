// int8 convolution: y[t][o] = requantize(bias[o] + sum_j w[o][j] * x[t*stride*cin + j]), the
// input slice being contiguous thanks to the time-major layout. Weights and the centred input
// are int16 so that one dot instruction (wasm i32x4.dot_i16x8 / SSE2 pmaddwd) does 8 MACs: two
// depths for each of four output channels (the weight layout of ConvInt8), so that the lanes of
// an accumulator are output channels.
// Requantization is qnnpack's: float32(acc) * multiplier, rounded half to even, plus the zero
// point, clamped (clamping before rounding is equivalent: the bounds are integers).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "nn_internal.h"
#include "simd.h"

namespace ecglite::nn {
namespace {

// Where w[o][j] lives in ConvInt8::w (o, j >= 0: shifts and masks, cheap even in a browser's
// baseline compiler, which runs the packing at model load).
inline std::size_t weight_index(const ConvInt8& c, int o, int j) {
  const std::size_t uo = static_cast<std::size_t>(o), uj = static_cast<std::size_t>(j);
  return (uo >> 2) * static_cast<std::size_t>(c.row) * 4 + (uj >> 1) * 8 + (uo & 3) * 2 + (uj & 1);
}

void conv_int8_scalar(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y) {
  const int step = c.stride * c.cin;
  const float lo = static_cast<float>(c.out_min - c.out_zero_point);
  const float hi = static_cast<float>(c.out_max - c.out_zero_point);
  // one output channel's weights in depth order (a per-thread buffer: no allocation per call)
  thread_local std::vector<std::int16_t> w;
  w.resize(c.depth);
  for (int o = 0; o < c.cout; ++o) {
    for (int j = 0; j < c.depth; ++j) w[j] = c.w[weight_index(c, o, j)];
    for (int t = 0; t < t_out; ++t) {
      const std::int16_t* xs = x + static_cast<std::size_t>(t) * step;
      std::int32_t acc = 0;
      for (int j = 0; j < c.depth; ++j) acc += static_cast<std::int32_t>(w[j]) * xs[j];
      float f = static_cast<float>(acc + c.bias[o]) * c.multiplier[o];
      f = std::min(std::max(f, lo), hi);
      y[static_cast<std::size_t>(t) * c.cout + o] =
          static_cast<std::uint8_t>(static_cast<std::int32_t>(std::nearbyint(f)) + c.out_zero_point);
    }
  }
}

#if ECGLITE_SIMD
using namespace simd;

// Requantization of 4 output channels (one accumulator) to 4 bytes.
struct Requant {
  vi bias;
  vf mult, lo, hi;
  vi zp;
  Requant(const ConvInt8& c, int o)
      : bias(load_i(c.bias.data() + o)),
        mult(load_f(c.multiplier.data() + o)),
        lo(splat_f(static_cast<float>(c.out_min - c.out_zero_point))),
        hi(splat_f(static_cast<float>(c.out_max - c.out_zero_point))),
        zp(splat_i32(c.out_zero_point)) {}
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

// Eight output channels (two weight vectors) x four time steps per pass: every broadcast input
// pair feeds two dot products and every weight vector four, eight accumulators in registers. No
// horizontal sums, and no padding of the depth beyond a multiple of 2 (the first layer, 12 leads
// x 7 taps, has short rows where per-output overhead would dominate).
void conv_int8_simd(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y) {
  const std::size_t step = static_cast<std::size_t>(c.stride) * c.cin;
  const int pairs = c.row / 2;
  for (int o = 0; o < c.cout_padded; o += 8) {
    const bool two = o + 4 < c.cout_padded;  // else the second vector repeats the first, unstored
    const std::int16_t* wa = c.w.data() + static_cast<std::size_t>(o) * c.row;
    const std::int16_t* wb = two ? wa + 4 * static_cast<std::size_t>(c.row) : wa;
    const Requant ra(c, o), rb(c, two ? o + 4 : o);
    const int na = std::min(4, c.cout - o), nb = two ? std::min(4, c.cout - o - 4) : 0;
    auto store = [&](int t, vi a, vi b) {
      std::uint8_t* yt = y + static_cast<std::size_t>(t) * c.cout + o;
      store_bytes(yt, ra.apply(a), na);
      if (two) store_bytes(yt + 4, rb.apply(b), nb);
    };
    int t = 0;
    for (; t + 4 <= t_out; t += 4) {
      const std::int16_t* x0 = x + t * step;
      const std::int16_t* x1 = x0 + step;
      const std::int16_t* x2 = x1 + step;
      const std::int16_t* x3 = x2 + step;
      vi a0 = zero_i(), a1 = zero_i(), a2 = zero_i(), a3 = zero_i();
      vi b0 = zero_i(), b1 = zero_i(), b2 = zero_i(), b3 = zero_i();
      for (int k = 0; k < pairs; ++k) {
        const vi w0 = load_i(wa + 8 * k), w1 = load_i(wb + 8 * k);
        vi s = load_splat32_i(x0 + 2 * k);
        a0 = add_i32(a0, dot_i16(w0, s));
        b0 = add_i32(b0, dot_i16(w1, s));
        s = load_splat32_i(x1 + 2 * k);
        a1 = add_i32(a1, dot_i16(w0, s));
        b1 = add_i32(b1, dot_i16(w1, s));
        s = load_splat32_i(x2 + 2 * k);
        a2 = add_i32(a2, dot_i16(w0, s));
        b2 = add_i32(b2, dot_i16(w1, s));
        s = load_splat32_i(x3 + 2 * k);
        a3 = add_i32(a3, dot_i16(w0, s));
        b3 = add_i32(b3, dot_i16(w1, s));
      }
      store(t, a0, b0);
      store(t + 1, a1, b1);
      store(t + 2, a2, b2);
      store(t + 3, a3, b3);
    }
    for (; t < t_out; ++t) {
      const std::int16_t* x0 = x + t * step;
      vi a0 = zero_i(), b0 = zero_i();
      for (int k = 0; k < pairs; ++k) {
        const vi s = load_splat32_i(x0 + 2 * k);
        a0 = add_i32(a0, dot_i16(load_i(wa + 8 * k), s));
        b0 = add_i32(b0, dot_i16(load_i(wb + 8 * k), s));
      }
      store(t, a0, b0);
    }
  }
}
#endif

}  // namespace

ConvInt8 pack_conv_int8(const Node& nd) {
  ConvInt8 c;
  static_cast<ConvShape&>(c) = conv_shape(nd, 2);
  c.w.assign(static_cast<std::size_t>(c.cout_padded) * c.row, 0);
  c.bias.assign(c.cout_padded, 0);
  c.multiplier.assign(c.cout_padded, 1.0f);
  const std::int8_t* q = nd.qweight.data();  // [cout][cin][k], read in order
  for (int o = 0; o < nd.channels; ++o) {
    for (int ci = 0; ci < nd.in_channels; ++ci)
      for (int k = 0; k < nd.kernel; ++k) c.w[weight_index(c, o, k * nd.in_channels + ci)] = *q++;
    c.bias[o] = nd.qbias[o];
    c.multiplier[o] = nd.multiplier[o];
  }
  c.out_zero_point = nd.out_zero_point;
  c.out_min = nd.relu ? nd.out_zero_point : 0;
  c.out_max = 255;
  return c;
}

void conv_int8(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y, bool scalar) {
#if ECGLITE_SIMD
  if (!scalar) return conv_int8_simd(c, x, t_out, y);
#endif
  (void)scalar;
  conv_int8_scalar(c, x, t_out, y);
}

}  // namespace ecglite::nn
