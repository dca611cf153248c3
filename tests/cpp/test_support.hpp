// Helpers shared by the model tests.
#pragma once

#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/inclusion/model.hpp"

namespace govsim::test_support {

// Bit-identical values (an absent value, NaN, equals itself here, unlike with ==).
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

using Overrides = std::map<std::string, nlohmann::json>;

inline ParamValues values_with(const Overrides& o) {
  const ParamRegistry& reg = inclusion::registry();
  ParamValues v(reg);
  for (const auto& [name, value] : o) {
    const auto idx = reg.find(name);
    if (!idx) throw std::invalid_argument("unknown parameter " + name);
    v.set(*idx, reg.parse(*idx, value));
  }
  return v;
}

inline std::shared_ptr<const inclusion::ModelSpec> model_with(const std::string& territory,
                                                              const Overrides& o) {
  return inclusion::make_model(inclusion::make_territory(territory, "", "."), values_with(o));
}

// Runs and returns the record; metric lookup by name.
struct RunOut {
  RunRecord record;
  double metric(const std::string& name) const {
    const auto& all = inclusion::all_metrics();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].name == name) return record.metrics.at(i);
    throw std::invalid_argument("unknown metric " + name);
  }
};

inline RunOut run_model(const std::string& territory, const Overrides& o, std::uint64_t seed,
                        std::uint32_t replicate) {
  inclusion::Simulation sim(model_with(territory, o), seed, replicate);
  sim.run();
  return {sim.finish(0)};
}

// `o` with the entries of `extra` added or replaced.
inline Overrides with(Overrides o, const Overrides& extra) {
  for (const auto& [k, v] : extra) o[k] = v;
  return o;
}

}  // namespace govsim::test_support
