// .ecgm reader: every length, count and index is bounds-checked before use, so a truncated or
// hostile file yields an Error, never a crash or a huge allocation. Format: scripts/train/ecgm.py.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "ecglite/error.h"
#include "nn_internal.h"

namespace ecglite::nn {
namespace {

constexpr std::uint32_t kFormatVersion = 1;
constexpr std::uint64_t kMaxParameters = 16ull << 20;  // far above any model this app ships
constexpr int kMaxChannels = 4096;
constexpr int kMaxLength = 1 << 20;
constexpr std::uint32_t kMaxNodes = 4096;

[[noreturn]] void fail(const std::string& what) {
  throw Error(ErrorKind::bad_model,
              "invalid model file: " + what +
                  " (the file is damaged or was not written by scripts/train/ecgm.py; re-export it)");
}

class Cursor {
 public:
  Cursor(const std::uint8_t* p, std::size_t n, const char* where) : p_(p), n_(n), where_(where) {}
  std::size_t left() const { return n_ - pos_; }
  const std::uint8_t* take(std::uint64_t bytes) {
    if (bytes > left()) fail(std::string("truncated ") + where_);
    const std::uint8_t* r = p_ + pos_;
    pos_ += static_cast<std::size_t>(bytes);
    return r;
  }
  template <class T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof(T)), sizeof(T));  // little-endian hosts only (x86, wasm, arm)
    return v;
  }
  std::string str() {
    std::uint32_t n = get<std::uint32_t>();
    const std::uint8_t* s = take(n);
    return std::string(reinterpret_cast<const char*>(s), n);
  }
  template <class T>
  std::vector<T> array(std::uint64_t count) {
    if (count > left() / sizeof(T)) fail(std::string("truncated ") + where_);
    std::vector<T> v(static_cast<std::size_t>(count));
    if (count) std::memcpy(v.data(), take(count * sizeof(T)), count * sizeof(T));
    return v;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_, pos_ = 0;
  const char* where_;
};

struct InfoValue {
  int type = 0;
  std::string s;
  double d = 0;
  std::int64_t i = 0;
  std::vector<std::string> strs;
  std::vector<double> nums;
};

