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
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/config.hpp"
#include "engine/errors.hpp"
#include "models/inclusion/model.hpp"

namespace {

namespace fs = std::filesystem;

fs::path g_base_dir;
const govsim::inclusion::InclusionAdapter* g_model = nullptr;

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

void remove_base_dir() {
  std::error_code ec;
  if (!g_base_dir.empty()) fs::remove_all(g_base_dir, ec);
}

void check_message(const govsim::InputError& e) {
  if (std::string(e.what()).find("expected ") == std::string::npos) {
    std::fprintf(stderr, "fuzz_scenario: InputError without \"expected\": %s\n", e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string tmpl = (fs::temp_directory_path() / "govsim-fuzz-scenario-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    std::abort();
  }
  g_base_dir = tmpl;
  std::atexit(remove_base_dir);
  write_file(
      g_base_dir / "base.json",
      R"({"name": "base", "territory": "city", "parameters": {"governance.funding_structure": "custodian"}})");
  write_file(g_base_dir / "child.json",
             R"({"name": "child", "extends": "base.json", "title_fr": "Enfant"})");
  write_file(g_base_dir / "cycle-a.json", R"({"name": "cycle-a", "extends": "cycle-b.json"})");
  write_file(g_base_dir / "cycle-b.json", R"({"name": "cycle-b", "extends": "cycle-a.json"})");
  write_file(g_base_dir / "self.json", R"({"name": "self", "extends": "self.json"})");
  write_file(g_base_dir / "broken.json", "{\"name\": \"broken\",\n  \"parameters\": {\n");
  write_file(g_base_dir / "utf16.json", std::string("\xff\xfe{\0}\0", 6));
  write_file(g_base_dir / "communes.csv", "code,name,population\n");
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
    for (const auto& one : e.all()) check_message(one);
  } catch (const govsim::InputError& e) {
    check_message(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_scenario: exception other than InputError: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "fuzz_scenario: non-std exception\n");
    std::abort();
  }
  return 0;
}
