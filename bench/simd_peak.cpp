// SIMD128 peak micro-benchmark: what one core can do at best with the instructions the EcgLite
// engine uses, measured by the same benchmark run that times the model, in the same runtime.
//
//   int8 MAC/s: i32x4.dot_i16x8_s (int8 values widened to int16, 8 multiply-accumulates per
//               instruction) + i32x4.add, register-blocked (R weight rows x C input columns of
//               accumulators, each load feeding several dot products), data resident in L1.
//   f32 FLOP/s: f32x4.mul + f32x4.add (SIMD128 has no fused multiply-add), same blocking.
//
// Each kernel returns a checksum (so nothing is optimised away); the JS side times calls and
// converts: MACs per call = reps * DEPTH * R * C, FLOPs = 2 * that for f32.
// Built by bench/run.mjs: em++ -O3 -msimd128 (see there).
#include <emscripten/emscripten.h>
#include <wasm_simd128.h>

#include <cstdint>

namespace {

constexpr int DEPTH = 512;  // dot-product length: 4 rows + 4 columns of int16 = 8 KB, well inside L1
alignas(16) std::int16_t w16[4][DEPTH];
alignas(16) std::int16_t x16[4][DEPTH];
alignas(16) float w32[4][DEPTH];
alignas(16) float x32[4][DEPTH];

// A compiler barrier per repetition: the data might have changed, so nothing is hoisted out of
// the repetition loop (the loads stay real loads from L1).
inline void barrier() { __asm__ volatile("" ::: "memory"); }

template <int R, int C>
std::int32_t int8_kernel(int reps) {
  v128_t acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = wasm_i32x4_splat(0);
  for (int rep = 0; rep < reps; ++rep) {
    barrier();
    for (int j = 0; j < DEPTH; j += 8) {
      v128_t x[C];
      for (int c = 0; c < C; ++c) x[c] = wasm_v128_load(&x16[c][j]);
      for (int r = 0; r < R; ++r) {
        const v128_t w = wasm_v128_load(&w16[r][j]);
        for (int c = 0; c < C; ++c) acc[r][c] = wasm_i32x4_add(acc[r][c], wasm_i32x4_dot_i16x8(w, x[c]));
      }
    }
  }
  v128_t s = wasm_i32x4_splat(0);
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) s = wasm_i32x4_add(s, acc[r][c]);
  return wasm_i32x4_extract_lane(s, 0) + wasm_i32x4_extract_lane(s, 1) + wasm_i32x4_extract_lane(s, 2) +
         wasm_i32x4_extract_lane(s, 3);
}

template <int R, int C>
float f32_kernel(int reps) {
  v128_t acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = wasm_f32x4_splat(0.0f);
  for (int rep = 0; rep < reps; ++rep) {
    barrier();
    for (int j = 0; j < DEPTH; j += 4) {
      v128_t x[C];
      for (int c = 0; c < C; ++c) x[c] = wasm_v128_load(&x32[c][j]);
      for (int r = 0; r < R; ++r) {
        const v128_t w = wasm_v128_load(&w32[r][j]);
        for (int c = 0; c < C; ++c) acc[r][c] = wasm_f32x4_add(acc[r][c], wasm_f32x4_mul(w, x[c]));
      }
    }
  }
  v128_t s = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) s = wasm_f32x4_add(s, acc[r][c]);
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) + wasm_f32x4_extract_lane(s, 2) +
         wasm_f32x4_extract_lane(s, 3);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int depth() { return DEPTH; }

// Small values so that no int32 accumulator overflows however long the run.
EMSCRIPTEN_KEEPALIVE void init() {
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < DEPTH; ++j) {
      w16[r][j] = static_cast<std::int16_t>((r * 7 + j * 3) % 5 - 2);
      x16[r][j] = static_cast<std::int16_t>((r * 5 + j) % 3 - 1);
      w32[r][j] = 1e-3f * static_cast<float>((r + j) % 7 - 3);
      x32[r][j] = 1e-3f * static_cast<float>((r * 3 + j) % 5 - 2);
    }
}

// MACs per call: reps * DEPTH * rows * cols.
EMSCRIPTEN_KEEPALIVE std::int32_t int8_4x2(int reps) { return int8_kernel<4, 2>(reps); }
EMSCRIPTEN_KEEPALIVE std::int32_t int8_3x3(int reps) { return int8_kernel<3, 3>(reps); }
EMSCRIPTEN_KEEPALIVE std::int32_t int8_2x4(int reps) { return int8_kernel<2, 4>(reps); }
EMSCRIPTEN_KEEPALIVE std::int32_t int8_4x3(int reps) { return int8_kernel<4, 3>(reps); }
// FLOPs per call: 2 * reps * DEPTH * rows * cols.
EMSCRIPTEN_KEEPALIVE float f32_4x2(int reps) { return f32_kernel<4, 2>(reps); }
EMSCRIPTEN_KEEPALIVE float f32_3x3(int reps) { return f32_kernel<3, 3>(reps); }
EMSCRIPTEN_KEEPALIVE float f32_2x4(int reps) { return f32_kernel<2, 4>(reps); }

}  // extern "C"
