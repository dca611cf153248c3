// The JSON reader (json_reader.hpp): bytes checked before syntax (encoding, NUL, UTF-8), then
// nlohmann's strict parser driven through a SAX handler that tracks the JSON pointer and the
// depth, so that every error names the line, column and field.
#include "engine/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/errors.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;

std::string pointer_escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

namespace {

// SAX handler building the document (nlohmann's DOM parser) while tracking the JSON pointer of
// the value being read and the nesting depth, so that errors name the field and deep nesting is
// refused before anything recursive (dump, destructors, our loaders) sees it.
class TrackingSax {
 public:
  using Dom = nlohmann::detail::json_sax_dom_parser<json>;
  explicit TrackingSax(json& result) : dom_(result, /*allow_exceptions=*/false) {}

  bool null() { return done(dom_.null()); }
  bool boolean(bool v) { return done(dom_.boolean(v)); }
  bool number_integer(json::number_integer_t v) { return done(dom_.number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return done(dom_.number_unsigned(v)); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return done(dom_.number_float(v, s));
  }
  bool string(json::string_t& v) { return done(dom_.string(v)); }
  bool binary(json::binary_t& v) { return done(dom_.binary(v)); }
  bool start_object(std::size_t n) {
    if (!push(false)) return false;
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    frames_.back().key = k;
    frames_.back().has_key = true;
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return done(dom_.end_object());
  }
  bool start_array(std::size_t n) {
    if (!push(true)) return false;
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return done(dom_.end_array());
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) {
    error_position = position;
    error_token = last_token;
    error_id = ex.id;
    error_message = ex.what();
    return false;
  }

  std::string pointer() const {
    std::string p;
    for (const auto& f : frames_) {
      if (f.is_array)
        p += "/" + std::to_string(f.index);
      else if (f.has_key)
        p += "/" + pointer_escape(f.key);
    }
    return p;
  }

  static constexpr std::size_t kMaxDepth = 64;
  bool too_deep = false;
  std::size_t error_position = 0;
  std::string error_token;
  int error_id = 0;
  std::string error_message;

 private:
  struct Frame {
    bool is_array = false;
    std::size_t index = 0;
    bool has_key = false;
    std::string key;
  };
  bool push(bool is_array) {
    if (frames_.size() >= kMaxDepth) {
      too_deep = true;
      return false;
    }
    frames_.push_back({is_array, 0, false, {}});
    return true;
  }
  bool done(bool ok) {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
    return ok;
  }
  Dom dom_;
  std::vector<Frame> frames_;
};

std::string line_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n')
      ++line, col = 1;
    else
      ++col;
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

// Offset of the first byte that is not valid UTF-8, or npos.
std::size_t invalid_utf8_at(const std::string& t) {
  std::size_t i = 0;
  const std::size_t n = t.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(t[i]);
    std::size_t len = 0;
    if (c < 0x80)
      len = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
      len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4;
    else
      return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(t[i + k]) & 0xC0) != 0x80) return i;
    if (len == 3) {
      const auto d = static_cast<unsigned char>(t[i + 1]);
      if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F)) return i;  // overlong, surrogates
    } else if (len == 4) {
      const auto d = static_cast<unsigned char>(t[i + 1]);
      if ((c == 0xF0 && d < 0x90) || (c == 0xF4 && d > 0x8F)) return i;
    }
    i += len;
  }
  return std::string::npos;
}

}  // namespace

json parse_json_text(const std::string& text, const std::string& file) {
  // What the bytes are before what the JSON says: editors save UTF-16, people pass binaries.
  const auto has_prefix = [&](std::initializer_list<unsigned char> p) {
    return text.size() >= p.size() &&
           std::equal(p.begin(), p.end(), text.begin(),
                      [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
  };
  if (has_prefix({0xFF, 0xFE}) || has_prefix({0xFE, 0xFF}) ||
      (text.size() >= 2 && (text[0] == '\0') != (text[1] == '\0')))
    throw InputError(
        file, "", "a UTF-8 text file (JSON)",
        "a UTF-16 or UTF-32 file; save it as UTF-8 (in most editors: Save with encoding > UTF-8)");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError(file, "", "a JSON document", "an empty file");
  if (const auto nul = text.find('\0'); nul != std::string::npos)
    throw InputError(
        file, line_column(text, nul), "a UTF-8 text file (JSON)",
        "binary data (a NUL byte at offset " + std::to_string(nul) + "); is this the right file?");
  if (const auto bad = invalid_utf8_at(text); bad != std::string::npos) {
    std::ostringstream hex;
    hex << std::hex << static_cast<int>(static_cast<unsigned char>(text[bad]));
    throw InputError(file, line_column(text, bad), "a UTF-8 text file (JSON)",
                     "the byte 0x" + hex.str() +
                         " that is not UTF-8 (a Latin-1 or binary file? save it as UTF-8)");
  }
  json result;
  TrackingSax sax(result);
  const bool ok = json::sax_parse(text, &sax, json::input_format_t::json, /*strict=*/true);
  if (ok) return result;
  const std::string ptr = sax.pointer();
  const std::string at_ptr =
      ptr.empty() ? "" : " (" + (ptr.size() > 80 ? ptr.substr(0, 77) + "..." : ptr) + ")";
  if (sax.too_deep)
    throw InputError(
        file, ptr.size() > 80 ? ptr.substr(0, 77) + "..." : ptr,
        "JSON nested at most " + std::to_string(TrackingSax::kMaxDepth) + " levels deep",
        "deeper nesting");
  const std::size_t byte = sax.error_position > 0 ? sax.error_position - 1 : 0;
  const std::string where = line_column(text, byte) + at_ptr;
  std::string token = sax.error_token;
  if (token.size() > 40) token = token.substr(0, 37) + "...";
  if (sax.error_id == 406)  // number overflow
    throw InputError(file, where, "a number within the range of a double (magnitude below 1.8e308)",
                     "'" + token + "'");
  // The word at the error (the lexer stops at its first letter): NaN, Infinity, -Infinity.
  std::size_t w0 = std::min(byte, text.size()), w1 = w0;
  const auto wordy = [](char ch) {
    return std::isalpha(static_cast<unsigned char>(ch)) || ch == '-';
  };
  while (w0 > 0 && wordy(text[w0 - 1])) --w0;
  while (w1 < text.size() && wordy(text[w1])) ++w1;
  std::string word = text.substr(w0, std::min<std::size_t>(w1 - w0, 20));
  if (!word.empty() && word[0] == '-') word.erase(0, 1);
  for (auto& ch : word) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (word == "nan" || word == "infinity" || word == "inf")
    throw InputError(file, where,
                     "valid JSON (NaN and Infinity are not JSON numbers: write a number)",
                     "'" + text.substr(w0, std::min<std::size_t>(w1 - w0, 20)) + "'");
  std::string what = sax.error_message;
  const auto pos = what.find("syntax error");
  throw InputError(file, where, "valid JSON", pos != std::string::npos ? what.substr(pos) : what);
}

json read_json_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(path.string(), "", "a JSON file", "a directory");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxJsonFileBytes)
    throw InputError(path.string(), "",
                     "a JSON file of at most " + std::to_string(kMaxJsonFileBytes >> 20) + " MiB",
                     std::to_string(size >> 20) + " MiB; is this the right file?");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(path.string(), "", "a readable JSON file",
                     "cannot open it (check its permissions)");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in.good() && !in.eof() && ss.str().empty())
    throw InputError(path.string(), "", "a readable JSON file", "a read error");
  return parse_json_text(ss.str(), path.string());
}

}  // namespace govsim
