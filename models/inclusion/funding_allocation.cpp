// Funding and allocation: the owner's yearly reorganisation, the budget envelope and its
// allocation rule, the money granted each year (equal budget: balanced to the target), and
// weekly spending by funder (docs/model.md §3; the yearly order is in Simulation::yearly_step).
#include <algorithm>
#include <cmath>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// The owner's reorganisation this year (never in year 0): it interrupts the points whose grant
// falls due and closes the allocation of new money for the year.
bool Simulation::owner_disrupts(int year) const {
  Rng rng(seed_, replicate_, kStreamYear, static_cast<std::uint32_t>(year), 0);
  const bool reorganising = year > 0 && rng.bernoulli(p_.owner_instability);
  // A neutral custodian holds the pooled funds out of the owner's reach: most reorganisations
  // leave them untouched (governance.custodian_neutrality).
  const bool shielded = reorganising && p_.funding() == FundingStructure::Custodian &&
                        rng.bernoulli(p_.custodian_neutrality);
  return reorganising && !shielded;
}

// The yearly envelope: what the initial network cost (status quo money), growing yearly.
double Simulation::envelope(int year) const {
  return envelope0_ * std::pow(1.0 + p_.budget_growth, year);
}

bool Simulation::allocation_open(int year, bool disrupted) const {
  return !disrupted && year >= g_.first_allocation_year;
}

// Money granted for the year: the envelope (or the committed network, if larger: initial
// commitments and new points' premises are honoured), the custodian's fee on pooled funds,
// and the mechanisms' budgets. Spending accrues weekly and cannot exceed it (vacancies and
// late openings spend less).
void Simulation::grant_year_money(int year, bool disrupted) {
  const double fee = g_.funders.fee;
  double mech = 0;
  for (double m : mechanism_costs_at(kAnyWeek, year)) mech += m;
  if (!budget_path_.empty()) {
    // Equal budget: the year's money is what the target leaves, mechanisms and fee included.
    granted_ += balance_budget(year, allocation_open(year, disrupted));
    return;
  }
  granted_ += std::max(envelope(year), network_cost()) * (1.0 + fee) + mech;
}

std::array<double, 2> Simulation::project_spending(int from, int to) const {
  const double weeks_per_year = 52.0;
  double staff = 0, other = 0;
  for (int t = from; t <= to; ++t) {
    for (const auto& s : points_) {
      if (!s.open || t < s.open_week) continue;
      // Share of the cost its payers pay (funders.cpp), with the custodian's fee on pooled money.
      const double paid = paid_factor(s, false), paid_fee = paid_factor(s, true);
      staff += s.filled_fte(t) * p_.fte_cost_eur / weeks_per_year * paid_fee;
      other += (s.social_fte + std::max(0.0, s.plan_fte)) * p_.fte_cost_eur / weeks_per_year * paid;
      if (has_own_premises(s.spec.type)) other += point_fixed_cost() / weeks_per_year * paid_fee;
    }
    for (double m : mechanism_costs_at(t, (t - 1) / 52)) other += m / weeks_per_year;
  }
  return {staff, other};
}

double Simulation::balance_budget(int year, bool allocation_open) {
  const int from = year * 52 + 1, to = std::min(year * 52 + 52, p_.horizon_weeks);
  if (from > to) return 0;
  const std::size_t y = std::min(static_cast<std::size_t>(year), budget_path_.size() - 1);
  const double target = budget_path_[y] - spent_eur();
  std::array<double, 2> proj = project_spending(from, to);
  double staff = proj[0], other = proj[1];
  // Money beyond what the network will cost this year: new posts through the allocation rule
  // (they are paid from the end of the hiring delay; one unit at least, else the posts scale).
  const double fee = g_.funders.fee;
  const int paid_weeks = to - from + 1 - p_.hiring_delay_weeks;
  const double unit_cost =
      p_.allocation_unit_fte * p_.fte_cost_eur * (1.0 + fee) * paid_weeks / 52.0;
  if (allocation_open && paid_weeks > 0 && target - staff - other > unit_cost) {
    place_new_money(year, (target - staff - other) / (1.0 + fee) * 52.0 / paid_weeks, true);
    proj = project_spending(from, to);
    staff = proj[0], other = proj[1];
  }
  // The rest by scaling every mediator post (cuts when the mechanisms take money from staff).
  if (staff > 0) {
    const double k = std::max(0.0, (target - other) / staff);
    if (std::abs(k - 1.0) > 1e-12) {
      for (auto& s : points_) s.scale_posts(k);
      staff_scale_ *= k;
      staff *= k;
    }
  }
  return std::max(target, staff + other) * (1.0 + 1e-12);
}

