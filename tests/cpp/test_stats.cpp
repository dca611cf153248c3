// Tests for engine/stats: reference values are literals computed independently with Python
// (scipy 1.17.1, numpy 2.4.6; the t and normal quantiles were also cross-checked against mpmath
// 1.4.1 at 50 digits with a betainc / erfinv root solve: scipy agrees to <= 3e-16 relative).
// Recompute with:
//
//   import numpy as np, scipy.stats as st
//   for df in [1, 2, 2.5, 5, 30, 1000]:
//       for p in [0.975, 0.995, 0.9, 0.05, 0.5]: print(p, df, repr(float(st.t.ppf(p, df))))
//   for p in [0.975, 0.5, 0.001, 0.9999999, 1e-12]: print(p, repr(float(st.norm.ppf(p))))
//   x = [3.5, -1.25, 7.0, 2.0, 2.0, 10.5, 0.0, 4.75, -3.0, 6.25, 2.0]
//   for q in [0, .05, .1, .123, .25, .37, .5, .6, .75, .9, .95, .999, 1]:
//       print(q, repr(float(np.quantile(x, q))))               # default method='linear'
//   print(np.quantile([1.0, 4.0], [0.3, 0.7]))
//   s = [4.1, 5.3, 3.8, 6.2, 5.0, 4.4, 5.9]
//   for level in [0.95, 0.90]:
//       print(np.mean(s), np.std(s, ddof=1),
//             st.ttest_1samp(s, 0.0).confidence_interval(confidence_level=level))
//   print([np.quantile(s, q) for q in (0.05, 0.5, 0.95)])
//   scen = [12.0, 9.5, 11.2, 14.1, 10.0, 8.7, 13.3, 10.0]
//   base = [10.5, 9.9, 10.0, 12.6, 10.0, 9.1, 11.8, 9.4]
//   d = np.subtract(scen, base); bm = np.mean(base)
//   ci = st.ttest_rel(scen, base).confidence_interval(confidence_level=0.95)
//   print(d.mean(), d.std(ddof=1), ci, bm, d.mean() / abs(bm), ci.low / abs(bm), ci.high / abs(bm))
//   print((np.sum(d > 0) + 0.5 * np.sum(d == 0)) / len(d),
//         (np.sum(d < 0) + 0.5 * np.sum(d == 0)) / len(d))
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/stats.hpp"

namespace govsim::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// |got - want| <= rel * max(1, |want|).
::testing::AssertionResult Close(double got, double want, double rel = 1e-12) {
  const double tol = rel * std::max(1.0, std::abs(want));
  if (std::abs(got - want) <= tol) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << testing::PrintToString(got) << ", want " << testing::PrintToString(want)
         << " (diff " << got - want << ", tol " << tol << ")";
}

// Asserts that `statement` throws std::invalid_argument whose message contains `needle`.
#define EXPECT_INVALID_ARGUMENT_WITH(statement, needle)                     \
  do {                                                                      \
    try {                                                                   \
      statement;                                                            \
      ADD_FAILURE() << "expected std::invalid_argument from: " #statement;  \
    } catch (const std::invalid_argument& e) {                              \
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)      \
          << "message \"" << e.what() << "\" lacks \"" << (needle) << "\""; \
    }                                                                       \
  } while (false)

// ---------------------------------------------------------------------------------------------
// Distribution quantiles

struct TCase {
  double p, dof, want;
};

TEST(StudentTQuantile, MatchesScipy) {
  // scipy 1.17.1: float(scipy.stats.t.ppf(p, df))
  const TCase cases[] = {
      {0.975, 1, 12.706204736174694},    {0.995, 1, 63.656741162871526},
      {0.9, 1, 3.0776835371752544},      {0.05, 1, -6.313751514675044},
      {0.975, 2, 4.302652729749462},     {0.995, 2, 9.924843200918287},
      {0.9, 2, 1.8856180831641272},      {0.05, 2, -2.9199855803537256},
      {0.975, 2.5, 3.5746548420036817},  {0.995, 2.5, 7.163728138948783},
      {0.9, 2.5, 1.7302509288071766},    {0.05, 2.5, -2.5582186141359364},
      {0.975, 5, 2.5705818356363146},    {0.995, 5, 4.032142983555228},
      {0.9, 5, 1.4758840488244815},      {0.05, 5, -2.015048373333024},
      {0.975, 30, 2.0422724563012378},   {0.995, 30, 2.7499956535672254},
      {0.9, 30, 1.3104150253913955},     {0.05, 30, -1.6972608865939574},
      {0.975, 1000, 1.9623390808264083}, {0.995, 1000, 2.580754698065951},
      {0.9, 1000, 1.2823987214609247},   {0.05, 1000, -1.6463788172854648},
  };
  for (const TCase& c : cases) {
    EXPECT_TRUE(Close(student_t_quantile(c.p, c.dof), c.want)) << "p=" << c.p << " dof=" << c.dof;
  }
  for (double dof : {1.0, 2.0, 2.5, 5.0, 30.0, 1000.0}) {
    EXPECT_EQ(student_t_quantile(0.5, dof), 0.0) << "dof=" << dof;
    // Symmetry: t_{1-p} = -t_p.
    EXPECT_TRUE(Close(student_t_quantile(0.025, dof), -student_t_quantile(0.975, dof)));
  }
}

