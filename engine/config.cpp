#include "engine/config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "engine/errors.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

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

// Why `path` is not a readable regular file ("not found", or the system's reason, e.g. a name too
// long), or an empty string if it is one. Never throws (the non-throwing filesystem overload).
std::string missing_file_reason(const fs::path& path) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return "";
  return ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "not found";
}

std::string show(const json& v) {
  std::string s = v.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::string type_name(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean " + v.dump();
  if (v.is_number()) return "the number " + v.dump();
  if (v.is_string()) return "the string " + show(v);
  if (v.is_array()) return "an array";
  return "an object";
}

void require_object(const json& v, const std::string& file, const std::string& ptr) {
  if (!v.is_object()) throw InputError(file, ptr.empty() ? "/" : ptr, "an object", type_name(v));
}

void check_keys(const json& obj, const std::string& file, const std::string& ptr,
                const std::vector<std::string>& allowed, ErrorCollector& errors) {
  for (const auto& [k, v] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) {
        if (!list.empty()) list.append(", ");
        list.append(a);
      }
      errors.add(InputError(file, ptr + "/" + pointer_escape(k), "one of the keys " + list,
                            "unknown key \"" + k + "\""));
    }
  }
}

void check_keys(const json& obj, const std::string& file, const std::string& ptr,
                const std::vector<std::string>& allowed) {
  ErrorCollector errors;
  check_keys(obj, file, ptr, allowed, errors);
  errors.throw_if_any();
}

std::string get_string(const json& obj, const std::string& key, const std::string& file,
                       const std::string& ptr, bool required, const std::string& def = "") {
  if (!obj.contains(key)) {
    if (required) throw InputError(file, ptr.empty() ? "/" : ptr, "a \"" + key + "\" key", "none");
    return def;
  }
  const json& v = obj[key];
  if (!v.is_string()) throw InputError(file, ptr + "/" + key, "a string", type_name(v));
  return v.get<std::string>();
}

long long get_int(const json& obj, const std::string& key, const std::string& file,
                  const std::string& ptr, long long lo, long long hi, long long def) {
  if (!obj.contains(key)) return def;
  const json& v = obj[key];
  const std::string want = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (v.is_number_float()) {
    // Range-check before converting: casting a double outside long long's range is undefined.
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d)
      throw InputError(file, ptr + "/" + key, want, type_name(v));
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
      throw InputError(file, ptr + "/" + key, want, v.dump());
    return static_cast<long long>(d);
  }
  if (!v.is_number_integer()) throw InputError(file, ptr + "/" + key, want, type_name(v));
  const long long x = v.is_number_unsigned()
                          ? static_cast<long long>(std::min<std::uint64_t>(
                                v.get<std::uint64_t>(), static_cast<std::uint64_t>(hi) + 1))
                          : v.get<long long>();
  if (x < lo || x > hi) throw InputError(file, ptr + "/" + key, want, v.dump());
  return x;
}

// Applies a "parameters" object to values; every bad entry is recorded in `errors`.
void apply_parameters(const json& params, const std::string& file, const std::string& ptr,
                      const ParamRegistry& reg, ParamValues& values, ErrorCollector& errors) {
  require_object(params, file, ptr);
  for (const auto& [name, v] : params.items()) {
    const std::string where = ptr + "/" + pointer_escape(name);
    const auto idx = reg.find(name);
    if (!idx) {
      std::string expected = "a declared parameter name (see `govsim describe`)";
      const auto sug = reg.suggestions(name);
      if (!sug.empty()) {
        expected += "; did you mean ";
        for (std::size_t i = 0; i < sug.size(); ++i)
          expected += (i ? ", " : "") + ("\"" + sug[i] + "\"");
        expected += "?";
      }
      errors.add(InputError(file, where, expected, "unknown parameter \"" + name + "\""));
      continue;
    }
    try {
      values.set(*idx, reg.parse(*idx, v));
    } catch (const ParamValueError& e) {
      errors.add(InputError(file, where, e.expected, type_name(v)));
    }
  }
}

ScenarioSpec load_scenario_doc(const json& doc, const std::string& file, const fs::path& base_dir,
                               const std::string& ptr, const ModelAdapter& model,
                               std::vector<std::string>& stack, ErrorCollector& errors);

ScenarioSpec load_scenario_file(const fs::path& path, const std::string& from_file,
                                const std::string& from_ptr, const ModelAdapter& model,
                                std::vector<std::string>& stack, ErrorCollector& errors) {
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(path, ec);
  const std::string key = ec ? path.string() : canon.string();
  if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
    std::string cycle;
    for (const auto& s : stack) cycle += fs::path(s).filename().string() + " -> ";
    cycle += fs::path(key).filename().string();
    throw InputError(from_file, from_ptr, "an `extends` chain without cycles",
                     "the cycle " + cycle);
  }
  if (const std::string why = missing_file_reason(path); !why.empty())
    throw InputError(from_file, from_ptr, "an existing scenario file",
                     "'" + path.string() + "' " + why);
  stack.push_back(key);
  const json doc = read_json_file(path);
  ScenarioSpec s =
      load_scenario_doc(doc, path.string(), path.parent_path(), "", model, stack, errors);
  stack.pop_back();
  s.info["file"] = path.string();
  return s;
}

const std::vector<std::string> kScenarioKeys = {
    "$schema",           "name",    "title",     "title_fr",  "title_en", "titles", "description",
    "seed_contribution", "extends", "territory", "parameters"};