FunderAmounts Simulation::mechanism_costs_at(int week, int year) const {
  int social = 0, open_fixed = 0;
  for (const auto& s : points_) {
    if (!s.open || week < s.open_week || s.spec.type == PointType::Mobile) continue;
    ++open_fixed;
    if (is_social_type(s.spec.type)) ++social;
  }
  return g_.mechanism_costs(p_, t_.total_adults(), social, open_fixed,
                            static_cast<int>(t_.epci_names.size()), year);
}

double Simulation::point_fixed_cost() const {
  return p_.point_fixed_cost_eur * (p_.pooling ? 1 - p_.pooling_saving : 1.0);
}

double Simulation::network_cost() const {
  double committed = 0;
  for (const auto& s : points_) {
    if (!s.open) continue;
    if (has_own_premises(s.spec.type)) committed += point_fixed_cost();
    committed += s.funded_fte() * p_.fte_cost_eur;
  }
  return committed;
}

std::vector<double> Simulation::estimated_need(int year) const {
  // A diagnosis (or a consultation) gives the prior: adults lacking basic skills by zone, known
  // from the first allocation. Observation gives last year's non-recours by zone. With both, the
  // zones' shares of each are mixed, the observed ones weighing n / (n + k) in year n of
  // observation (k = observation.diagnosis_weight_years).
  const bool prior = p_.allocation() != AllocationRule::CompetitiveCalls;
  if (!p_.observation) return zone_need_estimate_;
  if (!prior) return zone_abandoned_year_;
  double sp = 0, so = 0;
  for (double v : zone_need_estimate_) sp += v;
  for (double v : zone_abandoned_year_) so += v;
  const double n = year, k = p_.diagnosis_weight_years;
  const double w = n + k > 0 ? n / (n + k) : 1.0;
  std::vector<double> need(zone_need_estimate_.size(), 0.0);
  for (std::size_t z = 0; z < need.size(); ++z)
    need[z] = (sp > 0 ? (1 - w) * zone_need_estimate_[z] / sp : 0.0) +
              (so > 0 ? w * zone_abandoned_year_[z] / so : 0.0);
  return need;
}

int Simulation::owner_pot(int zone) const {
  switch (p_.owner()) {
    case OwnerLevel::Commune:
      return zone;
    case OwnerLevel::Epci:
      return t_.zones[static_cast<std::size_t>(zone)].epci;
    case OwnerLevel::Department:
    case OwnerLevel::Region:
      break;
  }
  return 0;
}

std::size_t Simulation::owner_pots() const {
  switch (p_.owner()) {
    case OwnerLevel::Commune:
      return t_.zones.size();
    case OwnerLevel::Epci:
      return std::max<std::size_t>(1, t_.epci_names.size());
    case OwnerLevel::Department:
    case OwnerLevel::Region:
      break;
  }
  return 1;
}

std::vector<int> Simulation::pot_units(int units) const {
  const std::size_t np = owner_pots();
  std::vector<int> out(np, 0);
  if (np == 1) {
    out[0] = units;
    return out;
  }
  // Each commune's share of the new money is the share of the network's running cost it already
  // funds (the envelope is that cost, growing): a commune funding no point has no line to grow.
  // A perimeter pools the shares of its communes. Whole units by largest remainders.
  std::vector<double> share(np, 0.0);
  double total = 0;
  for (const auto& s : points_) {
    if (!s.open || s.spec.zone < 0 || s.spec.type == PointType::Mobile) continue;
    const double c = point_yearly_cost(s);
    share[static_cast<std::size_t>(owner_pot(s.spec.zone))] += c;
    total += c;
  }
  if (total <= 0) return out;
  std::vector<std::pair<double, std::size_t>> rest;
  int given = 0;
  for (std::size_t k = 0; k < np; ++k) {
    const double exact = units * share[k] / total;
    out[k] = static_cast<int>(std::floor(exact));
    given += out[k];
    rest.emplace_back(exact - out[k], k);
  }
  std::stable_sort(rest.begin(), rest.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = 0; given < units && i < rest.size(); ++i, ++given) ++out[rest[i].second];
  return out;
}