TEST(StudentTQuantile, LimitsAndInvalidArguments) {
  EXPECT_EQ(student_t_quantile(0.0, 5), -kInf);
  EXPECT_EQ(student_t_quantile(1.0, 5), kInf);
  EXPECT_EQ(student_t_quantile(0.975, kInf), normal_quantile(0.975));
  // Large dof approaches the normal quantile from above.
  EXPECT_GT(student_t_quantile(0.975, 1e6), normal_quantile(0.975));
  EXPECT_TRUE(Close(student_t_quantile(0.975, 1e6), normal_quantile(0.975), 1e-5));

  EXPECT_INVALID_ARGUMENT_WITH(student_t_quantile(0.5, 0.0), "dof");
  EXPECT_INVALID_ARGUMENT_WITH(student_t_quantile(0.5, -1.0), "dof");
  EXPECT_INVALID_ARGUMENT_WITH(student_t_quantile(0.5, kNaN), "dof");
  EXPECT_INVALID_ARGUMENT_WITH(student_t_quantile(-0.1, 5), "p must be in [0, 1]");
  EXPECT_INVALID_ARGUMENT_WITH(student_t_quantile(1.1, 5), "p must be in [0, 1]");
  EXPECT_INVALID_ARGUMENT_WITH(student_t_quantile(kNaN, 5), "p must be in [0, 1]");
}

