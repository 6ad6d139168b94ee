// Model: loads an .ecgm file, repacks weights for the kernels, plans one arena for all
// activations, and runs fp32 or int8 inference. The int8 path reproduces PyTorch's qnnpack
// arithmetic (input quantization, conv requantization, fixed-point residual add) exactly.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "ecglite/error.h"
#include "ecglite/limits.h"
#include "ecglite/model.h"
#include "ecglite/read.h"
#include "nn_internal.h"
#include "testing.h"

namespace ecglite {

namespace {
std::atomic<bool> g_scalar{false};

std::size_t align64(std::size_t n) { return (n + 63) & ~static_cast<std::size_t>(63); }
[[noreturn]] void no_model() {
  throw Error(ErrorKind::bad_argument, "no model loaded (use Model::from_file or Model::from_bytes)");
}
}  // namespace

struct Model::Impl {
  ModelInfo info;
  nn::Graph graph;
  std::vector<nn::ConvInt8> conv8;    // indexed by node (empty for non-conv nodes)
  std::vector<nn::ConvF32> conv32;
  std::vector<std::size_t> offset;    // arena offset of each node's output
  std::size_t scratch = 0;            // padded conv input
  std::size_t stage = 0;              // channel-major -> time-major input staging
  std::size_t arena_bytes = 0;
  int pooled = -1;                    // the node the global average pool reads

  void plan();
  void run(const float* input_tc, float* out, unsigned char* arena, bool scalar) const;
};

void Model::Impl::plan() {
  const bool int8 = graph.int8;
  const std::size_t n = graph.nodes.size();
  conv8.resize(int8 ? n : 0);
  conv32.resize(int8 ? 0 : n);
  offset.resize(n);
  std::size_t at = 0, scratch_bytes = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const nn::Node& nd = graph.nodes[i];
    const std::size_t elems = nd.length ? static_cast<std::size_t>(nd.length) * nd.channels : nd.channels;
    const bool quantized = int8 && nd.op != nn::Op::GlobalAvgPool && nd.op != nn::Op::Linear;
    offset[i] = at;
    at += align64(elems * (quantized ? 1 : sizeof(float)));
    if (nd.op == nn::Op::GlobalAvgPool) {
      pooled = static_cast<int>(nd.a);
      scratch_bytes = std::max(scratch_bytes, static_cast<std::size_t>(nd.channels) * sizeof(double));
    }
    if (nd.op != nn::Op::Conv) continue;
    const nn::Node& in = graph.nodes[nd.a];
    const std::size_t padded_len = static_cast<std::size_t>(nd.pad_left) + in.length + nd.pad_right;
    if (int8) {
      conv8[i] = nn::pack_conv_int8(nd);
      const nn::ConvInt8& c = conv8[i];
      scratch_bytes = std::max(scratch_bytes, (padded_len * c.cin + c.row) * sizeof(std::int16_t));
    } else {
      conv32[i] = nn::pack_conv_f32(nd);
      const nn::ConvF32& c = conv32[i];
      scratch_bytes = std::max(scratch_bytes, (padded_len * c.cin + c.row) * sizeof(float));
    }
  }
  scratch = at;
  at += align64(scratch_bytes);
  stage = at;
  at += align64(static_cast<std::size_t>(info.input_length) * info.input_channels * sizeof(float));
  arena_bytes = at;
}

namespace {

// qnnpack's quantized add (pytorch_qnnp_add_quantize), element by element.
inline std::uint8_t add_q(std::uint8_t a, std::uint8_t b, std::uint32_t am, std::uint32_t bm,
                          std::int32_t zpp, std::int32_t mask, std::int32_t threshold, std::uint32_t shift,
                          std::int32_t zp, std::int32_t lo) {
  std::int32_t acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(zpp) + a * am + b * bm);
  const std::int32_t rem = (acc & mask) - static_cast<std::int32_t>(acc < 0);
  acc = (acc >> shift) + static_cast<std::int32_t>(rem > threshold);
  std::int32_t y = acc + zp;
  return static_cast<std::uint8_t>(std::min(std::max(y, lo), 255));
}

}  // namespace

