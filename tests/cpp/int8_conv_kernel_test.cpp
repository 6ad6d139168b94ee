// Correctness of the int8 conv kernel's packed weight layout and its 8-channel x 4-step blocking
// (introduced for speed, see bench/profile-layers) on awkward shapes: odd depths, channel counts that
// leave a partial block of 4 or 8, fewer time steps than a block, strides > 1. Both the SIMD and the
// scalar kernel must equal a direct evaluation of the convolution from the node's [cout][cin][k]
// weights, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "../../core/src/nn/nn_internal.h"
#include "../../core/src/nn/simd.h"

namespace {

using ecglite::nn::ConvInt8;
using ecglite::nn::Node;

std::vector<std::uint8_t> direct(const Node& nd, const std::vector<std::int16_t>& x, int t_out) {
  std::vector<std::uint8_t> y(static_cast<std::size_t>(t_out) * nd.channels);
  const int lo = nd.relu ? nd.out_zero_point : 0;
  for (int t = 0; t < t_out; ++t)
    for (int o = 0; o < nd.channels; ++o) {
      std::int32_t acc = nd.qbias[o];
      for (int ci = 0; ci < nd.in_channels; ++ci)
        for (int k = 0; k < nd.kernel; ++k)
          acc += nd.qweight[(static_cast<std::size_t>(o) * nd.in_channels + ci) * nd.kernel + k] *
                 x[(static_cast<std::size_t>(t) * nd.stride + k) * nd.in_channels + ci];
      float f = static_cast<float>(acc) * nd.multiplier[o];
      f = std::min(std::max(f, static_cast<float>(lo - nd.out_zero_point)), static_cast<float>(255 - nd.out_zero_point));
      y[static_cast<std::size_t>(t) * nd.channels + o] =
          static_cast<std::uint8_t>(static_cast<std::int32_t>(std::nearbyint(f)) + nd.out_zero_point);
    }
  return y;
}

TEST(Int8ConvKernel, SimdAndScalarEqualTheDirectConvolutionOnAwkwardShapes) {
#if defined(__x86_64__) || defined(__wasm_simd128__)
  // Else "SIMD" below would be the scalar kernel again, and its half of the test would prove nothing.
  ASSERT_EQ(ECGLITE_SIMD, 1) << "core/src/nn/simd.h found no vector instructions on this target";
#endif
  std::mt19937 rng(2024);
  std::uniform_int_distribution<int> w8(-127, 127), x8(-255, 255), zp(0, 40);
  // Outputs strictly inside the uint8 range: an output clamped to 0 or 255 would match a kernel
  // whose sums were wrong, so most outputs must not be clamped for the comparison to mean much (with
  // ReLU on half the shapes, about two thirds are not).
  std::size_t outputs = 0, unclamped = 0;
  for (int cin : {1, 3, 12, 13})
    for (int kernel : {1, 2, 5, 7})
      for (int stride : {1, 2, 3})
        for (int cout : {1, 4, 5, 8, 12, 13, 32})
          for (int t_out : {1, 3, 4, 9}) {
            Node nd;
            nd.op = ecglite::nn::Op::Conv;
            nd.channels = cout;
            nd.in_channels = cin;
            nd.kernel = kernel;
            nd.stride = stride;
            nd.length = t_out;
            nd.relu = (cout + t_out) % 2 == 0;
            nd.out_zero_point = zp(rng);
            for (int i = 0; i < cout * cin * kernel; ++i) nd.qweight.push_back(static_cast<std::int8_t>(w8(rng)));
            for (int o = 0; o < cout; ++o) {
              nd.qbias.push_back(static_cast<std::int32_t>(rng() % 20001) - 10000);
              nd.multiplier.push_back(1.0f / static_cast<float>(500 + rng() % 4000));
            }
            const ConvInt8 c = ecglite::nn::pack_conv_int8(nd);
            const int length = (t_out - 1) * stride + kernel;
            std::vector<std::int16_t> x(static_cast<std::size_t>(length) * cin + c.row, 0);  // + slack
            for (int i = 0; i < length * cin; ++i) x[i] = static_cast<std::int16_t>(x8(rng));
            const std::vector<std::uint8_t> want = direct(nd, x, t_out);
            outputs += want.size();
            const int lo = nd.relu ? nd.out_zero_point : 0;
            for (std::uint8_t v : want) unclamped += v > lo && v < 255;
            for (bool scalar : {false, true}) {
              std::vector<std::uint8_t> got(want.size(), 0xAB);
              ecglite::nn::conv_int8(c, x.data(), t_out, got.data(), scalar);
              ASSERT_EQ(got, want) << "cin " << cin << " k " << kernel << " stride " << stride << " cout " << cout
                                   << " t_out " << t_out << (scalar ? " scalar" : " simd");
            }
          }
  EXPECT_GT(unclamped, outputs / 2) << unclamped << " of " << outputs << " outputs are not clamped";
}

}  // namespace
