#include "engine/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace govsim {

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::Real:
      return "real";
    case ParamType::Integer:
      return "integer";
    case ParamType::Boolean:
      return "boolean";
    case ParamType::Choice:
      return "choice";
  }
  return "?";
}

const std::vector<std::string>& uncertainty_distributions() {
  static const std::vector<std::string> d = {"uniform", "triangular", "loguniform", "fixed"};
  return d;
}

double Uncertainty::quantile(double u, double mode, bool integer) const {
  u = std::clamp(u, 0.0, 1.0);
  double v = low;
  if (distribution == "fixed" || high <= low) {
    v = low;
  } else if (integer) {
    // Each of the high - low + 1 integers gets an equal share of [0, 1).
    v = low + std::min(std::floor(u * (high - low + 1)), high - low);
    return v;
  } else if (distribution == "uniform") {
    v = low + u * (high - low);
  } else if (distribution == "loguniform") {
    v = std::exp(std::log(low) + u * (std::log(high) - std::log(low)));
  } else if (distribution == "triangular") {
    const double c = (mode - low) / (high - low);
    v = u < c ? low + std::sqrt(u * (high - low) * (mode - low))
              : high - std::sqrt((1 - u) * (high - low) * (high - mode));
  }
  return std::clamp(v, low, high);
}

namespace {
std::string number_text(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t prev = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string ParamSpec::format(double v) const {
  switch (type) {
    case ParamType::Boolean:
      return v != 0 ? "true" : "false";
    case ParamType::Choice:
      return choices.at(static_cast<std::size_t>(v));
    default:
      return number_text(v);
  }
}

nlohmann::json ParamSpec::to_json_value(double v) const {
  switch (type) {
    case ParamType::Boolean:
      return v != 0;
    case ParamType::Choice:
      return choices.at(static_cast<std::size_t>(v));
    case ParamType::Integer:
      return static_cast<long long>(v);
    default:
      return v;
  }
}

std::string ParamSpec::range_text() const {
  switch (type) {
    case ParamType::Boolean:
      return "true | false";
    case ParamType::Choice: {
      std::string s;
      for (const auto& c : choices) {
        if (!s.empty()) s.append(" | ");
        s.append(c);
      }
      return s;
    }
    default:
      return "[" + number_text(min) + ", " + number_text(max) + "]";
  }
}

void ParamRegistry::add(ParamSpec spec) {
  auto fail = [&](const std::string& why) {
    throw std::logic_error("parameter declaration '" + spec.name + "': " + why);
  };
  if (spec.name.empty() || spec.name.find('.') == std::string::npos)
    fail("name must be dotted (group.name)");
  if (find(spec.name)) fail("declared twice");
  if (spec.source.empty()) fail("needs a source or \"assumption\"");
  if (spec.doc.empty()) fail("needs a doc line");
  switch (spec.type) {
    case ParamType::Real:
    case ParamType::Integer:
      if (!(spec.min <= spec.default_value && spec.default_value <= spec.max))
        fail("default outside [min, max]");
      if (spec.type == ParamType::Integer && std::floor(spec.default_value) != spec.default_value)
        fail("integer default is not an integer");
      break;
    case ParamType::Boolean:
      spec.min = 0;
      spec.max = 1;
      break;
    case ParamType::Choice:
      if (spec.choices.empty()) fail("choice without choices");
      if (spec.default_value < 0 || spec.default_value >= static_cast<double>(spec.choices.size()))
        fail("default choice out of range");
      spec.min = 0;
      spec.max = static_cast<double>(spec.choices.size() - 1);
      break;
  }
  specs_.push_back(std::move(spec));
}

std::optional<std::size_t> ParamRegistry::find(std::string_view name) const {
  for (std::size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].name == name) return i;
  return std::nullopt;
}

void ParamRegistry::set_uncertainty(std::string_view name, Uncertainty u) {
  auto fail = [&](const std::string& why) {
    throw std::logic_error("uncertainty of '" + std::string(name) + "': " + why);
  };
  const auto i = find(name);
  if (!i) fail("no such parameter");
  ParamSpec& s = specs_[*i];
  if (!s.is_assumption())
    fail("its source is not an assumption (\"" + s.source + "\"): only assumptions get a range");
  if (s.uncertainty) fail("declared twice");
  const auto& ds = uncertainty_distributions();
  if (std::find(ds.begin(), ds.end(), u.distribution) == ds.end())
    fail("unknown distribution '" + u.distribution + "'");
  if (u.reason.empty()) fail("needs a reason");
  if (!(u.low <= u.high)) fail("low > high");
  if (u.low < s.min || u.high > s.max) fail("range outside the declared range " + s.range_text());
  if (!(u.low <= s.default_value && s.default_value <= u.high))
    fail("the default lies outside [low, high]");
  if (u.distribution == "fixed" && (u.low != s.default_value || u.high != s.default_value))
    fail("a fixed entry has low = high = the default");
  if (u.distribution != "fixed" && !(u.low < u.high))
    fail("a varied entry needs low < high (or \"fixed\")");
  if (u.distribution == "loguniform" && !(u.low > 0)) fail("loguniform needs low > 0");
  if (s.type == ParamType::Choice) fail("choice parameters cannot be varied");
  if (s.type == ParamType::Boolean && u.distribution != "fixed")
    fail("booleans can only be \"fixed\"");
  if (s.type == ParamType::Integer && (std::floor(u.low) != u.low || std::floor(u.high) != u.high))
    fail("integer bounds must be integers");
  if (s.type == ParamType::Integer && u.distribution != "uniform" && u.distribution != "fixed")
    fail("integers are \"uniform\" or \"fixed\"");
  s.uncertainty = std::move(u);
}

void ParamRegistry::check_uncertainty_complete() const {
  std::string missing;
  for (const auto& s : specs_)
    if (s.is_assumption() && !s.uncertainty) missing += (missing.empty() ? "" : ", ") + s.name;
  if (!missing.empty())
    throw std::logic_error("assumptions without an uncertainty entry (uncertainty.def): " +
                           missing);
}

std::vector<std::size_t> ParamRegistry::uncertain() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].uncertainty && specs_[i].uncertainty->varied()) out.push_back(i);
  return out;
}

