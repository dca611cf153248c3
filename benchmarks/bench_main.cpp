// govsim_bench: times single runs of the model as shipped and reports resident-weeks per
// second and bytes per adult. Driven by benchmarks/run_benchmarks.py (docs/performance.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <tbb/global_control.h>

#include "models/inclusion/model.hpp"

namespace {
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}
}  // namespace

int main(int argc, char** argv) {
  using namespace govsim::inclusion;
  if (argc < 2) {
    std::fprintf(stderr, "usage: govsim_bench TERRITORY [scale] [weeks] [threads]\n");
    return 2;
  }
  const std::string territory = argv[1];
  const double scale = argc > 2 ? std::atof(argv[2]) : 1.0;
  const int weeks = argc > 3 ? std::atoi(argv[3]) : 260;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 1;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  govsim::ParamValues values(registry());
  values.set(*registry().find("sim.population_scale"), scale);
  values.set(*registry().find("sim.horizon_weeks"), weeks);
  const auto t0 = std::chrono::steady_clock::now();
  auto terr = make_territory(territory, "", ".");
  auto model = make_model(terr, values);
  const auto t1 = std::chrono::steady_clock::now();
  Simulation sim(model, 1, 0);
  const auto t2 = std::chrono::steady_clock::now();
  sim.run();
  const auto t3 = std::chrono::steady_clock::now();
  const double adults = static_cast<double>(sim.population().size());
  const double run_s = std::chrono::duration<double>(t3 - t2).count();
  std::printf("{\"territory\": \"%s\", \"scale\": %g, \"weeks\": %d, \"threads\": %d, \"adults\": %.0f, "
              "\"territory_s\": %.3f, \"init_s\": %.3f, \"run_s\": %.3f, \"resident_weeks_per_s\": %.4g, "
              "\"peak_rss_kib\": %ld, \"bytes_per_adult\": %.1f, \"soa_bytes_per_adult\": %zu}\n",
              territory.c_str(), scale, weeks, threads, adults,
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
              run_s, adults * weeks / run_s, peak_rss_kib(), peak_rss_kib() * 1024.0 / adults,
              sim.population().bytes_per_agent());
  return 0;
}
