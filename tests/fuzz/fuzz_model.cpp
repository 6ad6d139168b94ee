// libFuzzer target: the .ecgm model parser. Models ship with the app, but a truncated download or a
// wrong file given to --model must still be an Error, never a crash. A parsed model is run once on a
// zero input when it is small enough to be quick.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ecglite/model.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const ecglite::Model model = ecglite::Model::from_bytes(std::vector<std::uint8_t>(data, data + size));
    const auto& info = model.info();
    ECGLITE_FUZZ_CHECK(info.input_channels > 0 && info.input_length > 0);
    ECGLITE_FUZZ_CHECK(info.thresholds.size() == info.class_names.size());
    if (info.macs_per_window <= 50'000'000 && (std::int64_t)info.input_channels * info.input_length <= 1'000'000) {
      const std::vector<float> input((std::size_t)info.input_channels * info.input_length, 0.0f);
      const std::vector<float> p = model.probabilities(input.data());
      ECGLITE_FUZZ_CHECK(p.size() == info.class_names.size());
    }
  } catch (const ecglite::Error&) {
  }
  return 0;
}
