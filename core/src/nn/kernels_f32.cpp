// fp32 convolution with the same layout and blocking as the int8 kernel (kernels_int8.cpp):
// each output is a dot product of a weight row with a contiguous time-major input slice.
#include <algorithm>

#include "nn_internal.h"
#include "simd.h"

namespace ecglite::nn {
namespace {

void conv_f32_scalar(const ConvF32& c, const float* x, int t_out, float* y) {
  const int step = c.stride * c.cin;
  for (int t = 0; t < t_out; ++t) {
    const float* xs = x + static_cast<std::size_t>(t) * step;
    float* yt = y + static_cast<std::size_t>(t) * c.cout;
    for (int o = 0; o < c.cout; ++o) {
      const float* w = c.w.data() + static_cast<std::size_t>(o) * c.row;
      float acc = 0;
      for (int j = 0; j < c.depth; ++j) acc += w[j] * xs[j];
      acc += c.bias[o];
      yt[o] = c.relu ? std::max(acc, 0.0f) : acc;
    }
  }
}

#if ECGLITE_SIMD
using namespace simd;

inline void store_n(float* dst, vf v, int n) {
  if (n >= 4) return store_f(dst, v);
  float tmp[4];
  store_f(tmp, v);
  std::copy(tmp, tmp + n, dst);
}

void conv_f32_simd(const ConvF32& c, const float* x, int t_out, float* y) {
  const std::size_t step = static_cast<std::size_t>(c.stride) * c.cin;
  const int row = c.row;
  for (int o = 0; o < c.cout_padded; o += 4) {
    const float* w0 = c.w.data() + static_cast<std::size_t>(o) * row;
    const float* w1 = w0 + row;
    const float* w2 = w1 + row;
    const float* w3 = w2 + row;
    const vf bias = load_f(c.bias.data() + o);
    const vf floor = c.relu ? zero_f() : splat_f(-3.0e38f);
    const int n = std::min(4, c.cout - o);
    int t = 0;
    for (; t + 2 <= t_out; t += 2) {
      const float* xa = x + t * step;
      const float* xb = xa + step;
      vf a0 = zero_f(), a1 = zero_f(), a2 = zero_f(), a3 = zero_f();
      vf b0 = zero_f(), b1 = zero_f(), b2 = zero_f(), b3 = zero_f();
      for (int j = 0; j < row; j += 4) {
        const vf va = load_f(xa + j), vb = load_f(xb + j);
        vf w = load_f(w0 + j);
        a0 = add_f(a0, mul_f(w, va));
        b0 = add_f(b0, mul_f(w, vb));
        w = load_f(w1 + j);
        a1 = add_f(a1, mul_f(w, va));
        b1 = add_f(b1, mul_f(w, vb));
        w = load_f(w2 + j);
        a2 = add_f(a2, mul_f(w, va));
        b2 = add_f(b2, mul_f(w, vb));
        w = load_f(w3 + j);
        a3 = add_f(a3, mul_f(w, va));
        b3 = add_f(b3, mul_f(w, vb));
      }
      store_n(y + static_cast<std::size_t>(t) * c.cout + o, max_f(add_f(hsum4_f(a0, a1, a2, a3), bias), floor), n);
      store_n(y + static_cast<std::size_t>(t + 1) * c.cout + o, max_f(add_f(hsum4_f(b0, b1, b2, b3), bias), floor), n);
    }
    for (; t < t_out; ++t) {
      const float* xa = x + t * step;
      vf a0 = zero_f(), a1 = zero_f(), a2 = zero_f(), a3 = zero_f();
      for (int j = 0; j < row; j += 4) {
        const vf va = load_f(xa + j);
        a0 = add_f(a0, mul_f(load_f(w0 + j), va));
        a1 = add_f(a1, mul_f(load_f(w1 + j), va));
        a2 = add_f(a2, mul_f(load_f(w2 + j), va));
        a3 = add_f(a3, mul_f(load_f(w3 + j), va));
      }
      store_n(y + static_cast<std::size_t>(t) * c.cout + o, max_f(add_f(hsum4_f(a0, a1, a2, a3), bias), floor), n);
    }
  }
}
#endif

}  // namespace

ConvF32 pack_conv_f32(const Node& nd) {
  ConvF32 c;
  static_cast<ConvShape&>(c) = conv_shape(nd, 4);
  c.relu = nd.relu;
  c.w.assign(static_cast<std::size_t>(c.cout_padded) * c.row, 0.0f);
  c.bias.assign(c.cout_padded, 0.0f);
  for (int o = 0; o < nd.channels; ++o) {
    for (int ci = 0; ci < nd.in_channels; ++ci)
      for (int k = 0; k < nd.kernel; ++k)
        c.w[static_cast<std::size_t>(o) * c.row + k * nd.in_channels + ci] =
            nd.weight[(static_cast<std::size_t>(o) * nd.in_channels + ci) * nd.kernel + k];
    c.bias[o] = nd.bias[o];
  }
  return c;
}

void conv_f32(const ConvF32& c, const float* x, int t_out, float* y, bool scalar) {
#if ECGLITE_SIMD
  if (!scalar) return conv_f32_simd(c, x, t_out, y);
#endif
  (void)scalar;
  conv_f32_scalar(c, x, t_out, y);
}

}  // namespace ecglite::nn