std::vector<double> ParamRegistry::defaults() const {
  std::vector<double> v;
  v.reserve(specs_.size());
  for (const auto& s : specs_) v.push_back(s.default_value);
  return v;
}

double ParamRegistry::parse(std::size_t index, const nlohmann::json& value) const {
  const ParamSpec& s = specs_.at(index);
  switch (s.type) {
    case ParamType::Boolean:
      if (!value.is_boolean()) throw ParamValueError{"a boolean (true or false)"};
      return value.get<bool>() ? 1.0 : 0.0;
    case ParamType::Choice: {
      if (value.is_string()) {
        const auto& str = value.get_ref<const std::string&>();
        for (std::size_t i = 0; i < s.choices.size(); ++i)
          if (s.choices[i] == str) return static_cast<double>(i);
      }
      throw ParamValueError{"one of " + s.range_text()};
    }
    case ParamType::Integer: {
      const std::string want =
          "an integer in " + s.range_text() + (s.unit.empty() ? "" : " " + s.unit);
      if (!value.is_number()) throw ParamValueError{want};
      const double v = value.get<double>();
      if (!std::isfinite(v) || std::floor(v) != v || v < s.min || v > s.max)
        throw ParamValueError{want};
      return v;
    }
    case ParamType::Real: {
      const std::string want =
          "a number in " + s.range_text() + (s.unit.empty() ? "" : " " + s.unit);
      if (!value.is_number()) throw ParamValueError{want};
      const double v = value.get<double>();
      if (!std::isfinite(v) || v < s.min || v > s.max) throw ParamValueError{want};
      return v;
    }
  }
  throw ParamValueError{"?"};
}

double ParamRegistry::parse_text(std::size_t index, std::string_view text) const {
  const ParamSpec& s = specs_.at(index);
  if (s.type == ParamType::Choice) return parse(index, nlohmann::json(std::string(text)));
  if (s.type == ParamType::Boolean) {
    if (text == "true" || text == "1") return 1.0;
    if (text == "false" || text == "0") return 0.0;
    throw ParamValueError{"a boolean (true or false)"};
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_number())
    throw ParamValueError{std::string(s.type == ParamType::Integer ? "an integer" : "a number") +
                          " in " + s.range_text()};
  return parse(index, j);
}

nlohmann::json ParamRegistry::parameters_schema() const {
  nlohmann::json props = nlohmann::json::object();
  for (const auto& s : specs_) {
    nlohmann::json p;
    std::string desc = s.doc;
    if (!s.unit.empty()) desc += " Unit: " + s.unit + ".";
    desc += " Default: " + s.format(s.default_value) + ". Source: " + s.source + ".";
    if (s.uncertainty) {
      if (s.uncertainty->varied())
        desc += " Plausible range: " + s.uncertainty->distribution + " on [" +
                number_text(s.uncertainty->low) + ", " + number_text(s.uncertainty->high) + "] (" +
                s.uncertainty->reason + ")";
      else
        desc += " Not varied in uncertainty analyses: " + s.uncertainty->reason;
      p["x-uncertainty"] = {{"low", s.uncertainty->low},
                            {"high", s.uncertainty->high},
                            {"distribution", s.uncertainty->distribution},
                            {"reason", s.uncertainty->reason}};
    }
    p["description"] = desc;
    p["default"] = s.to_json_value(s.default_value);
    switch (s.type) {
      case ParamType::Real:
        p["type"] = "number";
        p["minimum"] = s.min;
        p["maximum"] = s.max;
        break;
      case ParamType::Integer:
        p["type"] = "integer";
        p["minimum"] = static_cast<long long>(s.min);
        p["maximum"] = static_cast<long long>(s.max);
        break;
      case ParamType::Boolean:
        p["type"] = "boolean";
        break;
      case ParamType::Choice:
        p["enum"] = s.choices;
        break;
    }
    props[s.name] = p;
  }
  return {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
}

std::vector<std::string> ParamRegistry::suggestions(std::string_view name,
                                                    std::size_t max_count) const {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& s : specs_) {
    const std::string_view tail = std::string_view(s.name).substr(s.name.find('.') + 1);
    const std::size_t d = std::min(edit_distance(name, s.name), edit_distance(name, tail) + 1);
    if (d <= std::max<std::size_t>(2, name.size() / 3)) scored.emplace_back(d, s.name);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < max_count; ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<std::string> closest_names(std::string_view name,
                                       const std::vector<std::string>& candidates,
                                       std::size_t max_count) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d <= std::max<std::size_t>(2, name.size() / 3)) scored.emplace_back(d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < max_count; ++i) out.push_back(scored[i].second);
  return out;
}

double ParamValues::get(std::string_view name) const {
  const auto i = registry_->find(name);
  if (!i) throw std::out_of_range("unknown parameter '" + std::string(name) + "'");
  return values_[*i];
}

nlohmann::json ParamValues::to_json(bool only_non_default) const {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < values_.size(); ++i) {
    const ParamSpec& s = registry_->at(i);
    if (only_non_default && values_[i] == s.default_value) continue;
    j[s.name] = s.to_json_value(values_[i]);
  }
  return j;
}

}  // namespace govsim