void Simulation::allocate(int year, double money) {
  const int week = year * 52 + 1;
  const double unit = p_.allocation_unit_fte;
  int units = static_cast<int>(std::floor(money / (unit * p_.fte_cost_eur)));
  if (units <= 0) return;
  allocation_units_.push_back({year, units});
  Rng rng(seed_, replicate_, kStreamYear, 1000u + static_cast<std::uint32_t>(year), 0);
  // The owner's level sets the perimeters within which the money is pooled (docs/mechanisms.md,
  // "Owner level"): each commune, each EPCI, or the whole territory (department, region).
  const std::vector<int> pots = pot_units(units);
  const bool pooled = pots.size() == 1;
  auto in_pot = [&](int zone, std::size_t pot) {
    return zone >= 0 && (pooled || static_cast<std::size_t>(owner_pot(zone)) == pot);
  };
  if (!g_.needs_targeting) {
    // Competitive calls: within each perimeter the best-equipped applicants win, in proportion
    // to their size, with urban structures answering more calls (governance.call_urban_weight).
    std::vector<double> w(points_.size(), 0.0);
    for (std::size_t k = 0; k < points_.size(); ++k) {
      const auto& s = points_[k];
      if (!s.open || s.spec.zone < 0) continue;
      w[k] = s.funded_fte() *
             (t_.zones[static_cast<std::size_t>(s.spec.zone)].density == Density::Urban
                  ? p_.call_urban_weight
                  : 1.0);
    }
    // Each perimeter's applicants, in index order (one pass: a commune owner has many pots).
    std::vector<std::vector<std::size_t>> applicants(pots.size());
    for (std::size_t k = 0; k < points_.size(); ++k)
      if (w[k] > 0)
        applicants[pooled ? 0 : static_cast<std::size_t>(owner_pot(points_[k].spec.zone))]
            .push_back(k);
    for (std::size_t pot = 0; pot < pots.size(); ++pot) {
      const auto& cand = applicants[pot];
      if (pots[pot] <= 0 || cand.empty()) continue;  // no applicant: the money stays unspent
      double total = 0;
      for (std::size_t k : cand) total += w[k];
      for (int u = 0; u < pots[pot]; ++u) {
        double x = rng.uniform() * total;
        std::size_t j = 0;
        while (j + 1 < cand.size() && x >= w[cand[j]]) x -= w[cand[j++]];
        const std::size_t k = cand[j];
        points_[k].add_post_from(unit, week, week + p_.hiring_delay_weeks);
        placements_.push_back({year, static_cast<int>(pot), -1, static_cast<int>(k), 1, false});
      }
    }
    return;
  }
  // Needs targeting (diagnosis, consultation, observed non-recours, or a diagnosis refined by
  // observation): within each perimeter, repeatedly fund the site with the most unmet need per
  // unit already placed; open a point where none offers help within reach, else strengthen the
  // nearest point offering help (in the perimeter).
  const std::size_t nz = t_.zones.size();
  const std::vector<double> need = estimated_need(year);
  // Sites the owner sees: communes, or for a region EPCIs (needs summed over their communes),
  // each located at its main (most populous) commune: a region cannot target a hamlet.
  std::vector<int> site_zone;
  std::vector<double> site_need;
  if (p_.owner() == OwnerLevel::Region) {
    const std::size_t ne = std::max<std::size_t>(1, t_.epci_names.size());
    site_zone.assign(ne, -1);
    site_need.assign(ne, 0.0);
    for (std::size_t z = 0; z < nz; ++z) {
      const auto e = static_cast<std::size_t>(t_.zones[z].epci);
      site_need[e] += need[z];
      if (site_zone[e] < 0 || t_.zones[z].total_adults() >
                                  t_.zones[static_cast<std::size_t>(site_zone[e])].total_adults())
        site_zone[e] = static_cast<int>(z);
    }
  } else {
    site_need = need;
    site_zone.resize(nz);
    for (std::size_t z = 0; z < nz; ++z) site_zone[z] = static_cast<int>(z);
  }
  const std::size_t ns = site_zone.size();
  std::vector<double> score(ns, 0.0);
  // Sites without a point offering help within the limited-mobility trip weigh more
  // (governance.uncovered_zone_weight).
  for (std::size_t s = 0; s < ns; ++s) {
    if (site_zone[s] < 0) continue;
    const bool uncovered = nearest_admin_minutes(site_zone[s]) > p_.max_travel_limited_minutes;
    score[s] = site_need[s] * (uncovered ? p_.uncovered_zone_weight : 1.0) +
               1e-9 * static_cast<double>(ns - s);
  }
  const int new_units = static_cast<int>(p_.new_point_fte / unit);
  std::vector<std::vector<std::size_t>> pot_sites(pots.size());
  for (std::size_t s = 0; s < ns; ++s)
    if (site_zone[s] >= 0)
      pot_sites[pooled ? 0 : static_cast<std::size_t>(owner_pot(site_zone[s]))].push_back(s);
  for (std::size_t pot = 0; pot < pots.size(); ++pot) {
    int left = pots[pot];
    while (left > 0) {
      std::size_t best = ns;
      for (std::size_t s : pot_sites[pot])
        if (best == ns || score[s] > score[best]) best = s;
      if (best == ns || score[best] <= 0) break;
      const int zone = site_zone[best];
      int target = -1;
      for (const auto& [pt, minutes] : reach_[static_cast<std::size_t>(zone)]) {
        const auto& s = points_[static_cast<std::size_t>(pt)];
        if (minutes <= p_.max_travel_limited_minutes && s.open &&
            (s.spec.services & kAdminProcedures) && in_pot(s.spec.zone, pot)) {
          target = pt;
          break;
        }
      }
      if (target < 0 && left >= new_units) {
        open_point(zone, PointType::Epn, p_.new_point_fte, week + p_.new_point_delay_weeks);
        left -= new_units;
        add_reach(static_cast<int>(points_.size()) - 1);
        placements_.push_back({year, static_cast<int>(pot), zone,
                               static_cast<int>(points_.size()) - 1, new_units, true});
      } else if (target >= 0) {
        points_[static_cast<std::size_t>(target)].add_post_from(unit, week,
                                                                week + p_.hiring_delay_weeks);
        left -= 1;
        placements_.push_back({year, static_cast<int>(pot), zone, target, 1, false});
      } else {
        // No point in reach and too little left to open one: the site gets nothing more this
        // year, the next neediest site of the perimeter may (if none can, the rest stays unspent).
        score[best] = 0;
        continue;
      }
      if (p_.allocation() == AllocationRule::ConsultationThenCall)
        zone_consultation_boost_[static_cast<std::size_t>(zone)] =
            p_.consultation_awareness_boost *
            (p_.awareness_base_weekly + p_.awareness_word_of_mouth);
      score[best] *= p_.allocation_priority_decay;
    }
  }
}

