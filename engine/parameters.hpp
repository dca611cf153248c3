// The parameter registry: every model parameter declared once (name, type, default, unit, range,
// source, doc). Config validation, the JSON Schema, `govsim describe`, Python access and the
// parameter table in docs/ are all derived from it.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace govsim {

enum class ParamType { Real, Integer, Boolean, Choice };

// The plausible range of an assumption (models/inclusion/uncertainty.def): what robustness,
// sensitivity and scenario discovery vary. docs/uncertainty.md.
struct Uncertainty {
  double low = 0, high = 0;
  std::string distribution;  // uniform | triangular (mode at the default) | loguniform | fixed
  std::string reason;
  bool varied() const { return distribution != "fixed"; }
  // Value at quantile u in [0, 1) of the distribution (mode = the parameter's default);
  // integers are rounded to the nearest value in [low, high].
  double quantile(double u, double mode, bool integer) const;
};

// The distributions an uncertainty entry may name.
const std::vector<std::string>& uncertainty_distributions();

const char* to_string(ParamType type);

struct ParamSpec {
  std::string
      name;  // dotted, e.g. "needs.rate_per_year"; the prefix before the first dot is its group
  ParamType type = ParamType::Real;
  double default_value = 0;          // Choice: index into choices; Boolean: 0 or 1
  std::string unit;                  // "" for dimensionless
  double min = 0, max = 0;           // inclusive bounds (Real, Integer)
  std::vector<std::string> choices;  // Choice only
  std::string source;                // citation, or "assumption"
  std::string doc;                   // one line
  std::optional<Uncertainty> uncertainty =
      std::nullopt;  // every assumption has one (checked by the registry)

  // Whether the source is an assumption (a documented guess): starts with "assumption".
  bool is_assumption() const { return source.rfind("assumption", 0) == 0; }

  std::string group() const { return name.substr(0, name.find('.')); }
  // Human-readable value of v (choice name, true/false, number).
  std::string format(double v) const;
  nlohmann::json to_json_value(double v) const;
  std::string range_text() const;  // "[0, 1]", "fragmented | single_authority", "true | false"
};

// Thrown for a value that does not fit its declaration; `expected` says what would.
struct ParamValueError {
  std::string expected;
};

class ParamRegistry {
 public:
  // Adds a declaration; throws std::logic_error on a duplicate name or an invalid declaration
  // (default outside the range, unknown default choice, empty source or doc).
  void add(ParamSpec spec);
  const std::vector<ParamSpec>& all() const { return specs_; }
  std::size_t size() const { return specs_.size(); }
  std::optional<std::size_t> find(std::string_view name) const;
  // Declares the plausible range of parameter `name`; throws std::logic_error if it is not an
  // assumption, already has one, or the range is invalid (default outside, low > high, ...).
  void set_uncertainty(std::string_view name, Uncertainty u);
  // Throws std::logic_error naming every assumption without an uncertainty entry.
  void check_uncertainty_complete() const;
  // Indices of the assumptions whose uncertainty is varied (not "fixed"), in registry order.
  std::vector<std::size_t> uncertain() const;
  const ParamSpec& at(std::size_t index) const { return specs_.at(index); }
  std::vector<double> defaults() const;
  // Converts a JSON value to the internal double for parameter `index`; throws ParamValueError.
  double parse(std::size_t index, const nlohmann::json& value) const;
  // Same from command-line text ("0.5", "true", "single_authority").
  double parse_text(std::size_t index, std::string_view text) const;
  // JSON Schema (draft 2020-12) object of the "parameters" map: one property per parameter.
  nlohmann::json parameters_schema() const;
  // Closest declared names to a misspelt one (for "did you mean").
  std::vector<std::string> suggestions(std::string_view name, std::size_t max_count = 3) const;

 private:
  std::vector<ParamSpec> specs_;
};

// The names of `candidates` closest to a misspelt `name` (the rule of
// ParamRegistry::suggestions), for "did you mean" in any error listing what was allowed.
std::vector<std::string> closest_names(std::string_view name,
                                       const std::vector<std::string>& candidates,
                                       std::size_t max_count = 1);

// A full set of values for a registry (frozen once a run starts).
class ParamValues {
 public:
  ParamValues() = default;
  explicit ParamValues(const ParamRegistry& registry)
      : registry_(&registry), values_(registry.defaults()), set_(registry.size(), false) {}
  const ParamRegistry& registry() const { return *registry_; }
  double get(std::size_t index) const { return values_[index]; }
  double get(std::string_view name) const;
  void set(std::size_t index, double v) {
    values_[index] = v;
    set_[index] = true;
  }
  bool is_set(std::size_t index) const { return set_[index]; }
  const std::vector<double>& values() const { return values_; }
  // {"name": value} of every parameter (or only those differing from the default).
  nlohmann::json to_json(bool only_non_default = false) const;

 private:
  const ParamRegistry* registry_ = nullptr;
  std::vector<double> values_;
  std::vector<bool> set_;
};

}  // namespace govsim