void Model::Impl::run(const float* input, float* out, unsigned char* arena, bool scalar) const {
  const auto& nodes = graph.nodes;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const nn::Node& nd = nodes[i];
    unsigned char* dst = arena + offset[i];
    const nn::Node* in = i ? &nodes[nd.a] : nullptr;
    const unsigned char* src = i ? arena + offset[nd.a] : nullptr;
    const std::size_t count = static_cast<std::size_t>(nd.length) * nd.channels;
    switch (nd.op) {
      case nn::Op::Input:
        if (graph.int8) {
          // torch.quantize_per_tensor: zp + nearbyint(x * (1 / scale)), saturated to quint8
          const float inv = 1.0f / nd.out_scale;
          const float lo = static_cast<float>(-nd.out_zero_point), hi = static_cast<float>(255 - nd.out_zero_point);
          for (std::size_t k = 0; k < count; ++k) {
            float v = std::nearbyint(input[k] * inv);
            v = v >= lo ? (v <= hi ? v : hi) : lo;  // also maps NaN to the low end
            dst[k] = static_cast<std::uint8_t>(static_cast<std::int32_t>(v) + nd.out_zero_point);
          }
        } else {
          std::memcpy(dst, input, count * sizeof(float));
        }
        break;
      case nn::Op::Conv: {
        const std::size_t cin = in->channels;
        const std::size_t pre = static_cast<std::size_t>(nd.pad_left) * cin;
        const std::size_t body = static_cast<std::size_t>(in->length) * cin;
        if (graph.int8) {
          const nn::ConvInt8& c = conv8[i];
          auto* x = reinterpret_cast<std::int16_t*>(arena + scratch);
          const std::size_t post = static_cast<std::size_t>(nd.pad_right) * cin + c.row;
          // qnnpack pads with the input zero point, i.e. 0 once centred
          std::fill(x, x + pre, std::int16_t{0});
          const std::int16_t zp = static_cast<std::int16_t>(in->out_zero_point);
          for (std::size_t k = 0; k < body; ++k) x[pre + k] = static_cast<std::int16_t>(src[k] - zp);
          std::fill(x + pre + body, x + pre + body + post, std::int16_t{0});
          nn::conv_int8(c, x, nd.length, dst, scalar);
        } else {
          const nn::ConvF32& c = conv32[i];
          auto* x = reinterpret_cast<float*>(arena + scratch);
          const std::size_t post = static_cast<std::size_t>(nd.pad_right) * cin + c.row;
          std::fill(x, x + pre, 0.0f);
          std::memcpy(x + pre, src, body * sizeof(float));
          std::fill(x + pre + body, x + pre + body + post, 0.0f);
          nn::conv_f32(c, x, nd.length, reinterpret_cast<float*>(dst), scalar);
        }
        break;
      }
      case nn::Op::MaxPool: {
        const std::size_t ch = nd.channels;
        for (int t = 0; t < nd.length; ++t) {
          const std::size_t first = static_cast<std::size_t>(t) * nd.stride * ch;
          if (graph.int8) {
            std::uint8_t* y = dst + t * ch;
            std::memcpy(y, src + first, ch);
            for (int k = 1; k < nd.kernel; ++k) {
              const std::uint8_t* x = src + first + k * ch;
              for (std::size_t c = 0; c < ch; ++c) y[c] = std::max(y[c], x[c]);
            }
          } else {
            float* y = reinterpret_cast<float*>(dst) + t * ch;
            const float* xs = reinterpret_cast<const float*>(src) + first;
            std::memcpy(y, xs, ch * sizeof(float));
            for (int k = 1; k < nd.kernel; ++k)
              for (std::size_t c = 0; c < ch; ++c) y[c] = std::max(y[c], xs[k * ch + c]);
          }
        }
        break;
      }
      case nn::Op::Add: {
        const unsigned char* src_b = arena + offset[nd.b];
        if (graph.int8) {
          const std::uint32_t am = nd.add_a_multiplier, bm = nd.add_b_multiplier;
          const std::int32_t zpp = static_cast<std::int32_t>(
              0u - (am * static_cast<std::uint32_t>(in->out_zero_point) +
                    bm * static_cast<std::uint32_t>(nodes[nd.b].out_zero_point)));
          const std::int32_t mask = static_cast<std::int32_t>((1u << nd.add_shift) - 1u);
          const std::int32_t threshold = mask >> 1;
          const std::int32_t lo = nd.relu ? nd.out_zero_point : 0;
          for (std::size_t k = 0; k < count; ++k)
            dst[k] = add_q(src[k], src_b[k], am, bm, zpp, mask, threshold, nd.add_shift, nd.out_zero_point, lo);
        } else {
          const float* a = reinterpret_cast<const float*>(src);
          const float* b = reinterpret_cast<const float*>(src_b);
          float* y = reinterpret_cast<float*>(dst);
          for (std::size_t k = 0; k < count; ++k) y[k] = nd.relu ? std::max(a[k] + b[k], 0.0f) : a[k] + b[k];
        }
        break;
      }
      case nn::Op::GlobalAvgPool: {
        float* y = reinterpret_cast<float*>(dst);
        const std::size_t ch = nd.channels;
        const int len = in->length;
        if (graph.int8) {
          // dequantize-then-mean as the reference does, with an exact integer sum
          std::int32_t* sums = reinterpret_cast<std::int32_t*>(arena + scratch);
          std::fill(sums, sums + ch, 0);
          for (int t = 0; t < len; ++t)
            for (std::size_t c = 0; c < ch; ++c) sums[c] += src[t * ch + c];
          for (std::size_t c = 0; c < ch; ++c)
            y[c] = static_cast<float>((static_cast<double>(sums[c]) - static_cast<double>(len) * in->out_zero_point) /
                                      len * in->out_scale);
        } else {
          const float* x = reinterpret_cast<const float*>(src);
          double* sums = reinterpret_cast<double*>(arena + scratch);
          std::fill(sums, sums + ch, 0.0);
          for (int t = 0; t < len; ++t)
            for (std::size_t c = 0; c < ch; ++c) sums[c] += x[t * ch + c];
          for (std::size_t c = 0; c < ch; ++c) y[c] = static_cast<float>(sums[c] / len);
        }
        break;
      }
      case nn::Op::Linear: {
        const float* x = reinterpret_cast<const float*>(src);
        float* y = reinterpret_cast<float*>(dst);
        for (int o = 0; o < nd.channels; ++o) {
          double acc = nd.bias[o];
          const float* w = nd.weight.data() + static_cast<std::size_t>(o) * nd.in_channels;
          for (int k = 0; k < nd.in_channels; ++k) acc += static_cast<double>(w[k]) * x[k];
          y[o] = static_cast<float>(acc);
        }
        break;
      }
    }
  }
  std::memcpy(out, arena + offset.back(), nodes.back().channels * sizeof(float));
}

