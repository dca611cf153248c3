// Funders as actors: objectives, grant policies, the grants a point holds and what follows from
// them (funders.hpp; docs/mechanisms.md, "Funders"), and the run's side: the grants each point
// holds, their yearly renewal, mediators' turnover, new money and who pays each euro.
#include "models/inclusion/funders.hpp"

#include <algorithm>
#include <cmath>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

const std::array<const char*, kFunders> kFunderNames = {
    "state", "region", "department", "epci", "commune", "caf", "banque_des_territoires"};

namespace {
// The funders in kFunderNames order, as the suffix of their parameters (parameters.def): one list
// from which each per-funder table below is spelled, instead of a switch per table.
#define GOVSIM_FOR_FUNDERS(X) \
  X(state), X(region), X(department), X(epci), X(commune), X(caf), X(banque_des_territoires)

FunderAmounts declared_shares(const Params& p, PointType type) {
  switch (type) {
#define GOVSIM_SHARES_OF(type_prefix)              \
  FunderAmounts {                                  \
    GOVSIM_FOR_FUNDERS(GOVSIM_SHARE_##type_prefix) \
  }
#define GOVSIM_SHARE_fs(f) p.share_fs_##f
#define GOVSIM_SHARE_epn(f) p.share_epn_##f
#define GOVSIM_SHARE_library(f) p.share_library_##f
#define GOVSIM_SHARE_social_centre(f) p.share_social_centre_##f
#define GOVSIM_SHARE_ccas(f) p.share_ccas_##f
#define GOVSIM_SHARE_third_place(f) p.share_third_place_##f
#define GOVSIM_SHARE_mobile(f) p.share_mobile_##f
#define GOVSIM_SHARE_cnfs(f) p.share_cnfs_##f
    case PointType::FranceServices:
      return GOVSIM_SHARES_OF(fs);
    case PointType::Epn:
      return GOVSIM_SHARES_OF(epn);
    case PointType::Library:
      return GOVSIM_SHARES_OF(library);
    case PointType::SocialCentre:
      return GOVSIM_SHARES_OF(social_centre);
    case PointType::Ccas:
      return GOVSIM_SHARES_OF(ccas);
    case PointType::ThirdPlace:
      return GOVSIM_SHARES_OF(third_place);
    case PointType::ConseillerNumerique:
      return GOVSIM_SHARES_OF(cnfs);
    case PointType::Mobile:
      return GOVSIM_SHARES_OF(mobile);
#undef GOVSIM_SHARES_OF
#undef GOVSIM_SHARE_fs
#undef GOVSIM_SHARE_epn
#undef GOVSIM_SHARE_library
#undef GOVSIM_SHARE_social_centre
#undef GOVSIM_SHARE_ccas
#undef GOVSIM_SHARE_third_place
#undef GOVSIM_SHARE_mobile
#undef GOVSIM_SHARE_cnfs
  }
  return {};
}

GrantPolicy own_policy(const Params& p, Funder f) {
#define GOVSIM_POLICY(f)                                                                \
  GrantPolicy {                                                                         \
    p.funder_##f##_grant_years, p.funder_##f##_renewal, p.funder_##f##_reporting_share, \
        p.funder_##f##_payment_delay_weeks                                              \
  }
  const std::array<GrantPolicy, kFunders> all = {GOVSIM_FOR_FUNDERS(GOVSIM_POLICY)};
#undef GOVSIM_POLICY
  return all[static_cast<std::size_t>(f)];
}

double delegated(const Params& p, Funder f) {
#define GOVSIM_DELEGATES(f) p.funder_##f##_delegates
  const std::array<double, kFunders> all = {GOVSIM_FOR_FUNDERS(GOVSIM_DELEGATES)};
#undef GOVSIM_DELEGATES
  return all[static_cast<std::size_t>(f)];
}
#undef GOVSIM_FOR_FUNDERS
}  // namespace

FunderAmounts funding_shares(const Params& p, PointType type) {
  FunderAmounts s = declared_shares(p, type);
  double total = 0;
  for (double v : s) total += v;
  if (total > 0 && std::abs(total - 1.0) > 1e-9)
    for (double& v : s) v /= total;
  return s;
}

Funders Funders::from(const Params& p) {
  Funders f;
  for (int t = 0; t < kPointTypes; ++t) {
    const FunderAmounts s = funding_shares(p, static_cast<PointType>(t));
    for (std::size_t k = 0; k < kFunders; ++k) f.objective[k][static_cast<std::size_t>(t)] = s[k];
  }
  f.department_remote_weight = p.funder_department_remote_weight;
  for (std::size_t k = 0; k < kFunders; ++k) {
    const auto who = static_cast<Funder>(k);
    f.policy[k] = own_policy(p, who);
    const double d = delegated(p, who);
    switch (p.funding()) {
      case FundingStructure::Fragmented:
        f.pooled_share[k] = 0;
        break;
      case FundingStructure::SingleAuthority:
        f.pooled_share[k] = d;
        break;
      case FundingStructure::Custodian:
        // A neutral third party: funders also entrust what they would keep out of an
        // authority's programme.
        f.pooled_share[k] = d + p.custodian_extra_pooling * (1.0 - d);
        break;
    }
  }
  f.pooled_structure = p.funding() != FundingStructure::Fragmented;
  f.pool_policy = {p.grant_years_pooled, p.grant_renewal_pooled, p.reporting_share_per_grant,
                   p.pooled_payment_delay_weeks};
  f.fee = p.funding() == FundingStructure::Custodian ? p.custodian_fee_share : 0.0;
  return f;
}

FunderAmounts Funders::shares_at(PointType type, bool remote) const {
  FunderAmounts s{};
  double total = 0;
  for (std::size_t k = 0; k < kFunders; ++k) {
    s[k] = objective[k][static_cast<std::size_t>(type)];
    if (remote && k == static_cast<std::size_t>(Funder::Department))
      s[k] *= department_remote_weight;
    total += s[k];
  }
  if (total > 0)
    for (double& v : s) v /= total;
  return s;
}

std::vector<Grant> Funders::grants_for(PointType type, bool remote, double cost,
                                       bool opened_by_pool) const {
  std::vector<Grant> g;
  const FunderAmounts share = shares_at(type, remote);
  double pooled = 0, total = 0;
  for (double v : share) total += v;
  if (opened_by_pool && pooled_structure) {
    if (total > 0) g.push_back({kPoolHolder, cost, 0, true});
    return g;
  }
  for (std::size_t k = 0; k < kFunders; ++k) {
    const double a = share[k] * cost;
    if (a <= 0) continue;
    const double own = a * (1.0 - pooled_share[k]);
    pooled += a * pooled_share[k];
    if (own > 1e-9 * cost) g.push_back({static_cast<int>(k), own, 0, true});
  }
  if (pooled > 1e-9 * cost) g.push_back({kPoolHolder, pooled, 0, true});
  return g;
}

GrantTerms grant_terms(const Params& p, const Funders& f, const std::vector<Grant>& grants) {
  GrantTerms r;
  double total = 0, one_year = 0, reporting = 0;
  for (const Grant& g : grants) {
    if (!g.active) continue;
    const GrantPolicy& pol = f.policy_of(g.holder);
    total += g.amount;
    if (pol.years <= 1) one_year += g.amount;
    reporting += pol.reporting_share;
    r.payment_delay_weeks = std::max(r.payment_delay_weeks, pol.payment_delay_weeks);
  }
  r.reporting_share =
      std::min(p.reporting_share_max,
               reporting + (p.objectives_imposed ? p.objectives_reporting_extra : 0.0));
  // Posts on one-year money are fixed-term and uncertain: their holders leave more.
  r.turnover =
      std::min(1.0, p.turnover_base + p.turnover_short_term * (total > 0 ? one_year / total : 0.0));
  return r;
}

CostSplit cost_split(const std::vector<Grant>& grants) {
  CostSplit c;
  double total = 0;
  for (const Grant& g : grants)
    if (g.active) total += g.amount;
  if (total <= 0) return c;
  for (const Grant& g : grants) {
    if (!g.active) continue;
    if (g.holder == kPoolHolder)
      c.pooled += g.amount / total;
    else
      c.own[static_cast<std::size_t>(g.holder)] += g.amount / total;
  }
  for (double v : c.own) c.own_total += v;
  return c;
}

// ---- the run's side -------------------------------------------------------------------------

double Simulation::point_yearly_cost(const PointState& s) const {
  return s.funded_fte() * p_.fte_cost_eur +
         (has_own_premises(s.spec.type) ? point_fixed_cost() : 0.0);
}

bool Simulation::remote(const PointState& s) const {
  return s.spec.zone < 0 ||
         t_.zones[static_cast<std::size_t>(s.spec.zone)].density == Density::Rural;
}

void Simulation::grant_point(PointState& s, bool opened_by_pool) {
  s.grants = g_.funders.grants_for(s.spec.type, remote(s), std::max(1.0, point_yearly_cost(s)),
                                   opened_by_pool);
  s.terms = grant_terms(p_, g_.funders, s.grants);
  // Custodian: public money held by a neutral party is an incentive for places to join one
  // consortium (one draw per point, whatever the week it enters the network).
  if (p_.funding() == FundingStructure::Custodian)
    s.in_consortium =
        Rng(seed_, replicate_, kStreamConsortium, static_cast<std::uint32_t>(points_.size()), 0)
            .uniform() < p_.custodian_places_join;
}

void Simulation::set_budget_lines() {
  line_.fill(0);
  for (const PointState& s : points_) {
    const double cost = point_yearly_cost(s);
    const FunderAmounts share = g_.funders.shares_at(s.spec.type, remote(s));
    for (std::size_t f = 0; f < kFunders; ++f) line_[f] += share[f] * cost;
  }
  // The pooled structure spends its contributors' money in proportion to what they hand it.
  double pooled = 0, total = 0;
  for (std::size_t f = 0; f < kFunders; ++f) {
    pool_share_[f] = line_[f] * g_.funders.pooled_share[f];
    pooled += pool_share_[f];
    total += line_[f];
  }
  for (std::size_t f = 0; f < kFunders; ++f)
    pool_share_[f] = pooled > 0 ? pool_share_[f] / pooled : (total > 0 ? line_[f] / total : 0.0);
}

void Simulation::renew_grants(int year, int week, bool disrupted) {
  for (std::size_t k = 0; k < points_.size(); ++k) {
    PointState& s = points_[k];
    if (!s.open) continue;
    Rng prng(seed_, replicate_, kStreamPost, static_cast<std::uint32_t>(k),
             static_cast<std::uint32_t>(year));
    // Each grant falling due is renewed with its holder's chance.
    double before = 0, lost = 0;
    bool due = false;
    for (Grant& g : s.grants) {
      if (!g.active) continue;
      before += g.amount;
      const GrantPolicy& pol = g_.funders.policy_of(g.holder);
      if (++g.age < pol.years) continue;
      g.age = 0;
      due = true;
      if (!prng.bernoulli(pol.renewal)) {
        g.active = false;
        lost += g.amount;
      }
    }
    if (due && disrupted) s.interrupt_until(week + p_.disruption_weeks);
    if (lost > 0) {
      // Lost money cuts the funded posts by its part of the point's funding; a point with no
      // grant left closes.
      const double keep = before > 0 ? 1.0 - lost / before : 0.0;
      if (keep <= 1e-9) {
        ++closures_;
        departures_ += s.close();
        continue;
      }
      departures_ += s.cut_posts(s.funded_fte() * (1.0 - keep));
      s.terms = grant_terms(p_, g_.funders, s.grants);
    }
    for (Post& post : s.posts) {
      if (prng.bernoulli(s.terms.turnover)) {
        ++departures_;
        post.leave(week + static_cast<int>(prng.below(52)), p_.hiring_delay_weeks);
      }
    }
  }
}

void Simulation::place_new_money(int year, double money, bool allocation_open) {
  if (money <= 0) return;
  // The part of the new money funders keep out of the pooled structure (single authority: the
  // lines not delegated) tops up their own grants; the rest is placed by the allocation rule
  // (fragmented: each funder's calls; pooled: the authority's or custodian's).
  double kept = 0, total = 0;
  if (g_.funders.pooled_structure)
    for (std::size_t f = 0; f < kFunders; ++f) {
      kept += line_[f] * (1.0 - g_.funders.pooled_share[f]);
      total += line_[f];
    }
  const double own = total > 0 ? kept / total : 0.0;
  if (own > 0) grow_own_grants(year, money * own);
  if (!allocation_open) return;
  const std::size_t before = points_.size();
  std::vector<std::size_t> posts_before(before);
  for (std::size_t k = 0; k < before; ++k) posts_before[k] = points_[k].posts.size();
  allocate(year, money * (1.0 - own));
  for (std::size_t k = 0; k < before; ++k) {
    PointState& s = points_[k];
    // The money reaches the point after its slowest payer's delay.
    const double added =
        s.delay_posts_from(posts_before[k], s.terms.payment_delay_weeks, p_.fte_cost_eur);
    if (added <= 0) continue;
    if (g_.funders.pooled_structure) {
      // The authority's or custodian's money: its agreement with the point grows (or starts).
      auto it = std::find_if(s.grants.begin(), s.grants.end(),
                             [](const Grant& g) { return g.active && g.holder == kPoolHolder; });
      if (it != s.grants.end())
        it->amount += added;
      else
        s.grants.push_back({kPoolHolder, added, 0, true});
      s.terms = grant_terms(p_, g_.funders, s.grants);
    } else {
      // Fragmented: the point's funders answer the call together, each for its part.
      double held = 0;
      for (const Grant& g : s.grants)
        if (g.active) held += g.amount;
      if (held > 0)
        for (Grant& g : s.grants)
          if (g.active) g.amount *= 1.0 + added / held;
    }
  }
  // Points the rule opened hold their grants already (open_point).
}

void Simulation::grow_own_grants(int year, double money) {
  const int week = year * 52 + 1;
  const double unit = p_.allocation_unit_fte;
  const double unit_cost = unit * p_.fte_cost_eur;
  double kept = 0;
  for (std::size_t f = 0; f < kFunders; ++f) kept += line_[f] * (1.0 - g_.funders.pooled_share[f]);
  if (kept <= 0) return;
  for (std::size_t f = 0; f < kFunders; ++f) {
    const double mine = money * line_[f] * (1.0 - g_.funders.pooled_share[f]) / kept;
    int units = static_cast<int>(std::floor(mine / unit_cost));
    if (units <= 0) continue;
    // The funder enlarges its grants in proportion to what it already gives each point
    // (highest average: amount / (units already added + 1)), in point order on ties.
    std::vector<int> added(points_.size(), 0);
    for (int u = 0; u < units; ++u) {
      std::size_t best = points_.size();
      double best_v = 0;
      for (std::size_t k = 0; k < points_.size(); ++k) {
        const PointState& s = points_[k];
        if (!s.open) continue;
        for (const Grant& g : s.grants) {
          if (!g.active || g.holder != static_cast<int>(f)) continue;
          const double v = g.amount / (added[k] + 1);
          if (v > best_v) best_v = v, best = k;
        }
      }
      if (best == points_.size()) break;
      PointState& s = points_[best];
      for (Grant& g : s.grants)
        if (g.active && g.holder == static_cast<int>(f)) g.amount += unit_cost;
      const int start = week + p_.hiring_delay_weeks + g_.funders.policy[f].payment_delay_weeks;
      s.add_post_from(unit, week, start);
      ++added[best];
    }
  }
}

double Simulation::paid_factor(const PointState& s, bool with_fee) const {
  const CostSplit c = cost_split(s.grants);
  return c.own_total + c.pooled * (1.0 + (with_fee ? g_.funders.fee : 0.0));
}

double Simulation::pay(const PointState& s, double cost, bool with_fee) {
  const CostSplit c = cost_split(s.grants);
  const double fee = with_fee ? g_.funders.fee : 0.0;
  const double pooled = cost * c.pooled * (1.0 + fee);
  for (std::size_t f = 0; f < kFunders; ++f) spent_[f] += cost * c.own[f] + pooled * pool_share_[f];
  coordination_cost_ += cost * c.pooled * fee;
  return cost * c.own_total + pooled;
}

}  // namespace govsim::inclusion
