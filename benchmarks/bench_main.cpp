// govsim_bench: times single runs of the model as shipped and reports resident-weeks per
// second and bytes per adult. Driven by benchmarks/run_benchmarks.py (docs/performance.md).
//
// With --dump-population DIR it instead writes the initial state of the run(s) as CSV, so that
// the Mesa reference (benchmarks/mesa_reference/) starts from exactly the same agents:
//   DIR/residents_rR.csv  one row per adult of replicate R (R = 0..--replicates-1)
//   DIR/points.csv        the initial network (services bitmask, FTE, session success)
//   DIR/reach.csv         zone -> points within reach, sorted by travel time, by car
//   DIR/reach_nocar.csv   the same by public transport or on foot (adults without a car)
//   DIR/zones.csv         zone density class, broadband offer share
//   DIR/meta.json         seed, scale and the derived governance values the Mesa model needs
#include <tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <string>
#include <vector>

#include "models/inclusion/model.hpp"

namespace {
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

using namespace govsim::inclusion;

// The initial state of replicates 0..replicates-1 as the Simulation built it (residents, points,
// its reach lists by mode, zones), for the Mesa reference (benchmarks/mesa_reference/).
void dump(const std::filesystem::path& dir, const std::string& territory_name,
          const std::shared_ptr<const ModelSpec>& model, std::uint64_t seed, int replicates) {
  std::filesystem::create_directories(dir);
  const Territory& t = *model->territory;
  const Params& p = model->params;
  const Governance& g = model->governance;
  std::size_t adults_r0 = 0;
  for (int r = 0; r < replicates; ++r) {
    Simulation sim(model, seed, static_cast<std::uint32_t>(r));
    const Population& pop = sim.population();
    if (r == 0) adults_r0 = pop.size();
    std::ofstream out(dir / ("residents_r" + std::to_string(r) + ".csv"));
    out << "id,zone,age_band,diploma,income,flags,offer_rank,base_skill,trust,car\n";
    char buf[160];
    for (std::size_t i = 0; i < pop.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%zu,%u,%u,%u,%u,%u,%u,%.9g,%.9g,%d\n", i, pop.zone[i],
                    unsigned{pop.age_band[i]}, unsigned{pop.diploma[i]}, unsigned{pop.income[i]},
                    unsigned{pop.flags[i]}, unsigned{pop.offer_rank[i]},
                    static_cast<double>(pop.base_skill[i]), static_cast<double>(pop.trust[i]),
                    sim.resident_has_car(i) ? 1 : 0);
      out << buf;
    }
    if (r == 0) {
      std::ofstream pts(dir / "points.csv");
      pts << std::setprecision(17);
      pts << "point,id,zone,type,services,fte,success,stations,reporting_share\n";
      const auto& points = sim.points();
      for (std::size_t k = 0; k < points.size(); ++k) {
        const PointState& s = points[k];
        pts << k << ',' << s.spec.id << ',' << s.spec.zone << ',' << type_code(s.spec.type) << ','
            << s.spec.services << ',' << s.funded_fte() + s.social_fte << ',' << s.success << ','
            << s.stations << ',' << s.terms.reporting_share << '\n';
      }
      // The model's own reach lists (Simulation::rebuild_reach), by car and without a car.
      const std::size_t nz = t.zones.size();
      for (const bool car : {true, false}) {
        std::ofstream reach(dir / (car ? "reach.csv" : "reach_nocar.csv"));
        reach << "zone,rank,point,minutes\n";
        for (std::size_t z = 0; z < nz; ++z) {
          const auto& list = sim.reach_list(z, car);
          for (std::size_t k = 0; k < list.size(); ++k)
            reach << z << ',' << k << ',' << list[k].first << ',' << std::setprecision(9)
                  << static_cast<double>(list[k].second) << '\n';
        }
      }
      std::ofstream zones(dir / "zones.csv");
      zones << std::setprecision(17);
      zones << "zone,code,density,epci,broadband_share,adults\n";
      for (std::size_t z = 0; z < nz; ++z)
        zones << z << ',' << t.zones[z].code << ',' << static_cast<int>(t.zones[z].density) << ','
              << t.zones[z].epci << ',' << t.zones[z].broadband_share << ','
              << t.zones[z].total_adults() << '\n';
    }
  }
  std::ofstream meta(dir / "meta.json");
  meta << "{\"territory\": \"" << territory_name << "\", \"seed\": " << seed
       << ", \"replicates\": " << replicates << ", \"population_scale\": " << p.population_scale
       << ", \"adults_replicate0\": " << adults_r0 << ", \"doing_with\": " << g.doing_with
       << ", \"partner_knowledge\": " << g.partner_knowledge
       << ", \"animation_reach\": " << g.animation_reach << "}\n";
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> pos;
  std::string dump_dir;
  std::uint64_t seed = 1;
  int replicates = 1;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--dump-population" && a + 1 < argc)
      dump_dir = argv[++a];
    else if (arg == "--seed" && a + 1 < argc)
      seed = std::strtoull(argv[++a], nullptr, 10);
    else if (arg == "--replicates" && a + 1 < argc)
      replicates = std::atoi(argv[++a]);
    else
      pos.push_back(arg);
  }
  if (pos.empty()) {
    std::fprintf(stderr,
                 "usage: govsim_bench TERRITORY [scale] [weeks] [threads]\n"
                 "       govsim_bench TERRITORY [scale] --dump-population DIR [--seed S] "
                 "[--replicates N]\n");
    return 2;
  }
  const std::string territory = pos[0];
  const double scale = pos.size() > 1 ? std::atof(pos[1].c_str()) : 1.0;
  const int weeks = pos.size() > 2 ? std::atoi(pos[2].c_str()) : 260;
  const int threads = pos.size() > 3 ? std::atoi(pos[3].c_str()) : 1;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  govsim::ParamValues values(registry());
  values.set(*registry().find("sim.population_scale"), scale);
  values.set(*registry().find("sim.horizon_weeks"), weeks);
  const auto t0 = std::chrono::steady_clock::now();
  auto terr = make_territory(territory, "", ".");
  auto model = make_model(terr, values);
  if (!dump_dir.empty()) {
    dump(dump_dir, territory, model, seed, replicates);
    std::printf("{\"dumped\": \"%s\", \"replicates\": %d, \"seed\": %llu}\n", dump_dir.c_str(),
                replicates, static_cast<unsigned long long>(seed));
    return 0;
  }
  const auto t1 = std::chrono::steady_clock::now();
  Simulation sim(model, seed, 0);
  const auto t2 = std::chrono::steady_clock::now();
  sim.run();
  const auto t3 = std::chrono::steady_clock::now();
  const double adults = static_cast<double>(sim.population().size());
  const double run_s = std::chrono::duration<double>(t3 - t2).count();
  std::printf(
      "{\"territory\": \"%s\", \"scale\": %g, \"weeks\": %d, \"threads\": %d, \"adults\": %.0f, "
      "\"territory_s\": %.3f, \"init_s\": %.3f, \"run_s\": %.3f, \"resident_weeks_per_s\": %.4g, "
      "\"peak_rss_kib\": %ld, \"bytes_per_adult\": %.1f, \"soa_bytes_per_adult\": %zu}\n",
      territory.c_str(), scale, weeks, threads, adults,
      std::chrono::duration<double>(t1 - t0).count(),
      std::chrono::duration<double>(t2 - t1).count(), run_s, adults * weeks / run_s, peak_rss_kib(),
      peak_rss_kib() * 1024.0 / adults, sim.population().bytes_per_agent());
  return 0;
}
