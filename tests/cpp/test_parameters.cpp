#include <gtest/gtest.h>

#include "engine/parameters.hpp"
#include "models/inclusion/params.hpp"

using namespace govsim;

TEST(Registry, EveryParameterIsDocumentedAndSourced) {
  const auto& reg = inclusion::registry();
  EXPECT_GT(reg.size(), 80u);
  for (const auto& p : reg.all()) {
    EXPECT_FALSE(p.doc.empty()) << p.name;
    EXPECT_FALSE(p.source.empty()) << p.name;
    EXPECT_NE(p.name.find('.'), std::string::npos) << p.name;
  }
}

TEST(Registry, RejectsBadDeclarations) {
  ParamRegistry r;
  r.add({"a.x", ParamType::Real, 1, "", 0, 2, {}, "assumption", "doc"});
  EXPECT_THROW(r.add({"a.x", ParamType::Real, 1, "", 0, 2, {}, "assumption", "doc"}),
               std::logic_error);
  EXPECT_THROW(r.add({"a.y", ParamType::Real, 3, "", 0, 2, {}, "assumption", "doc"}),
               std::logic_error);
  EXPECT_THROW(r.add({"a.z", ParamType::Real, 1, "", 0, 2, {}, "", "doc"}), std::logic_error);
  EXPECT_THROW(r.add({"nodot", ParamType::Real, 1, "", 0, 2, {}, "assumption", "doc"}),
               std::logic_error);
}

TEST(Registry, ParsesAndRejectsValues) {
  const auto& reg = inclusion::registry();
  const auto rate = *reg.find("needs.rate_per_year");
  EXPECT_EQ(reg.parse(rate, 5), 5.0);
  EXPECT_THROW(reg.parse(rate, "five"), ParamValueError);
  EXPECT_THROW(reg.parse(rate, 1000), ParamValueError);
  const auto fs = *reg.find("governance.funding_structure");
  EXPECT_EQ(reg.parse(fs, "custodian"), 2.0);
  EXPECT_THROW(reg.parse(fs, "anarchy"), ParamValueError);
  const auto units = *reg.find("mobile.units");
  EXPECT_THROW(reg.parse(units, 2.5), ParamValueError);
  EXPECT_EQ(reg.parse_text(units, "3"), 3.0);
  const auto b = *reg.find("master_plan.enabled");
  EXPECT_EQ(reg.parse_text(b, "true"), 1.0);
  EXPECT_THROW(reg.parse(b, 1), ParamValueError);
}

TEST(Registry, TypedViewMatchesRegistry) {
  const auto& reg = inclusion::registry();
  ParamValues v(reg);
  v.set(*reg.find("needs.rate_per_year"), 7.5);
  v.set(*reg.find("governance.funding_structure"), 1);
  const auto p = inclusion::Params::from(v);
  EXPECT_EQ(p.need_rate_per_year, 7.5);
  EXPECT_EQ(p.funding(), inclusion::FundingStructure::SingleAuthority);
  EXPECT_EQ(p.horizon_weeks, 260);
}

TEST(Registry, SuggestsCloseNames) {
  const auto s = inclusion::registry().suggestions("needs.rate_per_yaer");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s[0], "needs.rate_per_year");
}

TEST(Registry, SchemaHasOnePropertyPerParameter) {
  const auto& reg = inclusion::registry();
  const auto schema = reg.parameters_schema();
  EXPECT_EQ(schema["properties"].size(), reg.size());
  EXPECT_EQ(schema["properties"]["governance.funding_structure"]["enum"].size(), 3u);
}

