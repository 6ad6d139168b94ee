// JSON renderings of results and model metadata: one definition for the CLI and the wasm module.
#include <cmath>
#include <cstdio>

#include "../common/text.h"
#include "ecglite/classify.h"
#include "ecglite/explain.h"
#include "ecglite/json.h"
#include "json_text.h"

namespace ecglite {

namespace json_text {

Out& Out::operator<<(const char* s) { text += s; return *this; }
Out& Out::operator<<(char c) { text += c; return *this; }

// A record name or path may hold bytes that are not UTF-8 (a Latin-1 file name); JSON text must be
// UTF-8, so they become U+FFFD.
Out& Out::operator<<(Quoted q) {
  text += '"';
  for (unsigned char c : text::to_valid_utf8(q.text)) {
    switch (c) {
      case '"': text += "\\\""; break;
      case '\\': text += "\\\\"; break;
      case '\n': text += "\\n"; break;
      case '\r': text += "\\r"; break;
      case '\t': text += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          text += buf;
        } else {
          text += static_cast<char>(c);
        }
    }
  }
  text += '"';
  return *this;
}

Out& Out::operator<<(Number n) {
  if (!std::isfinite(n.value)) return *this << "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, n.format, n.value);
  return *this << buf;
}

Out& Out::operator<<(Fixed f) {
  if (!std::isfinite(f.value)) return *this << "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", f.decimals, f.value);
  return *this << buf;
}

Out& Out::operator<<(Strings s) {
  text += '[';
  for (std::size_t i = 0; i < s.items.size(); ++i) {
    if (i) text += ',';
    *this << Quoted{s.items[i]};
  }
  text += ']';
  return *this;
}

Out& Out::integer(long long v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lld", v);
  return *this << buf;
}

}  // namespace json_text

using json_text::Number;
using json_text::Quoted;
using json_text::Strings;

std::string json_quote(const std::string& text) {
  json_text::Out o;
  o << Quoted{text};
  return o.text;
}

std::string json_number(double v, const char* format) {
  json_text::Out o;
  o << Number{v, format};
  return o.text;
}

std::string json_strings(const std::vector<std::string>& items) {
  json_text::Out o;
  o << Strings{items};
  return o.text;
}

// The one schema of a classification (snake_case; the JS module hands out this object, parsed; fields
// in wasm/index.d.ts, ClassifyResult): "probabilities" by class name (what scripts read), and
// "classes" in the model's order with everything about each class.
std::string to_json(const ClassifyResult& r) {
  json_text::Out o;
  o << "{\"record\":" << Quoted{r.record_name} << ",\"probabilities\":{";
  for (std::size_t k = 0; k < r.classes.size(); ++k)
    o << (k ? "," : "") << Quoted{r.classes[k].name} << ":" << Number{r.classes[k].probability};
  o << "},\"labels\":" << Strings{r.labels} << ",\"classes\":[";
  for (std::size_t k = 0; k < r.classes.size(); ++k) {
    const auto& c = r.classes[k];
    o << (k ? "," : "") << "{\"name\":" << Quoted{c.name} << ",\"description\":" << Quoted{c.description}
      << ",\"probability\":" << Number{c.probability} << ",\"threshold\":" << Number{c.threshold}
      << ",\"positive\":" << (c.positive ? "true" : "false") << "}";
  }
  o << "],\"adaptations\":" << Strings{r.adaptations} << ",\"warnings\":" << Strings{r.warnings}
    << ",\"windows\":" << r.windows << ",\"inferences\":" << r.inferences
    << ",\"duration_s\":" << Number{r.duration_s} << ",\"sampling_rate_hz\":" << Number{r.sampling_rate_hz}
    << "}";
  return o.text;
}

// The occlusion map (explain.h): per class its words and its drop matrix, one row per lead. Drops to
// 4 significant digits: the map is read for its shape, and 5 x 12 x 20 numbers stay small.
std::string to_json(const Explanation& e) {
  json_text::Out o;
  o << "{\"method\":\"occlusion\",\"segment_s\":" << Number{e.segment_s} << ",\"segments\":" << e.segments
    << ",\"leads\":" << Strings{e.leads} << ",\"inferences\":" << e.inferences << ",\"classes\":[";
  for (std::size_t k = 0; k < e.classes.size(); ++k) {
    const ClassExplanation& c = e.classes[k];
    o << (k ? "," : "") << "{\"name\":" << Quoted{c.name} << ",\"probability\":" << Number{c.probability}
      << ",\"summary\":" << Quoted{c.summary} << ",\"top_leads\":" << Strings{c.top_leads}
      << ",\"start_s\":" << Number{c.start_s} << ",\"end_s\":" << Number{c.end_s} << ",\"drop\":[";
    for (std::size_t l = 0; l < e.leads.size(); ++l) {
      o << (l ? ",[" : "[");
      for (std::size_t s = 0; s < e.segments; ++s)
        o << (s ? "," : "") << Number{c.drop[l * e.segments + s], "%.4g"};
      o << "]";
    }
    o << "]}";
  }
  o << "]}";
  return o.text;
}

std::string to_json(const ClassifyResult& r, const Explanation& e) {
  std::string text = to_json(r);
  text.pop_back();  // the closing brace
  return text + ",\"explanation\":" + to_json(e) + "}";
}

std::string to_json(const ModelInfo& m) {
  json_text::Out o;
  o << "{\"name\":" << Quoted{m.name} << ",\"precision\":" << Quoted{m.precision}
    << ",\"format_version\":" << m.format_version
    << ",\"input_channels\":" << m.input_channels << ",\"classes\":[";
  for (std::size_t k = 0; k < m.class_names.size(); ++k)
    o << (k ? "," : "") << "{\"name\":" << Quoted{m.class_names[k]}
      << ",\"description\":" << Quoted{m.class_descriptions[k]}
      << ",\"threshold\":" << Number{m.thresholds[k]} << "}";
  o << "],\"lead_names\":" << Strings{m.lead_names} << ",\"input_length\":" << m.input_length
    << ",\"window_stride\":" << m.window_stride << ",\"window_pooling\":" << Quoted{m.window_pooling}
    << ",\"sampling_rate_hz\":" << Number{m.sampling_rate_hz} << ",\"band_hz\":[" << Number{m.band_low_hz}
    << "," << Number{m.band_high_hz} << "],\"filter_order\":" << m.filter_order
    << ",\"amplitude\":" << Quoted{m.amplitude} << ",\"parameters\":" << m.parameters
    << ",\"macs_per_window\":" << m.macs_per_window << ",\"head_inputs\":" << Strings{m.head_inputs}
    << ",\"description\":" << Quoted{m.description} << "}";
  return o.text;
}

}  // namespace ecglite
