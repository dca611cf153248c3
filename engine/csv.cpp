#include "engine/csv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/errors.hpp"

namespace govsim {

std::optional<std::size_t> CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  return std::nullopt;
}

std::size_t CsvTable::require_column(const std::string& name) const {
  if (auto c = column(name)) return *c;
  throw InputError(file, "line 1 (header)", "a column '" + name + "'", "no such column");
}

std::string CsvTable::where(std::size_t row, std::size_t col) const {
  return "line " + std::to_string(row_lines[row]) + ", field '" + header[col] + "'";
}

double CsvTable::number(std::size_t row, std::size_t col, double min, double max) const {
  const std::string& s = rows[row][col];
  std::ostringstream want;
  want << "a number in [" << min << ", " << max << "]";
  char* end = nullptr;
  errno = 0;
  const double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
  if (s.empty() || errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v) || v < min ||
      v > max)
    throw InputError(file, where(row, col), want.str(), "'" + s + "'");
  return v;
}

CsvTable parse_csv(const std::string& text, const std::string& file_name,
                   std::vector<CsvRaggedRow>* ragged) {
  CsvTable t;
  t.file = file_name;
  const std::size_t first_nl = text.find('\n');
  const std::string first = text.substr(0, first_nl);
  const char delim =
      (first.find(';') != std::string::npos && first.find(',') == std::string::npos) ? ';' : ',';
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false, field_started = false;
  int line = 1, record_line = 1;
  std::size_t i = 0;
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 BOM
  auto end_record = [&]() {
    record.push_back(field);
    field.clear();
    const bool blank = record.size() == 1 && record[0].empty();
    if (!blank) {
      if (t.header.empty()) {
        t.header = record;
      } else {
        // More fields than the header: most often a text with commas that is not quoted.
        const std::string hint = record.size() > t.header.size()
                                     ? std::string(" (a field holding a '") + delim +
                                           "' must be quoted: \"9h-12h" + delim + " 14h-17h\")"
                                     : std::string();
        if (record.size() != t.header.size() && ragged) {
          ragged->push_back({record_line, std::to_string(record.size()) +
                                              " fields where the header has " +
                                              std::to_string(t.header.size()) + hint});
          record.clear();
          field_started = false;
          return;
        }
        if (record.size() != t.header.size())
          throw InputError(file_name, "line " + std::to_string(record_line),
                           std::to_string(t.header.size()) + " fields as in the header",
                           std::to_string(record.size()) + " fields" + hint);
        t.rows.push_back(record);
        t.row_lines.push_back(record_line);
      }
    }
    record.clear();
    field_started = false;
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
    } else if (c == delim) {
      record.push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\r') {
      // ignored (CRLF)
    } else if (c == '\n') {
      end_record();
      ++line;
      record_line = line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (in_quotes)
    throw InputError(file_name, "line " + std::to_string(record_line), "a closing quote",
                     "end of file");
  if (!field.empty() || !record.empty()) end_record();
  if (t.header.empty()) throw InputError(file_name, "line 1", "a header row", "an empty file");
  return t;
}

CsvTable read_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "a readable CSV file", "cannot open it");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_csv(ss.str(), path.string());
}

}  // namespace govsim
