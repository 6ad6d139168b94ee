// Writing JSON text piece by piece: `out << "{\"a\":" << Number{x} << ",\"b\":" << Quoted{s} << "}"`.
// Each `<<` appends in place: no std::string temporary per value, so no exception cleanup per value
// either (chained std::string `+` with a temporary per operand made the three result renderings
// ~20 KB of the wasm module).
#pragma once
#include <string>
#include <type_traits>
#include <vector>

namespace ecglite::json_text {

struct Quoted { const std::string& text; };            // "..." with JSON escapes (json_quote)
struct Number { double value; const char* format = "%.6g"; };  // printf format; NaN and infinities: null
struct Fixed { double value; int decimals; };          // %.{decimals}f; NaN and infinities: null
struct Strings { const std::vector<std::string>& items; };  // ["...", ...]

struct Out {
  std::string text;
  Out& operator<<(const char* s);
  Out& operator<<(char c);
  Out& operator<<(Quoted q);
  Out& operator<<(Number n);
  Out& operator<<(Fixed f);
  Out& operator<<(Strings s);
  Out& integer(long long v);
  template <class T, class = std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>>>
  Out& operator<<(T v) { return integer(static_cast<long long>(v)); }
};

}  // namespace ecglite::json_text
