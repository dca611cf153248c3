// libFuzzer target: arbitrary bytes as a scenario file, read the way `govsim validate FILE` and
// `govsim run FILE` read it: parse_json_text (encoding, size, depth, overflow checks), then
// file_kind and load_scenario_json with the inclusion model.
//
// Contract (engine/errors.hpp): bad input raises govsim::InputError (or InputErrors), nothing
// else; any other exception, a crash or a sanitizer report is a bug. Relative `extends` and
// territory paths resolve against a temporary directory of helper files (see fuzz_config.cpp).
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
      "govsim-fuzz-scenario",
      {
          {"base.json",
           R"({"name": "base", "territory": "city", "parameters": {"governance.funding_structure": "custodian"}})"},
          {"child.json", R"({"name": "child", "extends": "base.json", "title_fr": "Enfant"})"},
          {"cycle-a.json", R"({"name": "cycle-a", "extends": "cycle-b.json"})"},
          {"cycle-b.json", R"({"name": "cycle-b", "extends": "cycle-a.json"})"},
          {"self.json", R"({"name": "self", "extends": "self.json"})"},
          {"broken.json", "{\"name\": \"broken\",\n  \"parameters\": {\n"},
          {"utf16.json", std::string("\xff\xfe{\0}\0", 6)},
          {"communes.csv", "code,name,population\n"},
      });
  static const govsim::inclusion::InclusionAdapter model;
  g_model = &model;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const nlohmann::json doc = govsim::parse_json_text(text, "fuzz.json");
    (void)govsim::file_kind(doc);
    const govsim::ScenarioSpec s =
        govsim::load_scenario_json(doc, "fuzz.json", g_base_dir, *g_model);
    if (s.name.empty() || !s.info.contains("mechanisms")) {
      std::fprintf(stderr, "fuzz_scenario: loaded scenario without name or mechanisms\n");
      std::abort();
    }
    (void)s.info.dump();
    (void)govsim::scenario_to_json(s).dump();
  } catch (const govsim::InputErrors& e) {
    if (e.all().size() < 2) {
      std::fprintf(stderr, "fuzz_scenario: InputErrors with %zu errors\n", e.all().size());
      std::abort();
    }
    for (const auto& one : e.all()) govsim::fuzz::require_expected("fuzz_scenario", one);
  } catch (const govsim::InputError& e) {
    govsim::fuzz::require_expected("fuzz_scenario", e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_scenario: exception other than InputError: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz_scenario: non-std exception\n");
    std::abort();
  }
  return 0;
}