ScenarioSpec load_scenario_doc(const json& doc, const std::string& file, const fs::path& base_dir,
                               const std::string& ptr, const ModelAdapter& model,
                               std::vector<std::string>& stack, ErrorCollector& errors) {
  require_object(doc, file, ptr);
  check_keys(doc, file, ptr, kScenarioKeys, errors);
  ScenarioSpec s;
  errors.attempt([&] {
    s.name = get_string(doc, "name", file, ptr, true);
    if (s.name.empty() || s.name.find_first_of(" /\\\"") != std::string::npos)
      throw InputError(file, ptr + "/name", "a non-empty name without spaces, slashes or quotes",
                       show(doc["name"]));
  });
  const ParamRegistry& reg = model.registry();
  json chain = json::array();
  json territory, territory_base;
  json titles = json::object();
  s.values = ParamValues(reg);
  if (doc.contains("extends")) {
    errors.attempt([&] {
      const std::string ext = get_string(doc, "extends", file, ptr, true);
      ScenarioSpec base =
          load_scenario_file(base_dir / ext, file, ptr + "/extends", model, stack, errors);
      s.values = base.values;
      chain = base.info.value("extends_chain", json::array());
      chain.push_back(base.name);
      territory = base.info.value("territory", json());
      territory_base = base.info.value("territory_base", json());
      titles = base.info.value("titles", json::object());
    });
  }
  if (doc.contains("parameters"))
    errors.attempt([&] {
      apply_parameters(doc["parameters"], file, ptr + "/parameters", reg, s.values, errors);
    });
  if (doc.contains("territory")) {
    errors.attempt([&] {
      // Checked against the model here; a config's own territory takes precedence over it.
      try {
        model.check_territory(doc["territory"], file, base_dir);
      } catch (const fs::filesystem_error& err) {
        throw InputError(file, ptr + "/territory", "paths to existing files",
                         "'" + err.path1().string() + "': " + err.code().message());
      }
      territory = doc["territory"];
      territory_base = base_dir.string();
    });
  }
  // Titles by language: "titles": {"fr": ..., "en": ...}, or "title_fr" / "title_en".
  if (doc.contains("titles")) {
    errors.attempt([&] {
      const json& t = doc["titles"];
      require_object(t, file, ptr + "/titles");
      for (const auto& [lang, v] : t.items()) {
        if (lang.size() != 2 || !std::islower(static_cast<unsigned char>(lang[0])) ||
            !std::islower(static_cast<unsigned char>(lang[1])))
          errors.add(InputError(file, ptr + "/titles/" + pointer_escape(lang),
                                "a two-letter language code (fr, en)", "\"" + lang + "\""));
        else if (!v.is_string())
          errors.add(InputError(file, ptr + "/titles/" + lang, "a string", type_name(v)));
        else
          titles[lang] = v;
      }
    });
  }
  for (const char* lang : {"fr", "en"}) {
    const std::string key = std::string("title_") + lang;
    if (doc.contains(key))
      errors.attempt([&] { titles[lang] = get_string(doc, key, file, ptr, false); });
  }
  s.info = {{"name", s.name},
            {"title", s.name},
            {"description", ""},
            {"seed_contribution", ""},
            {"extends_chain", chain}};
  errors.attempt([&] { s.info["title"] = get_string(doc, "title", file, ptr, false, s.name); });
  errors.attempt([&] { s.info["description"] = get_string(doc, "description", file, ptr, false); });
  errors.attempt([&] {
    s.info["seed_contribution"] = get_string(doc, "seed_contribution", file, ptr, false);
  });
  if (!titles.empty()) s.info["titles"] = titles;
  if (!territory.is_null()) {
    s.info["territory"] = territory;
    s.info["territory_base"] = territory_base;
  }
  return s;
}

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

namespace {

void finish_mechanisms(ScenarioSpec& s) {
  // Mechanisms a scenario sets: parameter groups whose values differ from the defaults.
  const ParamRegistry& reg = s.values.registry();
  std::set<std::string> groups;
  json changed = json::object();
  for (std::size_t i = 0; i < reg.size(); ++i) {
    const ParamSpec& p = reg.at(i);
    if (s.values.get(i) != p.default_value) {
      changed[p.name] = p.to_json_value(s.values.get(i));
      if (p.group() != "sim" && p.group() != "population") groups.insert(p.group());
    }
  }
  s.info["mechanisms"] = groups;
  s.info["parameters"] = changed;
}

}  // namespace

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

ScenarioSpec load_scenario(const fs::path& path, const ModelAdapter& model) {
  std::vector<std::string> stack;
  ErrorCollector errors;
  ScenarioSpec s;
  errors.attempt([&] { s = load_scenario_file(path, path.string(), "", model, stack, errors); });
  errors.throw_if_any();
  finish_mechanisms(s);
  return s;
}

ScenarioSpec load_scenario_json(const json& doc, const std::string& file_label,
                                const fs::path& base_dir, const ModelAdapter& model) {
  std::vector<std::string> stack;
  ErrorCollector errors;
  ScenarioSpec s;
  errors.attempt(
      [&] { s = load_scenario_doc(doc, file_label, base_dir, "", model, stack, errors); });
  errors.throw_if_any();
  finish_mechanisms(s);
  return s;
}

std::string file_kind(const json& doc) {
  if (!doc.is_object()) return "config";
  if (doc.contains("$schema") && doc["$schema"].is_string()) {
    const std::string sc = doc["$schema"].get<std::string>();
    if (sc.find("scenario.schema") != std::string::npos) return "scenario";
    if (sc.find("config.schema") != std::string::npos) return "config";
  }
  for (const char* k : {"scenarios", "experiment", "sweep", "baseline"})
    if (doc.contains(k)) return "config";
  for (const char* k : {"extends", "seed_contribution", "title", "title_fr", "title_en", "titles"})
    if (doc.contains(k)) return "scenario";
  // {"name", "parameters"} without scenarios: a scenario; with a territory only: a config.
  if (doc.contains("parameters") && !doc.contains("territory")) return "scenario";
  return "config";
}

