// Where inference time goes: each conv layer of a model timed alone through the engine's own
// kernels (nn::conv_int8 / nn::conv_f32, SIMD and scalar), against the whole network
// (Model::logits_time_major). The difference is everything outside the conv kernels: input
// quantisation, centring/padding copies, pooling, adds, the classifier.
//
//   bench/profile-layers [MODEL.ecgm ...]      (builds this file natively and for wasm, runs both)
//
// The layers are packed from the model's own weights (nn::pack_conv_*), inputs are constant: the
// kernels' time does not depend on the values.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "../core/src/nn/nn_internal.h"
#include "ecglite/error.h"
#include "ecglite/model.h"

namespace {

using Clock = std::chrono::steady_clock;

// Median of `reps` timed batches of `inner` calls, in microseconds per call.
template <class F>
double time_us(F&& f, int inner, int reps = 31) {
  for (int i = 0; i < inner * 3; ++i) f();
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < inner; ++i) f();
    t.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / inner);
  }
  std::nth_element(t.begin(), t.begin() + reps / 2, t.end());
  return t[reps / 2];
}

int inner_for(double macs) { return std::max(1, static_cast<int>(2e6 / std::max(macs, 1.0))); }

#if defined(__wasm_simd128__)
// The SIMD-peak kernel of bench/simd_peak.cpp (linked in by bench/profile-layers), timed right
// after each layer so that both see the same machine state.
extern "C" void init();
extern "C" int depth();
extern "C" std::int32_t int8_2x4(int reps);
volatile std::int32_t g_sink;
double peak_gmacs() {
  static bool ready = false;
  if (!ready) init(), ready = true;
  const int reps = 200;
  return reps * depth() * 8.0 / time_us([&] { g_sink = int8_2x4(reps); }, 4, 15) / 1e3;
}
#else
double peak_gmacs() { return 0; }
#endif

void profile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ecglite::ModelInfo info;
  ecglite::nn::Graph graph;
  ecglite::nn::parse_model_file(bytes.data(), bytes.size(), &info, &graph);
  const ecglite::Model model = ecglite::Model::from_bytes(bytes);
  std::printf("\n%s: %s, %lld MACs per window of %d x %d\n", path, info.precision.c_str(),
              static_cast<long long>(info.macs_per_window), info.input_channels, info.input_length);
  {
    // bring every kernel to the optimising tier (wasm engines compile hot functions twice)
    std::vector<float> w(static_cast<std::size_t>(info.input_length) * info.input_channels, 0.5f);
    std::vector<float> o(info.class_names.size());
    const auto t0 = Clock::now();
    while (Clock::now() - t0 < std::chrono::milliseconds(300)) model.logits_time_major(w.data(), o.data());
  }
  std::printf("%-6s %5s %5s %3s %3s %5s %10s %10s %8s %10s %8s %8s\n", "node", "cin", "cout", "k", "s", "t_out", "MACs",
              "simd us", "GMAC/s", "scalar us", "GMAC/s", "peak");
  double conv_us = 0, conv_scalar_us = 0, macs_total = 0;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const ecglite::nn::Node& nd = graph.nodes[i];
    if (nd.op != ecglite::nn::Op::Conv) continue;
    const ecglite::nn::Node& src = graph.nodes[nd.a];
    const int depth = nd.kernel * nd.in_channels;
    const std::size_t padded = static_cast<std::size_t>(nd.pad_left) + src.length + nd.pad_right;
    const double macs = static_cast<double>(nd.length) * nd.channels * depth;
    double us = 0, us_scalar = 0;
    if (graph.int8) {
      const ecglite::nn::ConvInt8 c = ecglite::nn::pack_conv_int8(nd);
      std::vector<std::int16_t> x(padded * c.cin + c.row, 1);
      std::vector<std::uint8_t> y(static_cast<std::size_t>(nd.length) * c.cout);
      const int n = inner_for(macs);
      us = time_us([&] { ecglite::nn::conv_int8(c, x.data(), nd.length, y.data(), false); }, n);
      us_scalar = time_us([&] { ecglite::nn::conv_int8(c, x.data(), nd.length, y.data(), true); }, std::max(1, n / 8), 9);
    } else {
      const ecglite::nn::ConvF32 c = ecglite::nn::pack_conv_f32(nd);
      std::vector<float> x(padded * c.cin + c.row, 1.0f);
      std::vector<float> y(static_cast<std::size_t>(nd.length) * c.cout);
      const int n = inner_for(macs);
      us = time_us([&] { ecglite::nn::conv_f32(c, x.data(), nd.length, y.data(), false); }, n);
      us_scalar = time_us([&] { ecglite::nn::conv_f32(c, x.data(), nd.length, y.data(), true); }, std::max(1, n / 8), 9);
    }
    conv_us += us;
    conv_scalar_us += us_scalar;
    macs_total += macs;
    std::printf("%-6zu %5d %5d %3d %3d %5d %10.0f %10.1f %8.2f %10.1f %8.2f %8.2f\n", i, nd.in_channels, nd.channels,
                nd.kernel, nd.stride, nd.length, macs, us, macs / us / 1e3, us_scalar, macs / us_scalar / 1e3,
                peak_gmacs());
  }
  std::vector<float> window(static_cast<std::size_t>(info.input_length) * info.input_channels);
  for (std::size_t k = 0; k < window.size(); ++k) window[k] = static_cast<float>((k * 7919 % 200) - 100) / 50.0f;
  std::vector<float> out(info.class_names.size());
  const int n = inner_for(static_cast<double>(info.macs_per_window));
  const double whole = time_us([&] { model.logits_time_major(window.data(), out.data()); }, n);
  ecglite::set_scalar_kernels(true);
  const double whole_scalar = time_us([&] { model.logits_time_major(window.data(), out.data()); }, std::max(1, n / 8), 9);
  ecglite::set_scalar_kernels(false);
  std::printf("%-32s %10.0f %10.1f %8.2f %10.1f %8.2f\n", "sum of conv layers", macs_total, conv_us,
              macs_total / conv_us / 1e3, conv_scalar_us, macs_total / conv_scalar_us / 1e3);
  std::printf("%-32s %10.0f %10.1f %8.2f %10.1f %8.2f %8.2f\n", "whole window (logits_time_major)",
              static_cast<double>(info.macs_per_window), whole, info.macs_per_window / whole / 1e3, whole_scalar,
              info.macs_per_window / whole_scalar / 1e3, peak_gmacs());
  std::printf("outside the conv kernels: %.1f us per window (%.0f %% of the SIMD time)\n", whole - conv_us,
              100.0 * (whole - conv_us) / whole);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: profile_layers MODEL.ecgm...\n");
    return 2;
  }
  try {
    for (int i = 1; i < argc; ++i) profile(argv[i]);
  } catch (const ecglite::Error& e) {
    std::fprintf(stderr, "profile_layers: %s\n", e.what());
    return 1;
  }
  return 0;
}
