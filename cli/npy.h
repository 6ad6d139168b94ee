// The .npy files the CLI writes for the Python training scripts (numpy format version 1.0).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace ecglite::cli {

// Magic, version, header length and the Python dict literal padded with spaces to a multiple of
// 64 bytes and ended by '\n', for a little-endian float32 C-order array of `shape`. The data follows.
std::string npy_float32_header(const std::vector<std::size_t>& shape);

// Writes `data` (the product of `shape` floats) to `path` as a float32 .npy file. Throws Error when
// the file cannot be written.
void write_npy_float32(const std::string& path, const std::vector<float>& data, const std::vector<std::size_t>& shape);

}  // namespace ecglite::cli
