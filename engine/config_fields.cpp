// Reading typed fields of a config or scenario document: each helper throws (or records) an
// InputError naming the file, the JSON pointer, what was expected and the value found.
// Shared by the scenario loader, the experiment loader and the command-line inputs
// (config_detail.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/config_detail.hpp"
#include "engine/errors.hpp"
#include "engine/json_reader.hpp"

namespace govsim::config_detail {

namespace fs = std::filesystem;
using nlohmann::json;

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
      if (const auto sug = closest_names(k, allowed); !sug.empty())
        list += "; did you mean \"" + sug[0] + "\"?";
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
                       const std::string& ptr, bool required, const std::string& def) {
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

std::string declared_parameter_expected(const ParamRegistry& reg, const std::string& name) {
  std::string expected = "a declared parameter name (see `govsim describe`)";
  const auto sug = reg.suggestions(name);
  if (!sug.empty()) expected += "; did you mean \"" + sug[0] + "\"?";
  return expected;
}

std::size_t declared_parameter(const ParamRegistry& reg, const std::string& name,
                               const std::string& file, const std::string& ptr) {
  const auto idx = reg.find(name);
  if (!idx)
    throw InputError(file, ptr, declared_parameter_expected(reg, name),
                     "unknown parameter \"" + name + "\"");
  return *idx;
}

double parse_parameter_value(const ParamRegistry& reg, std::size_t index, const json& v,
                             const std::string& file, const std::string& ptr) {
  try {
    return reg.parse(index, v);
  } catch (const ParamValueError& err) {
    throw InputError(file, ptr, err.expected, type_name(v));
  }
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

}  // namespace govsim::config_detail
