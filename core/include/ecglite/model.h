// A trained network loaded from an .ecgm model file (written by scripts/train/ecgm.py and
// quantize.py, format described there): weights, int8 quantization parameters, layer graph, class
// names, thresholds chosen on validation, preprocessing settings and input length. Runs fp32 and
// int8 networks; int8 results equal PyTorch's quantized (qnnpack) reference exactly.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ecglite {

struct ModelInfo {
  std::string name;                     // e.g. "student-int8"
  std::string precision;                // "fp32" or "int8"
  int format_version = 0;
  int input_channels = 12;
  int input_length = 250;               // samples per inference window
  int window_stride = 125;              // sliding-window step within a 10 s window
  std::string window_pooling = "max";   // how the runs of one 10 s window combine: "max" or "mean" logit
  double sampling_rate_hz = 100;        // preprocessing settings the model was trained with
  double band_low_hz = 0.5, band_high_hz = 40;
  int filter_order = 4;                 // Butterworth order of each band edge
  std::string amplitude = "mV";         // "mV": leads in millivolts; "z-score": per-lead z-score
  std::vector<std::string> lead_names;  // input channel order
  std::vector<std::string> class_names;        // "NORM", "MI", ...
  std::vector<std::string> class_descriptions; // "Normal ECG", "Myocardial infarction", ...
  std::vector<float> thresholds;               // decision threshold per class
  std::int64_t parameters = 0;
  std::int64_t macs_per_window = 0;     // multiply-accumulates per inference window
  std::string description;              // provenance line from training
  // A head after the network (optional; rhythm models, rhythm_class.h): a recording's logits become
  // head_weights x [the network's mean logits, the named summaries of its RR intervals] + head_bias.
  std::vector<std::string> head_inputs;  // RR summary names, after the class logits
  std::vector<float> head_weights;       // [classes][classes + head_inputs], row-major
  std::vector<float> head_bias;          // [classes]
};

class Model {
 public:
  // Parses a model file. Throws Error for a file that is not an .ecgm, of an unsupported version,
  // or truncated.
  static Model from_bytes(const std::vector<std::uint8_t>& bytes);
  static Model from_file(const std::string& path);

  const ModelInfo& info() const;

  // One window: `input` is [input_channels][input_length] channel-major. Returns one logit per class.
  std::vector<float> logits(const float* input) const;
  // Sigmoid of logits (multi-label).
  std::vector<float> probabilities(const float* input) const;

  // The engine's native layout: `input` is [input_length][input_channels] time-major (a slice of
  // a time-major record is a window without copying); writes one logit per class to `out`.
  // Thread-safe; allocates nothing after the first call on a thread (a per-thread arena).
  void logits_time_major(const float* input, float* out) const;

 private:
  friend struct ModelInternals;  // hooks for tests and benchmarks (core/src/nn/testing.h)
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace ecglite
