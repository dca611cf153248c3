// Skills and stocks: a resident's digital skill (base plus mediated gain decaying with a half-
// life), home access (offer, subscription, device), and the counts of adults in illectronisme
// (INSEE: no internet use, or use without basic skills) and autonomous adults (docs/model.md §3).
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <cmath>

#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// One teaching step (a session that teaches, a workshop): skill += gain x (1 - skill), the gain
// decaying unless practised; a resident whose skill moves for the first time joins `moved` (it
// leaves the static stocks: leave_static_stocks). Returns the new skill.
double Simulation::teach(std::size_t i, int t, double gain, std::vector<std::uint32_t>& moved) {
  if (!(pop_.flags[i] & kDynamic)) {
    pop_.flags[i] |= kDynamic;
    moved.push_back(static_cast<std::uint32_t>(i));
  }
  const double sk = skill(i, t);
  const double next = sk + gain * (1.0 - sk);
  pop_.gain[i] = static_cast<float>(next - pop_.base_skill[i]);
  pop_.gain_week[i] = static_cast<std::uint16_t>(t);
  return next;
}

double Simulation::skill(std::size_t i, int t) const {
  const float g = pop_.gain[i];
  if (g == 0.0f) return pop_.base_skill[i];
  const int d = t - pop_.gain_week[i];
  if (d >= 0 && static_cast<std::size_t>(d) < decay_.size())
    return pop_.base_skill[i] + g * decay_[static_cast<std::size_t>(d)];
  return pop_.base_skill[i] + g * std::exp(-decay_per_week_ * d);
}

bool Simulation::offer_at(std::size_t i) const {
  return pop_.offer_rank[i] < zone_offer_cut_[pop_.zone[i]];
}

bool Simulation::has_home_access(std::size_t i) const {
  return home_access(pop_.flags[i], offer_at(i));
}

bool Simulation::in_illectronisme(double skill, bool home) const {
  return !home || skill < p_.skill_basic_threshold;
}

std::array<double, 2> Simulation::static_status(std::size_t i) const {
  const double s = pop_.base_skill[i];
  const bool home = has_home_access(i);
  if (in_illectronisme(s, home)) return {1.0, 0.0};
  return {0.0, s >= p_.skill_autonomy_threshold ? 1.0 : 0.0};
}

void Simulation::recount_static_stocks() {
  double ill = 0, aut = 0;
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (pop_.flags[i] & kDynamic) continue;
    const auto st = static_status(i);
    ill += st[0];
    aut += st[1];
  }
  static_ill_ = ill;
  static_aut_ = aut;
}

void Simulation::stocks_now(int t, double& illiterate, double& autonomous) const {
  // Counts are integers held in doubles: the parallel sum is exact in any order.
  using Pair = std::array<double, 2>;
  const Pair dyn = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, dynamic_.size(), 4096), Pair{0.0, 0.0},
      [&](const tbb::blocked_range<std::size_t>& r, Pair acc) {
        for (std::size_t k = r.begin(); k != r.end(); ++k) {
          const std::size_t i = dynamic_[k];
          const double s = skill(i, t);
          if (in_illectronisme(s, has_home_access(i)))
            acc[0] += 1;
          else if (s >= p_.skill_autonomy_threshold)
            acc[1] += 1;
        }
        return acc;
      },
      [](Pair a, const Pair& b) {
        return Pair{a[0] + b[0], a[1] + b[1]};
      });
  illiterate = static_ill_ + dyn[0];
  autonomous = static_aut_ + dyn[1];
}

// Residents whose skill moved for the first time leave the static stocks (in point order). The
// list stays in resident order, so that the weekly count (stocks_now) reads the resident arrays
// front to back rather than at random (the counts, exact integers, do not depend on the order).
void Simulation::leave_static_stocks(const Week& w) {
  const auto old_end = static_cast<std::ptrdiff_t>(dynamic_.size());
  for (const auto& ids : w.point_dynamic)
    for (std::uint32_t i : ids) {
      const auto st = static_status(i);
      static_ill_ -= st[0];
      static_aut_ -= st[1];
      dynamic_.push_back(i);
    }
  std::sort(dynamic_.begin() + old_end, dynamic_.end());
  std::inplace_merge(dynamic_.begin(), dynamic_.begin() + old_end, dynamic_.end());
}

std::array<double, kAgeBands> Simulation::illectronisme_by_age() const {
  std::array<double, kAgeBands> ill{}, n{};
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    n[pop_.age_band[i]] += 1;
    if (in_illectronisme(skill(i, week_), has_home_access(i))) ill[pop_.age_band[i]] += 1;
  }
  for (std::size_t a = 0; a < kAgeBands; ++a) ill[a] = n[a] > 0 ? ill[a] / n[a] : 0.0;
  return ill;
}

std::array<double, kDensityClasses> Simulation::illectronisme_by_density() const {
  std::array<double, kDensityClasses> ill{}, n{};
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    const auto d = static_cast<std::size_t>(t_.zones[pop_.zone[i]].density);
    n[d] += 1;
    if (in_illectronisme(skill(i, week_), has_home_access(i))) ill[d] += 1;
  }
  for (std::size_t d = 0; d < kDensityClasses; ++d) ill[d] = n[d] > 0 ? ill[d] / n[d] : 0.0;
  return ill;
}

}  // namespace govsim::inclusion
