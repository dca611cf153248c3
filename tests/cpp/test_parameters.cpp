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
  EXPECT_THROW(r.add({"a.x", ParamType::Real, 1, "", 0, 2, {}, "assumption", "doc"}), std::logic_error);
  EXPECT_THROW(r.add({"a.y", ParamType::Real, 3, "", 0, 2, {}, "assumption", "doc"}), std::logic_error);
  EXPECT_THROW(r.add({"a.z", ParamType::Real, 1, "", 0, 2, {}, "", "doc"}), std::logic_error);
  EXPECT_THROW(r.add({"nodot", ParamType::Real, 1, "", 0, 2, {}, "assumption", "doc"}), std::logic_error);
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
