// Provenance of every output: version, git commit, resolved config, seed, threads, host, times.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/experiment.hpp"

namespace govsim {

const char* version();     // generated at build time (cmake/WriteVersion.cmake)
const char* git_commit();  // idem
std::string hostname();
std::string utc_now_iso8601();

// The manifest's "metrics" / "series" block, from a model's metrics() / series(): one entry per
// declared metric (its breakdowns are stored as "name@dimension:level"), each
// {"name", "unit", "direction": "higher"|"lower", "headline", "subgroups": [dimensions], "doc"}.
nlohmann::json metric_catalog(const std::vector<MetricInfo>& all);
// The headline metrics of a model, in declaration order.
std::vector<MetricInfo> headline_metrics(const std::vector<MetricInfo>& all);

}  // namespace govsim
