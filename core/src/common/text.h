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

// Length of the well-formed UTF-8 sequence (no overlong form, no surrogate, at most U+10FFFF) that
// starts at p[i] of p[0, n); 0 when none does. The one UTF-8 rule of the readers and messages.
inline std::size_t utf8_sequence_length(const unsigned char* p, std::size_t i, std::size_t n) {
  const unsigned c = p[i];
  const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > n) return 0;
  unsigned cp = len == 1 ? c : c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((p[i + k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i + k] & 0x3F);
  }
  const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  return overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : len;
}

// A Latin-1 byte (0x80-0xFF) appended as its UTF-8 encoding.
inline void append_latin1(std::string& out, unsigned char c) {
  out += static_cast<char>(0xC0 | (c >> 6));
  out += static_cast<char>(0x80 | (c & 0x3F));
}

// `s` with every byte that does not belong to a well-formed UTF-8 sequence replaced by U+FFFD. Text
// from outside the files, such as the path a user typed, can hold any bytes; JSON and messages
// promise valid UTF-8.
inline std::string to_valid_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(p, i, s.size());
    if (len) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    }
  }
  return out;
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