void parse_info(Cursor c, ModelInfo* info) {
  std::uint32_t entries = c.get<std::uint32_t>();
  std::vector<std::pair<std::string, InfoValue>> kv;
  for (std::uint32_t e = 0; e < entries; ++e) {
    std::pair<std::string, InfoValue> item;
    item.first = c.str();
    InfoValue& v = item.second;
    v.type = c.get<std::uint8_t>();
    switch (v.type) {
      case 1: v.s = c.str(); break;
      case 2: v.d = c.get<double>(); break;
      case 3: v.i = c.get<std::int64_t>(); break;
      case 4: {
        std::uint32_t n = c.get<std::uint32_t>();
        if (n > c.left() / 4) fail("truncated INFO section");
        for (std::uint32_t k = 0; k < n; ++k) v.strs.push_back(c.str());
        break;
      }
      case 5: v.nums = c.array<double>(c.get<std::uint32_t>()); break;
      default: fail("unknown value type " + std::to_string(v.type) + " for '" + item.first + "'");
    }
    kv.push_back(std::move(item));
  }
  auto find = [&](const char* key, int type, bool required) -> const InfoValue* {
    for (const auto& it : kv) {
      if (it.first != key) continue;
      if (it.second.type != type) fail(std::string("metadata '") + key + "' has the wrong type");
      return &it.second;
    }
    if (required) fail(std::string("metadata '") + key + "' is missing");
    return nullptr;
  };
  auto integer = [&](const char* key, std::int64_t lo, std::int64_t hi) {
    std::int64_t v = find(key, 3, true)->i;
    if (v < lo || v > hi) fail(std::string("metadata '") + key + "' = " + std::to_string(v) + " is out of range");
    return v;
  };
  auto real = [&](const char* key) {
    double v = find(key, 2, true)->d;
    if (!std::isfinite(v) || v <= 0) fail(std::string("metadata '") + key + "' must be a positive number");
    return v;
  };
  info->name = find("name", 1, true)->s;
  info->precision = find("precision", 1, true)->s;
  if (info->precision != "fp32" && info->precision != "int8")
    fail("precision '" + info->precision + "' (expected fp32 or int8)");
  if (auto* d = find("description", 1, false)) info->description = d->s;
  info->class_names = find("class_names", 4, true)->strs;
  info->class_descriptions = find("class_descriptions", 4, true)->strs;
  for (double t : find("thresholds", 5, true)->nums) info->thresholds.push_back(static_cast<float>(t));
  info->lead_names = find("lead_names", 4, true)->strs;
  info->input_channels = static_cast<int>(integer("input_channels", 1, 64));
  info->input_length = static_cast<int>(integer("input_length", 1, kMaxLength));
  info->window_stride = static_cast<int>(integer("window_stride", 1, kMaxLength));
  // Files written before the choice existed have no entry: they pooled by the maximum.
  if (auto* p = find("window_pooling", 1, false)) info->window_pooling = p->s;
  if (info->window_pooling != "max" && info->window_pooling != "mean")
    fail("window_pooling '" + info->window_pooling + "' (expected max or mean; a newer version of EcgLite may read it)");
  info->sampling_rate_hz = real("sampling_rate_hz");
  info->band_low_hz = real("band_low_hz");
  info->band_high_hz = real("band_high_hz");
  info->filter_order = static_cast<int>(integer("filter_order", 1, 10));
  // Files written before amplitudes were kept have no entry: they were trained on z-scored leads.
  info->amplitude = "z-score";
  if (auto* a = find("amplitude", 1, false)) info->amplitude = a->s;
  if (info->amplitude != "mV" && info->amplitude != "z-score")
    fail("amplitude '" + info->amplitude + "' (expected mV or z-score; a newer version of EcgLite may read it)");
  if (auto* h = find("head_inputs", 4, false)) {
    info->head_inputs = h->strs;
    for (double w : find("head_weights", 5, true)->nums) info->head_weights.push_back(static_cast<float>(w));
    for (double b : find("head_bias", 5, true)->nums) info->head_bias.push_back(static_cast<float>(b));
  }
  if (auto* p = find("parameters", 3, false)) info->parameters = p->i;
  if (auto* m = find("macs_per_window", 3, false)) info->macs_per_window = m->i;

  const std::size_t classes = info->class_names.size();
  if (classes == 0 || classes > 64) fail("it names " + std::to_string(classes) + " classes");
  if (info->class_descriptions.size() != classes || info->thresholds.size() != classes)
    fail("class names, descriptions and thresholds differ in number");
  for (float t : info->thresholds)
    if (!(t >= 0.0f && t <= 1.0f)) fail("a threshold is outside [0, 1]");
  if (info->lead_names.size() != static_cast<std::size_t>(info->input_channels))
    fail("lead_names does not have input_channels entries");
  if (!(info->band_low_hz < info->band_high_hz && info->band_high_hz < info->sampling_rate_hz / 2))
    fail("the band-pass settings are inconsistent with the sampling rate");
  const bool head = !info->head_bias.empty() || !info->head_weights.empty() || !info->head_inputs.empty();
  if (head && (info->head_weights.size() != classes * (classes + info->head_inputs.size()) ||
               info->head_bias.size() != classes))
    fail("the head's weights or bias do not match its inputs and the classes");
  for (float w : info->head_weights)
    if (!std::isfinite(w)) fail("a head weight is not a finite number");
  for (float b : info->head_bias)
    if (!std::isfinite(b)) fail("a head bias is not a finite number");
}

int out_length(int in, int k, int s, int pl, int pr) {
  long long span = static_cast<long long>(in) + pl + pr - k;
  return span < 0 ? 0 : static_cast<int>(span / s + 1);
}

