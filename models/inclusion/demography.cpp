// Demography: yearly deaths by age band, cohort renewal by adults entering the 15-29 band, and
// ageing (docs/model.md §3; the draws are in population.cpp: age_population).
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

void Simulation::demography(int year, int week) {
  const std::vector<std::uint32_t> renewed =
      age_population(pop_, t_, zone_share_, pop_model_, p_, seed_, replicate_, year, week);
  recount_aware();  // awareness.cpp: entrants draw their own awareness
  // Entrants' first need (no need in their first week: the draw keyed by this week is theirs).
  unschedule(renewed, week);
  for (std::uint32_t i : renewed) schedule_next_need(i, week);
  for (std::uint32_t i : renewed) mark_unaware(i);  // entrants draw their own awareness
  drop_learners(renewed);  // workshops.cpp: the departed leave their courses
}

}  // namespace govsim::inclusion
