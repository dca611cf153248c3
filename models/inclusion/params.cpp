#include "models/inclusion/params.hpp"

#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace govsim::inclusion {

namespace {
std::vector<std::string> split_choices(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, '|')) out.push_back(item);
  return out;
}

double choice_index(const std::vector<std::string>& choices, const std::string& value) {
  for (std::size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == value) return static_cast<double>(i);
  return -1;  // rejected by ParamRegistry::add
}

ParamRegistry build_registry() {
  ParamRegistry r;
#define GOVSIM_REAL(id, name, def, unit, lo, hi, src, doc) \
  r.add({name, ParamType::Real, def, unit, lo, hi, {}, src, doc});
#define GOVSIM_INT(id, name, def, unit, lo, hi, src, doc) \
  r.add({name, ParamType::Integer, def, unit, lo, hi, {}, src, doc});
#define GOVSIM_BOOL(id, name, def, src, doc) \
  r.add({name, ParamType::Boolean, (def) ? 1.0 : 0.0, "", 0, 1, {}, src, doc});
#define GOVSIM_CHOICE(id, name, def, choices, src, doc)                                \
  r.add({name, ParamType::Choice, choice_index(split_choices(choices), def), "", 0, 0, \
         split_choices(choices), src, doc});
#include "models/inclusion/parameters.def"
#undef GOVSIM_REAL
#undef GOVSIM_INT
#undef GOVSIM_BOOL
#undef GOVSIM_CHOICE
  // The uncertainty space, joined by identifier: an unknown identifier does not compile.
  std::vector<std::pair<std::string, std::string>> names;  // identifier -> dotted name
#define GOVSIM_REAL(id, name, ...) names.emplace_back(#id, name);
#define GOVSIM_INT(id, name, ...) names.emplace_back(#id, name);
#define GOVSIM_BOOL(id, name, ...) names.emplace_back(#id, name);
#define GOVSIM_CHOICE(id, name, ...) names.emplace_back(#id, name);
#include "models/inclusion/parameters.def"
#undef GOVSIM_REAL
#undef GOVSIM_INT
#undef GOVSIM_BOOL
#undef GOVSIM_CHOICE
  auto name_of = [&](const char* id) {
    for (const auto& [i, n] : names)
      if (i == id) return n;
    return std::string(id);
  };
#define GOVSIM_UNCERTAIN(id, lo, hi, dist, reason)                                      \
  static_assert(sizeof(Params::id) > 0, "uncertainty.def names an unknown parameter"); \
  r.set_uncertainty(name_of(#id), Uncertainty{lo, hi, dist, reason});
#include "models/inclusion/uncertainty.def"
#undef GOVSIM_UNCERTAIN
  r.check_uncertainty_complete();
  return r;
}
}  // namespace

const ParamRegistry& registry() {
  static const ParamRegistry r = build_registry();
  return r;
}

Params Params::from(const ParamValues& values) {
  Params p;
  std::size_t i = 0;
#define GOVSIM_REAL(id, name, def, unit, lo, hi, src, doc) p.id = values.get(i++);
#define GOVSIM_INT(id, name, def, unit, lo, hi, src, doc) p.id = static_cast<int>(values.get(i++));
#define GOVSIM_BOOL(id, name, def, src, doc) p.id = values.get(i++) != 0;
#define GOVSIM_CHOICE(id, name, def, choices, src, doc) p.id = static_cast<int>(values.get(i++));
#include "models/inclusion/parameters.def"
#undef GOVSIM_REAL
#undef GOVSIM_INT
#undef GOVSIM_BOOL
#undef GOVSIM_CHOICE
  return p;
}

}  // namespace govsim::inclusion