namespace {

// The resolved config (what the run used): every scenario's full parameter set.
void finish_resolved(ExperimentSpec& e, const ModelAdapter& model, const json* sweep_doc,
                     const json& applied) {
  json scen = json::array();
  for (const auto& s : e.scenarios) {
    json j = s.info;
    j.erase("territory");
    j.erase("territory_base");
    j["values"] = s.values.to_json();
    scen.push_back(j);
  }
  e.resolved = {{"name", e.name},
                {"description", e.description},
                {"territory", e.territory},
                {"baseline", e.scenarios[static_cast<std::size_t>(e.baseline)].name},
                {"scenarios", scen},
                {"runs", e.runs},
                {"seed", e.seed},
                {"outputs", e.outputs},
                {"budget", e.budget},
                {"model", model.name()}};
  if (e.target_ci)
    e.resolved["target_ci"] = {{"metric", e.target_ci->metric},
                               {"half_width", e.target_ci->half_width},
                               {"max_runs", e.target_ci->max_runs}};
  if (e.sweep && sweep_doc) e.resolved["sweep"] = *sweep_doc;
  if (e.uncertainty)
    e.resolved["uncertainty"] = {{"parameters", e.uncertainty->parameters},
                                 {"samples", e.uncertainty->samples},
                                 {"method", e.uncertainty->method}};
  if (!applied.empty()) e.resolved["overrides"] = applied;
  if (!e.warnings.empty()) e.resolved["warnings"] = e.warnings;
  if (!e.mid.empty()) e.resolved["minimal_important_difference"] = e.mid;
}

// Command-line overrides: "scenario:parameter" targets one scenario; a bare parameter name
// targets every scenario (with a warning when it cancels a value a scenario set itself, `own`).
// Every bad override is reported (errors); `applied` lists the ones applied.
void apply_overrides(std::vector<ScenarioSpec>& scenarios, const std::vector<ParamValues>& own,
                     const ParamRegistry& reg, const std::vector<Override>& overrides,
                     ErrorCollector& errors, json& applied, std::vector<std::string>& warnings) {
  for (const Override& o : overrides) {
    std::string target, pname = o.name;
    if (const auto colon = o.name.find(':'); colon != std::string::npos) {
      target = o.name.substr(0, colon);
      pname = o.name.substr(colon + 1);
    }
    const auto idx = reg.find(pname);
    if (!idx) {
      std::string expected = "a declared parameter name (see `govsim describe`)";
      const auto sug = reg.suggestions(pname);
      if (!sug.empty()) expected += "; did you mean \"" + sug[0] + "\"?";
      errors.add(InputError("--set", o.name, expected, "unknown parameter \"" + pname + "\""));
      continue;
    }
    double v = 0;
    try {
      v = reg.parse_text(*idx, o.value_text);
    } catch (const ParamValueError& err) {
      errors.add(InputError("--set", o.name, err.expected, "'" + o.value_text + "'"));
      continue;
    }
    applied.push_back(o.name + "=" + o.value_text);
    if (!target.empty()) {
      auto it = std::find_if(scenarios.begin(), scenarios.end(),
                             [&](const auto& s) { return s.name == target; });
      if (it == scenarios.end()) {
        std::string known;
        for (const auto& s : scenarios) known += (known.empty() ? "" : ", ") + s.name;
        errors.add(InputError(
            "--set", o.name,
            "SCENARIO:PARAMETER=VALUE naming a scenario of this experiment (" + known + ")",
            "unknown scenario \"" + target + "\""));
        continue;
      }
      it->values.set(*idx, v);
      continue;
    }
    std::string hit;
    const double dflt = reg.at(*idx).default_value;
    for (std::size_t k = 0; k < scenarios.size() && k < own.size(); ++k)
      if (own[k].get(*idx) != dflt && own[k].get(*idx) != v)
        hit += (hit.empty() ? "" : ", ") + scenarios[k].name;
    if (!hit.empty())
      warnings.push_back(
          "--set " + o.name + "=" + o.value_text + " replaces the value that " + hit +
          " set(s) explicitly, so the lever no longer differs between scenarios; to change one "
          "scenario only, use --set SCENARIO:" +
          pname + "=VALUE");
    for (auto& s : scenarios) s.values.set(*idx, v);
  }
}

}  // namespace

ExperimentSpec experiment_from_scenario(const fs::path& scenario_file, const ModelAdapter& model,
                                        const std::optional<TerritoryChoice>& territory,
                                        const std::vector<Override>& overrides) {
  if (const std::string why = missing_file_reason(scenario_file); !why.empty())
    throw InputError(scenario_file.string(), "", "an existing scenario file", why);
  ErrorCollector errors;
  ScenarioSpec s;
  std::vector<std::string> stack;
  errors.attempt([&] {
    s = load_scenario_file(scenario_file, scenario_file.string(), "", model, stack, errors);
  });
  ExperimentSpec e;
  e.file = scenario_file.string();
  e.name = s.name;
  e.description = s.info.value("description", std::string());
  if (territory) {
    e.territory = territory->value;
    e.base_dir = territory->base_dir;
  } else if (s.info.contains("territory")) {
    e.territory = s.info["territory"];
    e.base_dir = s.info.value("territory_base", std::string("."));
  } else if (errors.empty()) {
    errors.add(InputError(
        scenario_file.string(), "/territory",
        "a territory to run it on: add \"territory\": \"rural-department\" (or another embedded "
        "territory, see docs/territories.md) to the file, or pass --territory NAME|FILE",
        "none"));
  }
  std::vector<ScenarioSpec> one;
  if (errors.empty()) one.push_back(std::move(s));
  std::vector<ParamValues> own;
  for (const auto& sc : one) own.push_back(sc.values);
  json applied = json::array();
  // (checked even when the file has errors)
  apply_overrides(one, own, model.registry(), overrides, errors, applied, e.warnings);
  errors.throw_if_any();
  e.scenarios = std::move(one);
  for (auto& sc : e.scenarios) finish_mechanisms(sc);
  e.baseline = 0;
  finish_resolved(e, model, nullptr, applied);
  e.resolved["scenario_file"] = scenario_file.string();
  return e;
}

TerritoryChoice territory_from_argument(const std::string& arg, const ModelAdapter& model) {
  TerritoryChoice t;
  const json name = arg;
  try {
    model.check_territory(name, "--territory", ".");
    t.value = name;
    t.base_dir = ".";
    return t;
  } catch (const InputError&) {
  }
  const fs::path p = arg;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    std::string expected =
        "an embedded territory name or a territory file (.json, or a communes .csv)";
    try {
      model.check_territory(json(""), "--territory", ".");
    } catch (const InputError& e) {
      expected = e.expected() + ", or a territory file (.json, or a communes .csv)";
    }
    throw InputError("--territory", "", expected, "'" + arg + "' (no such territory or file)");
  }
  const fs::path dir = fs::absolute(p).parent_path();
  if (p.extension() == ".csv") {
    t.value = {{"communes_csv", fs::absolute(p).string()}};
  } else {
    json doc = read_json_file(p);
    // A file holding {"territory": ...} (a config's section) or the territory object itself.
    if (doc.is_object() && doc.contains("territory")) doc = doc["territory"];
    try {
      model.check_territory(doc, p.string(), dir);
    } catch (const fs::filesystem_error& err) {
      throw InputError(p.string(), "/territory", "paths to existing files",
                       "'" + err.path1().string() + "': " + err.code().message());
    }
    t.value = doc;
  }
  t.base_dir = dir;
  return t;
}