void parse_graph(Cursor c, const ModelInfo& info, Graph* g) {
  g->int8 = info.precision == "int8";
  std::uint32_t count = c.get<std::uint32_t>();
  if (count < 2 || count > kMaxNodes) fail("it has " + std::to_string(count) + " layers");
  std::uint64_t params = 0;
  g->nodes.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string where = "layer " + std::to_string(i);
    Node n;
    std::uint8_t op = c.get<std::uint8_t>();
    n.relu = c.get<std::uint8_t>() != 0;
    c.get<std::uint16_t>();
    n.a = c.get<std::uint32_t>();
    n.b = c.get<std::uint32_t>();
    std::uint32_t ch = c.get<std::uint32_t>(), k = c.get<std::uint32_t>(), s = c.get<std::uint32_t>();
    std::uint32_t pl = c.get<std::uint32_t>(), pr = c.get<std::uint32_t>();
    n.out_scale = c.get<float>();
    n.out_zero_point = c.get<std::int32_t>();
    if (op > 5) fail(where + ": unknown operation " + std::to_string(op));
    n.op = static_cast<Op>(op);
    if ((i == 0) != (n.op == Op::Input)) fail(where + ": the input must be the first layer and only it");
    if (ch < 1 || ch > static_cast<std::uint32_t>(kMaxChannels)) fail(where + ": bad channel count");
    if (k > static_cast<std::uint32_t>(kMaxLength) || s > static_cast<std::uint32_t>(kMaxLength) ||
        pl > 4096 || pr > 4096)
      fail(where + ": kernel, stride or padding out of range");
    n.channels = static_cast<int>(ch);
    n.kernel = static_cast<int>(k);
    n.stride = static_cast<int>(s);
    n.pad_left = static_cast<int>(pl);
    n.pad_right = static_cast<int>(pr);
    if (n.relu && n.op != Op::Conv && n.op != Op::Add) fail(where + ": ReLU on a layer that cannot fuse it");
    if (n.op != Op::Input) {
      if (n.a >= i || (n.op == Op::Add && n.b >= i)) fail(where + ": reads a later layer");
    }
    const Node* in = n.op == Op::Input ? nullptr : &g->nodes[n.a];
    const bool quantized_tensor = g->int8 && n.op != Op::GlobalAvgPool && n.op != Op::Linear;
    if (quantized_tensor && n.op != Op::MaxPool) {
      if (!(std::isfinite(n.out_scale) && n.out_scale > 0) || n.out_zero_point < 0 || n.out_zero_point > 255)
        fail(where + ": invalid quantization of its output");
    }
    switch (n.op) {
      case Op::Input:
        if (n.channels != info.input_channels) fail("the input layer does not have input_channels channels");
        n.length = info.input_length;
        break;
      case Op::Conv: {
        if (in->length == 0) fail(where + ": convolution of a pooled vector");
        if (n.kernel < 1 || n.stride < 1) fail(where + ": kernel and stride must be positive");
        n.in_channels = in->channels;
        n.length = out_length(in->length, n.kernel, n.stride, n.pad_left, n.pad_right);
        if (n.length < 1) fail(where + ": output is empty for input_length " + std::to_string(info.input_length));
        const std::uint64_t w = static_cast<std::uint64_t>(n.channels) * n.in_channels * n.kernel;
        params += w + n.channels;
        if (params > kMaxParameters) fail("too many parameters");
        if (g->int8) {
          n.qweight = c.array<std::int8_t>(w);
          n.qbias = c.array<std::int32_t>(n.channels);
          n.weight_scale = c.array<float>(n.channels);
          n.multiplier = c.array<float>(n.channels);
          for (int o = 0; o < n.channels; ++o) {
            if (!(std::isfinite(n.multiplier[o]) && n.multiplier[o] > 0 && n.multiplier[o] < 256) ||
                !(std::isfinite(n.weight_scale[o]) && n.weight_scale[o] > 0))
              fail(where + ": invalid requantization scale");
          }
        } else {
          n.weight = c.array<float>(w);
          n.bias = c.array<float>(n.channels);
        }
        break;
      }
      case Op::MaxPool:
        if (in->length == 0) fail(where + ": max pooling of a pooled vector");
        if (n.kernel < 1 || n.stride < 1) fail(where + ": kernel and stride must be positive");
        if (n.channels != in->channels) fail(where + ": channel count differs from its input");
        n.length = out_length(in->length, n.kernel, n.stride, 0, 0);
        if (n.length < 1) fail(where + ": output is empty for input_length " + std::to_string(info.input_length));
        n.out_scale = in->out_scale;  // max pooling keeps the input's quantization
        n.out_zero_point = in->out_zero_point;
        break;
      case Op::Add: {
        const Node& b = g->nodes[n.b];
        if (in->length == 0 || in->length != b.length || in->channels != b.channels || n.channels != in->channels)
          fail(where + ": residual add of differently shaped tensors");
        n.length = in->length;
        if (g->int8) {
          n.add_a_multiplier = c.get<std::uint32_t>();
          n.add_b_multiplier = c.get<std::uint32_t>();
          n.add_shift = c.get<std::uint32_t>();
          if (n.add_shift < 13 || n.add_shift > 31 || n.add_a_multiplier >= (1u << 22) ||
              n.add_b_multiplier >= (1u << 22))
            fail(where + ": invalid residual-add quantization");
        }
        break;
      }
      case Op::GlobalAvgPool:
        if (in->length == 0) fail(where + ": pooling of a pooled vector");
        if (n.channels != in->channels) fail(where + ": channel count differs from its input");
        n.length = 0;
        break;
      case Op::Linear: {
        if (in->length != 0) fail(where + ": the classifier must follow global average pooling");
        n.in_channels = in->channels;
        const std::uint64_t w = static_cast<std::uint64_t>(n.channels) * n.in_channels;
        params += w + n.channels;
        if (params > kMaxParameters) fail("too many parameters");
        n.weight = c.array<float>(w);
        n.bias = c.array<float>(n.channels);
        break;
      }
    }
    for (float v : n.weight)
      if (!std::isfinite(v)) fail(where + ": non-finite weight");
    for (float v : n.bias)
      if (!std::isfinite(v)) fail(where + ": non-finite bias");
    g->nodes.push_back(std::move(n));
  }
  if (c.left() != 0) fail("the layer section has " + std::to_string(c.left()) + " unexplained bytes");
  const Node& last = g->nodes.back();
  if (last.op != Op::Linear) fail("the network does not end with the classifier");
  if (static_cast<std::size_t>(last.channels) != info.class_names.size())
    fail("the classifier has " + std::to_string(last.channels) + " outputs for " +
         std::to_string(info.class_names.size()) + " class names");
  for (std::size_t i = 0; i + 1 < g->nodes.size(); ++i)
    if (g->nodes[i].op == Op::Linear) fail("only one classifier layer is supported, at the end");
}

}  // namespace

