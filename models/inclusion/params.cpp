#include "models/inclusion/params.hpp"

#include <sstream>
#include <stdexcept>
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

std::vector<std::string> uncertainty_problems;

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
  // The uncertainty space, joined by identifier. Problems (an entry naming no parameter or a
  // cited one, a bad range, an assumption without an entry) are collected, not thrown, so that
  // a parameter added or removed elsewhere fails one test (test_parameters.cpp) with the list
  // instead of stopping every program.
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
  auto join = [&](const char* id, Uncertainty u) {
    for (const auto& [i, n] : names)
      if (i == id) {
        try {
          r.set_uncertainty(n, std::move(u));
        } catch (const std::logic_error& e) {
          uncertainty_problems.push_back(std::string("uncertainty.def: ") + id + ": " + e.what());
        }
        return;
      }
    uncertainty_problems.push_back(std::string("uncertainty.def: ") + id +
                                   ": names no parameter of parameters.def");
  };
#define GOVSIM_UNCERTAIN(id, lo, hi, dist, reason) join(#id, Uncertainty{lo, hi, dist, reason});
#include "models/inclusion/uncertainty.def"
#undef GOVSIM_UNCERTAIN
  try {
    r.check_uncertainty_complete();
  } catch (const std::logic_error& e) {
    uncertainty_problems.push_back(e.what());
  }
  return r;
}
}  // namespace

const ParamRegistry& registry() {
  static const ParamRegistry r = build_registry();
  return r;
}

const std::vector<std::string>& registry_uncertainty_problems() {
  registry();
  return uncertainty_problems;
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
  for (const char* name : {"population.illectronisme_15_29", "population.illectronisme_30_44",
                           "population.illectronisme_45_59", "population.illectronisme_60_74",
                           "population.illectronisme_75_plus"})
    if (const auto idx = values.registry().find(name); idx && values.is_set(*idx))
      p.age_targets_configured = true;
  return p;
}

}  // namespace govsim::inclusion