// Weekly spending: points' running costs and mechanisms, accrued by funder.
void Simulation::accrue_spending(int t) {
  const double weeks_per_year = 52.0;
  for (const auto& s : points_) {
    if (!s.open || t < s.open_week) continue;
    const double filled = s.filled_fte(t);
    double cost = filled * p_.fte_cost_eur;
    if (has_own_premises(s.spec.type)) cost += point_fixed_cost();
    cost /= weeks_per_year;
    reporting_cost_ += filled * p_.fte_cost_eur * s.terms.reporting_share / weeks_per_year;
    // Paid by the point's grant holders (funders.cpp): its own funders, and the pooled
    // structure's contributors with the custodian's fee.
    const double paid = pay(s, cost, true);
    // Spending on procedure help: the running cost of points that offer it.
    if (s.spec.services & kAdminProcedures) mediation_points_spent_ += paid;
    // Staff time of the structure given to mediation (trained social workers, a master plan's
    // reception and orientation), paid by the structure's funders (no custodian fee on it).
    const double staff_fte = s.social_fte + std::max(0.0, s.plan_fte);
    if (staff_fte > 0) {
      const double staff = pay(s, staff_fte * p_.fte_cost_eur / weeks_per_year, false);
      staff_time_spent_ += staff;
      if (s.spec.services & kAdminProcedures) mediation_points_spent_ += staff;
    }
    if (s.spec.type != PointType::Mobile) point_weeks_ += 1;
    if (s.spec.type == PointType::FranceServices) fs_site_weeks_ += 1;
  }
  const FunderAmounts mech = mechanism_costs_at(t, (t - 1) / 52);
  for (std::size_t f = 0; f < kFunders; ++f) {
    const double wk = mech[f] / weeks_per_year;
    spent_[f] += wk;
    coordination_cost_ += wk;
  }
}

double Simulation::spent_eur() const {
  double s = 0;
  for (double v : spent_) s += v;
  return s;
}

}  // namespace govsim::inclusion