ExperimentSpec load_experiment(const fs::path& path, const ModelAdapter& model,
                               const std::vector<Override>& overrides) {
  if (const std::string why = missing_file_reason(path); !why.empty())
    throw InputError(path.string(), "", "an existing config file", why);
  const json doc = read_json_file(path);
  return load_experiment_json(doc, path.string(), path.parent_path(), model, overrides);
}

ExperimentSpec load_experiment_json(const json& doc, const std::string& file,
                                    const fs::path& base_dir, const ModelAdapter& model,
                                    const std::vector<Override>& overrides) {
  require_object(doc, file, "");
  ErrorCollector errors;
  check_keys(doc, file, "",
             {"$schema", "name", "description", "language", "territory", "scenarios", "baseline",
              "territory_comparisons", "parameter_files", "parameters", "experiment", "sweep",
              "uncertainty"},
             errors);
  ExperimentSpec e;
  e.file = file;
  e.base_dir = base_dir;
  errors.attempt([&] { e.name = get_string(doc, "name", file, "", true); });
  errors.attempt([&] { e.description = get_string(doc, "description", file, "", false); });
  std::string language;  // of the report (govsim report --lang overrides it)
  errors.attempt([&] {
    language = get_string(doc, "language", file, "", false);
    if (doc.contains("language") && language != "fr" && language != "en")
      throw InputError(file, "/language", "\"fr\" or \"en\" (the report's language)",
                       show(doc["language"]));
  });
  errors.attempt([&] {
    if (!doc.contains("territory")) throw InputError(file, "/", "a \"territory\" key", "none");
    try {
      model.check_territory(doc["territory"], file, base_dir);
    } catch (const fs::filesystem_error& err) {  // e.g. a CSV path too long for the OS
      throw InputError(file, "/territory", "paths to existing files",
                       "'" + err.path1().string() + "': " + err.code().message());
    }
    e.territory = doc["territory"];
  });
  const ParamRegistry& reg = model.registry();
  // One item of a "scenarios" list: a scenario file path or an inline scenario object.
  auto load_scenario_item = [&](const json& item, const std::string& ptr) {
    std::vector<std::string> stack;
    if (item.is_string())
      return load_scenario_file(base_dir / item.get<std::string>(), file, ptr, model, stack,
                                errors);
    if (item.is_object()) return load_scenario_doc(item, file, base_dir, ptr, model, stack, errors);
    throw InputError(file, ptr, "a scenario file path or a scenario object", type_name(item));
  };
  bool scenarios_ok = false;
  errors.attempt([&] {
    if (!doc.contains("scenarios")) throw InputError(file, "/", "a \"scenarios\" key", "none");
    const json& sc = doc["scenarios"];
    if (!sc.is_array() || sc.empty())
      throw InputError(file, "/scenarios", "a non-empty array of scenario files or objects",
                       type_name(sc));
    std::set<std::string> names;
    const std::size_t before = errors.size();
    for (std::size_t i = 0; i < sc.size(); ++i) {
      const std::string ptr = "/scenarios/" + std::to_string(i);
      errors.attempt([&] {
        ScenarioSpec s = load_scenario_item(sc[i], ptr);
        if (!s.name.empty() && !names.insert(s.name).second)
          throw InputError(file, ptr, "scenario names that are unique",
                           "a second scenario named \"" + s.name + "\"");
        e.scenarios.push_back(std::move(s));
      });
    }
    scenarios_ok = errors.size() == before;
  });
  // Scenarios also compared on their own territory, each against the baseline run there:
  // "NAME@TERRITORY" and "BASELINE@TERRITORY".
  if (scenarios_ok && doc.contains("territory_comparisons")) {
    errors.attempt([&] {
      const json& tc = doc["territory_comparisons"];
      const std::string where = "/territory_comparisons";
      if (!tc.is_array())
        throw InputError(file, where,
                         "an array of {\"territory\": ..., \"scenarios\": [...]} objects",
                         type_name(tc));
      std::set<std::string> names;
      for (const auto& s : e.scenarios) names.insert(s.name);
      std::string base_name = e.scenarios.front().name;
      if (doc.contains("baseline") && doc["baseline"].is_string())
        base_name = doc["baseline"].get<std::string>();
      // By index: the vector grows below.
      const auto base_idx = static_cast<std::size_t>(
          std::find_if(e.scenarios.begin(), e.scenarios.end(),
                       [&](const auto& s) { return s.name == base_name; }) -
          e.scenarios.begin());
      const std::size_t n_main = e.scenarios.size();
      for (std::size_t g = 0; g < tc.size(); ++g) {
        const std::string gp = where + "/" + std::to_string(g);
        require_object(tc[g], file, gp);
        check_keys(tc[g], file, gp, {"territory", "scenarios"});
        if (!tc[g].contains("territory")) throw InputError(file, gp, "a \"territory\" key", "none");
        try {
          model.check_territory(tc[g]["territory"], file, base_dir);
        } catch (const InputError& err) {
          throw InputError(file, gp + "/territory",
                           "a territory as for the experiment's \"territory\"",
                           tc[g]["territory"].dump());
        }
        const json& terr = tc[g]["territory"];
        const std::string label = terr.is_string()
                                      ? terr.get<std::string>()
                                      : terr.value("name", "territory" + std::to_string(g));
        const json& gs = tc[g].contains("scenarios") ? tc[g]["scenarios"] : json();
        if (!gs.is_array() || gs.empty())
          throw InputError(file, gp + "/scenarios",
                           "a non-empty array of scenario files or objects", type_name(gs));
        if (base_idx >= n_main)
          throw InputError(file, "/baseline", "the name of one of the scenarios",
                           "\"" + base_name + "\"");
        ScenarioSpec base = e.scenarios[base_idx];
        base.name += "@" + label;
        base.info["name"] = base.name;
        base.info["territory"] = terr;
        base.info["territory_baseline"] = true;
        base.territory = terr;
        const int base_index = static_cast<int>(e.scenarios.size());
        if (!names.insert(base.name).second)
          throw InputError(file, gp, "scenario names that are unique",
                           "a second scenario named \"" + base.name + "\"");
        e.scenarios.push_back(std::move(base));
        for (std::size_t i = 0; i < gs.size(); ++i) {
          const std::string ptr = gp + "/scenarios/" + std::to_string(i);
          ScenarioSpec s = load_scenario_item(gs[i], ptr);
          s.name += "@" + label;
          s.info["name"] = s.name;
          s.info["territory"] = terr;
          s.info["compared_with"] = e.scenarios[static_cast<std::size_t>(base_index)].name;
          s.territory = terr;
          s.compare_with = base_index;
          if (!names.insert(s.name).second)
            throw InputError(file, ptr, "scenario names that are unique",
                             "a second scenario named \"" + s.name + "\"");
          e.scenarios.push_back(std::move(s));
        }
      }
    });
  }
  // What each scenario sets itself (its file and extends chain), before config-wide values.
  std::vector<ParamValues> own;
  for (const auto& s : e.scenarios) own.push_back(s.values);
  // Parameter files (e.g. written by `govsim calibrate`) give values to what no scenario set
  // (they act as defaults); later files win over earlier ones.
  if (doc.contains("parameter_files")) {
    errors.attempt([&] {
      const json& pf = doc["parameter_files"];
      if (!pf.is_array())
        throw InputError(file, "/parameter_files", "an array of parameters files", type_name(pf));
      for (std::size_t i = 0; i < pf.size(); ++i) {
        errors.attempt([&] {
          const std::string ptr = "/parameter_files/" + std::to_string(i);
          if (!pf[i].is_string())
            throw InputError(file, ptr, "a parameters file path (string)", type_name(pf[i]));
          const fs::path path = base_dir / pf[i].get<std::string>();
          if (const std::string why = missing_file_reason(path); !why.empty())
            throw InputError(file, ptr, "an existing parameters file",
                             "'" + path.string() + "' " + why);
          const json pdoc = read_json_file(path);
          require_object(pdoc, path.string(), "");
          ErrorCollector file_errors;
          check_keys(pdoc, path.string(), "",
                     {"$schema", "description", "parameters", "provenance"}, file_errors);
          if (!pdoc.contains("parameters"))
            file_errors.add(InputError(path.string(), "/", "a \"parameters\" key", "none"));
          ParamValues vals(reg);
          if (pdoc.contains("parameters"))
            file_errors.attempt([&] {
              apply_parameters(pdoc["parameters"], path.string(), "/parameters", reg, vals,
                               file_errors);
            });
          file_errors.throw_if_any();
          for (std::size_t si = 0; si < e.scenarios.size(); ++si)
            for (std::size_t k = 0; k < reg.size(); ++k)
              if (vals.is_set(k) && !own[si].is_set(k)) e.scenarios[si].values.set(k, vals.get(k));
        });
      }
    });
  }
  // Config-wide parameters, then command-line overrides, apply to every scenario (checked once).
  if (doc.contains("parameters")) {
    errors.attempt([&] {
      ParamValues scratch(reg);
      ErrorCollector param_errors;
      apply_parameters(doc["parameters"], file, "/parameters", reg, scratch, param_errors);
      if (!param_errors.empty()) {
        for (const auto& pe : param_errors.errors()) errors.add(pe);
        return;
      }
      ErrorCollector ignored;
      for (auto& s : e.scenarios)
        apply_parameters(doc["parameters"], file, "/parameters", reg, s.values, ignored);
    });
  }
  json applied = json::array();
  apply_overrides(e.scenarios, own, reg, overrides, errors, applied, e.warnings);
  for (auto& s : e.scenarios) finish_mechanisms(s);
  e.baseline = 0;
  if (doc.contains("baseline")) {
    errors.attempt([&] {
      const std::string b = get_string(doc, "baseline", file, "", true);
      auto it = std::find_if(e.scenarios.begin(), e.scenarios.end(),
                             [&](const auto& s) { return s.name == b; });
      if (it != e.scenarios.end())
        e.baseline = static_cast<int>(it - e.scenarios.begin());
      else if (scenarios_ok)  // (a scenario that failed to load may be the one named)
        throw InputError(file, "/baseline", "the name of one of the scenarios",
                         show(doc["baseline"]));
    });
  }
  if (doc.contains("experiment")) {
    errors.attempt([&] {
      const json& x = doc["experiment"];
      require_object(x, file, "/experiment");
      check_keys(x, file, "/experiment",
                 {"runs", "seed", "threads", "outputs", "target_ci", "minimal_important_difference",
                  "budget"},
                 errors);
      if (x.contains("budget")) {
        errors.attempt([&] {
          if (!x["budget"].is_string() ||
              (x["budget"] != "as_configured" && x["budget"] != "equal_to_baseline"))
            throw InputError(file, "/experiment/budget",
                             "\"as_configured\" (each scenario spends what its parameters cost) or "
                             "\"equal_to_baseline\" (every scenario spends the baseline's total)",
                             show(x["budget"]));
          e.budget = x["budget"].get<std::string>();
        });
      }
      if (x.contains("minimal_important_difference")) {
        errors.attempt([&] {
          const std::string where = "/experiment/minimal_important_difference";
          const json& mid = x["minimal_important_difference"];
          require_object(mid, file, where);
          const auto ms = model.metrics();
          for (const auto& item : mid.items()) {
            const std::string name = item.key();
            const json& val = item.value();
            if (std::none_of(ms.begin(), ms.end(), [&](const auto& m) { return m.name == name; }))
              errors.add(InputError(file, where + "/" + pointer_escape(name),
                                    "the name of a metric (govsim describe --metrics)",
                                    "\"" + name + "\""));
            else if (!val.is_number() || !std::isfinite(val.get<double>()) || val.get<double>() < 0)
              errors.add(InputError(file, where + "/" + name,
                                    "a non-negative number in the metric's unit", show(val)));
            else
              e.mid[name] = val.get<double>();
          }
        });
      }
      errors.attempt([&] {
        e.runs = static_cast<int>(get_int(x, "runs", file, "/experiment", 1, 100000, e.runs));
      });
      errors.attempt([&] {
        e.seed = static_cast<std::uint64_t>(
            get_int(x, "seed", file, "/experiment", 0, 9007199254740991LL, 1));
      });
      errors.attempt([&] {
        e.threads = static_cast<int>(get_int(x, "threads", file, "/experiment", 0, 1024, 0));
      });
      if (x.contains("outputs")) {
        errors.attempt([&] {
          const json& o = x["outputs"];
          if (!o.is_array())
            throw InputError(file, "/experiment/outputs", "an array of output names", type_name(o));
          e.outputs.clear();
          for (std::size_t i = 0; i < o.size(); ++i) {
            static const std::vector<std::string> known = {"summary", "paired", "runs",
                                                           "timeseries"};
            if (!o[i].is_string() ||
                std::find(known.begin(), known.end(), o[i].get<std::string>()) == known.end())
              errors.add(InputError(file, "/experiment/outputs/" + std::to_string(i),
                                    "one of summary, paired, runs, timeseries", show(o[i])));
            else
              e.outputs.push_back(o[i].get<std::string>());
          }
        });
      }
      if (x.contains("target_ci")) {
        errors.attempt([&] {
          const json& tc = x["target_ci"];
          require_object(tc, file, "/experiment/target_ci");
          check_keys(tc, file, "/experiment/target_ci", {"metric", "half_width", "max_runs"},
                     errors);
          TargetCi t;
          bool ok = errors.attempt([&] {
            t.metric = get_string(tc, "metric", file, "/experiment/target_ci", true);
            const auto ms = model.metrics();
            if (std::none_of(ms.begin(), ms.end(),
                             [&](const auto& m) { return m.name == t.metric; }))
              throw InputError(file, "/experiment/target_ci/metric",
                               "a metric name (see `govsim describe --metrics`)",
                               show(tc["metric"]));
          });
          ok = errors.attempt([&] {
            if (!tc.contains("half_width") || !tc["half_width"].is_number() ||
                tc["half_width"].get<double>() <= 0)
              throw InputError(file, "/experiment/target_ci/half_width", "a positive number",
                               tc.contains("half_width") ? type_name(tc["half_width"]) : "none");
            t.half_width = tc["half_width"].get<double>();
          }) && ok;
          ok = errors.attempt([&] {
            t.max_runs = static_cast<int>(
                get_int(tc, "max_runs", file, "/experiment/target_ci", 2, 100000, 200));
          }) && ok;
          if (ok) e.target_ci = t;
        });
      }
    });
  }
  if (e.budget == "equal_to_baseline") {
    errors.attempt([&] {
      if (doc.contains("sweep"))
        throw InputError(file, "/experiment/budget",
                         "\"as_configured\" in a sweep (its design points have no baseline whose "
                         "budget they could equal)",
                         "\"equal_to_baseline\"");
      if (scenarios_ok && e.scenarios.size() < 2)
        throw InputError(file, "/experiment/budget",
                         "\"as_configured\" with a single scenario (nothing to compare at equal "
                         "budget)",
                         "\"equal_to_baseline\"");
    });
    // Every other scenario spends the baseline's total; each is also run as configured
    // ("NAME@as_configured") for its cost-effectiveness (outcome gained per million euros).
    if (errors.empty()) {
      const std::size_t n = e.scenarios.size();
      for (std::size_t k = 0; k < n; ++k) {
        e.scenarios[k].info["budget"] = "equal_to_baseline";
        if (static_cast<int>(k) == e.baseline || e.scenarios[k].info.contains("territory_baseline"))
          continue;
        ScenarioSpec arm = e.scenarios[k];
        e.scenarios[k].budget_of =
            e.scenarios[k].compare_with >= 0 ? e.scenarios[k].compare_with : e.baseline;
        arm.name += "@as_configured";
        arm.info["name"] = arm.name;
        arm.info["budget"] = "as_configured";
        arm.info["arm_of"] = e.scenarios[k].name;
        e.scenarios.push_back(std::move(arm));
      }
    }
  }
  if (doc.contains("sweep") && doc.contains("territory_comparisons"))
    errors.add(
        InputError(file, "/territory_comparisons",
                   "no territory comparisons in a sweep (its design points have no baseline)",
                   "both \"sweep\" and \"territory_comparisons\""));
  if (doc.contains("sweep")) {
    errors.attempt([&] {
      const json& sw = doc["sweep"];
      require_object(sw, file, "/sweep");
      check_keys(sw, file, "/sweep", {"method", "samples", "parameters"}, errors);
      SweepSpec s;
      errors.attempt([&] {
        s.method = get_string(sw, "method", file, "/sweep", true);
        if (s.method != "grid" && s.method != "lhs")
          throw InputError(file, "/sweep/method", "\"grid\" or \"lhs\"", show(sw["method"]));
      });
      errors.attempt([&] {
        s.samples = static_cast<int>(get_int(sw, "samples", file, "/sweep", 1, 100000, 10));
      });
      if (!sw.contains("parameters"))
        throw InputError(file, "/sweep", "a \"parameters\" key", "none");
      const json& ax = sw["parameters"];
      require_object(ax, file, "/sweep/parameters");
      if (ax.empty()) throw InputError(file, "/sweep/parameters", "at least one parameter", "{}");
      for (const auto& item : ax.items()) {
        const std::string name =
            item.key();  // (not a structured binding: clang 14 cannot capture those)
        const json& spec = item.value();
        errors.attempt([&] {
          const std::string ptr = "/sweep/parameters/" + pointer_escape(name);
          const auto idx = reg.find(name);
          if (!idx) {
            std::string expected = "a declared parameter name (see `govsim describe`)";
            const auto sug = reg.suggestions(name);
            if (!sug.empty()) expected += "; did you mean \"" + sug[0] + "\"?";
            throw InputError(file, ptr, expected, "unknown parameter \"" + name + "\"");
          }
          const ParamSpec& ps = reg.at(*idx);
          require_object(spec, file, ptr);
          check_keys(spec, file, ptr, {"values", "min", "max", "steps"});
          SweepSpec::Axis a;
          a.name = name;
          auto parse_value = [&](const json& v, const std::string& p) {
            try {
              return reg.parse(*idx, v);
            } catch (const ParamValueError& err) {
              throw InputError(file, p, err.expected, type_name(v));
            }
          };
          if (spec.contains("values")) {
            if (!spec["values"].is_array() || spec["values"].empty())
              throw InputError(file, ptr + "/values", "a non-empty array",
                               type_name(spec["values"]));
            ErrorCollector value_errors;
            for (std::size_t i = 0; i < spec["values"].size(); ++i)
              value_errors.attempt([&] {
                a.values.push_back(
                    parse_value(spec["values"][i], ptr + "/values/" + std::to_string(i)));
              });
            value_errors.throw_if_any();
            a.min = *std::min_element(a.values.begin(), a.values.end());
            a.max = *std::max_element(a.values.begin(), a.values.end());
          } else {
            if (ps.type == ParamType::Choice || ps.type == ParamType::Boolean)
              throw InputError(file, ptr,
                               "\"values\" for a " + std::string(to_string(ps.type)) + " parameter",
                               "min/max");
            if (!spec.contains("min") || !spec.contains("max"))
              throw InputError(file, ptr, "\"values\", or \"min\" and \"max\"", show(spec));
            a.min = parse_value(spec["min"], ptr + "/min");
            a.max = parse_value(spec["max"], ptr + "/max");
            if (a.max < a.min)
              throw InputError(file, ptr + "/max", "a value >= min", show(spec["max"]));
            const int steps = static_cast<int>(get_int(spec, "steps", file, ptr, 1, 1000, 5));
            for (int k = 0; k < steps; ++k) {
              double v = steps == 1 ? a.min : a.min + (a.max - a.min) * k / (steps - 1);
              if (ps.type == ParamType::Integer) v = std::round(v);
              a.values.push_back(v);
            }
          }
          s.axes.push_back(std::move(a));
        });
      }
      e.sweep = std::move(s);
    });
  }
  if (doc.contains("uncertainty")) {
    errors.attempt([&] {
      const json& u = doc["uncertainty"];
      const std::string where = "/uncertainty";
      require_object(u, file, where);
      check_keys(u, file, where, {"parameters", "samples", "method"}, errors);
      UncertaintySpec us;
      errors.attempt([&] {
        us.samples = static_cast<int>(get_int(u, "samples", file, where, 2, 1000000, us.samples));
      });
      if (u.contains("method")) {
        errors.attempt([&] {
          us.method = get_string(u, "method", file, where, true);
          if (us.method != "lhs" && us.method != "sobol")
            throw InputError(file, where + "/method", "\"lhs\" or \"sobol\"", show(u["method"]));
        });
      }
      const json params = u.contains("parameters") ? u["parameters"] : json("assumptions");
      const std::string expected =
          "\"assumptions\" or an array of assumption names with a plausible range "
          "(govsim describe shows them as 'plausible:')";
      if (params.is_string()) {
        if (params.get<std::string>() != "assumptions")
          throw InputError(file, where + "/parameters", expected, show(params));
        for (std::size_t i : reg.uncertain()) us.parameters.push_back(reg.at(i).name);
      } else if (params.is_array() && !params.empty()) {
        std::vector<std::size_t> picked;
        for (std::size_t k = 0; k < params.size(); ++k) {
          errors.attempt([&] {
            const std::string ptr = where + "/parameters/" + std::to_string(k);
            if (!params[k].is_string())
              throw InputError(file, ptr, "a parameter name", type_name(params[k]));
            const std::string name = params[k].get<std::string>();
            const auto idx = reg.find(name);
            if (!idx) {
              std::string got = "unknown parameter \"" + name + "\"";
              const auto sug = reg.suggestions(name);
              if (!sug.empty()) got += " (did you mean \"" + sug[0] + "\"?)";
              throw InputError(file, ptr, "a declared parameter name", got);
            }
            const ParamSpec& ps = reg.at(*idx);
            if (!ps.uncertainty || !ps.uncertainty->varied())
              throw InputError(file, ptr,
                               "a parameter with a plausible range (an assumption, not fixed)",
                               "\"" + name + "\" (source: " + ps.source + ")");
            if (std::find(picked.begin(), picked.end(), *idx) != picked.end())
              throw InputError(file, ptr, "each parameter once", "\"" + name + "\" again");
            picked.push_back(*idx);
          });
        }
        std::sort(picked.begin(), picked.end());
        for (std::size_t i : picked) us.parameters.push_back(reg.at(i).name);
      } else {
        throw InputError(file, where + "/parameters", expected, type_name(params));
      }
      e.uncertainty = std::move(us);
    });
  }
  errors.throw_if_any();
  const json* sweep_doc = doc.contains("sweep") ? &doc["sweep"] : nullptr;
  finish_resolved(e, model, sweep_doc, applied);
  if (!language.empty()) e.resolved["language"] = language;
  return e;
}