TEST(NormalQuantile, MatchesScipy) {
  // scipy 1.17.1: float(scipy.stats.norm.ppf(p))
  const std::pair<double, double> cases[] = {
      {0.975, 1.959963984540054},  {0.5, 0.0},
      {0.001, -3.090232306167813}, {0.9999999, 5.199337582290661},
      {1e-12, -7.034483825301131},
  };
  for (const auto& [p, want] : cases) EXPECT_TRUE(Close(normal_quantile(p), want)) << "p=" << p;
  EXPECT_EQ(normal_quantile(0.0), -kInf);
  EXPECT_EQ(normal_quantile(1.0), kInf);
  EXPECT_THROW(normal_quantile(-1e-300), std::invalid_argument);
  EXPECT_THROW(normal_quantile(1.0000001), std::invalid_argument);
  EXPECT_THROW(normal_quantile(kNaN), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Sample quantile

TEST(Quantile, MatchesNumpyLinear) {
  const std::vector<double> x = {3.5, -1.25, 7.0, 2.0, 2.0, 10.5, 0.0, 4.75, -3.0, 6.25, 2.0};
  // numpy 2.4.6: float(np.quantile(x, q))  (default method='linear', Hyndman-Fan type 7)
  const std::pair<double, double> cases[] = {
      {0.0, -3.0},  {0.05, -2.125},  {0.1, -1.25}, {0.123, -0.9625}, {0.25, 1.0},
      {0.37, 2.0},  {0.5, 2.0},      {0.6, 3.5},   {0.75, 5.5},      {0.9, 7.0},
      {0.95, 8.75}, {0.999, 10.465}, {1.0, 10.5},
  };
  for (const auto& [q, want] : cases) EXPECT_DOUBLE_EQ(quantile(x, q), want) << "q=" << q;

  // Independent of input order.
  std::vector<double> shuffled = x;
  std::mt19937_64 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (const auto& [q, want] : cases) EXPECT_DOUBLE_EQ(quantile(shuffled, q), want);
  }

  // numpy: np.quantile([1.0, 4.0], [0.3, 0.7]) -> [1.9, 3.0999999999999996]; numpy interpolates
  // from the nearer end point, which this implementation mirrors bit for bit.
  EXPECT_EQ(quantile({1.0, 4.0}, 0.3), 1.9);
  EXPECT_EQ(quantile({4.0, 1.0}, 0.7), 3.0999999999999996);
}

TEST(Quantile, EdgeCases) {
  for (double q : {0.0, 0.3, 1.0}) EXPECT_EQ(quantile({42.0}, q), 42.0);
  EXPECT_EQ(quantile({-kInf, 1.0, 2.0}, 0.25), -kInf);
  EXPECT_EQ(quantile({1.0, 2.0, kInf}, 0.75), kInf);
  EXPECT_EQ(quantile({kInf, kInf}, 0.5), kInf);

  EXPECT_INVALID_ARGUMENT_WITH(quantile({}, 0.5), "empty");
  EXPECT_INVALID_ARGUMENT_WITH(quantile({1.0, kNaN, 3.0}, 0.5), "x[1]");
  EXPECT_INVALID_ARGUMENT_WITH(quantile({1.0, 2.0}, -0.01), "q must be in [0, 1]");
  EXPECT_INVALID_ARGUMENT_WITH(quantile({1.0, 2.0}, 1.01), "q must be in [0, 1]");
  EXPECT_INVALID_ARGUMENT_WITH(quantile({1.0, 2.0}, kNaN), "q must be in [0, 1]");
}

// ---------------------------------------------------------------------------------------------
// summarize

const std::vector<double> kSample = {4.1, 5.3, 3.8, 6.2, 5.0, 4.4, 5.9};

TEST(Summarize, MatchesScipyTInterval) {
  // scipy 1.17.1: st.ttest_1samp(s, 0).confidence_interval(confidence_level=0.95 / 0.90)
  // (identical to st.t.interval(level, n - 1, loc=np.mean(s), scale=st.sem(s)))
  const Summary s95 = summarize(kSample);
  EXPECT_EQ(s95.n, 7u);
  EXPECT_TRUE(Close(s95.mean, 4.957142857142856, 1e-14));
  EXPECT_TRUE(Close(s95.sd, 0.9071147352221455, 1e-14));
  EXPECT_TRUE(Close(s95.ci_low, 4.118201651036006));
  EXPECT_TRUE(Close(s95.ci_high, 5.796084063249706));
  EXPECT_TRUE(Close(s95.half_width, (5.796084063249706 - 4.118201651036006) / 2));
  EXPECT_TRUE(Close(s95.half_width, (s95.ci_high - s95.ci_low) / 2, 1e-14));
  // numpy 2.4.6: np.quantile(s, [0.05, 0.5, 0.95])
  EXPECT_DOUBLE_EQ(s95.q05, 3.8899999999999997);
  EXPECT_DOUBLE_EQ(s95.q50, 5.0);
  EXPECT_DOUBLE_EQ(s95.q95, 6.11);

  const Summary s90 = summarize(kSample, 0.90);
  EXPECT_DOUBLE_EQ(s90.mean, s95.mean);
  EXPECT_DOUBLE_EQ(s90.sd, s95.sd);
  EXPECT_TRUE(Close(s90.ci_low, 4.290909618109037));
  EXPECT_TRUE(Close(s90.ci_high, 5.623376096176675));
}

TEST(Summarize, SingleValue) {
  const double one[] = {3.25};
  const Summary s = summarize(one);
  EXPECT_EQ(s.n, 1u);
  EXPECT_EQ(s.mean, 3.25);
  EXPECT_EQ(s.sd, 0.0);
  EXPECT_TRUE(std::isnan(s.ci_low));
  EXPECT_TRUE(std::isnan(s.ci_high));
  EXPECT_EQ(s.half_width, kInf);
  EXPECT_EQ(s.q05, 3.25);
  EXPECT_EQ(s.q50, 3.25);
  EXPECT_EQ(s.q95, 3.25);
}

TEST(Summarize, Empty) {
  const Summary s = summarize(std::span<const double>());
  EXPECT_EQ(s.n, 0u);
  EXPECT_TRUE(std::isnan(s.mean));
  EXPECT_EQ(s.sd, 0.0);
  EXPECT_TRUE(std::isnan(s.ci_low));
  EXPECT_TRUE(std::isnan(s.ci_high));
  EXPECT_EQ(s.half_width, kInf);
  EXPECT_TRUE(std::isnan(s.q05));
  EXPECT_TRUE(std::isnan(s.q50));
  EXPECT_TRUE(std::isnan(s.q95));
}

TEST(Summarize, ConstantSampleHasZeroWidth) {
  const std::vector<double> x(5, 0.1);  // 0.1 * 5 / 5 is not exactly 0.1 in naive arithmetic
  const Summary s = summarize(x);
  EXPECT_EQ(s.mean, 0.1);
  EXPECT_EQ(s.sd, 0.0);
  EXPECT_EQ(s.half_width, 0.0);
  EXPECT_EQ(s.ci_low, 0.1);
  EXPECT_EQ(s.ci_high, 0.1);
}

TEST(Summarize, LargeOffsetIsNumericallyStable) {
  // Same spread as kSample shifted by 1e9: sd must be unchanged (a naive sum-of-squares fails).
  std::vector<double> x = kSample;
  for (double& v : x) v += 1e9;
  const Summary s = summarize(x);
  EXPECT_TRUE(Close(s.mean, 1e9 + 4.957142857142856, 1e-15));
  EXPECT_TRUE(Close(s.sd, 0.9071147352221455, 1e-6));
}

TEST(Summarize, RejectsNonFiniteNamingIndex) {
  EXPECT_INVALID_ARGUMENT_WITH(summarize(std::vector<double>{1.0, 2.0, kNaN, 4.0}), "x[2]");
  EXPECT_INVALID_ARGUMENT_WITH(summarize(std::vector<double>{kInf}), "x[0]");
  EXPECT_INVALID_ARGUMENT_WITH(summarize(std::vector<double>{1.0, -kInf}), "x[1]");
  EXPECT_INVALID_ARGUMENT_WITH(summarize(kSample, 1.0), "level");
  EXPECT_INVALID_ARGUMENT_WITH(summarize(kSample, 0.0), "level");
  EXPECT_INVALID_ARGUMENT_WITH(summarize(kSample, 95.0), "level");
}

// ---------------------------------------------------------------------------------------------
// paired_difference

const std::vector<double> kScenario = {12.0, 9.5, 11.2, 14.1, 10.0, 8.7, 13.3, 10.0};
const std::vector<double> kBaseline = {10.5, 9.9, 10.0, 12.6, 10.0, 9.1, 11.8, 9.4};

TEST(PairedDifference, MatchesScipyTtestRel) {
  // scipy 1.17.1: st.ttest_rel(scen, base).confidence_interval(confidence_level=0.95)
  const Paired p = paired_difference(kScenario, kBaseline, /*higher_is_better=*/true);
  EXPECT_EQ(p.n, 8u);
  EXPECT_TRUE(Close(p.mean_diff, 0.6874999999999998, 1e-14));
  EXPECT_TRUE(Close(p.sd_diff, 0.8526220063511648, 1e-14));
  EXPECT_TRUE(Close(p.ci_low, -0.02530983555147448));
  EXPECT_TRUE(Close(p.ci_high, 1.400309835551474));
  EXPECT_TRUE(Close(p.baseline_mean, 10.412500000000001, 1e-15));
  EXPECT_TRUE(Close(p.rel_diff, 0.06602641056422566));
  EXPECT_TRUE(Close(p.rel_ci_low, -0.0024307164995413665));
  EXPECT_TRUE(Close(p.rel_ci_high, 0.1344835376279927));
  // d has 5 positive, 2 negative and 1 zero entries: (5 + 0.5) / 8.
  EXPECT_DOUBLE_EQ(p.share_better, 0.6875);

  const Paired lower = paired_difference(kScenario, kBaseline, /*higher_is_better=*/false);
  EXPECT_DOUBLE_EQ(lower.share_better, 0.3125);  // (2 + 0.5) / 8
  EXPECT_EQ(lower.mean_diff, p.mean_diff);
  EXPECT_EQ(lower.ci_low, p.ci_low);
  EXPECT_EQ(lower.ci_high, p.ci_high);
}

TEST(PairedDifference, TiesCountHalf) {
  const std::vector<double> same = {1.0, 2.0, 3.0, 4.0};
  for (bool higher : {true, false}) {
    const Paired p = paired_difference(same, same, higher);
    EXPECT_DOUBLE_EQ(p.share_better, 0.5);
    EXPECT_EQ(p.mean_diff, 0.0);
    EXPECT_EQ(p.sd_diff, 0.0);
    EXPECT_EQ(p.ci_low, 0.0);
    EXPECT_EQ(p.ci_high, 0.0);
  }
  // d = {1, -1, 0, 0}: (1 + 2 * 0.5) / 4. d = {1, 0, -1}: (1 + 0.5) / 3 in both directions.
  // d = {-0.5, 0, -1} with lower better: (2 + 0.5) / 3.
  EXPECT_DOUBLE_EQ(
      paired_difference({{2.0, 0.0, 5.0, 5.0}}, {{1.0, 1.0, 5.0, 5.0}}, true).share_better, 0.5);
  EXPECT_DOUBLE_EQ(paired_difference({{2.0, 5.0, 0.0}}, {{1.0, 5.0, 1.0}}, true).share_better,
                   1.5 / 3);
  EXPECT_DOUBLE_EQ(paired_difference({{2.0, 5.0, 0.0}}, {{1.0, 5.0, 1.0}}, false).share_better,
                   1.5 / 3);
  EXPECT_DOUBLE_EQ(paired_difference({{0.5, 5.0, 0.0}}, {{1.0, 5.0, 1.0}}, false).share_better,
                   2.5 / 3);
}

TEST(PairedDifference, SingleReplicate) {
  const Paired p = paired_difference({{3.0}}, {{2.0}}, true);
  EXPECT_EQ(p.n, 1u);
  EXPECT_EQ(p.mean_diff, 1.0);
  EXPECT_EQ(p.sd_diff, 0.0);
  EXPECT_TRUE(std::isnan(p.ci_low));
  EXPECT_TRUE(std::isnan(p.ci_high));
  EXPECT_EQ(p.share_better, 1.0);
  EXPECT_EQ(p.baseline_mean, 2.0);
  EXPECT_EQ(p.rel_diff, 0.5);
  EXPECT_TRUE(std::isnan(p.rel_ci_low));
  EXPECT_TRUE(std::isnan(p.rel_ci_high));
}

TEST(PairedDifference, RelativeUsesAbsoluteBaselineAndIsNaNAtZero) {
  const Paired neg = paired_difference({{-1.0, -3.0}}, {{-2.0, -2.0}}, true);
  EXPECT_EQ(neg.baseline_mean, -2.0);
  EXPECT_EQ(neg.mean_diff, 0.0);
  EXPECT_EQ(neg.rel_diff, 0.0);
  EXPECT_DOUBLE_EQ(neg.rel_ci_low, neg.ci_low / 2.0);  // divided by |-2|: sign of CI preserved
  EXPECT_LT(neg.rel_ci_low, 0.0);
  EXPECT_GT(neg.rel_ci_high, 0.0);

  const Paired zero = paired_difference({{1.0, 2.0}}, {{-1.0, 1.0}}, true);
  EXPECT_EQ(zero.baseline_mean, 0.0);
  EXPECT_TRUE(std::isnan(zero.rel_diff));
  EXPECT_TRUE(std::isnan(zero.rel_ci_low));
  EXPECT_TRUE(std::isnan(zero.rel_ci_high));
  EXPECT_FALSE(std::isnan(zero.ci_low));
}

TEST(PairedDifference, InvalidArgumentsThrow) {
  EXPECT_INVALID_ARGUMENT_WITH(paired_difference({{1.0, 2.0, 3.0}}, {{1.0, 2.0}}, true),
                               "size mismatch");
  EXPECT_INVALID_ARGUMENT_WITH(paired_difference({{1.0}}, {}, true), "size mismatch");
  EXPECT_INVALID_ARGUMENT_WITH(paired_difference({}, {}, true), "n == 0");
  EXPECT_INVALID_ARGUMENT_WITH(paired_difference({{1.0, kNaN}}, {{1.0, 2.0}}, true), "scenario[1]");
  EXPECT_INVALID_ARGUMENT_WITH(paired_difference({{1.0, 2.0}}, {{kInf, 2.0}}, true), "baseline[0]");
  EXPECT_INVALID_ARGUMENT_WITH(paired_difference(kScenario, kBaseline, true, 1.5), "level");
}

// ---------------------------------------------------------------------------------------------
// RunningStats

TEST(RunningStats, AgreesWithSummarize) {
  std::mt19937_64 rng(20240611);
  std::normal_distribution<double> dist(1e6, 3.0);  // large offset stresses the update formula
  std::vector<double> x(257);
  for (double& v : x) v = dist(rng);

  RunningStats rs;
  for (double v : x) rs.add(v);
  for (double level : {0.95, 0.8}) {
    const Summary s = summarize(x, level);
    EXPECT_EQ(rs.count(), s.n);
    EXPECT_TRUE(Close(rs.mean(), s.mean, 1e-15));
    EXPECT_TRUE(Close(rs.variance(), s.sd * s.sd, 1e-9));
    EXPECT_TRUE(Close(rs.half_width(level), s.half_width, 1e-9));
  }

  // Small sample from the scipy reference above.
  RunningStats small;
  for (double v : kSample) small.add(v);
  EXPECT_TRUE(Close(small.mean(), 4.957142857142856, 1e-14));
  EXPECT_TRUE(Close(std::sqrt(small.variance()), 0.9071147352221455, 1e-14));
  EXPECT_TRUE(Close(small.half_width(), (5.796084063249706 - 4.118201651036006) / 2));
}

TEST(RunningStats, MergeInFixedOrderMatchesSequential) {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> dist(-5.0, 20.0);
  std::vector<double> x(100);
  for (double& v : x) v = dist(rng);

  RunningStats sequential;
  for (double v : x) sequential.add(v);

  // Chunks of uneven size, including an empty one, merged left to right.
  const std::size_t cuts[] = {0, 1, 1, 17, 60, 100};
  RunningStats merged;
  for (std::size_t c = 0; c + 1 < std::size(cuts); ++c) {
    RunningStats chunk;
    for (std::size_t i = cuts[c]; i < cuts[c + 1]; ++i) chunk.add(x[i]);
    merged.merge(chunk);
  }
  EXPECT_EQ(merged.count(), sequential.count());
  EXPECT_TRUE(Close(merged.mean(), sequential.mean(), 1e-14));
  EXPECT_TRUE(Close(merged.variance(), sequential.variance(), 1e-12));

  // Same chunks, same order: bit-identical result (reproducibility).
  RunningStats again;
  for (std::size_t c = 0; c + 1 < std::size(cuts); ++c) {
    RunningStats chunk;
    for (std::size_t i = cuts[c]; i < cuts[c + 1]; ++i) chunk.add(x[i]);
    again.merge(chunk);
  }
  EXPECT_EQ(again.mean(), merged.mean());
  EXPECT_EQ(again.variance(), merged.variance());
}

TEST(RunningStats, EdgeCases) {
  RunningStats rs;
  EXPECT_EQ(rs.count(), 0u);
  EXPECT_TRUE(std::isnan(rs.mean()));
  EXPECT_EQ(rs.variance(), 0.0);
  EXPECT_EQ(rs.half_width(), kInf);

  rs.add(2.5);
  EXPECT_EQ(rs.count(), 1u);
  EXPECT_EQ(rs.mean(), 2.5);
  EXPECT_EQ(rs.variance(), 0.0);
  EXPECT_EQ(rs.half_width(), kInf);

  EXPECT_INVALID_ARGUMENT_WITH(rs.add(kNaN), "not finite");
  EXPECT_THROW(rs.add(-kInf), std::invalid_argument);
  EXPECT_EQ(rs.count(), 1u);  // rejected values leave the accumulator untouched
  EXPECT_EQ(rs.mean(), 2.5);

  rs.add(2.5);
  EXPECT_EQ(rs.variance(), 0.0);
  EXPECT_EQ(rs.half_width(), 0.0);
  EXPECT_INVALID_ARGUMENT_WITH(rs.half_width(1.0), "level");
}

// ---------------------------------------------------------------------------------------------
// Coverage of the 95% t-interval

TEST(Coverage, TIntervalCoversTrueMeanAtNominalRate) {
  constexpr int kTrials = 2000;
  constexpr int kSize = 10;
  constexpr double kMu = 3.0;
  std::mt19937_64 rng(123456789);
  std::normal_distribution<double> dist(kMu, 2.0);

  int covered = 0;
  int covered_paired = 0;
  std::vector<double> x(kSize), scenario(kSize), baseline(kSize);
  for (int trial = 0; trial < kTrials; ++trial) {
    for (double& v : x) v = dist(rng);
    const Summary s = summarize(x);
    if (s.ci_low <= kMu && kMu <= s.ci_high) ++covered;

    // Paired design with a shared (common random numbers) component; true difference 0.5.
    for (int i = 0; i < kSize; ++i) {
      const double common = dist(rng);
      baseline[i] = common + 0.3 * dist(rng);
      scenario[i] = common + 0.5 + 0.3 * dist(rng);
    }
    const Paired p = paired_difference(scenario, baseline, true);
    if (p.ci_low <= 0.5 && 0.5 <= p.ci_high) ++covered_paired;
  }
  const double tol = 3.0 * std::sqrt(0.95 * 0.05 / kTrials);
  const double share = static_cast<double>(covered) / kTrials;
  const double share_paired = static_cast<double>(covered_paired) / kTrials;
  EXPECT_NEAR(share, 0.95, tol);
  EXPECT_NEAR(share_paired, 0.95, tol);
  RecordProperty("coverage", std::to_string(share));
  RecordProperty("coverage_paired", std::to_string(share_paired));
}

}  // namespace
}  // namespace govsim::stats

