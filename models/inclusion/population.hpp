// Residents: one agent per adult, held as a structure of arrays (flat vectors), their draw from
// the fitted population model (population_model.hpp) at the start and at cohort renewal, and the
// yearly demography (docs/model.md, "Initialisation").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/inclusion/params.hpp"
#include "models/inclusion/population_model.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

enum ResidentFlag : std::uint16_t {
  kSocialDifficulty = 1 << 0,
  kLivesAlone = 1 << 1,
  kLimitedMobility = 1 << 2,
  kHomeInternet = 1 << 3,     // internet access of any kind (fixed or mobile) and a device at home
  kNeedsFixedOffer = 1 << 4,  // ... but only once a high-speed fixed offer reaches the home
  kAware = 1 << 5,            // knows of the help on offer
  kMediated = 1 << 6,         // has had at least one mediation session
  kDynamic = 1 << 7,  // skill has ever moved (gain set): counted weekly, not in static stocks
  kPrefersOffline = 1 << 8,  // does procedures by post or at a counter even when able online
  kAtCounter = 1 << 9,       // this week's request is a counter visit, not a mediation request
  kEnrolled = 1 << 10,       // enrolled in a point's workshop course (workshops.cpp)
};

inline constexpr std::uint16_t kNoWeek = 65535;

enum class Diploma : std::uint8_t { NoneOrCep, Secondary, Higher };

// Structure of arrays; index = agent id. ~35 bytes per adult.
struct Population {
  std::vector<std::uint32_t> zone;
  std::vector<std::uint8_t> age;         // years (15 .. kMaxAge)
  std::vector<std::uint8_t> age_band;    // 0..4 (kAgeBandNames), band_of(age)
  std::vector<std::uint8_t> diploma;     // Diploma
  std::vector<std::uint8_t> income;      // quintile 0 (poorest) .. 4
  std::vector<std::uint16_t> flags;      // ResidentFlag bits
  std::vector<std::uint8_t> offer_rank;  // has a broadband offer iff offer_rank < 256 * zone share
  std::vector<std::uint8_t> need_level;  // need-rate factor: quantile bin 0..255 (needs.rate_shape)
  std::vector<float> base_skill;         // skill from the initial state (stable, practised)
  std::vector<float> gain;               // skill gained through mediation, decays unless practised
  std::vector<std::uint16_t> gain_week;  // week `gain` was last refreshed
  std::vector<float> trust;              // chance of asking a point for help when aware
  std::vector<std::uint16_t> aware_week;  // week awareness was last updated (lazy hazard)
  // Needs: at most one pending episode per adult; needs arising meanwhile join it (count).
  // Next resident (local index in its chunk) due for a need the same week: the link of the
  // need-arrival calendar (calendar.hpp), which holds each adult's next arrival week.
  std::vector<std::uint16_t> due_link;
  std::vector<std::uint8_t> pending;    // pending needs in the episode (0 = none)
  std::vector<std::uint8_t> need_kind;  // NeedKind of the episode
  std::vector<std::uint16_t> deadline;  // week after which the episode is abandoned
  std::vector<std::uint16_t> since;     // week the episode began
  // Activity over the last 12 months (per-adult metrics): weeks of the last need resolved alone
  // online and of the last need given up (kNoWeek if none).
  std::vector<std::uint16_t> last_alone;
  std::vector<std::uint16_t> last_gave_up;

  std::size_t size() const { return zone.size(); }
  void resize(std::size_t n);
  std::size_t bytes_per_agent() const;
};

// Single years of age: adults are 15 .. kMaxAge; band b < 4 covers 15b+15 .. 15b+29, the last
// band 75 .. kMaxAge (everyone reaching kMaxAge dies within the year).
inline constexpr int kMinAge = 15;
inline constexpr int kMaxAge = 105;
inline int band_of(int years) {
  return years < 75 ? (years - kMinAge) / 15 : kAgeBands - 1;
}

// Need kinds and the service each requires.
enum class NeedKind : std::uint8_t { Tax, Benefits, Health, Employment, Identity };
inline constexpr int kNeedKinds = 5;

// Home access ("can do an online procedure from home"): internet of any kind and a device; for
// the few whose only obstacle is the missing fixed offer, once the offer reaches them.
inline bool home_access(std::uint16_t flags, bool fixed_offer) {
  return (flags & kHomeInternet) && (!(flags & kNeedsFixedOffer) || fixed_offer);
}

// Agents per (zone, age band): adults × scale, stochastically rounded (keyed by seed, replicate).
// Generation is parallel over zones and independent of the thread count.
Population generate_population(const Territory& territory, const Params& p, std::uint64_t seed,
                               std::uint32_t replicate);

// Yearly demography (docs/model.md): deaths by single year of age, the deceased replaced one for
// one by adults turning 15 in the same zone (cohort renewal), and every survivor one year older
// (moving up a band at 30, 45, 60, 75). Residents with a pending need episode do not die this
// year (their need is accounted for) but age. Returns the renewed residents (in index order).
// Keyed by (seed, replicate, resident, year): independent of the thread count.
std::vector<std::uint32_t> age_population(Population& pop, const Territory& territory,
                                          const std::vector<double>& zone_offer_share,
                                          const PopulationModel& model, const Params& p,
                                          std::uint64_t seed, std::uint32_t replicate, int year,
                                          int week);

// Cohort renewal: replaces resident i (deceased) by an adult turning 15 in the same zone, drawn
// from the same fitted model (keyed by seed, replicate, resident and year).
void renew_resident(Population& pop, std::size_t i, const Territory& territory, double offer_share,
                    const PopulationModel& model, const Params& p, std::uint64_t seed,
                    std::uint32_t replicate, int year, int week);

}  // namespace govsim::inclusion
