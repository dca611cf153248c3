// The planner levers network.<type>.{fte,hours_per_week,sites}: a territory's initial network of
// access points resized, restaffed and reopened (apply_network_levers, declared in model.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include "models/inclusion/model.hpp"

namespace govsim::inclusion {

std::shared_ptr<const Territory> apply_network_levers(std::shared_ptr<const Territory> territory,
                                                      const Params& p) {
  const auto fte = p.network_fte(), hours = p.network_hours();
  const auto sites = p.network_sites();
  bool any = false;
  for (std::size_t k = 0; k < fte.size(); ++k)
    any = any || fte[k] != default_fte(static_cast<PointType>(k)) || hours[k] > 0 || sites[k] >= 0;
  if (!any)
    return territory;  // the territory as generated or loaded, shared (bit-identical results)
  auto t = std::make_shared<Territory>(*territory);
  for (std::size_t k = 0; k < fte.size(); ++k) {
    const auto type = static_cast<PointType>(k);
    // Sites: the most populous communes keep theirs or get new ones (deterministic order).
    if (sites[k] >= 0) {
      const auto adults = [&](int z) {
        return t->zones[static_cast<std::size_t>(z)].total_adults();
      };
      std::vector<std::size_t> of_type;
      for (std::size_t i = 0; i < t->points.size(); ++i)
        if (t->points[i].type == type) of_type.push_back(i);
      const auto want = static_cast<std::size_t>(sites[k]);
      if (want < of_type.size()) {
        std::stable_sort(of_type.begin(), of_type.end(), [&](std::size_t a, std::size_t b) {
          return adults(t->points[a].zone) > adults(t->points[b].zone);
        });
        std::vector<bool> drop(t->points.size(), false);
        for (std::size_t j = want; j < of_type.size(); ++j) drop[of_type[j]] = true;
        std::vector<PointSpec> kept;
        std::vector<PlaceInfo> kept_info;  // (place_info stays parallel to points)
        for (std::size_t i = 0; i < t->points.size(); ++i) {
          if (drop[i]) continue;
          kept.push_back(std::move(t->points[i]));
          if (i < t->place_info.size()) kept_info.push_back(std::move(t->place_info[i]));
        }
        t->points = std::move(kept);
        if (!t->place_info.empty()) t->place_info = std::move(kept_info);
      } else if (want > of_type.size()) {
        std::vector<int> zones(t->zones.size());
        for (std::size_t z = 0; z < zones.size(); ++z) zones[z] = static_cast<int>(z);
        std::stable_sort(zones.begin(), zones.end(),
                         [&](int a, int b) { return adults(a) > adults(b); });
        std::vector<int> count(t->zones.size(), 0);
        for (std::size_t i : of_type) ++count[static_cast<std::size_t>(t->points[i].zone)];
        std::size_t have = of_type.size();
        // Round r adds a site to every zone (most populous first) holding r sites of the type.
        for (int round = 0; have < want && !zones.empty(); ++round) {
          for (int z : zones) {
            if (have >= want) break;
            if (count[static_cast<std::size_t>(z)] != round) continue;
            PointSpec s;
            s.id = std::string(type_code(type)) + "-planned-" + std::to_string(have + 1);
            s.name = std::string(type_code(type)) + " " +
                     t->zones[static_cast<std::size_t>(z)].name + " (planned)";
            s.zone = z;
            s.type = type;
            s.services = default_services(type);
            s.fte = default_fte(type);
            t->points.push_back(std::move(s));
            ++count[static_cast<std::size_t>(z)];
            ++have;
          }
        }
      }
    }
    for (auto& pt : t->points) {
      if (pt.type != type) continue;
      if (fte[k] != default_fte(type)) pt.fte *= fte[k] / default_fte(type);
      if (hours[k] > 0) {
        // Mediation time scales with opening hours up to 35 h (staff-bound above).
        const double own = pt.hours_per_week > 0 ? pt.hours_per_week : 35.0;
        pt.fte *= std::min(1.0, hours[k] / 35.0) / std::min(1.0, own / 35.0);
        pt.hours_per_week = hours[k];
      }
    }
  }
  return t;
}

}  // namespace govsim::inclusion
