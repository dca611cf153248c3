// Statistics over simulation replicates: quantiles, t-based confidence intervals, paired
// (common-random-numbers) scenario comparisons and a streaming Welford accumulator.
//
// Conventions shared by every function here:
// - Confidence levels must lie in the open interval (0, 1); anything else (incl. NaN) throws
//   std::invalid_argument.
// - Data containing NaN or +/-inf is rejected with std::invalid_argument whose message names the
//   offending index (quantile() only rejects NaN, which has no place in an ordering).
// - Undefined results are signalled with NaN (e.g. the bounds of a CI from fewer than 2 values),
//   never with a silent 0.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace govsim::stats {

// Inverse standard normal CDF. p must be in [0, 1]; returns -inf at 0 and +inf at 1.
double normal_quantile(double p);

// Inverse Student t CDF with dof > 0 degrees of freedom (non-integer allowed; +inf gives the
// normal quantile). p must be in [0, 1]; returns -inf at 0 and +inf at 1.
double student_t_quantile(double p, double dof);

// Sample quantile with linear interpolation between order statistics: numpy's default "linear"
// method, Hyndman-Fan type 7. q must be in [0, 1] and x non-empty and free of NaN.
double quantile(std::vector<double> x, double q);

// The values a metric can take, which its intervals must respect (docs/metrics.md, "Intervals
// within the domain"):
//   Real         any sign (a gap, a gain, an index): t-intervals as they are;
//   NonNegative  counts, shares, costs, weeks: relative changes are ratios of two means, > -100%,
//                so their interval is computed on the log scale (delta method on log of the
//                ratio of paired means);
//   Ratio        a ratio of positive quantities (cost per need, cost per session, a rate ratio):
//                as NonNegative, and the interval of its mean is also on the log scale (delta
//                method: mean × exp(±t · sd / (√n · mean))), so it stays positive.
enum class Domain { Real, NonNegative, Ratio };
const char* domain_name(Domain d);  // "real", "nonnegative", "ratio"

struct Summary {
  std::size_t n = 0;
  double mean = 0, sd = 0;           // sd with n-1 denominator (0 when n < 2); mean NaN when n == 0
  double ci_low = 0, ci_high = 0;    // mean ± t_{(1+level)/2, n-1} * sd / sqrt(n) (Ratio domain:
                                     // on the log scale, see Domain); NaN when n < 2
  double half_width = 0;             // (ci_high - ci_low)/2, +inf when n < 2
  double q05 = 0, q50 = 0, q95 = 0;  // quantile() at 0.05, 0.5, 0.95; NaN when n == 0
};

// Summary of x. Throws std::invalid_argument on a non-finite value (naming its index) or on a
// level outside (0, 1). An empty x is not an error: n = 0 with NaN statistics.
Summary summarize(std::span<const double> x, double level = 0.95, Domain domain = Domain::Real);

// Paired comparison of a scenario against a baseline over the same replicates (common random
// numbers): d_i = scenario_i - baseline_i.
struct Paired {
  std::size_t n = 0;
  double mean_diff = 0, sd_diff = 0, ci_low = 0, ci_high = 0;  // t-interval on d (NaN CI if n < 2)
  double share_better = 0;  // share of i with d_i > 0 if higher_is_better, d_i < 0 otherwise
                            // (ties d_i == 0 count 1/2)
  double baseline_mean = 0;
  // Relative change mean_diff / |baseline_mean| and its interval: ci_low, ci_high divided by
  // |baseline_mean| in the Real domain; for NonNegative and Ratio metrics with both means > 0,
  // R · exp(±t · se(log R)) - 1 with R = scenario mean / baseline mean and se(log R)² =
  // (s_s²/m_s² + s_b²/m_b² - 2 cov/(m_s m_b)) / n (paired replicates), which stays above -100%.
  // NaN if the baseline mean is 0.
  double rel_diff = 0, rel_ci_low = 0, rel_ci_high = 0;
};

// Throws std::invalid_argument on size mismatch, n == 0, a non-finite value (naming the side and
// index) or a level outside (0, 1).
Paired paired_difference(std::span<const double> scenario, std::span<const double> baseline,
                         bool higher_is_better, double level = 0.95, Domain domain = Domain::Real);

// Practical significance of a paired difference. A difference is *detectable* when its 95% CI
// excludes 0; it is *important* when, in addition, the mean improvement (or deterioration) is at
// least the minimal important difference `mid` (>= 0, in the metric's own units). Hence:
//   ClearlyBetter   detectable, in the good direction, |mean| >= mid
//   BetterBelowMid  detectable, in the good direction, |mean| <  mid
//   NoDifference    CI covers 0 (or fewer than 2 replicates)
//   WorseBelowMid   detectable, in the bad direction, |mean| <  mid
//   ClearlyWorse    detectable, in the bad direction, |mean| >= mid
// A CI within 1e-9 x max(1, |baseline mean|) of 0 on both sides is floating-point rounding
// (e.g. the total cost at equal budget), not a difference: NoDifference.
// Two verdicts are given by the caller, never by classify: NoVerdict (a detectable difference
// on a metric whose direction is not a goal, metrics.def "neutral") and FixedByDesign (a value
// the experiment's design fixes: the cost at equal budget).
enum class Verdict {
  ClearlyBetter,
  BetterBelowMid,
  NoDifference,
  WorseBelowMid,
  ClearlyWorse,
  NoVerdict,
  FixedByDesign
};
Verdict classify(const Paired& p, double mid, bool higher_is_better);
// Stable machine names: "clearly_better", "better_below_mid", "no_detectable_difference",
// "worse_below_mid", "clearly_worse", "no_verdict", "fixed_by_design".
const char* verdict_name(Verdict v);
// Plain-English label ("clearly better", "better, below the minimal important difference", ...).
const char* verdict_label(Verdict v);

// Cost-effectiveness from paired replicates: gain_i (outcome improvement of a scenario over its
// baseline, in the outcome's unit) and cost_i (its extra spending). ratio = mean(gain) /
// mean(cost) with a delta-method t-interval: var = (s_g^2 - 2 r s_gc + r^2 s_c^2) / (n mean(c)^2).
// The ratio is NaN (undefined) when fewer than 2 replicates or when the 95% CI of the mean extra
// cost covers 0 (the scenario does not detectably cost more or less: "per euro" means nothing).
struct Ratio {
  std::size_t n = 0;
  double ratio = 0, ci_low = 0, ci_high = 0;
};
Ratio ratio_of_paired_means(std::span<const double> gain, std::span<const double> cost,
                            double level = 0.95);

// Welford running mean/variance, for streaming over replicates. Results depend on the order of
// add()/merge() calls only through floating-point rounding, so a fixed order gives reproducible
// output.
class RunningStats {
 public:
  // Throws std::invalid_argument on a non-finite x (the accumulator is left unchanged).
  void add(double x);
  // Folds in another accumulator (Chan et al. pairwise update), as if its values had been added.
  void merge(const RunningStats& other);
  std::size_t count() const;
  double mean() const;                           // NaN when n == 0
  double variance() const;                       // n-1 denominator, 0 when n < 2
  double half_width(double level = 0.95) const;  // t-based CI half width of the mean, +inf if n < 2

 private:
  std::size_t n_ = 0;
  double mean_ = 0, m2_ = 0;
};

}  // namespace govsim::stats
