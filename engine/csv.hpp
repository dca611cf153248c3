// A small RFC 4180 CSV reader that remembers line numbers, for error messages.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace govsim {

struct CsvTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> row_lines;  // 1-based line where each row starts

  std::optional<std::size_t> column(const std::string& name) const;
  // Column index or InputError naming the file and the missing column.
  std::size_t require_column(const std::string& name) const;
  // Field as a number, or InputError naming file, line and field.
  double number(std::size_t row, std::size_t col, double min, double max) const;
  const std::string& text(std::size_t row, std::size_t col) const { return rows[row][col]; }
  std::string where(std::size_t row, std::size_t col) const;
};

// Reads a whole CSV file (delimiter auto-detected between ',' and ';'); every row must have as
// many fields as the header. Throws InputError (missing file, ragged row, open quote).
CsvTable read_csv(const std::filesystem::path& path);
// With `ragged`, a row whose field count differs from the header's is reported there
// (line, message) and skipped instead of throwing (for readers that reject rows one by one).
struct CsvRaggedRow {
  int line;
  std::string message;
};
CsvTable parse_csv(const std::string& text, const std::string& file_name,
                   std::vector<CsvRaggedRow>* ragged = nullptr);

}  // namespace govsim
