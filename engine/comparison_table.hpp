// The readable tables printed by `govsim compare` (and Python's Results.table()) and by
// `govsim sweep`: ranked scenarios or design points with 95% CIs, differences and verdicts.
#pragma once

#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "engine/experiment_stats.hpp"

namespace govsim {

// A readable ranked table of the headline metrics with 95% CIs (for `govsim compare`):
// differences of shares in points ("pt"), euros with a unit and thousands separators, each
// difference with its verdict; ties share a rank.
std::string comparison_table(const ExperimentStats& st, const std::vector<MetricInfo>& headline,
                             const std::string& rank_by);

// The table of `govsim sweep`: `rank_by` (mean [95% CI] and rank) per design point of `spec`,
// with the swept values of each point.
std::string sweep_table(const ExperimentStats& st, const ExperimentSpec& spec,
                        const std::vector<MetricInfo>& metrics, const std::string& rank_by,
                        int runs_per_scenario);

}  // namespace govsim
