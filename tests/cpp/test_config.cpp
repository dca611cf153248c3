#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/config.hpp"
#include "engine/errors.hpp"
#include "models/inclusion/model.hpp"

using namespace govsim;
namespace fs = std::filesystem;

namespace {
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("govsim_cfg_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }
  std::string error_of(const fs::path& p, const std::vector<Override>& o = {}) {
    try {
      load_experiment(p, model_, o);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
  inclusion::InclusionAdapter model_;
};
}  // namespace

TEST_F(ConfigTest, ResolutionOrderDefaultsExtendsScenarioConfigSet) {
  write("base.json",
        R"({"name": "base", "parameters": {"needs.rate_per_year": 5, "mobile.units": 1}})");
  write("child.json",
        R"({"name": "child", "extends": "base.json", "parameters": {"mobile.units": 2}})");
  const auto cfg = write(
      "exp.json", R"({"name": "e", "territory": "city", "scenarios": ["base.json", "child.json"],
    "baseline": "base", "parameters": {"sim.horizon_weeks": 52}, "experiment": {"runs": 3, "seed": 9}})");
  const ExperimentSpec e = load_experiment(cfg, model_, {{"needs.deadline_weeks", "8"}});
  ASSERT_EQ(e.scenarios.size(), 2u);
  const auto& c = e.scenarios[1].values;
  EXPECT_EQ(c.get("needs.rate_per_year"), 5.0);       // inherited
  EXPECT_EQ(c.get("mobile.units"), 2.0);              // own
  EXPECT_EQ(c.get("sim.horizon_weeks"), 52.0);        // config-wide
  EXPECT_EQ(c.get("needs.deadline_weeks"), 8.0);      // --set
  EXPECT_EQ(c.get("mediation.mediator_skill"), 0.8);  // default
  EXPECT_EQ(e.runs, 3);
  EXPECT_EQ(e.seed, 9u);
  EXPECT_EQ(e.scenarios[1].info["extends_chain"][0], "base");
  EXPECT_EQ(e.scenarios[1].info["mechanisms"], nlohmann::json::array({"mobile", "needs"}));
}

TEST_F(ConfigTest, ErrorsNameFilePointerExpectationAndValue) {
  const auto bad = write(
      "bad.json",
      R"({"name": "e", "territory": "city", "scenarios": [{"name": "a", "parameters": {"needs.rate_per_year": "many"}}]})");
  const std::string m = error_of(bad);
  EXPECT_NE(m.find("bad.json"), std::string::npos) << m;
  EXPECT_NE(m.find("/scenarios/0/parameters/needs.rate_per_year"), std::string::npos) << m;
  EXPECT_NE(m.find("expected a number in [0, 100]"), std::string::npos) << m;
  EXPECT_NE(m.find("\"many\""), std::string::npos) << m;
}

TEST_F(ConfigTest, ExtendsCycleIsRejected) {
  write("a.json", R"({"name": "a", "extends": "b.json"})");
  write("b.json", R"({"name": "b", "extends": "a.json"})");
  const auto cfg =
      write("exp.json", R"({"name": "e", "territory": "city", "scenarios": ["a.json"]})");
  const std::string m = error_of(cfg);
  EXPECT_NE(m.find("cycle"), std::string::npos) << m;
  EXPECT_NE(m.find("/extends"), std::string::npos) << m;
}

TEST_F(ConfigTest, SyntaxErrorsGiveLineAndColumn) {
  const auto cfg = write("exp.json", "{\n  \"name\": \"e\",\n  \"territory\": city\n}");
  const std::string m = error_of(cfg);
  EXPECT_NE(m.find("line 3"), std::string::npos) << m;
}

TEST_F(ConfigTest, BadOverrideIsRejected) {
  const auto cfg =
      write("exp.json", R"({"name": "e", "territory": "city", "scenarios": [{"name": "a"}]})");
  EXPECT_NE(error_of(cfg, {{"mobile.units", "2.5"}}).find("integer"), std::string::npos);
  EXPECT_NE(error_of(cfg, {{"mobile.unit", "2"}}).find("did you mean \"mobile.units\""),
            std::string::npos);
}

// The loader sets each scenario's role once (engine/scenario_role.hpp): the demo's main
// scenarios, its territory comparisons (the baseline run on each territory, the scenarios run
// there) and, at equal budget, each other scenario's run as configured.
TEST_F(ConfigTest, LoaderSetsScenarioRoles) {
  const fs::path root = GOVSIM_SOURCE_DIR;
  const ExperimentSpec demo =
      load_experiment(root / "scenarios/experiments/seed-scenarios.json", model_);
  ASSERT_EQ(demo.scenarios.size(), 21u);
  using Kind = ScenarioRole::Kind;
  for (std::size_t k = 0; k < 8; ++k) {
    const ScenarioRole& r = demo.scenarios[k].role;
    EXPECT_EQ(r.kind, Kind::Main) << demo.scenarios[k].name;
    EXPECT_EQ(r.arm_of, -1);
    EXPECT_EQ(r.compared_with, -1);
    EXPECT_EQ(r.territory, "");
    EXPECT_EQ(r.scenario, "");
    EXPECT_EQ(r.budget, Budget::EqualToBaseline);
  }
  const auto& base = demo.scenarios[8];  // the status quo run on the city
  EXPECT_EQ(base.name, "status-quo@city");
  EXPECT_EQ(base.role, (ScenarioRole{.kind = Kind::TerritoryBaseline,
                                     .territory = "city",
                                     .scenario = "status-quo",
                                     .budget = Budget::EqualToBaseline}));
  const auto& there = demo.scenarios[9];
  EXPECT_EQ(there.role, (ScenarioRole{.kind = Kind::TerritoryComparison,
                                      .compared_with = 8,
                                      .territory = "city",
                                      .scenario = "city-master-plan",
                                      .budget = Budget::EqualToBaseline}));
  for (std::size_t k = 12; k < demo.scenarios.size(); ++k) {
    const auto& s = demo.scenarios[k];
    ASSERT_EQ(s.role.kind, Kind::AsConfiguredArm) << s.name;
    ASSERT_GE(s.role.arm_of, 0);
    const auto& of = demo.scenarios[static_cast<std::size_t>(s.role.arm_of)];
    EXPECT_EQ(s.name, of.name + "@as_configured");
    EXPECT_EQ(s.role.budget, Budget::AsConfigured);
    EXPECT_EQ(s.role.compared_with, of.role.compared_with) << s.name;
    EXPECT_EQ(s.role.territory, of.role.territory) << s.name;
    EXPECT_EQ(s.role.scenario, of.role.scenario.empty() ? of.name : of.role.scenario) << s.name;
  }
  // As configured, no arms and every scenario spends what it costs.
  std::ifstream in(root / "scenarios/experiments/seed-scenarios.json");
  nlohmann::json doc = nlohmann::json::parse(in);
  doc["experiment"]["budget"] = "as_configured";
  const ExperimentSpec own =
      load_experiment_json(doc, "demo", root / "scenarios/experiments", model_);
  ASSERT_EQ(own.scenarios.size(), 12u);
  for (const auto& s : own.scenarios) {
    EXPECT_NE(s.role.kind, Kind::AsConfiguredArm) << s.name;
    EXPECT_EQ(s.role.budget, Budget::AsConfigured) << s.name;
    EXPECT_FALSE(s.info.contains("arm_of") || s.info.contains("compared_with") ||
                 s.info.contains("territory_baseline") || s.info.contains("budget"))
        << s.name;  // the info is the human description only
  }
}

TEST_F(ConfigTest, EverySeedScenarioFileLoads) {
  const fs::path root = GOVSIM_SOURCE_DIR;
  for (const auto& entry : fs::directory_iterator(root / "scenarios" / "experiments")) {
    const ExperimentSpec e = load_experiment(entry.path(), model_);
    EXPECT_FALSE(e.scenarios.empty()) << entry.path();
  }
  const ExperimentSpec demo =
      load_experiment(root / "scenarios/experiments/seed-scenarios.json", model_);
  // The demo compares at equal budget: the eight seed scenarios, the status quo and one seed
  // scenario on each of two other territories, then the nine others run as configured (for their
  // cost-effectiveness); each scenario matches its own baseline's spending.
  ASSERT_EQ(demo.budget, "equal_to_baseline");
  ASSERT_EQ(demo.scenarios.size(), 21u);
  for (std::size_t k = 0; k < demo.scenarios.size(); ++k) {
    const auto& s = demo.scenarios[k];
    const bool arm = s.name.ends_with("@as_configured");
    const bool baseline = s.name.starts_with("status-quo");
    EXPECT_EQ(arm, k >= 12) << s.name;
    EXPECT_EQ(s.territory.is_null(), k < 8 || (arm && s.name.find("@city") == std::string::npos &&
                                               s.name.find("@former") == std::string::npos))
        << s.name;
    const int own = s.role.compared_with >= 0 ? s.role.compared_with : demo.baseline;
    EXPECT_EQ(s.budget_of, arm || baseline ? -1 : own) << s.name;
  }
  EXPECT_EQ(demo.scenarios[9].name, "city-master-plan@city");
  EXPECT_EQ(demo.scenarios[9].role.compared_with, 8);
  for (const auto& s : demo.scenarios) {
    EXPECT_FALSE(s.info["seed_contribution"].get<std::string>().empty()) << s.name;
    EXPECT_FALSE(s.info["description"].get<std::string>().empty()) << s.name;
    if (!s.name.starts_with("status-quo")) {
      EXPECT_FALSE(s.info["mechanisms"].empty()) << s.name;
    }
  }
}

TEST_F(ConfigTest, SavedScenarioRoundTrips) {
  const fs::path root = GOVSIM_SOURCE_DIR;
  const ScenarioSpec s =
      load_scenario(root / "scenarios/governance/animated-epn-network.json", model_);
  const auto j = scenario_to_json(s);
  std::ofstream(dir_ / "saved.json") << j.dump(2);
  const ScenarioSpec back = load_scenario(dir_ / "saved.json", model_);
  EXPECT_EQ(back.values.values(), s.values.values());
}

TEST_F(ConfigTest, EveryErrorOfAConfigIsReportedAtOnce) {
  const auto cfg = write("many.json", R"({"name": "e", "territory": "city", "colour": 1,
    "scenarios": [{"name": "a", "parameters": {"needs.rate_per_yer": 5, "mobile.units": -1}}, {"name": "b", "x": 2}],
    "experiment": {"runs": 0, "seed": "one"}})");
  try {
    load_experiment(cfg, model_);
    FAIL() << "no error";
  } catch (const InputErrors& e) {
    std::vector<std::string> where;
    for (const auto& one : e.all()) where.push_back(one.where());
    // (keys in JSON key order: nlohmann::json sorts them)
    EXPECT_EQ(where,
              (std::vector<std::string>{"/colour", "/scenarios/0/parameters/mobile.units",
                                        "/scenarios/0/parameters/needs.rate_per_yer",
                                        "/scenarios/1/x", "/experiment/runs", "/experiment/seed"}));
    for (const auto& one : e.all()) EXPECT_EQ(one.file(), cfg.string());
    EXPECT_NE(std::string(e.what()).find("did you mean \"needs.rate_per_year\""),
              std::string::npos);
  }
}

