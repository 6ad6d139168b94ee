#include "npy.h"

#include "output.h"

namespace ecglite::cli {

std::string npy_float32_header(const std::vector<std::size_t>& shape) {
  std::string dims;
  for (std::size_t d : shape) dims += std::to_string(d) + ", ";
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.substr(0, dims.size() - 2) +
                     (shape.size() == 1 ? "," : "") + "), }";
  const std::size_t prefix = 10;  // magic (6) + version (2) + header length (2)
  dict.append((64 - (prefix + dict.size() + 1) % 64) % 64, ' ');
  dict += '\n';
  std::string header = "\x93NUMPY";
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>((dict.size() >> 8) & 0xff);
  return header + dict;
}

void write_npy_float32(const std::string& path, const std::vector<float>& data, const std::vector<std::size_t>& shape) {
  const std::string header = npy_float32_header(shape);
  static_assert(sizeof(float) == 4, "float32");
  // The data is written in the machine's byte order: every supported target is little-endian.
  write_file(path, {{header.data(), header.size()}, {data.data(), data.size() * sizeof(float)}});
}

}  // namespace ecglite::cli
