// The inclusion model as seen by the engine: registry, territory, metrics, and frozen runs.
#pragma once

#include <memory>

#include "engine/experiment.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

class InclusionAdapter : public ModelAdapter {
 public:
  std::string name() const override { return "inclusion"; }
  const ParamRegistry& registry() const override;
  void check_territory(const nlohmann::json& territory, const std::string& file,
                       const std::filesystem::path& base_dir) const override;
  nlohmann::json territory_schema() const override;
  std::vector<MetricInfo> metrics() const override;
  std::vector<MetricInfo> series() const override;
  std::function<RunRecord(int, int)> prepare(const ExperimentSpec& spec) const override;
  RunLayout layout(const ExperimentSpec& spec) const override;
  nlohmann::json territory_info(const ExperimentSpec& spec) const override;
  int command(const std::string& cmd, int argc, char** argv) const override;
  std::string commands_usage() const override;
  StarterExperiment starter() const override;
};

// `govsim territory build|show|list` (models/inclusion/territory_command.cpp).
int territory_command(int argc, char** argv);

// Builds (or loads) the territory named by a config's "territory" value.
std::shared_ptr<const Territory> make_territory(const nlohmann::json& territory,
                                                const std::string& file,
                                                const std::filesystem::path& base_dir);
// The planner levers network.<type>.{fte,hours_per_week,sites} applied to a territory's initial
// network (a modified copy; the same territory when every lever is at its default).
std::shared_ptr<const Territory> apply_network_levers(std::shared_ptr<const Territory> territory,
                                                      const Params& p);
// A frozen model for one scenario (its territory after the network levers).
std::shared_ptr<const ModelSpec> make_model(std::shared_ptr<const Territory> territory,
                                            const ParamValues& values);

}  // namespace govsim::inclusion
