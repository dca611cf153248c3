// Needs: administrative procedures arise for each resident (geometric waiting times by year, age
// band and social difficulty) and get a kind and a deadline (docs/model.md §3).
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// Draws the week of resident i's next need after week t and puts i on that week's list of the
// calendar (only the thread working on i's chunk may call it).
void Simulation::schedule_next_need(std::size_t i, int t) {
  const std::uint32_t agent = static_cast<std::uint32_t>(i);
  Rng::Block first;
  Rng::first_blocks(seed_, replicate_, kStreamNeed, static_cast<std::uint32_t>(t), &agent, 1,
                    &first);
  schedule_next_need(i, t, first);
}

void Simulation::schedule_next_need(std::size_t i, int t, const Rng::Block& first_block) {
  const std::size_t year = static_cast<std::size_t>(t / 52);
  const double log_q = log_no_need_[(year * kAgeBands + pop_.age_band[i]) * 2 +
                                    ((pop_.flags[i] & kSocialDifficulty) ? 1 : 0)] *
                       need_factor_[pop_.need_level[i]];
  if (log_q >= 0) return;  // rate 0: no need ever arrives
  Rng rng(seed_, replicate_, kStreamNeed, static_cast<std::uint32_t>(i),
          static_cast<std::uint32_t>(t), first_block);
  const double gap = 1.0 + geometric_floor(rng.uniform(), log_q);  // geometric weeks
  const double next = t + gap;
  if (next > p_.horizon_weeks) return;  // not within the run
  calendar_.push(pop_.due_link, i / kChunk, i - i % kChunk, static_cast<std::uint16_t>(i % kChunk),
                 static_cast<int>(next));
}

void Simulation::unschedule(const std::vector<std::uint32_t>& residents, int from_week) {
  // `residents` is in index order: one range per chunk.
  std::vector<std::size_t> starts;
  for (std::size_t k = 0; k < residents.size(); ++k)
    if (k == 0 || residents[k] / kChunk != residents[k - 1] / kChunk) starts.push_back(k);
  starts.push_back(residents.size());
  const int last = static_cast<int>(calendar_.weeks()) - 1;
  tbb::parallel_for(std::size_t{0}, starts.size() - 1, [&](std::size_t r) {
    const std::size_t ci = residents[starts[r]] / kChunk, first = ci * kChunk;
    std::vector<char> drop(kChunk, 0);
    for (std::size_t k = starts[r]; k < starts[r + 1]; ++k) drop[residents[k] - first] = 1;
    std::vector<std::uint16_t> keep;
    for (int week = std::max(0, from_week); week <= last; ++week) {
      keep.clear();
      for (std::uint16_t k = calendar_.take(ci, week); k != NeedCalendar::kNil;
           k = pop_.due_link[first + k])
        if (!drop[k]) keep.push_back(k);
      for (auto it = keep.rbegin(); it != keep.rend(); ++it)
        calendar_.push(pop_.due_link, ci, first, *it, week);
    }
  });
}

void Simulation::arrive(std::size_t i, int t, Chunk& ch, const Rng::Block& kind_block,
                        const Rng::Block& gap_block) {
  Counters& c = ch.c;
  c.arisen += 1;
  c.arisen_age[pop_.age_band[i]] += 1;
  c.arisen_density[zone_density_[pop_.zone[i]]] += 1;
  c.arisen_difficulty[(pop_.flags[i] & kSocialDifficulty) ? 0 : 1] += 1;
  c.arisen_income[pop_.income[i]] += 1;
  if (pop_.pending[i] == 0) {
    Rng rng(seed_, replicate_, kStreamNeed, static_cast<std::uint32_t>(i),
            static_cast<std::uint32_t>(t) | 0x80000u, kind_block);
    const NeedWeights& nw =
        need_weights_[((pop_.flags[i] & kSocialDifficulty) ? 2 : 0) +
                      (pop_.age_band[i] > p_.need_employment_last_age_band ? 1 : 0)];
    const std::array<double, kNeedKinds>& w = nw.w;
    double u = rng.uniform() * nw.total;
    int kind = 0;
    while (kind < kNeedKinds - 1 && u >= w[static_cast<std::size_t>(kind)])
      u -= w[static_cast<std::size_t>(kind++)];
    pop_.need_kind[i] = static_cast<std::uint8_t>(kind);
    pop_.since[i] = static_cast<std::uint16_t>(t);
    if (p_.need_deadlines_enabled) {
      const double d = std::max(1.0, std::round(p_.need_deadline_weeks *
                                                ((1.0 - p_.need_deadline_spread) +
                                                 2.0 * p_.need_deadline_spread * rng.uniform())));
      pop_.deadline[i] = static_cast<std::uint16_t>(std::min<double>(kNever - 1, t + d));
    } else {
      pop_.deadline[i] = kNever;
    }
  }
  if (pop_.pending[i] < 255)
    pop_.pending[i] += 1;
  else
    c.arisen -= 1;  // (never reached in practice: 255 needs in one episode) keep accounting exact
  schedule_next_need(i, t, gap_block);
}

}  // namespace govsim::inclusion
