// Residents: one agent per adult, held as a structure of arrays (flat vectors), and the
// calibrated generation of the initial population (docs/model.md, "Initialisation").
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/inclusion/params.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

enum ResidentFlag : std::uint8_t {
  kSocialDifficulty = 1 << 0,
  kLivesAlone = 1 << 1,
  kLimitedMobility = 1 << 2,
  kSubscribes = 1 << 3,  // would have a home connection wherever a high-speed offer exists
  kDevice = 1 << 4,      // owns a computer, tablet or smartphone
  kAware = 1 << 5,       // knows of the help on offer
  kMediated = 1 << 6,    // has had at least one mediation session
  kDynamic = 1 << 7,     // skill has ever moved (gain set): counted weekly, not in static stocks
};

enum class Diploma : std::uint8_t { NoneOrCep, Secondary, Higher };

// Structure of arrays; index = agent id. ~33 bytes per adult.
struct Population {
  std::vector<std::uint32_t> zone;
  std::vector<std::uint8_t> age_band;      // 0..4 (kAgeBandNames)
  std::vector<std::uint8_t> diploma;       // Diploma
  std::vector<std::uint8_t> income;        // quintile 0 (poorest) .. 4
  std::vector<std::uint8_t> flags;         // ResidentFlag bits
  std::vector<std::uint8_t> offer_rank;    // has a broadband offer iff offer_rank < 256 * zone share
  std::vector<float> base_skill;           // skill from the initial state (stable, practised)
  std::vector<float> gain;                 // skill gained through mediation, decays unless practised
  std::vector<std::uint16_t> gain_week;    // week `gain` was last refreshed
  std::vector<float> trust;                // chance of asking a point for help when aware
  std::vector<std::uint16_t> aware_week;   // week awareness was last updated (lazy hazard)
  // Needs: at most one pending episode per adult; needs arising meanwhile join it (count).
  std::vector<std::uint16_t> next_need;    // week of the next need arrival
  std::vector<std::uint8_t> pending;       // pending needs in the episode (0 = none)
  std::vector<std::uint8_t> need_kind;     // NeedKind of the episode
  std::vector<std::uint16_t> deadline;     // week after which the episode is abandoned
  std::vector<std::uint16_t> since;        // week the episode began

  std::size_t size() const { return zone.size(); }
  void resize(std::size_t n);
  std::size_t bytes_per_agent() const;
};

// Need kinds and the service each requires.
enum class NeedKind : std::uint8_t { Tax, Benefits, Health, Employment, Identity };
inline constexpr int kNeedKinds = 5;

// Agents per (zone, age band): adults × scale, stochastically rounded (keyed by seed, replicate).
// Generation is parallel over zones and independent of the thread count.
Population generate_population(const Territory& territory, const Params& p, std::uint64_t seed,
                               std::uint32_t replicate);

}  // namespace govsim::inclusion
