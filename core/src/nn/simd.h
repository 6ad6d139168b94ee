// The few 128-bit vector operations the conv kernels need, for wasm SIMD128 and x86 SSE2 (every
// x86-64 CPU has it). ECGLITE_SIMD is 0 when neither is available; the kernels then use only
// their scalar paths.
#pragma once
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define ECGLITE_SIMD 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#define ECGLITE_SIMD 1
#else
#define ECGLITE_SIMD 0
#endif

#if ECGLITE_SIMD
namespace ecglite::nn::simd {

#if defined(__wasm_simd128__)
using vi = v128_t;
using vf = v128_t;
inline vi zero_i() { return wasm_i32x4_splat(0); }
inline vf zero_f() { return wasm_f32x4_splat(0.0f); }
inline vi load_i(const void* p) { return wasm_v128_load(p); }
// 4 bytes at p (two int16) repeated in every 32-bit lane
inline vi load_splat32_i(const void* p) { return wasm_v128_load32_splat(p); }
inline vf load_f(const float* p) { return wasm_v128_load(p); }
inline void store_f(float* p, vf v) { wasm_v128_store(p, v); }
inline vf splat_f(float v) { return wasm_f32x4_splat(v); }
inline vi add_i32(vi a, vi b) { return wasm_i32x4_add(a, b); }
// pairwise int16 products summed into int32 lanes
inline vi dot_i16(vi a, vi b) { return wasm_i32x4_dot_i16x8(a, b); }
inline vf add_f(vf a, vf b) { return wasm_f32x4_add(a, b); }
inline vf mul_f(vf a, vf b) { return wasm_f32x4_mul(a, b); }
inline vf max_f(vf a, vf b) { return wasm_f32x4_pmax(a, b); }
inline vf min_f(vf a, vf b) { return wasm_f32x4_pmin(a, b); }
inline vf cvt_i32_f(vi a) { return wasm_f32x4_convert_i32x4(a); }
// Round half to even, like _mm_cvtps_epi32 under the default rounding mode, for |a| < 2^22 (the
// requantisation clamps to +-255 first): adding 1.5 * 2^23 leaves the rounded integer in the low
// mantissa bits, the float addition itself rounding half to even. Two instructions where
// nearest + trunc_sat costs a saturation sequence in V8 (bench/profile-layers: ~4 % per conv).
inline vi round_f_i32(vf a) {
  const vf magic = wasm_f32x4_splat(12582912.0f);
  return wasm_i32x4_sub(wasm_f32x4_add(a, magic), magic);
}
inline vi splat_i32(std::int32_t v) { return wasm_i32x4_splat(v); }
// [a0 a1 a2 a3] -> [sum a0, sum a1, sum a2, sum a3]
inline vf hsum4_f(vf a0, vf a1, vf a2, vf a3) {
  vf s01 = wasm_f32x4_add(wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5), wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7));
  vf s23 = wasm_f32x4_add(wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5), wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7));
  return wasm_f32x4_add(wasm_i32x4_shuffle(s01, s23, 0, 1, 4, 5), wasm_i32x4_shuffle(s01, s23, 2, 3, 6, 7));
}
// four int32 lanes already in [0, 255] -> four bytes
inline std::uint32_t pack_u8(vi a) {
  vi h = wasm_i16x8_narrow_i32x4(a, a);
  vi b = wasm_u8x16_narrow_i16x8(h, h);
  return static_cast<std::uint32_t>(wasm_i32x4_extract_lane(b, 0));
}
#else
using vi = __m128i;
using vf = __m128;
inline vi zero_i() { return _mm_setzero_si128(); }
inline vf zero_f() { return _mm_setzero_ps(); }
inline vi load_i(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
inline vi load_splat32_i(const void* p) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return _mm_set1_epi32(v);
}
inline vf load_f(const float* p) { return _mm_loadu_ps(p); }
inline void store_f(float* p, vf v) { _mm_storeu_ps(p, v); }
inline vf splat_f(float v) { return _mm_set1_ps(v); }
inline vi add_i32(vi a, vi b) { return _mm_add_epi32(a, b); }
inline vi dot_i16(vi a, vi b) { return _mm_madd_epi16(a, b); }
inline vf add_f(vf a, vf b) { return _mm_add_ps(a, b); }
inline vf mul_f(vf a, vf b) { return _mm_mul_ps(a, b); }
inline vf max_f(vf a, vf b) { return _mm_max_ps(a, b); }
inline vf min_f(vf a, vf b) { return _mm_min_ps(a, b); }
inline vf cvt_i32_f(vi a) { return _mm_cvtepi32_ps(a); }
inline vi round_f_i32(vf a) { return _mm_cvtps_epi32(a); }
inline vi splat_i32(std::int32_t v) { return _mm_set1_epi32(v); }
inline vf hsum4_f(vf a0, vf a1, vf a2, vf a3) {
  vf s01 = _mm_add_ps(_mm_unpacklo_ps(a0, a1), _mm_unpackhi_ps(a0, a1));
  vf s23 = _mm_add_ps(_mm_unpacklo_ps(a2, a3), _mm_unpackhi_ps(a2, a3));
  return _mm_add_ps(_mm_movelh_ps(s01, s23), _mm_movehl_ps(s23, s01));
}
inline std::uint32_t pack_u8(vi a) {
  vi h = _mm_packs_epi32(a, a);
  return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_packus_epi16(h, h)));
}
#endif

}  // namespace ecglite::nn::simd
#endif
