// Awareness: knowing of a place that offers digital help. Adults who do not know learn of it
// from the media, word of mouth in their commune, the network's communication and the governance
// levers that reach out (every awareness.neighbour_update_weeks, closed form since their last
// look); once a year, aware adults lose track of it at awareness.loss_yearly (moves away, places
// and hours that change, forgetting). The one count of aware adults by zone lives here
// (docs/model.md §3, "Awareness").
#include <tbb/parallel_for.h>

#include <algorithm>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// Word of mouth over time: every awareness.neighbour_update_weeks, adults who do not know of the
// help yet, with or without a need, may learn of it from the media, the network and the aware
// share of their commune's adults (the same hazards as when they look; closed form since their
// last look), so awareness spreads through each commune between needs. A periodic event of the
// calendar: only the adults of the unaware bitmap are visited (bits of adults who became aware
// elsewhere are cleared here), in resident order, with the first Philox block of their draws
// computed in a batch; the one uniform each draws comes from that block.
void Simulation::spread_awareness(int t) {
  const std::size_t n_chunks = (pop_.size() + kChunk - 1) / kChunk;
  std::vector<std::vector<std::uint32_t>> became(n_chunks);
  tbb::parallel_for(std::size_t{0}, n_chunks, [&](std::size_t ci) {
    const std::size_t first = ci * kChunk;
    std::uint64_t* unaware = unaware_bits_.data() + ci * kChunkWords;
    std::vector<std::uint32_t> ids;
    take_set_bits(
        unaware, kChunkWords, first, [&](std::size_t i) { return !(pop_.flags[i] & kAware); }, ids);
    std::vector<Rng::Block> blocks(ids.size());
    Rng::first_blocks(seed_, replicate_, kStreamAware, static_cast<std::uint32_t>(t), ids.data(),
                      ids.size(), blocks.data());
    for (std::size_t a = 0; a < ids.size(); ++a) {
      const std::size_t i = ids[a];
      Rng rng(seed_, replicate_, kStreamAware, static_cast<std::uint32_t>(i),
              static_cast<std::uint32_t>(t), blocks[a]);
      if (update_awareness(i, t, rng)) {
        became[ci].push_back(pop_.zone[i]);
        const std::size_t k = i - first;
        unaware[k >> 6] &= ~(std::uint64_t{1} << (k & 63));
      }
    }
  });
  for (const auto& zs : became) add_aware(zs);
}

// Aware adults by zone (the word-of-mouth share), the one place they are counted: from the
// residents' flags (set-up, after demography: entrants draw their own awareness), then one more
// for each adult who becomes aware (zones in resident order).
void Simulation::recount_aware() {
  std::fill(zone_aware_.begin(), zone_aware_.end(), 0.0);
  for (std::size_t i = 0; i < pop_.size(); ++i)
    if (pop_.flags[i] & kAware) zone_aware_[pop_.zone[i]] += 1;
}

void Simulation::add_aware(const std::vector<std::uint32_t>& zones) {
  for (std::uint32_t z : zones) zone_aware_[z] += 1;
}

// Marks resident i unaware in the word-of-mouth bitmap if it is (construction, entrants).
void Simulation::mark_unaware(std::size_t i) {
  if (!(pop_.flags[i] & kAware)) unaware_bits_[i >> 6] |= std::uint64_t{1} << (i & 63);
}

bool Simulation::update_awareness(std::size_t i, int t, Rng& rng) {
  const std::uint32_t z = pop_.zone[i];
  const double share = zone_agents_[z] > 0 ? zone_aware_[z] / zone_agents_[z] : 0.0;
  double hazard = p_.awareness_base_weekly + p_.awareness_word_of_mouth * share +
                  p_.animation_awareness * zone_animation_[z] + zone_consultation_boost_[z];
  if (p_.objectives_imposed &&
      ((pop_.flags[i] & kSocialDifficulty) || pop_.age_band[i] >= p_.priority_from_age_band))
    hazard += p_.objectives_outreach;
  const int from = pop_.aware_week[i];
  const int dt = std::max(1, t - from);
  // Exposure over the weeks since the last look; the demonstrator acts during its first weeks
  // (demonstrator.weeks) only.
  double exposure = hazard * dt;
  if (p_.demonstrator)
    exposure += p_.demonstrator_awareness * std::max(0, std::min(t, p_.demonstrator_weeks) - from);
  pop_.aware_week[i] = static_cast<std::uint16_t>(t);
  if (below_one_minus_exp(rng.uniform(), exposure)) {
    pop_.flags[i] |= kAware;
    return true;
  }
  return false;
}

// Losing track, once a year (from year 1): each aware adult without a pending need forgets where
// to get help with probability awareness.loss_yearly (one draw keyed by resident and year), joins
// the unaware bitmap and looks again from this week on; the count by zone is then recounted.
void Simulation::lose_awareness(int year, int week) {
  const double loss = p_.awareness_loss_yearly;
  if (loss <= 0) return;
  const std::size_t n = pop_.size();
  tbb::parallel_for(std::size_t{0}, (n + kChunk - 1) / kChunk, [&](std::size_t b) {
    for (std::size_t i = b * kChunk; i < std::min(n, (b + 1) * kChunk); ++i) {
      if (!(pop_.flags[i] & kAware) || pop_.pending[i] > 0) continue;
      Rng rng(seed_, replicate_, kStreamForget, static_cast<std::uint32_t>(i),
              static_cast<std::uint32_t>(year));
      if (rng.uniform() >= loss) continue;
      pop_.flags[i] = static_cast<std::uint16_t>(pop_.flags[i] & ~kAware);
      pop_.aware_week[i] = static_cast<std::uint16_t>(week);
      mark_unaware(i);  // its bitmap word belongs to this chunk's task
    }
  });
  recount_aware();
}

}  // namespace govsim::inclusion
