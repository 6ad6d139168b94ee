// libFuzzer target: the whole screening path, bytes -> reader -> preprocessing -> model -> result.
// The first byte chooses the reader (bit 0: CSV or WFDB; WFDB input is split as in
// fuzz_wfdb_record). The model is the small test fixture (tests/fixtures/model/), else the shipped
// int8 student; $ECGLITE_FUZZ_MODEL overrides.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "ecglite/classify.h"
#include "ecglite/csv.h"
#include "ecglite/model.h"
#include "ecglite/wfdb.h"
#include "fuzz_support.h"

namespace {

std::unique_ptr<ecglite::Model> g_model;

std::string model_path() {
  if (const char* env = std::getenv("ECGLITE_FUZZ_MODEL")) return env;
  const std::string root = ECGLITE_SOURCE_DIR;
  for (const char* candidate : {"/tests/fixtures/model/tiny-int8.ecgm", "/models/student-int8.ecgm"}) {
    const std::string path = root + candidate;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
      std::fclose(f);
      return path;
    }
  }
  return root + "/models/student-int8.ecgm";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string path = model_path();
  try {
    g_model = std::make_unique<ecglite::Model>(ecglite::Model::from_file(path));
  } catch (const ecglite::Error& e) {
    std::fprintf(stderr, "fuzz_classify: cannot load the model %s: %s\n", path.c_str(), e.what());
    std::exit(1);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const ecglite::Limits limits = ecglite::fuzz::fuzz_limits();
  try {
    ecglite::Record record;
    if (data[0] & 1) {
      ecglite::CsvOptions options;
      options.sampling_rate_hz = (data[0] & 2) ? 500 : 0;
      options.limits = limits;
      record = ecglite::read_csv(std::string(reinterpret_cast<const char*>(data) + 1, size - 1),
                                 options, "fuzz.csv");
    } else {
      const auto chunks = ecglite::fuzz::split_chunks(data + 1, size - 1);
      ecglite::WfdbReadOptions options;
      options.limits = limits;
      record = ecglite::read_wfdb(chunks[0], ecglite::fuzz::chunk_provider(chunks), options).to_record();
    }
    ecglite::fuzz::check_record(record, limits);
    const ecglite::ClassifyResult result = ecglite::classify(*g_model, record);
    const auto& info = g_model->info();
    ECGLITE_FUZZ_CHECK(result.classes.size() == info.class_names.size());
    ECGLITE_FUZZ_CHECK(result.windows >= 1);
    for (const auto& c : result.classes) {
      ECGLITE_FUZZ_CHECK(std::isfinite(c.probability) && c.probability >= 0 && c.probability <= 1);
      ECGLITE_FUZZ_CHECK(c.positive == (c.probability >= c.threshold));
    }
  } catch (const ecglite::Error&) {
  }
  return 0;
}
