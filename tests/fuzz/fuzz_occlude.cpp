// libFuzzer target: the occlusion masks a user types (`ecglite classify --occlude "V1:2-2.5;II:0-1"`),
// parsed against the model's leads and applied to a fixed 12 s 12-lead record: any text either
// parses into stretches the engine can zero (probabilities stay in [0, 1]) or is refused with an
// Error — never a crash, a read outside the record or a hang. The model is the small test fixture
// (tests/fixtures/model/tiny-int8.ecgm), else the shipped student; $ECGLITE_FUZZ_MODEL overrides.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "ecglite/classify.h"
#include "ecglite/explain.h"
#include "ecglite/model.h"
#include "ecglite/record.h"
#include "fuzz_support.h"

namespace {

std::unique_ptr<ecglite::Model> g_model;
ecglite::Prepared g_prepared;

std::string model_path() {
  if (const char* env = std::getenv("ECGLITE_FUZZ_MODEL")) return env;
  const std::string root = ECGLITE_SOURCE_DIR;
  const std::string tiny = root + "/tests/fixtures/model/tiny-int8.ecgm";
  if (std::FILE* f = std::fopen(tiny.c_str(), "rb")) {
    std::fclose(f);
    return tiny;
  }
  return root + "/models/student-int8.ecgm";
}

// 12 s (more than one 10 s window, so masks may cross windows) of a smooth signal on every lead.
ecglite::Record synthetic_record() {
  ecglite::Record r;
  r.name = "fuzz";
  r.sampling_rate_hz = 100;
  const char* names[] = {"I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"};
  for (int c = 0; c < 12; ++c) {
    ecglite::Lead lead{names[c], "mV", std::vector<float>(1200)};
    for (std::size_t t = 0; t < lead.samples.size(); ++t)
      lead.samples[t] = static_cast<float>(0.8 * std::sin(0.07 * (c + 1) * t) + 0.2 * std::sin(0.6 * t));
    r.leads.push_back(std::move(lead));
  }
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string path = model_path();
  try {
    g_model = std::make_unique<ecglite::Model>(ecglite::Model::from_file(path));
    g_prepared = ecglite::preprocess_for(*g_model, synthetic_record());
  } catch (const ecglite::Error& e) {
    std::fprintf(stderr, "fuzz_occlude: cannot prepare the model %s: %s\n", path.c_str(), e.what());
    std::exit(1);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;  // a typed mask list, not a file
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    const std::vector<ecglite::OcclusionMask> masks = ecglite::parse_occlusions(spec, g_model->info());
    if (masks.size() > 16) return 0;  // each mask reruns the network: keep an input fast
    const auto rows = ecglite::occluded_probabilities(*g_model, g_prepared, masks);
    if (rows.size() != masks.size()) ecglite::fuzz::fail("one row of probabilities per mask");
    for (const auto& row : rows)
      for (float p : row)
        if (!(p >= 0.0f && p <= 1.0f)) ecglite::fuzz::fail("an occluded probability outside [0, 1]");
  } catch (const ecglite::Error&) {
    // refused with a message: fine
  }
  return 0;
}