void parse_model_file(const std::uint8_t* data, std::size_t size, ModelInfo* info, Graph* graph) {
  if (size < 12 || std::memcmp(data, "ECGM", 4) != 0)
    throw Error(ErrorKind::bad_model,
                "not an EcgLite model file (an .ecgm file starts with 'ECGM'; use a file "
                "written by scripts/train/ecgm.py, e.g. models/student-int8.ecgm)");
  Cursor c(data, size, "file");
  c.take(4);
  std::uint32_t version = c.get<std::uint32_t>();
  if (version != kFormatVersion)
    throw Error(ErrorKind::bad_model, "model file format version " + std::to_string(version) +
                                          " is not supported by this version of EcgLite (it reads version " +
                                          std::to_string(kFormatVersion) +
                                          "; use a matching EcgLite or re-export the model)");
  std::uint32_t sections = c.get<std::uint32_t>();
  if (sections > 64) fail("too many sections");
  const std::uint8_t* info_p = nullptr;
  const std::uint8_t* graph_p = nullptr;
  std::size_t info_n = 0, graph_n = 0;
  for (std::uint32_t s = 0; s < sections; ++s) {
    char tag[4];
    std::memcpy(tag, c.take(4), 4);
    std::uint32_t n = c.get<std::uint32_t>();
    const std::uint8_t* p = c.take(n);
    if (!std::memcmp(tag, "INFO", 4)) info_p = p, info_n = n;
    else if (!std::memcmp(tag, "GRPH", 4)) graph_p = p, graph_n = n;
    // other sections: written by newer tools, safe to ignore
  }
  if (!info_p) fail("no INFO section");
  if (!graph_p) fail("no GRPH section");
  info->format_version = static_cast<int>(version);
  parse_info(Cursor(info_p, info_n, "INFO section"), info);
  parse_graph(Cursor(graph_p, graph_n, "GRPH section"), *info, graph);
  std::int64_t params = 0, macs = 0;
  for (const Node& n : graph->nodes) {
    if (n.op == Op::Conv) {
      params += static_cast<std::int64_t>(n.channels) * n.in_channels * n.kernel + n.channels;
      macs += static_cast<std::int64_t>(n.channels) * n.in_channels * n.kernel * n.length;
    } else if (n.op == Op::Linear) {
      params += static_cast<std::int64_t>(n.channels) * n.in_channels + n.channels;
      macs += static_cast<std::int64_t>(n.channels) * n.in_channels;
    }
  }
  info->parameters = params;  // derived from the graph itself, so it cannot disagree with it
  info->macs_per_window = macs;
}

}  // namespace ecglite::nn
