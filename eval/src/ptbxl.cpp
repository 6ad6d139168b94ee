// PTB-XL metadata: ptbxl_database.csv and scp_statements.csv (RFC 4180 CSV with quoted fields),
// and the benchmark's superclass labelling rule.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

#include "ecglite/error.h"
#include "ecglite/limits.h"
#include "ecglite/ptbxl_eval.h"
#include "ecglite/read.h"

namespace ecglite {
namespace {

using Row = std::vector<std::string>;

// One of the dataset's CSV files; unreadable is an error, never an empty index.
std::string read_index_file(const std::string& path) {
  FileWords words;
  words.advice = "check that the directory given is the PTB-XL directory, which holds this file";
  return read_text_file(path, default_limits(), words);
}

// RFC 4180: fields separated by commas, quoted fields may hold commas, newlines and "" quotes.
std::vector<Row> parse_csv(const std::string& text, const std::string& path) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool quoted = false, any = false;
  std::size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 byte order mark
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch == '"') {
      quoted = true;
      any = true;
    } else if (ch == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) throw Error(ErrorKind::bad_data, path + ": unterminated quoted field");
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::size_t column(const Row& header, const std::string& name, const std::string& path) {
  auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end())
    throw Error(ErrorKind::bad_data, path + ": no '" + name + "' column (is this a PTB-XL file?)");
  return static_cast<std::size_t>(it - header.begin());
}

bool parse_number(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  return end && *end == '\0';
}

// Keys of a Python dict literal such as "{'NORM': 100.0, 'SR': 0.0}".
std::vector<std::string> dict_keys(const std::string& s) {
  std::vector<std::string> keys;
  std::size_t i = 0;
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if ((c == '\'' || c == '"') && depth == 1) {
      const std::size_t end = s.find(c, i + 1);
      if (end == std::string::npos) break;
      std::size_t after = end + 1;
      while (after < s.size() && s[after] == ' ') ++after;
      if (after < s.size() && s[after] == ':') keys.push_back(s.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    ++i;
  }
  return keys;
}

}  // namespace

std::vector<PtbxlRecord> read_ptbxl_index(const std::string& dir, const std::vector<std::string>& classes) {
  const std::string statements_path = dir + "/scp_statements.csv";
  const auto statements = parse_csv(read_index_file(statements_path), statements_path);
  if (statements.empty()) throw Error(ErrorKind::bad_data, statements_path + ": empty file");
  const std::size_t diag_col = column(statements[0], "diagnostic", statements_path);
  const std::size_t class_col = column(statements[0], "diagnostic_class", statements_path);
  std::map<std::string, int> class_of;  // SCP code -> class index (diagnostic statements only)
  for (std::size_t r = 1; r < statements.size(); ++r) {
    const Row& row = statements[r];
    if (row.size() <= std::max(diag_col, class_col) || row.empty()) continue;
    double diagnostic = 0;
    if (!parse_number(row[diag_col], &diagnostic) || diagnostic != 1.0) continue;
    auto it = std::find(classes.begin(), classes.end(), row[class_col]);
    if (it != classes.end()) class_of[row[0]] = static_cast<int>(it - classes.begin());
  }
  if (class_of.empty())
    throw Error(ErrorKind::bad_data, statements_path + ": no diagnostic statement maps to the model's classes");

  const std::string db_path = dir + "/ptbxl_database.csv";
  const auto db = parse_csv(read_index_file(db_path), db_path);
  if (db.empty()) throw Error(ErrorKind::bad_data, db_path + ": empty file");
  const Row& header = db[0];
  const std::size_t id_col = column(header, "ecg_id", db_path);
  const std::size_t scp_col = column(header, "scp_codes", db_path);
  const std::size_t fold_col = column(header, "strat_fold", db_path);
  const std::size_t file_col = column(header, "filename_lr", db_path);
  const std::size_t need = std::max({id_col, scp_col, fold_col, file_col});
  std::vector<PtbxlRecord> out;
  for (std::size_t r = 1; r < db.size(); ++r) {
    const Row& row = db[r];
    if (row.size() <= need)
      throw Error(ErrorKind::bad_data,
                  db_path + ": row " + std::to_string(r + 1) + " has " + std::to_string(row.size()) + " fields");
    PtbxlRecord rec;
    double id = 0, fold = 0;
    if (!parse_number(row[id_col], &id) || !parse_number(row[fold_col], &fold))
      throw Error(ErrorKind::bad_data,
                  db_path + ": row " + std::to_string(r + 1) + " has no numeric ecg_id / strat_fold");
    rec.ecg_id = static_cast<long long>(id);
    rec.fold = static_cast<int>(fold);
    rec.filename_lr = row[file_col];
    rec.labels.assign(classes.size(), 0);
    for (const auto& key : dict_keys(row[scp_col])) {
      auto it = class_of.find(key);
      if (it == class_of.end()) continue;
      rec.labels[it->second] = 1;
      rec.labelled = true;
    }
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace ecglite
