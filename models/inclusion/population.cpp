#include "models/inclusion/population.hpp"

#include <algorithm>
#include <cmath>

#include <tbb/parallel_for.h>

#include "engine/rng.hpp"

namespace govsim::inclusion {

void Population::resize(std::size_t n) {
  zone.resize(n);
  age_band.resize(n);
  diploma.resize(n);
  income.resize(n);
  flags.resize(n);
  offer_rank.resize(n);
  base_skill.resize(n);
  gain.resize(n);
  gain_week.resize(n);
  trust.resize(n);
  aware_week.resize(n);
  next_need.resize(n);
  pending.resize(n);
  need_kind.resize(n);
  deadline.resize(n);
  since.resize(n);
}

std::size_t Population::bytes_per_agent() const {
  return sizeof(zone[0]) + sizeof(age_band[0]) + sizeof(diploma[0]) + sizeof(income[0]) +
         sizeof(flags[0]) + sizeof(offer_rank[0]) + sizeof(base_skill[0]) + sizeof(gain[0]) +
         sizeof(gain_week[0]) + sizeof(trust[0]) + sizeof(aware_week[0]) + sizeof(next_need[0]) +
         sizeof(pending[0]) + sizeof(need_kind[0]) + sizeof(deadline[0]) + sizeof(since[0]);
}

namespace {
enum PopStream : std::uint32_t { kCount = 100, kAttributes = 101, kSkill = 102 };

// Diploma mix by age band (assumption after INSEE 2019 census tables, rounded).
constexpr std::array<double, kAgeBands> kNoDiploma = {0.10, 0.12, 0.22, 0.35, 0.55};
constexpr std::array<double, kAgeBands> kHigherEd = {0.40, 0.45, 0.30, 0.20, 0.10};

int income_class(int quintile) { return quintile <= 1 ? 0 : (quintile == 4 ? 2 : 1); }

double relative_risk(const Params& p, int density, int diploma, int income_cls) {
  double rr = density == 0 ? p.rr_urban : (density == 2 ? p.rr_rural : 1.0);
  rr *= diploma == 0 ? p.rr_no_diploma : (diploma == 2 ? p.rr_higher_education : 1.0);
  rr *= income_cls == 0 ? p.rr_low_income : (income_cls == 2 ? p.rr_high_income : 1.0);
  return rr;
}

constexpr double kMaxIllProbability = 0.98;
}  // namespace

Population generate_population(const Territory& t, const Params& p, std::uint64_t seed,
                               std::uint32_t replicate) {
  const std::size_t nz = t.zones.size();
  // 1. Agents per zone and age band (stochastic rounding), and their offsets.
  std::vector<std::array<std::uint32_t, kAgeBands>> count(nz);
  std::vector<std::size_t> offset(nz + 1, 0);
  for (std::size_t z = 0; z < nz; ++z) {
    Rng rng(seed, replicate, kCount, static_cast<std::uint32_t>(z), 0);
    std::size_t total = 0;
    for (int a = 0; a < kAgeBands; ++a) {
      const double x = t.zones[z].adults[static_cast<std::size_t>(a)] * p.population_scale;
      const double fl = std::floor(x);
      count[z][static_cast<std::size_t>(a)] = static_cast<std::uint32_t>(fl) + (rng.uniform() < x - fl ? 1u : 0u);
      total += count[z][static_cast<std::size_t>(a)];
    }
    offset[z + 1] = offset[z] + total;
  }
  Population pop;
  pop.resize(offset[nz]);
  // 2. Attributes (parallel over zones; every draw keyed by agent id).
  const auto lives_alone = p.lives_alone(), limited_mobility = p.limited_mobility();
  tbb::parallel_for(std::size_t{0}, nz, [&](std::size_t z) {
    std::size_t i = offset[z];
    const int density = static_cast<int>(t.zones[z].density);
    const double shift_higher = density == 0 ? 0.08 : (density == 2 ? -0.06 : 0.0);
    const double shift_none = density == 0 ? -0.04 : (density == 2 ? 0.04 : 0.0);
    for (int a = 0; a < kAgeBands; ++a) {
      const auto ua = static_cast<std::size_t>(a);
      for (std::uint32_t k = 0; k < count[z][ua]; ++k, ++i) {
        Rng rng(seed, replicate, kAttributes, static_cast<std::uint32_t>(i), 0);
        pop.zone[i] = static_cast<std::uint32_t>(z);
        pop.age_band[i] = static_cast<std::uint8_t>(a);
        const double u = rng.uniform();
        const int dip = u < kNoDiploma[ua] + shift_none ? 0
                        : u > 1.0 - (kHigherEd[ua] + shift_higher) ? 2 : 1;
        pop.diploma[i] = static_cast<std::uint8_t>(dip);
        const double gamma = dip == 0 ? 1.6 : (dip == 2 ? 0.6 : 1.0);
        pop.income[i] = static_cast<std::uint8_t>(std::min(4.0, std::floor(5.0 * std::pow(rng.uniform(), gamma))));
        std::uint8_t f = 0;
        if (pop.income[i] == 0 && rng.bernoulli(p.social_difficulty_share)) f |= kSocialDifficulty;
        if (rng.bernoulli(lives_alone[ua])) f |= kLivesAlone;
        if (rng.bernoulli(limited_mobility[ua] + ((f & kSocialDifficulty) ? p.limited_mobility_difficulty : 0.0))) f |= kLimitedMobility;
        if (rng.bernoulli(p.aware_initial)) f |= kAware;
        pop.flags[i] = f;
        pop.offer_rank[i] = static_cast<std::uint8_t>(rng.below(256));
        pop.trust[i] = static_cast<float>(p.trust_initial);
      }
    }
  });
  // 3. Calibration: per age band a scale c_a such that the mean of min(0.98, c_a × rr_i) equals
  // the INSEE target; rr_i takes 27 values (density × diploma × income class), so we solve on
  // their counts.
  std::array<double, kAgeBands> target = {p.illectronisme_15_29, p.illectronisme_30_44,
                                          p.illectronisme_45_59, p.illectronisme_60_74,
                                          p.illectronisme_75_plus};
  std::array<std::array<double, 27>, kAgeBands> hist{};
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int d = static_cast<int>(t.zones[pop.zone[i]].density);
    hist[pop.age_band[i]][static_cast<std::size_t>(d * 9 + pop.diploma[i] * 3 + income_class(pop.income[i]))] += 1;
  }
  std::array<double, kAgeBands> scale{};
  for (int a = 0; a < kAgeBands; ++a) {
    const auto ua = static_cast<std::size_t>(a);
    double n = 0;
    for (double h : hist[ua]) n += h;
    auto mean_at = [&](double c) {
      double s = 0;
      for (int k = 0; k < 27; ++k)
        s += hist[ua][static_cast<std::size_t>(k)] * std::min(kMaxIllProbability, c * relative_risk(p, k / 9, (k / 3) % 3, k % 3));
      return n > 0 ? s / n : 0.0;
    };
    double lo = 0, hi = 1e3;
    const double goal = std::min(target[ua], kMaxIllProbability);
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lo + hi);
      (mean_at(mid) < goal ? lo : hi) = mid;
    }
    scale[ua] = 0.5 * (lo + hi);
  }
  // 4. Skills and home connection.
  const double thb = p.skill_basic_threshold;
  const auto shape = p.skill_shape();
  tbb::parallel_for(std::size_t{0}, nz, [&](std::size_t z) {
    const int d = static_cast<int>(t.zones[z].density);
    for (std::size_t i = offset[z]; i < offset[z + 1]; ++i) {
      Rng rng(seed, replicate, kSkill, static_cast<std::uint32_t>(i), 0);
      const int a = pop.age_band[i];
      const double pr = std::min(kMaxIllProbability,
                                 scale[static_cast<std::size_t>(a)] * relative_risk(p, d, pop.diploma[i], income_class(pop.income[i])));
      const bool ill = rng.uniform() < pr;
      const double u = rng.uniform();
      pop.base_skill[i] = static_cast<float>(ill ? thb * u : thb + (1.0 - thb) * std::pow(u, shape[static_cast<std::size_t>(a)]));
      // Home internet: the INSEE no-internet share by age, concentrated on those lacking skills.
      const double no_net = (a == 4 ? p.no_home_internet_75_plus : p.no_home_internet_other) * (ill ? p.no_internet_rr_low_skill : p.no_internet_rr_skilled);
      std::uint8_t f = pop.flags[i];
      if (!rng.bernoulli(std::min(0.97, no_net))) f |= kSubscribes;
      if ((f & kSubscribes) || rng.bernoulli(p.device_without_subscription)) f |= kDevice;
      pop.flags[i] = f;
      pop.gain[i] = 0;
      pop.gain_week[i] = 0;
      pop.aware_week[i] = 0;
      pop.pending[i] = 0;
    }
  });
  return pop;
}

}  // namespace govsim::inclusion
