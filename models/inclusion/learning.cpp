// Learning outside mediation and starting to use the internet: once a year, adults who do not
// use the internet start to (a device and a connection from relatives or a cheaper offer; more
// often once mediation has brought them to basic skills: a first guided use), and internet users
// close a share of their gap to the autonomy threshold through practice, relatives who show
// rather than do, and self-learning (diminishing returns, kept by practice). docs/model.md §3.
#include <tbb/parallel_for.h>

#include <algorithm>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

void Simulation::learn_outside_mediation(int year, int week) {
  const double adopt = p_.internet_adoption_yearly;
  const double adopt_skilled = p_.internet_adoption_yearly_basic_skill;
  const double learn = p_.learning_outside_yearly;
  const double target = p_.skill_autonomy_threshold;
  if (adopt <= 0 && adopt_skilled <= 0 && learn <= 0) return;
  const std::size_t n = pop_.size();
  tbb::parallel_for(std::size_t{0}, (n + kChunk - 1) / kChunk, [&](std::size_t b) {
    for (std::size_t i = b * kChunk; i < std::min(n, (b + 1) * kChunk); ++i) {
      const double s = skill(i, week);
      if (!(pop_.flags[i] & kHomeInternet)) {
        // Starting to use the internet (takes effect for the year: no learning this year).
        Rng rng(seed_, replicate_, kStreamLearning, static_cast<std::uint32_t>(i),
                static_cast<std::uint32_t>(year));
        const double chance = s >= p_.skill_basic_threshold ? adopt_skilled : adopt;
        if (rng.uniform() < chance) pop_.flags[i] |= kHomeInternet;
        continue;
      }
      if (!has_home_access(i) || s >= target || learn <= 0) continue;
      // The gain joins the base skill (practised, not forgotten).
      pop_.base_skill[i] = static_cast<float>(pop_.base_skill[i] + learn * (target - s));
    }
  });
}

}  // namespace govsim::inclusion
