// .ecgm reader: clear errors for wrong magic, unsupported versions, truncation and inconsistent
// graphs; never a crash on damaged files.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "ecglite/error.h"
#include "ecglite/model.h"
#include "test_support.h"

using ecglite::Model;

namespace {

std::vector<std::uint8_t> load(const std::string& name) {
  std::string s = ecglite::test::read_text(ecglite::test::fixture("model/" + name));
  return std::vector<std::uint8_t>(s.begin(), s.end());
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
  try {
    Model::from_bytes(bytes);
  } catch (const ecglite::Error& e) {
    return e.what();
  }
  return "";
}

// Offset of the payload of section `tag`.
std::size_t section(const std::vector<std::uint8_t>& b, const char* tag) {
  std::size_t p = 12;
  while (p + 8 <= b.size()) {
    std::uint32_t n;
    std::memcpy(&n, &b[p + 4], 4);
    if (!std::memcmp(&b[p], tag, 4)) return p + 8;
    p += 8 + n;
  }
  return 0;
}

void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) { std::memcpy(&b[at], &v, 4); }

constexpr std::size_t kNodeHeader = 40;  // bytes before a node's tensors

// `b` with one more string entry in its INFO section.
std::vector<std::uint8_t> with_info_string(std::vector<std::uint8_t> b, const std::string& key,
                                           const std::string& value) {
  const std::size_t info = section(b, "INFO");
  std::uint32_t entries, bytes;
  std::memcpy(&entries, &b[info], 4);
  std::memcpy(&bytes, &b[info - 4], 4);
  std::vector<std::uint8_t> entry;
  auto put_str = [&](const std::string& s) {
    const std::uint32_t n = static_cast<std::uint32_t>(s.size());
    entry.insert(entry.end(), reinterpret_cast<const std::uint8_t*>(&n), reinterpret_cast<const std::uint8_t*>(&n) + 4);
    entry.insert(entry.end(), s.begin(), s.end());
  };
  put_str(key);
  entry.push_back(1);  // string
  put_str(value);
  b.insert(b.begin() + info + bytes, entry.begin(), entry.end());
  put32(b, info, entries + 1);
  put32(b, info - 4, bytes + static_cast<std::uint32_t>(entry.size()));
  return b;
}

}  // namespace

TEST(ModelFile, WrongMagicSaysItIsNotAModelFile) {
  auto b = load("tiny-int8.ecgm");
  b[0] = 'X';
  EXPECT_NE(error_of(b).find("not an EcgLite model file"), std::string::npos) << error_of(b);
  EXPECT_NE(error_of({}).find("not an EcgLite model file"), std::string::npos);
}

TEST(ModelFile, UnsupportedVersionIsNamed) {
  auto b = load("tiny-int8.ecgm");
  put32(b, 4, 7);
  std::string e = error_of(b);
  EXPECT_NE(e.find("format version 7 is not supported"), std::string::npos) << e;
}

TEST(ModelFile, EveryTruncationIsAnErrorNeverACrash) {
  for (const char* name : {"tiny-int8.ecgm", "tiny-fp32.ecgm"}) {
    const auto full = load(name);
    ASSERT_TRUE(error_of(full).empty()) << error_of(full);
    for (std::size_t n = 0; n < full.size(); ++n) {
      std::vector<std::uint8_t> cut(full.begin(), full.begin() + n);
      std::string e = error_of(cut);
      ASSERT_FALSE(e.empty()) << name << " truncated to " << n << " bytes was accepted";
    }
    std::vector<std::uint8_t> cut(full.begin(), full.end() - 1);
    EXPECT_NE(error_of(cut).find("truncated"), std::string::npos) << error_of(cut);
  }
}

TEST(ModelFile, RandomCorruptionNeverCrashes) {
  const auto full = load("tiny-int8.ecgm");
  std::mt19937 rng(3);
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    auto b = full;
    for (int k = 0; k < 1 + trial % 4; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
    try {
      Model m = Model::from_bytes(b);
      std::vector<float> x(static_cast<std::size_t>(m.info().input_channels) * m.info().input_length, 0.5f);
      m.logits(x.data());  // an accepted file must also run
    } catch (const ecglite::Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 100);
}

TEST(ModelFile, InconsistentGraphsAreRejectedWithAReason) {
  const auto full = load("tiny-int8.ecgm");
  const std::size_t g = section(full, "GRPH");
  ASSERT_GT(g, 0u);
  const std::size_t node0 = g + 4, node1 = node0 + kNodeHeader;  // the input node has no tensors
  {
    auto b = full;
    put32(b, node1 + 4, 1);  // the first conv reads itself
    EXPECT_NE(error_of(b).find("reads a later layer"), std::string::npos) << error_of(b);
  }
  {
    auto b = full;
    put32(b, node0 + 12, 13);  // 13 input channels, metadata says 12
    EXPECT_NE(error_of(b).find("input_channels"), std::string::npos) << error_of(b);
  }
  {
    auto b = full;
    put32(b, node1 + 12, 9);  // conv output channels: the weights no longer add up
    EXPECT_FALSE(error_of(b).empty());
  }
  {
    auto b = full;
    put32(b, node1 + 16, 400);  // kernel longer than the padded input
    EXPECT_NE(error_of(b).find("output is empty"), std::string::npos) << error_of(b);
  }
  {
    auto b = full;
    b[node1] = 9;  // unknown operation
    EXPECT_NE(error_of(b).find("unknown operation"), std::string::npos) << error_of(b);
  }
}

TEST(ModelFile, MissingMetadataIsNamed) {
  auto b = load("tiny-int8.ecgm");
  const std::size_t info = section(b, "INFO");
  std::string s(b.begin() + info, b.end());
  auto at = s.find("thresholds");
  ASSERT_NE(at, std::string::npos);
  b[info + at + 9] = 'z';
  std::string e = error_of(b);
  EXPECT_NE(e.find("'thresholds' is missing"), std::string::npos) << e;
}

TEST(ModelFile, WindowPoolingIsReadAndUnknownValuesAreRefused) {
  const auto b = load("tiny-int8.ecgm");
  EXPECT_EQ(Model::from_bytes(b).info().window_pooling, "max");  // files without the entry
  EXPECT_EQ(Model::from_bytes(with_info_string(b, "window_pooling", "mean")).info().window_pooling, "mean");
  const std::string e = error_of(with_info_string(b, "window_pooling", "median"));
  EXPECT_NE(e.find("window_pooling 'median' (expected max or mean"), std::string::npos) << e;
}

TEST(ModelFile, MissingFileNamesThePath) {
  try {
    Model::from_file("/nonexistent/dir/model.ecgm");
    FAIL() << "no error";
  } catch (const ecglite::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/model.ecgm: cannot open model file"), std::string::npos);
  }
}