namespace {
// One arena per thread, grown to the largest model it has run: no allocation per inference.
unsigned char* thread_arena(std::size_t bytes) {
  thread_local std::vector<unsigned char> arena;
  if (arena.size() < bytes) arena.resize(bytes);
  return arena.data();
}
}  // namespace

Model Model::from_bytes(const std::vector<std::uint8_t>& bytes) {
  auto impl = std::make_shared<Impl>();
  nn::parse_model_file(bytes.data(), bytes.size(), &impl->info, &impl->graph);
  impl->plan();
  if (impl->arena_bytes > (256u << 20))
    throw Error(ErrorKind::bad_model, "invalid model file: its activations would need " +
                                          std::to_string(impl->arena_bytes >> 20) +
                                          " MiB (limit 256 MiB); the input length or layer widths are implausible");
  Model m;
  m.impl_ = std::move(impl);
  return m;
}

Model Model::from_file(const std::string& path) {
  FileWords words;
  words.missing = "cannot open model file (check the path)";
  const Bytes bytes = read_file(path, default_limits(), words);
  try {
    return from_bytes(bytes);
  } catch (const Error& e) {
    throw Error(e.kind(), path + ": " + e.what());
  }
}

const ModelInfo& Model::info() const {
  if (!impl_) no_model();
  return impl_->info;
}

void Model::logits_time_major(const float* input, float* out) const {
  if (!impl_) no_model();
  const Impl& m = *impl_;
  m.run(input, out, thread_arena(m.arena_bytes), g_scalar);
}

std::vector<float> Model::logits(const float* input) const {
  if (!impl_) no_model();
  const Impl& m = *impl_;
  unsigned char* arena = thread_arena(m.arena_bytes);
  float* staged = reinterpret_cast<float*>(arena + m.stage);
  const int c = m.info.input_channels, l = m.info.input_length;
  for (int ch = 0; ch < c; ++ch)
    for (int t = 0; t < l; ++t) staged[t * c + ch] = input[static_cast<std::size_t>(ch) * l + t];
  std::vector<float> out(m.graph.nodes.back().channels);
  m.run(staged, out.data(), arena, g_scalar);
  return out;
}

std::vector<float> Model::probabilities(const float* input) const {
  std::vector<float> p = logits(input);
  for (float& v : p) v = 1.0f / (1.0f + std::exp(-v));
  return p;
}

// --- hooks for tests and benchmarks (testing.h) ---

void set_scalar_kernels(bool scalar) { g_scalar = scalar; }
bool scalar_kernels() { return g_scalar; }

std::vector<std::uint8_t> ModelInternals::pooled_codes(const Model& model, const float* input) {
  if (!model.impl_) no_model();
  const Model::Impl& m = *model.impl_;
  if (!m.graph.int8 || m.pooled < 0) return {};
  model.logits(input);  // leaves every activation in this thread's arena
  const nn::Node& nd = m.graph.nodes[m.pooled];
  const unsigned char* codes = thread_arena(m.arena_bytes) + m.offset[m.pooled];
  std::vector<std::uint8_t> out(static_cast<std::size_t>(nd.channels) * nd.length);
  for (int c = 0; c < nd.channels; ++c)
    for (int t = 0; t < nd.length; ++t) out[static_cast<std::size_t>(c) * nd.length + t] = codes[t * nd.channels + c];
  return out;
}

}  // namespace ecglite
