// JSON renderings of results and model metadata: one definition for the CLI and the wasm module.
#include <cmath>
#include <cstdio>

#include "../common/text.h"
#include "ecglite/classify.h"
#include "ecglite/json.h"

namespace ecglite {

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

std::string json_number(double v, const char* format) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string json_strings(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_quote(items[i]);
  return out + "]";
}

std::string to_json(const ClassifyResult& r) {
  std::string probs = "{", thresholds = "{", descriptions = "{";
  for (std::size_t k = 0; k < r.classes.size(); ++k) {
    const auto& c = r.classes[k];
    const char* sep = k ? "," : "";
    probs += sep + json_quote(c.name) + ":" + json_number(c.probability);
    thresholds += sep + json_quote(c.name) + ":" + json_number(c.threshold);
    descriptions += sep + json_quote(c.name) + ":" + json_quote(c.description);
  }
  return "{\"record\":" + json_quote(r.record_name) + ",\"probabilities\":" + probs +
         "},\"labels\":" + json_strings(r.labels) + ",\"thresholds\":" + thresholds +
         "},\"descriptions\":" + descriptions + "},\"adaptations\":" + json_strings(r.adaptations) +
         ",\"warnings\":" + json_strings(r.warnings) + ",\"windows\":" + std::to_string(r.windows) +
         ",\"inferences\":" + std::to_string(r.inferences) + ",\"duration_s\":" + json_number(r.duration_s) +
         ",\"source_rate_hz\":" + json_number(r.sampling_rate_hz) + "}";
}

std::string to_json(const ModelInfo& m) {
  std::string classes = "[";
  for (std::size_t k = 0; k < m.class_names.size(); ++k)
    classes += std::string(k ? "," : "") + "{\"name\":" + json_quote(m.class_names[k]) +
               ",\"description\":" + json_quote(m.class_descriptions[k]) +
               ",\"threshold\":" + json_number(m.thresholds[k]) + "}";
  return "{\"name\":" + json_quote(m.name) + ",\"precision\":" + json_quote(m.precision) +
         ",\"format_version\":" + std::to_string(m.format_version) + ",\"classes\":" + classes +
         "],\"lead_names\":" + json_strings(m.lead_names) +
         ",\"input_length\":" + std::to_string(m.input_length) +
         ",\"window_stride\":" + std::to_string(m.window_stride) +
         ",\"sampling_rate_hz\":" + json_number(m.sampling_rate_hz) + ",\"band_hz\":[" +
         json_number(m.band_low_hz) + "," + json_number(m.band_high_hz) +
         "],\"filter_order\":" + std::to_string(m.filter_order) + ",\"amplitude\":" + json_quote(m.amplitude) +
         ",\"parameters\":" + std::to_string(m.parameters) +
         ",\"macs_per_window\":" + std::to_string(m.macs_per_window) +
         ",\"description\":" + json_quote(m.description) + "}";
}

}  // namespace ecglite
