// Hooks into the engine for tests and benchmarks, not part of the public API (core/include): they
// exist to check the engine against references and to time its kernels.
#pragma once
#include <cstdint>
#include <vector>

#include "ecglite/model.h"

namespace ecglite {

// Run the portable scalar kernels instead of the SIMD ones (wasm SIMD128 / x86 SSE2). Both give
// identical int8 results. Process-wide.
void set_scalar_kernels(bool scalar);
bool scalar_kernels();

// What Model keeps to itself, for the tests.
struct ModelInternals {
  // int8 models: the quint8 codes [channels][length] of the tensor that the global average pool
  // reads (the tests compare them with PyTorch's reference bit for bit). Empty for fp32 models.
  static std::vector<std::uint8_t> pooled_codes(const Model& model, const float* input);
};

}  // namespace ecglite