TEST_F(ConfigTest, ErrorsOfAnExtendedFileAreReportedOnceWithItsName) {
  write("base.json", R"({"name": "base", "parameters": {"governance.owner_level": "planet"}})");
  write("c1.json",
        R"({"name": "c1", "extends": "base.json", "parameters": {"animation.intensity": 2}})");
  write("c2.json", R"({"name": "c2", "extends": "base.json"})");
  const auto cfg = write(
      "exp.json", R"({"name": "e", "territory": "city", "scenarios": ["c1.json", "c2.json"]})");
  try {
    load_experiment(cfg, model_);
    FAIL() << "no error";
  } catch (const InputErrors& e) {
    ASSERT_EQ(e.all().size(), 2u);  // base.json's error once, although two scenarios extend it
    EXPECT_EQ(e.all()[0].file(), (dir_ / "base.json").string());
    EXPECT_EQ(e.all()[0].where(), "/parameters/governance.owner_level");
    EXPECT_EQ(e.all()[1].file(), (dir_ / "c1.json").string());
  }
}

TEST_F(ConfigTest, ReaderRefusesWhatIsNotUtf8JsonNamingWhy) {
  auto err = [&](const std::string& bytes) {
    try {
      parse_json_text(bytes, "f.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(err("").find("got an empty file"), std::string::npos);
  EXPECT_NE(err(std::string("\xff\xfe{\0}\0", 6)).find("UTF-16"), std::string::npos);
  EXPECT_NE(err(std::string("{\0\"\0", 4)).find("UTF-16"), std::string::npos);
  EXPECT_NE(err(std::string("{\"a\": 1, \0}", 11)).find("NUL byte at offset 9"), std::string::npos);
  EXPECT_NE(err("{\"a\": \"caf\xe9\"}").find("0xe9"), std::string::npos);
  const std::string overflow = err("{\"x\": {\"runs\": 1e400}}");
  EXPECT_NE(overflow.find("(/x/runs)"), std::string::npos) << overflow;
  EXPECT_NE(overflow.find("within the range of a double"), std::string::npos) << overflow;
  const std::string nan = err("{\"a\": [1, NaN]}");
  EXPECT_NE(nan.find("(/a/1)"), std::string::npos) << nan;
  EXPECT_NE(nan.find("NaN and Infinity"), std::string::npos) << nan;
  EXPECT_NE(
      err(std::string(100000, '[') + std::string(100000, ']')).find("nested at most 64 levels"),
      std::string::npos);
  EXPECT_EQ(err(std::string(63, '[') + std::string(63, ']')), "(no error)");
  EXPECT_EQ(err("\xef\xbb\xbf{\"a\": \"\xc3\xa9\"}"), "(no error)");  // UTF-8 with a BOM
}

TEST_F(ConfigTest, FileKindBySchemaThenKeys) {
  using nlohmann::json;
  EXPECT_EQ(file_kind(json::parse(R"({"$schema": "../schema/scenario.schema.json", "name": "a"})")),
            "scenario");
  EXPECT_EQ(file_kind(json::parse(
                R"({"$schema": "x/config.schema.json", "name": "a", "parameters": {}})")),
            "config");
  EXPECT_EQ(file_kind(json::parse(R"({"name": "a", "extends": "b.json"})")), "scenario");
  EXPECT_EQ(file_kind(json::parse(R"({"name": "a", "parameters": {}})")), "scenario");
  EXPECT_EQ(file_kind(json::parse(R"({"name": "a", "territory": "city", "scenarios": []})")),
            "config");
  EXPECT_EQ(file_kind(json::parse("[1]")), "config");
}

TEST_F(ConfigTest, ScenarioFileRunsOnItsTerritoryOrTheOneGiven) {
  write(
      "base.json",
      R"({"name": "base", "territory": "city", "title_fr": "Base", "parameters": {"mobile.units": 2}})");
  const auto child = write(
      "child.json", R"({"name": "child", "extends": "base.json", "titles": {"en": "Child"}})");
  const ExperimentSpec e =
      experiment_from_scenario(child, model_, std::nullopt, {{"sim.horizon_weeks", "52"}});
  ASSERT_EQ(e.scenarios.size(), 1u);
  EXPECT_EQ(e.territory, "city");  // inherited along extends
  EXPECT_EQ(e.scenarios[0].values.get("mobile.units"), 2.0);
  EXPECT_EQ(e.scenarios[0].values.get("sim.horizon_weeks"), 52.0);
  EXPECT_EQ(e.scenarios[0].info["titles"], (nlohmann::json{{"fr", "Base"}, {"en", "Child"}}));
  EXPECT_EQ(e.runs, 10);
  EXPECT_FALSE(e.resolved["scenarios"][0].contains("territory"));
  const ExperimentSpec r =
      experiment_from_scenario(child, model_, territory_from_argument("rural-department", model_));
  EXPECT_EQ(r.territory, "rural-department");
  const auto lonely = write("lonely.json", R"({"name": "lonely", "parameters": {}})");
  try {
    experiment_from_scenario(lonely, model_);
    FAIL() << "no error";
  } catch (const InputError& err) {
    EXPECT_EQ(err.where(), "/territory");
    EXPECT_NE(std::string(err.what()).find("--territory"), std::string::npos);
  }
  EXPECT_THROW(territory_from_argument("atlantis", model_), InputError);
}
