// Internal representation of a parsed .ecgm graph and the kernels that run it. Tensors are
// time-major [T][C] so that a conv output at time t is a dot product of a weight row [K*Cin] with
// the contiguous input slice x[t*stride .. t*stride+K)[0..Cin).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ecglite/model.h"
#include "testing.h"  // the engine's hooks, for whatever reaches inside the engine (tests, bench/)

namespace ecglite::nn {

enum class Op : std::uint8_t { Input = 0, Conv = 1, MaxPool = 2, Add = 3, GlobalAvgPool = 4, Linear = 5 };

struct Node {
  Op op = Op::Input;
  bool relu = false;
  std::uint32_t a = 0, b = 0;  // input node indices (b: second addend)
  int channels = 0;            // output channels / features
  int in_channels = 0;
  int length = 0;              // output length for the model's input_length (0: a vector)
  int kernel = 0, stride = 0, pad_left = 0, pad_right = 0;
  float out_scale = 0;         // int8: quantization of this node's output
  std::int32_t out_zero_point = 0;
  // fp32 conv [C][Cin][K] / linear [C][Cin] (file order), bias [C]
  std::vector<float> weight, bias;
  // int8 conv
  std::vector<std::int8_t> qweight;
  std::vector<std::int32_t> qbias;
  std::vector<float> weight_scale, multiplier;
  // int8 add (qnnpack fixed point)
  std::uint32_t add_a_multiplier = 0, add_b_multiplier = 0, add_shift = 0;
};

struct Graph {
  bool int8 = false;
  std::vector<Node> nodes;
};

// Parses and validates a whole model file. Throws Error with a message that says what is wrong.
void parse_model_file(const std::uint8_t* data, std::size_t size, ModelInfo* info, Graph* graph);

// ---- kernels (kernels_int8.cpp, kernels_f32.cpp) ----

// int8 conv weights repacked for the kernels, depth index j = k*Cin + ci. For each block of 4
// output channels and each pair of depths (j, j+1), the 8 int16 values w[o..o+3][j..j+1] lie side
// by side: one dot (wasm i32x4.dot_i16x8 / SSE2 pmaddwd) of such a vector with the input pair
// broadcast gives the partial sums of 4 output channels, lane = channel, so the accumulators need
// no horizontal sums. Depth padded with zeros to a multiple of 2 (`row`), output channels to a
// multiple of 4.
// What both kernels' forms of a conv share: output channels padded to 4, weight rows of `row`
// values (depth = K*Cin, padded to the kernel's row multiple).
struct ConvShape {
  int cout = 0, cout_padded = 0, row = 0, depth = 0;
  int kernel = 0, stride = 0, cin = 0;
};
inline ConvShape conv_shape(const Node& conv, int row_multiple) {
  ConvShape c;
  c.cout = conv.channels;
  c.cout_padded = (conv.channels + 3) / 4 * 4;
  c.depth = conv.kernel * conv.in_channels;
  c.row = (c.depth + row_multiple - 1) / row_multiple * row_multiple;
  c.kernel = conv.kernel;
  c.stride = conv.stride;
  c.cin = conv.in_channels;
  return c;
}

struct ConvInt8 : ConvShape {
  std::vector<std::int16_t> w;        // [cout_padded / 4][row / 2][4][2]
  std::vector<std::int32_t> bias;     // [cout_padded]
  std::vector<float> multiplier;      // [cout_padded]
  std::int32_t out_zero_point = 0, out_min = 0, out_max = 255;
};

struct ConvF32 : ConvShape {
  bool relu = false;
  std::vector<float> w;     // [cout_padded][row], row a multiple of 4
  std::vector<float> bias;  // [cout_padded]
};

// The kernels' form of a conv node (weights repacked, channels padded).
ConvInt8 pack_conv_int8(const Node& conv);
ConvF32 pack_conv_f32(const Node& conv);

// x: centered (q - zero_point) padded input [T_padded][cin] plus >= row - depth slack values;
// y: [t_out][cout] quint8.
void conv_int8(const ConvInt8& c, const std::int16_t* x, int t_out, std::uint8_t* y, bool scalar);
void conv_f32(const ConvF32& c, const float* x, int t_out, float* y, bool scalar);

}  // namespace ecglite::nn
