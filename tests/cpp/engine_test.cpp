// Golden tests of the network engine against PyTorch (fixtures from
// scripts/train/make_engine_fixtures.py): fp32 within 1e-4 of torch; int8 BIT-EXACT with the
// PyTorch qnnpack quantized reference on every quint8 code of the last quantized tensor, and
// logits within 1e-5 (the pooled fp32 head only reorders float sums).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/model.h"
#include "../../core/src/nn/testing.h"
#include "test_support.h"

using ecglite::Model;
using ecglite::test::fixture;

namespace {

template <class T>
std::vector<T> read_bin(const std::string& name) {
  std::ifstream in(fixture("model/" + name), std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<T> v(bytes.size() / sizeof(T));
  std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
  return v;
}

struct Fixture {
  int n = 0, c = 0, t = 0;
  std::vector<float> inputs, fp32, int8;
  std::vector<std::uint8_t> codes;
  Fixture() {
    std::istringstream meta(ecglite::test::read_text(fixture("model/expected_meta.txt")));
    meta >> n >> c >> t;
    inputs = read_bin<float>("inputs.f32");
    fp32 = read_bin<float>("expected_fp32.f32");
    int8 = read_bin<float>("expected_int8.f32");
    codes = read_bin<std::uint8_t>("expected_codes.u8");
  }
};

const Fixture& fx() {
  static Fixture f;
  return f;
}

struct ScalarKernels {
  explicit ScalarKernels(bool on) { ecglite::set_scalar_kernels(on); }
  ~ScalarKernels() { ecglite::set_scalar_kernels(false); }
};

}  // namespace

TEST(Engine, FixtureModelsLoadWithTheirMetadata) {
  Model m = Model::from_file(fixture("model/tiny-int8.ecgm"));
  const auto& info = m.info();
  EXPECT_EQ(info.precision, "int8");
  EXPECT_EQ(info.name, "tiny-int8");
  EXPECT_EQ(info.format_version, 1);
  EXPECT_EQ(info.input_channels, 12);
  EXPECT_EQ(info.input_length, 250);
  EXPECT_EQ(info.window_stride, 125);
  ASSERT_EQ(info.class_names.size(), 5u);
  EXPECT_EQ(info.class_names[1], "MI");
  EXPECT_EQ(info.class_descriptions[1], "Myocardial infarction");
  EXPECT_FLOAT_EQ(info.thresholds[4], 0.3f);
  EXPECT_EQ(info.lead_names[3], "aVR");
  EXPECT_DOUBLE_EQ(info.band_high_hz, 40);
  EXPECT_EQ(info.filter_order, 4);
  EXPECT_GT(info.parameters, 1000);
  EXPECT_GT(info.macs_per_window, info.parameters);
  EXPECT_EQ(Model::from_file(fixture("model/tiny-fp32.ecgm")).info().precision, "fp32");
}

TEST(Engine, Fp32MatchesTorchWithin1e4) {
  const Fixture& f = fx();
  Model m = Model::from_file(fixture("model/tiny-fp32.ecgm"));
  for (bool scalar : {false, true}) {
    ScalarKernels k(scalar);
    for (int i = 0; i < f.n; ++i) {
      auto y = m.logits(&f.inputs[i * 12 * 250]);
      ASSERT_EQ(y.size(), 5u);
      for (int j = 0; j < 5; ++j)
        EXPECT_NEAR(y[j], f.fp32[i * 5 + j], 1e-4 * std::max(1.0f, std::fabs(f.fp32[i * 5 + j])))
            << "window " << i << " class " << j << " scalar " << scalar;
    }
  }
}

TEST(Engine, Int8CodesBitExactWithPyTorchQnnpackReference) {
  const Fixture& f = fx();
  Model m = Model::from_file(fixture("model/tiny-int8.ecgm"));
  for (bool scalar : {false, true}) {
    ScalarKernels k(scalar);
    for (int i = 0; i < f.n; ++i) {
      auto codes = ecglite::ModelInternals::pooled_codes(m, &f.inputs[i * 12 * 250]);
      ASSERT_EQ(codes.size(), static_cast<std::size_t>(f.c * f.t));
      int mismatches = 0;
      for (std::size_t k2 = 0; k2 < codes.size(); ++k2) mismatches += codes[k2] != f.codes[i * f.c * f.t + k2];
      EXPECT_EQ(mismatches, 0) << "window " << i << " scalar " << scalar;
      auto y = m.logits(&f.inputs[i * 12 * 250]);
      for (int j = 0; j < 5; ++j) EXPECT_NEAR(y[j], f.int8[i * 5 + j], 1e-5) << "window " << i << " class " << j;
    }
  }
}

TEST(Engine, TimeMajorEntryPointEqualsChannelMajor) {
  const Fixture& f = fx();
  for (const char* name : {"model/tiny-int8.ecgm", "model/tiny-fp32.ecgm"}) {
    Model m = Model::from_file(fixture(name));
    std::vector<float> tm(12 * 250);
    for (int c = 0; c < 12; ++c)
      for (int t = 0; t < 250; ++t) tm[t * 12 + c] = f.inputs[c * 250 + t];
    std::vector<float> a(5);
    m.logits_time_major(tm.data(), a.data());
    auto b = m.logits(f.inputs.data());
    for (int j = 0; j < 5; ++j) EXPECT_EQ(a[j], b[j]) << name;
    auto p = m.probabilities(f.inputs.data());
    for (int j = 0; j < 5; ++j) EXPECT_NEAR(p[j], 1 / (1 + std::exp(-b[j])), 1e-6);
  }
}

TEST(Engine, SimdAndScalarKernelsGiveIdenticalIntegersOnRandomInputs) {
  Model m = Model::from_file(fixture("model/tiny-int8.ecgm"));
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0, 1.5f);
  std::vector<float> x(12 * 250);
  for (int trial = 0; trial < 20; ++trial) {
    for (float& v : x) v = nd(rng) * (trial % 4 + 1);
    std::vector<std::uint8_t> simd, scalar;
    {
      ScalarKernels k(false);
      simd = ecglite::ModelInternals::pooled_codes(m, x.data());
    }
    {
      ScalarKernels k(true);
      scalar = ecglite::ModelInternals::pooled_codes(m, x.data());
    }
    ASSERT_EQ(simd, scalar) << "trial " << trial;
  }
}

TEST(Engine, ConcurrentInferenceGivesTheSameResults) {
  const Fixture& f = fx();
  Model m = Model::from_file(fixture("model/tiny-int8.ecgm"));
  auto expected = m.logits(f.inputs.data());
  std::vector<int> bad(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 50; ++r)
        if (m.logits(f.inputs.data()) != expected) ++bad[t];
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad[0] + bad[1], 0);
}

TEST(Engine, AnEmptyModelIsAnErrorNotACrash) {
  Model m;
  std::vector<float> x(12 * 250, 0.0f);
  EXPECT_THROW(m.info(), ecglite::Error);
  EXPECT_THROW(m.logits(x.data()), ecglite::Error);
}
