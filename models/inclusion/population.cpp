// Residents: the population arrays, the draw of each adult from the fitted model, and the yearly
// demography (models/inclusion/population.hpp).
#include "models/inclusion/population.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "engine/rng.hpp"

namespace govsim::inclusion {

void Population::resize(std::size_t n) {
  zone.resize(n);
  age.resize(n);
  age_band.resize(n);
  diploma.resize(n);
  income.resize(n);
  flags.resize(n);
  offer_rank.resize(n);
  need_level.resize(n);
  base_skill.resize(n);
  gain.resize(n);
  gain_week.resize(n);
  trust.resize(n);
  aware_week.resize(n);
  due_link.resize(n);
  pending.resize(n);
  need_kind.resize(n);
  deadline.resize(n);
  since.resize(n);
  last_alone.resize(n);
  last_gave_up.resize(n);
}

std::size_t Population::bytes_per_agent() const {
  return sizeof(zone[0]) + sizeof(age[0]) + sizeof(age_band[0]) + sizeof(diploma[0]) +
         sizeof(income[0]) + sizeof(flags[0]) + sizeof(offer_rank[0]) + sizeof(need_level[0]) +
         sizeof(base_skill[0]) + sizeof(gain[0]) + sizeof(gain_week[0]) + sizeof(trust[0]) +
         sizeof(aware_week[0]) + sizeof(due_link[0]) + sizeof(pending[0]) + sizeof(need_kind[0]) +
         sizeof(deadline[0]) + sizeof(since[0]) + sizeof(last_alone[0]) + sizeof(last_gave_up[0]);
}

namespace {
enum PopStream : std::uint32_t {
  kCount = 100,
  kAttributes = 101,
  kRenewal = 103,
  kDemography = 104
};

// Draws every attribute of resident i (zone z of density d, age band a; `years` its age, or -1 to
// draw it from the band's ages) from the fitted joint model; `offer_share` is the zone's current
// share of homes with a high-speed fixed offer.
void draw_resident(Population& pop, std::size_t i, std::uint32_t z, int d, int a, int years,
                   double offer_share, const PopulationModel& model, const Params& p, Rng& rng) {
  const auto ua = static_cast<std::size_t>(a);
  if (years < 0) {
    const double u = rng.uniform();
    double cum = 0;
    years = model.ages[ua].back().first;
    for (const auto& [x, w] : model.ages[ua])
      if ((cum += w) > u) {
        years = x;
        break;
      }
  }
  pop.zone[i] = z;
  pop.age[i] = static_cast<std::uint8_t>(years);
  pop.age_band[i] = static_cast<std::uint8_t>(a);
  const double u = rng.uniform();
  const double none = diploma_share(a, d, 0), higher = diploma_share(a, d, 2);
  const int dip = u < none ? 0 : (u > 1.0 - higher ? 2 : 1);
  pop.diploma[i] = static_cast<std::uint8_t>(dip);
  const double gamma = income_gamma(dip);
  pop.income[i] =
      static_cast<std::uint8_t>(std::min(4.0, std::floor(5.0 * std::pow(rng.uniform(), gamma))));
  std::uint16_t f = 0;
  if (pop.income[i] == 0 && rng.bernoulli(p.social_difficulty_share)) f |= kSocialDifficulty;
  if (rng.bernoulli(p.lives_alone()[ua])) f |= kLivesAlone;
  if (rng.bernoulli(p.limited_mobility()[ua] +
                    ((f & kSocialDifficulty) ? p.limited_mobility_difficulty : 0.0)))
    f |= kLimitedMobility;
  if (rng.bernoulli(p.aware_initial)) f |= kAware;
  pop.offer_rank[i] = static_cast<std::uint8_t>(rng.below(256));
  pop.trust[i] = static_cast<float>(p.trust_initial);
  // Skill and home internet.
  const double thb = p.skill_basic_threshold;
  const bool ill =
      rng.uniform() < model.p_illiterate_at(years, d, dip, income_class_of(pop.income[i]));
  const double v = rng.uniform();
  pop.base_skill[i] =
      static_cast<float>(ill ? thb * v : thb + (1.0 - thb) * std::pow(v, p.skill_shape()[ua]));
  // Ranks without a fixed offer in this zone: [first_uncovered, 256).
  const int first_uncovered = static_cast<int>(std::ceil(offer_share * 256.0 - 1e-12));
  const double offer_only =
      first_uncovered < 256 ? (d == 2 ? p.no_offer_share_rural : p.no_offer_share_other) : 0.0;
  if (!rng.bernoulli(model.p_no_internet(a, dip, ill))) {
    f |= kHomeInternet;
  } else if (rng.bernoulli(offer_only)) {
    // Would connect if a fixed offer reached the home: internet, but no offer yet.
    f |= kHomeInternet | kNeedsFixedOffer;
    pop.offer_rank[i] = static_cast<std::uint8_t>(
        first_uncovered +
        static_cast<int>(rng.below(static_cast<std::uint32_t>(256 - first_uncovered))));
  }
  // Channel preference (the attributes above keep their draws).
  if (rng.uniform() < p.prefers_offline_share) f |= kPrefersOffline;
  // The adult's need-rate factor, as a quantile bin (last draw).
  pop.need_level[i] = static_cast<std::uint8_t>(rng.below(256));
  pop.flags[i] = f;
  pop.gain[i] = 0;
  pop.gain_week[i] = 0;
  pop.aware_week[i] = 0;
  pop.pending[i] = 0;
  pop.last_alone[i] = kNoWeek;
  pop.last_gave_up[i] = kNoWeek;
}
}  // namespace

std::vector<std::uint32_t> age_population(Population& pop, const Territory& t,
                                          const std::vector<double>& zone_offer_share,
                                          const PopulationModel& model, const Params& p,
                                          std::uint64_t seed, std::uint32_t replicate, int year,
                                          int week) {
  constexpr std::size_t kBlock = 16384;
  const std::size_t n = pop.size(), blocks = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<std::uint32_t>> renewed(blocks);
  tbb::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    for (std::size_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
      Rng rng(seed, replicate, kDemography, static_cast<std::uint32_t>(i),
              static_cast<std::uint32_t>(year));
      const int years = pop.age[i];
      if (rng.uniform() < model.death_rate[static_cast<std::size_t>(years)] &&
          pop.pending[i] == 0) {
        renew_resident(pop, i, t, zone_offer_share[pop.zone[i]], model, p, seed, replicate, year,
                       week);
        renewed[b].push_back(static_cast<std::uint32_t>(i));
      } else {
        const int older = std::min(kMaxAge, years + 1);
        pop.age[i] = static_cast<std::uint8_t>(older);
        pop.age_band[i] = static_cast<std::uint8_t>(band_of(older));
      }
    }
  });
  std::vector<std::uint32_t> out;
  for (const auto& r : renewed) out.insert(out.end(), r.begin(), r.end());
  return out;
}

