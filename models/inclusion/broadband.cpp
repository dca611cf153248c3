// Broadband: the yearly rollout of the fixed broadband offer by zone (docs/model.md §3).
#include <cmath>

#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// Broadband rollout: the offer share of each zone grows towards full coverage.
void Simulation::broadband_rollout(int year) {
  if (year > 0 && year >= g_.rollout_start_year)
    for (double& share : zone_share_) share += g_.rollout_speed * (1.0 - share);
  for (std::size_t z = 0; z < zone_share_.size(); ++z)
    zone_offer_cut_[z] = static_cast<std::uint16_t>(std::ceil(zone_share_[z] * 256.0));
}

}  // namespace govsim::inclusion
