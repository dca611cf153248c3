// Text checks shared by the open-data readers (models/inclusion/open_data_text.hpp).
#include "models/inclusion/open_data_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "engine/config.hpp"
#include "engine/errors.hpp"

namespace govsim::inclusion::open_data {

// At most n bytes of s, cut on a UTF-8 character boundary, with "..." when cut.
std::string cut(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t k = n;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return s.substr(0, k) + "...";
}

std::string trim(std::string s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

int line_of_offset(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(),
                                         text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The standard's encoding is UTF-8: a file in Latin-1/Windows-1252 is a file-level error.
void check_utf8(const std::string& text, const std::string& file) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    int len = 0;
    if (c < 0x80)
      len = 1;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
      len = 2;
    else if ((c & 0xF0) == 0xE0)
      len = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
      len = 4;
    bool ok = len > 0 && i + static_cast<std::size_t>(len) <= n;
    for (int k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0xC0) == 0x80;
    if (!ok) {
      std::ostringstream got;
      got << "byte 0x" << std::hex << std::uppercase << static_cast<int>(c)
          << ", which is not UTF-8 (Latin-1 or Windows-1252? convert with: iconv -f WINDOWS-1252 "
             "-t UTF-8)";
      throw InputError(file, "line " + std::to_string(line_of_offset(text, i)), "UTF-8 text",
                       got.str());
    }
    i += static_cast<std::size_t>(len);
  }
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool parse_number(const std::string& s, double& v) {
  if (s.empty() || s.size() > 64) return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  const auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(v);
}

bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[static_cast<std::size_t>(i)]))) return false;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] && !(m == 2 && d == 29 && !leap);
}

// Metropolitan France (with Corsica) and the five overseas départements.
bool in_france(double lat, double lon) {
  struct Box {
    double lat0, lat1, lon0, lon1;
  };
  static const Box boxes[] = {{41.3, 51.15, -5.25, 9.6},     {15.8, 16.55, -61.85, -60.95},
                              {14.35, 14.9, -61.25, -60.75}, {2.1, 5.8, -54.65, -51.6},
                              {-21.4, -20.85, 55.2, 55.85},  {-13.05, -12.6, 44.95, 45.35}};
  for (const auto& b : boxes)
    if (lat >= b.lat0 && lat <= b.lat1 && lon >= b.lon0 && lon <= b.lon1) return true;
  return false;
}

std::string read_file_text(const std::filesystem::path& p, const char* what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p.string(), "", std::string("a readable ") + what, "cannot open it");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json parse_json(const std::string& text, const std::string& file) {
  return govsim::parse_json_text(text, file);
}

}  // namespace govsim::inclusion::open_data