// ---- uncertainty space (models/inclusion/uncertainty.def) -------------------------------------
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace {
std::string read_source(const std::string& rel) {
  std::ifstream in(std::string(GOVSIM_SOURCE_DIR) + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(Uncertainty, EveryAssumptionHasExactlyOneEntryAndEveryEntryNamesAnAssumption) {
  // Read both .def files as text (independently of the registry that joins them).
  const std::string params = read_source("models/inclusion/parameters.def");
  const std::string unc = read_source("models/inclusion/uncertainty.def");
  ASSERT_FALSE(params.empty());
  ASSERT_FALSE(unc.empty());
  std::map<std::string, bool> is_assumption;  // identifier -> source starts with "assumption"
  const std::regex decl(R"(\nGOVSIM_(REAL|INT|BOOL|CHOICE)\((\w+), "[^"]*", (.*)\))");
  for (auto it = std::sregex_iterator(params.begin(), params.end(), decl);
       it != std::sregex_iterator(); ++it) {
    const std::string rest = (*it)[3];
    // The source is the second-to-last quoted string of the line.
    std::vector<std::string> quoted;
    const std::regex q(R"re("((?:[^"\\]|\\.)*)")re");
    for (auto j = std::sregex_iterator(rest.begin(), rest.end(), q); j != std::sregex_iterator();
         ++j)
      quoted.push_back((*j)[1]);
    ASSERT_GE(quoted.size(), 2u) << (*it)[2];
    is_assumption[(*it)[2]] = quoted[quoted.size() - 2].rfind("assumption", 0) == 0;
  }
  ASSERT_GT(is_assumption.size(), 100u);
  std::map<std::string, int> entries;
  const std::regex entry(R"(\nGOVSIM_UNCERTAIN\((\w+),)");
  for (auto it = std::sregex_iterator(unc.begin(), unc.end(), entry); it != std::sregex_iterator();
       ++it)
    ++entries[(*it)[1]];
  int assumptions = 0;
  for (const auto& [id, assumption] : is_assumption) {
    if (!assumption) continue;
    ++assumptions;
    EXPECT_EQ(entries.count(id) ? entries[id] : 0, 1)
        << id << ": an assumption needs exactly one GOVSIM_UNCERTAIN entry";
  }
  for (const auto& [id, n] : entries) {
    ASSERT_TRUE(is_assumption.count(id)) << id << ": names no parameter";
    EXPECT_TRUE(is_assumption[id]) << id << ": names a parameter whose source is not an assumption";
  }
  EXPECT_EQ(static_cast<int>(entries.size()), assumptions);
  // The registry's own join found nothing wrong either (an entry it rejected is listed here).
  for (const auto& problem : inclusion::registry_uncertainty_problems()) ADD_FAILURE() << problem;
  // And the registry agrees: every assumption carries its range, nothing else does.
  const auto& reg = inclusion::registry();
  int with_range = 0;
  for (const auto& p : reg.all()) {
    EXPECT_EQ(p.uncertainty.has_value(), p.is_assumption()) << p.name;
    if (p.uncertainty) {
      ++with_range;
      EXPECT_FALSE(p.uncertainty->reason.empty()) << p.name;
      EXPECT_LE(p.uncertainty->low, p.default_value) << p.name;
      EXPECT_GE(p.uncertainty->high, p.default_value) << p.name;
    }
  }
  EXPECT_EQ(with_range, assumptions);
}

TEST(Uncertainty, RegistryRejectsBadEntries) {
  ParamRegistry r;
  r.add({"a.x", ParamType::Real, 1, "", 0, 2, {}, "assumption", "doc"});
  r.add({"a.cited", ParamType::Real, 1, "", 0, 2, {}, "Insee 2019", "doc"});
  r.add({"a.n", ParamType::Integer, 3, "", 0, 10, {}, "assumption", "doc"});
  EXPECT_THROW(r.check_uncertainty_complete(), std::logic_error);  // a.x and a.n lack ranges
  EXPECT_THROW(r.set_uncertainty("a.cited", {0.5, 1.5, "uniform", "why"}), std::logic_error);
  EXPECT_THROW(r.set_uncertainty("a.none", {0.5, 1.5, "uniform", "why"}), std::logic_error);
  EXPECT_THROW(r.set_uncertainty("a.x", {1.2, 1.5, "uniform", "why"}),
               std::logic_error);  // default outside
  EXPECT_THROW(r.set_uncertainty("a.x", {0.5, 3, "uniform", "why"}),
               std::logic_error);  // beyond declared max
  EXPECT_THROW(r.set_uncertainty("a.x", {0.5, 1.5, "normal", "why"}),
               std::logic_error);  // unknown distribution
  EXPECT_THROW(r.set_uncertainty("a.x", {0.5, 1.5, "uniform", ""}), std::logic_error);  // no reason
  EXPECT_THROW(r.set_uncertainty("a.x", {0, 1.5, "loguniform", "why"}),
               std::logic_error);  // log of 0
  EXPECT_THROW(r.set_uncertainty("a.n", {2, 5, "triangular", "why"}),
               std::logic_error);  // integers: uniform
  r.set_uncertainty("a.x", {0.5, 1.5, "triangular", "why"});
  EXPECT_THROW(r.set_uncertainty("a.x", {0.5, 1.5, "uniform", "why"}), std::logic_error);  // twice
  r.set_uncertainty("a.n", {2, 5, "uniform", "why"});
  EXPECT_NO_THROW(r.check_uncertainty_complete());
  EXPECT_EQ(r.uncertain().size(), 2u);
}

TEST(Uncertainty, QuantilesFollowTheDistribution) {
  const Uncertainty uni{2, 6, "uniform", "r"}, logu{1, 100, "loguniform", "r"},
      tri{0, 4, "triangular", "r"};
  EXPECT_DOUBLE_EQ(uni.quantile(0.25, 3, false), 3.0);
  EXPECT_NEAR(logu.quantile(0.5, 10, false), 10.0, 1e-9);  // geometric midpoint
  EXPECT_NEAR(tri.quantile(0.25, 1, false), 1.0, 1e-12);   // mode 1 at the CDF value (1-0)/(4-0)
  EXPECT_DOUBLE_EQ(tri.quantile(0, 1, false), 0.0);
  EXPECT_DOUBLE_EQ(tri.quantile(1, 1, false), 4.0);
  // Integers: each of 2..5 gets a quarter of [0, 1).
  const Uncertainty ints{2, 5, "uniform", "r"};
  EXPECT_EQ(ints.quantile(0.0, 3, true), 2.0);
  EXPECT_EQ(ints.quantile(0.26, 3, true), 3.0);
  EXPECT_EQ(ints.quantile(0.99, 3, true), 5.0);
  EXPECT_EQ(ints.quantile(1.0, 3, true), 5.0);
}
