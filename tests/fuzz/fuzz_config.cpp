// libFuzzer target: arbitrary bytes as an experiment config file: the JSON reader
// (govsim::parse_json_text) then the config loader.
//
// The contract under test (engine/errors.hpp): bad input raises govsim::InputError, nothing else.
// Any other exception, a crash or a sanitizer report is a bug; the input that caused it goes into
// tests/fuzz/regressions/ (replayed first by scripts/fuzz-smoke.sh).
//
// Relative paths in the document resolve against a temporary directory holding a few helper
// files, so that `extends`, scenario files and territory CSV paths reach the file-handling code:
//   base.json (a valid scenario), child.json (extends base.json), cycle-a.json <-> cycle-b.json,
//   self.json (extends itself), broken.json (invalid JSON), communes.csv, points.csv.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/config.hpp"
#include "engine/errors.hpp"
#include "fuzz_support.hpp"
#include "models/inclusion/model.hpp"

namespace {

std::filesystem::path g_base_dir;
const govsim::inclusion::InclusionAdapter* g_model = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_base_dir = govsim::fuzz::make_helper_dir(
      "govsim-fuzz",
      {
          {"base.json",
           R"({"name": "base", "parameters": {"governance.funding_structure": "custodian", "sim.horizon_weeks": 52}})"},
          {"child.json",
           R"({"name": "child", "extends": "base.json", "parameters": {"observation.enabled": true}})"},
          {"cycle-a.json", R"({"name": "cycle-a", "extends": "cycle-b.json"})"},
          {"cycle-b.json", R"({"name": "cycle-b", "extends": "cycle-a.json"})"},
          {"self.json", R"({"name": "self", "extends": "self.json"})"},
          {"broken.json", "{\"name\": \"broken\",\n  \"parameters\": {\n"},
          {"communes.csv", "code,name,population\n"},
          {"points.csv", "id,name\n"},
      });
  static const govsim::inclusion::InclusionAdapter model;
  g_model = &model;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    // The reader every config goes through (encoding, size, depth, number overflow checks).
    const nlohmann::json doc = govsim::parse_json_text(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
    const govsim::ExperimentSpec spec =
        govsim::load_experiment_json(doc, "fuzz.json", g_base_dir, *g_model);
    // A loaded spec must be usable: a baseline among its scenarios, a resolved config.
    if (spec.scenarios.empty() || spec.baseline < 0 ||
        static_cast<std::size_t>(spec.baseline) >= spec.scenarios.size()) {
      std::fprintf(stderr, "fuzz_config: loaded spec with %zu scenarios and baseline %d\n",
                   spec.scenarios.size(), spec.baseline);
      std::abort();
    }
    (void)spec.resolved.dump();
  } catch (const govsim::InputErrors& e) {
    for (const auto& one : e.all()) govsim::fuzz::require_expected("fuzz_config", one);
  } catch (const govsim::InputError& e) {
    // Expected for bad input; the message must name what was expected.
    govsim::fuzz::require_expected("fuzz_config", e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_config: exception other than InputError: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz_config: non-std exception\n");
    std::abort();
  }
  return 0;
}