json scenario_schema(const ModelAdapter& model) {
  return {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://govsim.example/schema/scenario.schema.json"},
      {"title", "govsim scenario"},
      {"description",
       "A governance scenario: a composition of mechanisms set through parameters. Generated "
       "by `govsim schema scenario`."},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"name"}},
      {"properties",
       {{"$schema", {{"type", "string"}}},
        {"name", {{"type", "string"}, {"pattern", "^[^ /\\\\\"]+$"}}},
        {"title", {{"type", "string"}}},
        {"title_fr",
         {{"type", "string"}, {"description", "Title in French (the report in French uses it)."}}},
        {"title_en",
         {{"type", "string"},
          {"description", "Title in English (the report in English uses it)."}}},
        {"titles",
         {{"type", "object"},
          {"propertyNames", {{"pattern", "^[a-z]{2}$"}}},
          {"additionalProperties", {{"type", "string"}}},
          {"description", "Titles by two-letter language code, e.g. {\"fr\": ..., \"en\": ...}."}}},
        {"description", {{"type", "string"}}},
        {"seed_contribution",
         {{"type", "string"},
          {"description", "The seed contribution this scenario encodes, quoted."}}},
        {"extends",
         {{"type", "string"},
          {"description", "Scenario file this one starts from (relative path)."}}},
        {"territory", model.territory_schema()},
        {"parameters", model.registry().parameters_schema()}}}};
}

