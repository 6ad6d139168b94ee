// JSON renderings of results and model metadata: one definition for the CLI and the wasm module.
#include <cmath>
#include <cstdio>

#include "../common/text.h"
#include "ecglite/screen.h"

namespace ecglite {
namespace {

std::string num(double v, const char* fmt = "%.6g") {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_quote(items[i]);
  return out + "]";
}

}  // namespace

// A record name or path may hold bytes that are not UTF-8 (a Latin-1 file name); JSON text must be
// UTF-8, so they become U+FFFD.
std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text::to_valid_utf8(text)) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string to_json(const ClassifyResult& r) {
  std::string probs = "{", thresholds = "{", descriptions = "{";
  for (std::size_t k = 0; k < r.classes.size(); ++k) {
    const auto& c = r.classes[k];
    const char* sep = k ? "," : "";
    probs += sep + json_quote(c.name) + ":" + num(c.probability);
    thresholds += sep + json_quote(c.name) + ":" + num(c.threshold);
    descriptions += sep + json_quote(c.name) + ":" + json_quote(c.description);
  }
  return "{\"record\":" + json_quote(r.record_name) + ",\"probabilities\":" + probs +
         "},\"labels\":" + strings(r.labels) + ",\"thresholds\":" + thresholds +
         "},\"descriptions\":" + descriptions + "},\"adaptations\":" + strings(r.adaptations) +
         ",\"warnings\":" + strings(r.warnings) + ",\"windows\":" + std::to_string(r.windows) +
         ",\"inferences\":" + std::to_string(r.inferences) + ",\"duration_s\":" + num(r.duration_s) +
         ",\"source_rate_hz\":" + num(r.source_rate_hz) + "}";
}

std::string to_json(const ModelInfo& m) {
  std::string classes = "[";
  for (std::size_t k = 0; k < m.class_names.size(); ++k)
    classes += std::string(k ? "," : "") + "{\"name\":" + json_quote(m.class_names[k]) +
               ",\"description\":" + json_quote(m.class_descriptions[k]) +
               ",\"threshold\":" + num(m.thresholds[k]) + "}";
  return "{\"name\":" + json_quote(m.name) + ",\"precision\":" + json_quote(m.precision) +
         ",\"format_version\":" + std::to_string(m.format_version) + ",\"classes\":" + classes +
         "],\"lead_names\":" + strings(m.lead_names) + ",\"input_length\":" + std::to_string(m.input_length) +
         ",\"window_stride\":" + std::to_string(m.window_stride) + ",\"sampling_rate_hz\":" +
         num(m.sampling_rate_hz) + ",\"band_hz\":[" + num(m.band_low_hz) + "," + num(m.band_high_hz) +
         "],\"filter_order\":" + std::to_string(m.filter_order) + ",\"amplitude\":" + json_quote(m.amplitude) +
         ",\"parameters\":" +
         std::to_string(m.parameters) + ",\"macs_per_window\":" + std::to_string(m.macs_per_window) +
         ",\"description\":" + json_quote(m.description) + "}";
}

std::string to_json(const EvalResult& r) {
  std::string auc = "{", pos = "{";
  for (std::size_t k = 0; k < r.classes.size(); ++k) {
    auc += std::string(k ? "," : "") + json_quote(r.classes[k]) + ":" + num(r.per_class_auc[k], "%.6f");
    pos += std::string(k ? "," : "") + json_quote(r.classes[k]) + ":" + std::to_string(r.positives[k]);
  }
  const std::size_t skipped = r.skipped_missing + r.skipped_no_label + r.skipped_errors;
  return "{\"macro_auc\":" + num(r.macro_auc, "%.6f") + ",\"per_class_auc\":" + auc +
         "},\"records_used\":" + std::to_string(r.records_used) + ",\"records_skipped\":{\"total\":" +
         std::to_string(skipped) + ",\"missing_files\":" + std::to_string(r.skipped_missing) +
         ",\"no_label\":" + std::to_string(r.skipped_no_label) + ",\"errors\":" +
         std::to_string(r.skipped_errors) + "},\"rows_in_folds\":" + std::to_string(r.rows_in_folds) +
         ",\"positives\":" + pos + "},\"error_examples\":" + strings(r.error_examples) +
         ",\"seconds\":" + num(r.seconds, "%.3f") + "}";
}

}  // namespace ecglite