namespace govsim::stats {
namespace {

Paired paired_of(double mean, double lo, double hi, std::size_t n = 10) {
  Paired p;
  p.n = n;
  p.mean_diff = mean;
  p.ci_low = lo;
  p.ci_high = hi;
  return p;
}

TEST(Verdict, DetectableAndImportantAreSeparateQuestions) {
  // Lower is better (e.g. non-recours): a fall of 0.5 pt with CI excluding 0.
  EXPECT_EQ(classify(paired_of(-0.005, -0.007, -0.003), 0.001, false), Verdict::ClearlyBetter);
  // The same fall, but the minimal important difference is 1 pt: real but too small.
  EXPECT_EQ(classify(paired_of(-0.005, -0.007, -0.003), 0.01, false), Verdict::BetterBelowMid);
  // A CI touching or covering 0 is never a difference, whatever its size.
  EXPECT_EQ(classify(paired_of(-0.05, -0.1, 0.0), 0.001, false), Verdict::NoDifference);
  EXPECT_EQ(classify(paired_of(0.05, -0.01, 0.11), 0.001, false), Verdict::NoDifference);
  // Worse in both flavours; higher-is-better flips the direction.
  EXPECT_EQ(classify(paired_of(0.005, 0.003, 0.007), 0.001, false), Verdict::ClearlyWorse);
  EXPECT_EQ(classify(paired_of(0.0005, 0.0002, 0.0008), 0.001, false), Verdict::WorseBelowMid);
  EXPECT_EQ(classify(paired_of(0.005, 0.003, 0.007), 0.001, true), Verdict::ClearlyBetter);
  // Fewer than two replicates, or a NaN interval: nothing can be said.
  EXPECT_EQ(classify(paired_of(-0.5, -0.7, -0.3, 1), 0.0, false), Verdict::NoDifference);
  EXPECT_EQ(classify(paired_of(-0.5, std::nan(""), -0.3), 0.0, false), Verdict::NoDifference);
  EXPECT_STREQ(verdict_name(Verdict::BetterBelowMid), "better_below_mid");
  // A CI of a few 1e-7 EUR on a 23 M EUR total (equal budget: floating-point rounding) is no
  // difference; the same interval on a baseline of 0 is (1e-9 at least).
  Paired rounding = paired_of(7.5e-7, 4.1e-7, 1.1e-6);
  rounding.baseline_mean = 2.3e7;
  EXPECT_EQ(classify(rounding, 230000.0, false), Verdict::NoDifference);
  rounding.baseline_mean = 0;
  EXPECT_EQ(classify(rounding, 0.0, false), Verdict::ClearlyWorse);
  EXPECT_EQ(classify(paired_of(0.0, 0.0, 0.0), 0.0, false), Verdict::NoDifference);
  EXPECT_STREQ(verdict_name(Verdict::NoVerdict), "no_verdict");
  EXPECT_STREQ(verdict_name(Verdict::FixedByDesign), "fixed_by_design");
}

TEST(Verdict, FromRealPairedData) {
  // Common random numbers: identical runs give a zero-width CI at 0 -> no detectable difference.
  const std::vector<double> a = {1, 2, 3, 4, 5};
  EXPECT_EQ(classify(paired_difference(a, a, true), 0.0, true), Verdict::NoDifference);
  const std::vector<double> b = {1.1, 2.1, 3.1, 4.1, 5.1};  // +0.1 every run
  const Paired p = paired_difference(b, a, true);
  EXPECT_EQ(classify(p, 0.05, true), Verdict::ClearlyBetter);
  EXPECT_EQ(classify(p, 0.2, true), Verdict::BetterBelowMid);
}

// Intervals within the domain (docs/metrics.md). A cost per need over replicates where one run
// mediated almost nothing: the normal interval of the mean goes negative; the Ratio domain's
// (delta method on the log of the mean) stays positive, contains the mean and, for a tight
// sample, agrees with the normal interval to first order.
TEST(Domain, RatioMetricIntervalStaysPositive) {
  const std::vector<double> cost = {210, 190, 1500, 205, 180};  // EUR per need mediated
  const Summary normal = summarize(cost);
  ASSERT_LT(normal.ci_low, 0.0);  // the old interval: a negative cost per need
  const Summary ratio = summarize(cost, 0.95, Domain::Ratio);
  EXPECT_DOUBLE_EQ(ratio.mean, normal.mean);
  EXPECT_GT(ratio.ci_low, 0.0);
  EXPECT_LT(ratio.ci_low, ratio.mean);
  EXPECT_GT(ratio.ci_high, ratio.mean);
  // Exactly mean x exp(+-t sd / (sqrt(n) mean)).
  const double t = student_t_quantile(0.975, 4);
  const double f = std::exp(t * normal.sd / (std::sqrt(5.0) * normal.mean));
  EXPECT_NEAR(ratio.ci_low, normal.mean / f, 1e-9 * normal.mean);
  EXPECT_NEAR(ratio.ci_high, normal.mean * f, 1e-9 * normal.mean);
  EXPECT_DOUBLE_EQ(ratio.half_width, 0.5 * (ratio.ci_high - ratio.ci_low));
  // A tight sample: both intervals agree closely (relative half width 0.3%).
  const std::vector<double> tight = {100.1, 99.9, 100.2, 99.8, 100.0};
  const Summary a = summarize(tight), b = summarize(tight, 0.95, Domain::Ratio);
  EXPECT_NEAR(b.ci_low, a.ci_low, 2e-3);
  EXPECT_NEAR(b.ci_high, a.ci_high, 2e-3);
  // Other domains keep the t-interval.
  EXPECT_DOUBLE_EQ(summarize(cost, 0.95, Domain::NonNegative).ci_low, normal.ci_low);
}

// A relative change of a non-negative metric is a ratio of means minus 1: it cannot fall below
// -100%. Linear scaling of the difference's interval by the baseline mean can (here: mediation
// resolved through a scenario that nearly stops it in one replicate); the log-ratio interval
// cannot, and it contains the point estimate.
TEST(Domain, RelativeChangeIntervalStaysAboveMinus100Percent) {
  const std::vector<double> base = {0.040, 0.020, 0.060, 0.030, 0.050};
  const std::vector<double> scen = {0.004, 0.002, 0.050, 0.003, 0.006};
  const Paired linear = paired_difference(scen, base, true);
  ASSERT_LT(linear.rel_ci_low, -1.0);  // the old interval: "-118% (...)" of a share
  for (Domain d : {Domain::NonNegative, Domain::Ratio}) {
    const Paired p = paired_difference(scen, base, true, 0.95, d);
    EXPECT_DOUBLE_EQ(p.mean_diff, linear.mean_diff);  // differences are unchanged
    EXPECT_DOUBLE_EQ(p.ci_low, linear.ci_low);
    EXPECT_DOUBLE_EQ(p.rel_diff, linear.rel_diff);
    EXPECT_GT(p.rel_ci_low, -1.0);
    EXPECT_LT(p.rel_ci_low, p.rel_diff);
    EXPECT_GT(p.rel_ci_high, p.rel_diff);
  }
  // The delta method by hand: se(log R)^2 = (vs/ms^2 + vb/mb^2 - 2 cov/(ms mb)) / n.
  double ms = 0, mb = 0;
  for (std::size_t i = 0; i < 5; ++i) ms += scen[i] / 5, mb += base[i] / 5;
  double vs = 0, vb = 0, cv = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    vs += (scen[i] - ms) * (scen[i] - ms) / 4;
    vb += (base[i] - mb) * (base[i] - mb) / 4;
    cv += (scen[i] - ms) * (base[i] - mb) / 4;
  }
  const double se = std::sqrt((vs / (ms * ms) + vb / (mb * mb) - 2 * cv / (ms * mb)) / 5);
  const double t = student_t_quantile(0.975, 4);
  const Paired p = paired_difference(scen, base, true, 0.95, Domain::NonNegative);
  EXPECT_NEAR(p.rel_ci_low, ms / mb * std::exp(-t * se) - 1, 1e-12);
  EXPECT_NEAR(p.rel_ci_high, ms / mb * std::exp(t * se) - 1, 1e-12);
  // Real-domain metrics (a gap that may change sign) keep the linear scaling.
  const Paired real = paired_difference(scen, base, true, 0.95, Domain::Real);
  EXPECT_DOUBLE_EQ(real.rel_ci_low, linear.rel_ci_low);
  // Identical runs: a zero-width interval at 0.
  const Paired same = paired_difference(base, base, true, 0.95, Domain::NonNegative);
  EXPECT_NEAR(same.rel_ci_low, 0.0, 1e-9);
  EXPECT_NEAR(same.rel_ci_high, 0.0, 1e-9);
}

}  // namespace
}  // namespace govsim::stats