json config_schema(const ModelAdapter& model) {
  json scenario_inline = scenario_schema(model);
  scenario_inline.erase("$schema");
  scenario_inline.erase("$id");
  std::vector<std::string> metric_names;
  for (const auto& m : model.metrics()) metric_names.push_back(m.name);
  std::vector<std::string> uncertain_names;
  for (std::size_t i : model.registry().uncertain())
    uncertain_names.push_back(model.registry().at(i).name);
  json axis = {{"type", "object"},
               {"additionalProperties", false},
               {"properties",
                {{"values", {{"type", "array"}, {"minItems", 1}}},
                 {"min", {}},
                 {"max", {}},
                 {"steps", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}}}};
  return {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://govsim.example/schema/config.schema.json"},
      {"title", "govsim experiment config"},
      {"description",
       "An experiment: a territory, scenarios to compare, parameter overrides and settings. "
       "Generated by `govsim schema config`."},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"name", "territory", "scenarios"}},
      {"$defs", {{"scenario", scenario_inline}}},
      {"properties",
       {{"$schema", {{"type", "string"}}},
        {"name", {{"type", "string"}}},
        {"description", {{"type", "string"}}},
        {"language",
         {{"enum", {"fr", "en"}},
          {"description",
           "Language of the report (default fr; govsim report --lang overrides it)."}}},
        {"territory", model.territory_schema()},
        {"scenarios",
         {{"type", "array"},
          {"minItems", 1},
          {"items", {{"oneOf", {{{"type", "string"}}, {{"$ref", "#/$defs/scenario"}}}}}}}},
        {"baseline",
         {{"type", "string"},
          {"description", "Name of the scenario others are compared with (default: the first)."}}},
        {"territory_comparisons",
         {{"type", "array"},
          {"description",
           "Scenarios also compared on their own territory, each group against the baseline run "
           "on that territory (named NAME@TERRITORY), in the same run (docs/config.md)."},
          {"items",
           {{"type", "object"},
            {"additionalProperties", false},
            {"required", {"territory", "scenarios"}},
            {"properties",
             {{"territory", model.territory_schema()},
              {"scenarios",
               {{"type", "array"},
                {"minItems", 1},
                {"items",
                 {{"oneOf", {{{"type", "string"}}, {{"$ref", "#/$defs/scenario"}}}}}}}}}}}}}},
        {"parameter_files",
         {{"type", "array"},
          {"items", {{"type", "string"}}},
          {"description",
           "Parameters files (e.g. written by `govsim calibrate`) giving values to the parameters "
           "no scenario sets."}}},
        {"parameters", model.registry().parameters_schema()},
        {"experiment",
         {{"type", "object"},
          {"additionalProperties", false},
          {"properties",
           {{"runs", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}, {"default", 10}}},
            {"seed", {{"type", "integer"}, {"minimum", 0}, {"default", 1}}},
            {"budget",
             {{"enum", {"as_configured", "equal_to_baseline"}},
              {"default", "as_configured"},
              {"description",
               "as_configured: each scenario spends what its parameters cost. "
               "equal_to_baseline: every scenario spends the baseline's total over the horizon, "
               "replicate by replicate (mechanism costs come out of the same envelope: mediator "
               "posts are added through the allocation rule or scaled); each scenario is also run "
               "as configured (NAME@as_configured) for its cost-effectiveness."}}},
            {"threads",
             {{"type", "integer"},
              {"minimum", 0},
              {"maximum", 1024},
              {"default", 0},
              {"description", "0: all cores. Results do not depend on it."}}},
            {"outputs",
             {{"type", "array"},
              {"items", {{"enum", {"summary", "paired", "runs", "timeseries"}}}}}},
            {"minimal_important_difference",
             {{"type", "object"},
              {"description",
               "Per metric, the smallest difference that matters, in the metric's unit (shares: "
               "0.001 = 0.1 point). Defaults: 0.1 point for shares, 0.5 for weeks, else 1% of the "
               "baseline mean (docs/metrics.md)."},
              {"propertyNames", {{"enum", metric_names}}},
              {"additionalProperties", {{"type", "number"}, {"minimum", 0}}}}},
            {"target_ci",
             {{"type", "object"},
              {"additionalProperties", false},
              {"required", {"metric", "half_width"}},
              {"properties",
               {{"metric", {{"enum", metric_names}}},
                {"half_width", {{"type", "number"}, {"exclusiveMinimum", 0}}},
                {"max_runs", {{"type", "integer"}, {"minimum", 2}}}}}}}}}}},
        {"sweep",
         {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"method", "parameters"}},
          {"properties",
           {{"method", {{"enum", {"grid", "lhs"}}}},
            {"samples", {{"type", "integer"}, {"minimum", 1}}},
            {"parameters",
             {{"type", "object"}, {"minProperties", 1}, {"additionalProperties", axis}}}}}}},
        {"uncertainty",
         {{"type", "object"},
          {"additionalProperties", false},
          {"description",
           "The plausible ranges of assumptions to vary (govsim robustness, govsim sensitivity; "
           "docs/uncertainty.md)."},
          {"properties",
           {{"parameters",
             {{"description", "\"assumptions\" (every varied assumption) or a list of them."},
              {"default", "assumptions"},
              {"oneOf",
               {{{"const", "assumptions"}},
                {{"type", "array"},
                 {"minItems", 1},
                 {"uniqueItems", true},
                 {"items", {{"enum", uncertain_names}}}}}}}},
            {"samples",
             {{"type", "integer"},
              {"minimum", 2},
              {"maximum", 1000000},
              {"default", 64},
              {"description",
               "Points of the uncertainty space (robustness); base sample size (sensitivity)."}}},
            {"method",
             {{"enum", {"lhs", "sobol"}},
              {"default", "lhs"},
              {"description",
               "How robustness draws its points: Latin hypercube or scrambled Sobol' "
               "sequence."}}}}}}}}}};
}

json scenario_to_json(const ScenarioSpec& s, const std::string& extends) {
  json j = {{"$schema", "../schema/scenario.schema.json"}, {"name", s.name}};
  for (const char* k : {"title", "description", "seed_contribution"})
    if (s.info.contains(k) && !s.info[k].get<std::string>().empty()) j[k] = s.info[k];
  if (s.info.contains("titles") && !s.info["titles"].empty()) j["titles"] = s.info["titles"];
  if (!extends.empty()) j["extends"] = extends;
  // An embedded territory travels with the file; CSV paths would not resolve from elsewhere.
  if (s.info.contains("territory") && s.info["territory"].is_string())
    j["territory"] = s.info["territory"];
  j["parameters"] = s.values.to_json(/*only_non_default=*/true);
  return j;
}

}  // namespace govsim