void renew_resident(Population& pop, std::size_t i, const Territory& t, double offer_share,
                    const PopulationModel& model, const Params& p, std::uint64_t seed,
                    std::uint32_t replicate, int year, int week) {
  Rng rng(seed, replicate, kRenewal, static_cast<std::uint32_t>(i),
          static_cast<std::uint32_t>(year));
  const std::uint32_t z = pop.zone[i];
  const std::uint16_t keep = pop.flags[i] & kDynamic;  // stays in the weekly-counted list
  draw_resident(pop, i, z, static_cast<int>(t.zones[z].density), 0, kMinAge, offer_share, model, p,
                rng);
  pop.flags[i] |= keep;
  pop.gain_week[i] = static_cast<std::uint16_t>(week);
  pop.aware_week[i] = static_cast<std::uint16_t>(week);
}

Population generate_population(const Territory& t, const Params& p, std::uint64_t seed,
                               std::uint32_t replicate) {
  const PopulationModel model = fit_population_model(t, p);
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
      count[z][static_cast<std::size_t>(a)] =
          static_cast<std::uint32_t>(fl) + (rng.uniform() < x - fl ? 1u : 0u);
      total += count[z][static_cast<std::size_t>(a)];
    }
    offset[z + 1] = offset[z] + total;
  }
  Population pop;
  pop.resize(offset[nz]);
  // 2. Attributes, skills and home internet from the fitted model (parallel over zones; every
  // draw keyed by agent id).
  tbb::parallel_for(std::size_t{0}, nz, [&](std::size_t z) {
    std::size_t i = offset[z];
    const int density = static_cast<int>(t.zones[z].density);
    for (int a = 0; a < kAgeBands; ++a)
      for (std::uint32_t k = 0; k < count[z][static_cast<std::size_t>(a)]; ++k, ++i) {
        Rng rng(seed, replicate, kAttributes, static_cast<std::uint32_t>(i), 0);
        draw_resident(pop, i, static_cast<std::uint32_t>(z), density, a, -1,
                      t.zones[z].broadband_share, model, p, rng);
      }
  });
  return pop;
}

}  // namespace govsim::inclusion
