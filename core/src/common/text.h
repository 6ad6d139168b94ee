// Small text helpers shared by the core's readers and messages (internal, not public API).
#pragma once
#include <cctype>
#include <cstdio>
#include <string>

namespace ecglite::text {

inline std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "12.5" for 12.5, "500" for 500, "0.01" for 0.01: rates and other numbers in messages.
inline std::string format_number(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

// "25 s", "9.99 s": durations in messages, to the centisecond without trailing zeros.
inline std::string seconds(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  std::string t = buf;
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t + " s";
}

}  // namespace ecglite::text
