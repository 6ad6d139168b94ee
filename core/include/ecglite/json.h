// JSON text shared by the renderings of results (to_json in classify.h, rhythm.h and, outside the
// core, ptbxl_eval.h) and the CLI's own JSON output.
#pragma once
#include <string>
#include <vector>

#include "ecglite/model.h"

namespace ecglite {

// "..." with JSON escapes; bytes that are not UTF-8 (a Latin-1 file name) become U+FFFD.
std::string json_quote(const std::string& text);

// A number in printf `format`; NaN and infinities (which JSON cannot hold) are null.
std::string json_number(double value, const char* format = "%.6g");

// ["...", ...]
std::string json_strings(const std::vector<std::string>& items);

// Model metadata, the one schema of `ecglite classify --json`'s and `ecglite eval --json`'s "model" and
// the wasm module's model.info (wasm/index.d.ts, ModelInfo): {"name":..,"precision":..,..}.
std::string to_json(const ModelInfo& info);

}  // namespace ecglite
