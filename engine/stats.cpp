#include "engine/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace govsim::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

[[noreturn]] void fail(const char* where, const std::string& what) {
  throw std::invalid_argument(std::string("govsim::stats::") + where + ": " + what);
}

std::string describe(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

void check_probability(const char* where, const char* name, double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    fail(where, std::string(name) + " must be in [0, 1], got " + describe(p));
  }
}

void check_level(const char* where, double level) {
  if (!(level > 0.0 && level < 1.0)) {
    fail(where, "level must be in (0, 1), got " + describe(level));
  }
}

void check_finite(const char* where, const char* name, std::span<const double> x) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) {
      fail(where, std::string(name) + "[" + std::to_string(i) + "] is not finite (" +
                      describe(x[i]) + ")");
    }
  }
}

// Linear interpolation a + t (b - a), t in [0, 1), evaluated like numpy's _lerp (from the nearer
// end point) so results agree with numpy.quantile to the last bit in ordinary cases.
double lerp(double a, double b, double t) {
  if (t == 0.0 || a == b) return a;
  if (std::isinf(a) || std::isinf(b)) {
    if (std::isinf(a) && std::isinf(b)) return kNaN;  // -inf .. +inf: no meaningful value
    return std::isinf(a) ? a : b;
  }
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Type 7 position of quantile q in a sample of size n >= 1: order statistic lo (0-based) plus the
// fraction g towards lo + 1.
struct Position {
  std::size_t lo;
  double g;
};

Position position(std::size_t n, double q) {
  const double h = static_cast<double>(n - 1) * q;
  const double lo = std::floor(h);
  const auto lo_index = std::min(static_cast<std::size_t>(lo), n - 1);
  return {lo_index, lo_index + 1 < n ? h - lo : 0.0};
}

double sorted_quantile(const std::vector<double>& sorted, double q) {
  const Position pos = position(sorted.size(), q);
  if (pos.g == 0.0) return sorted[pos.lo];
  return lerp(sorted[pos.lo], sorted[pos.lo + 1], pos.g);
}

struct MeanSd {
  double mean;
  double sd;
};

// Corrected two-pass mean and standard deviation (n-1 denominator); x must be non-empty and
// finite. A constant sample gives exactly its value and sd 0.
MeanSd mean_sd(std::span<const double> x) {
  const auto n = static_cast<double>(x.size());
  const auto [min_it, max_it] = std::minmax_element(x.begin(), x.end());
  if (*min_it == *max_it) return {*min_it, 0.0};
  double sum = 0.0;
  for (double v : x) sum += v;
  double mean = sum / n;
  double dev = 0.0, dev2 = 0.0;
  for (double v : x) {
    dev += v - mean;
    dev2 += (v - mean) * (v - mean);
  }
  mean += dev / n;  // first-order correction of the rounding error in sum / n
  if (x.size() < 2) return {mean, 0.0};
  const double m2 = std::max(dev2 - dev * dev / n, 0.0);
  return {mean, std::sqrt(m2 / (n - 1.0))};
}

// t-based half width of the CI of a mean from n >= 2 values with standard deviation sd.
double t_half_width(double sd, std::size_t n, double level) {
  if (sd == 0.0) return 0.0;
  const double t = student_t_quantile(0.5 * (1.0 + level), static_cast<double>(n - 1));
  return t * sd / std::sqrt(static_cast<double>(n));
}

}  // namespace

double normal_quantile(double p) {
  check_probability("normal_quantile", "p", p);
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double student_t_quantile(double p, double dof) {
  check_probability("student_t_quantile", "p", p);
  if (!(dof > 0.0)) fail("student_t_quantile", "dof must be > 0, got " + describe(dof));
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  if (std::isinf(dof)) return normal_quantile(p);
  return boost::math::quantile(boost::math::students_t_distribution<double>(dof), p);
}

double quantile(std::vector<double> x, double q) {
  check_probability("quantile", "q", q);
  if (x.empty()) fail("quantile", "x is empty");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) fail("quantile", "x[" + std::to_string(i) + "] is NaN");
  }
  const Position pos = position(x.size(), q);
  const auto lo_it = x.begin() + static_cast<std::ptrdiff_t>(pos.lo);
  std::nth_element(x.begin(), lo_it, x.end());
  if (pos.g == 0.0) return *lo_it;
  // After nth_element every element right of lo_it is >= *lo_it; the smallest is order stat lo+1.
  return lerp(*lo_it, *std::min_element(lo_it + 1, x.end()), pos.g);
}

Summary summarize(std::span<const double> x, double level, Domain domain) {
  check_level("summarize", level);
  check_finite("summarize", "x", x);
  Summary s;
  s.n = x.size();
  if (s.n == 0) {
    s.mean = s.ci_low = s.ci_high = s.q05 = s.q50 = s.q95 = kNaN;
    s.sd = 0.0;
    s.half_width = kInf;
    return s;
  }
  const MeanSd ms = mean_sd(x);
  s.mean = ms.mean;
  s.sd = ms.sd;
  if (s.n < 2) {
    s.ci_low = s.ci_high = kNaN;
    s.half_width = kInf;
  } else {
    const double hw = t_half_width(s.sd, s.n, level);
    if (domain == Domain::Ratio && s.mean > 0.0) {
      // Delta method on log(mean): se(log mean) = sd / (sqrt(n) mean).
      const double f = std::exp(hw / s.mean);
      s.ci_low = s.mean / f;
      s.ci_high = s.mean * f;
    } else {
      s.ci_low = s.mean - hw;
      s.ci_high = s.mean + hw;
    }
    s.half_width = 0.5 * (s.ci_high - s.ci_low);
  }
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  s.q05 = sorted_quantile(sorted, 0.05);
  s.q50 = sorted_quantile(sorted, 0.5);
  s.q95 = sorted_quantile(sorted, 0.95);
  return s;
}

Ratio ratio_of_paired_means(std::span<const double> gain, std::span<const double> cost,
                            double level) {
  constexpr const char* kWhere = "ratio_of_paired_means";
  if (gain.size() != cost.size())
    fail(kWhere, "size mismatch: gain has " + std::to_string(gain.size()) + " values, cost has " +
                     std::to_string(cost.size()));
  check_level(kWhere, level);
  check_finite(kWhere, "gain", gain);
  check_finite(kWhere, "cost", cost);
  Ratio r;
  r.n = gain.size();
  r.ratio = r.ci_low = r.ci_high = kNaN;
  if (r.n < 2) return r;
  const MeanSd g = mean_sd(gain), c = mean_sd(cost);
  const double c_hw = t_half_width(c.sd, r.n, level);
  if (c.mean == 0.0 || std::abs(c.mean) <= c_hw) return r;
  double cov = 0;
  for (std::size_t i = 0; i < r.n; ++i) cov += (gain[i] - g.mean) * (cost[i] - c.mean);
  cov /= static_cast<double>(r.n - 1);
  r.ratio = g.mean / c.mean;
  const double var =
      std::max(0.0, g.sd * g.sd - 2 * r.ratio * cov + r.ratio * r.ratio * c.sd * c.sd) /
      (static_cast<double>(r.n) * c.mean * c.mean);
  const double hw = t_half_width(std::sqrt(var * static_cast<double>(r.n)), r.n, level);
  r.ci_low = r.ratio - hw;
  r.ci_high = r.ratio + hw;
  return r;
}

Paired paired_difference(std::span<const double> scenario, std::span<const double> baseline,
                         bool higher_is_better, double level, Domain domain) {
  constexpr const char* kWhere = "paired_difference";
  if (scenario.size() != baseline.size()) {
    fail(kWhere, "size mismatch: scenario has " + std::to_string(scenario.size()) +
                     " values, baseline has " + std::to_string(baseline.size()));
  }
  if (scenario.empty()) fail(kWhere, "no replicates (n == 0)");
  check_level(kWhere, level);
  check_finite(kWhere, "scenario", scenario);
  check_finite(kWhere, "baseline", baseline);

  Paired p;
  p.n = scenario.size();
  std::vector<double> d(p.n);
  double better = 0.0;
  for (std::size_t i = 0; i < p.n; ++i) {
    d[i] = scenario[i] - baseline[i];
    if (d[i] == 0.0) {
      better += 0.5;
    } else if ((d[i] > 0.0) == higher_is_better) {
      better += 1.0;
    }
  }
  p.share_better = better / static_cast<double>(p.n);

  const MeanSd ms = mean_sd(d);
  p.mean_diff = ms.mean;
  p.sd_diff = ms.sd;
  if (p.n < 2) {
    p.ci_low = p.ci_high = kNaN;
  } else {
    const double hw = t_half_width(p.sd_diff, p.n, level);
    p.ci_low = p.mean_diff - hw;
    p.ci_high = p.mean_diff + hw;
  }

  const MeanSd b = mean_sd(baseline);
  p.baseline_mean = b.mean;
  if (p.baseline_mean == 0.0) {
    p.rel_diff = p.rel_ci_low = p.rel_ci_high = kNaN;
    return p;
  }
  const double scale = std::abs(p.baseline_mean);
  p.rel_diff = p.mean_diff / scale;
  const MeanSd s = mean_sd(scenario);
  if (domain != Domain::Real && s.mean > 0.0 && b.mean > 0.0) {
    if (p.n < 2) {
      p.rel_ci_low = p.rel_ci_high = kNaN;
      return p;
    }
    // Delta method on log R, R = m_s / m_b, with the paired covariance of the replicates.
    double cov = 0.0;
    for (std::size_t i = 0; i < p.n; ++i) cov += (scenario[i] - s.mean) * (baseline[i] - b.mean);
    cov /= static_cast<double>(p.n - 1);
    const double var_log =
        std::max(0.0, s.sd * s.sd / (s.mean * s.mean) + b.sd * b.sd / (b.mean * b.mean) -
                          2.0 * cov / (s.mean * b.mean)) /
        static_cast<double>(p.n);
    const double ratio = s.mean / b.mean;
    const double hw = var_log == 0.0
                          ? 0.0
                          : student_t_quantile(0.5 * (1.0 + level), static_cast<double>(p.n - 1)) *
                                std::sqrt(var_log);
    p.rel_ci_low = ratio * std::exp(-hw) - 1.0;
    p.rel_ci_high = ratio * std::exp(hw) - 1.0;
  } else {
    p.rel_ci_low = p.ci_low / scale;
    p.rel_ci_high = p.ci_high / scale;
  }
  return p;
}

void RunningStats::add(double x) {
  if (!std::isfinite(x)) {
    fail("RunningStats::add",
         "value " + std::to_string(n_) + " is not finite (" + describe(x) + ")");
  }
  ++n_;
  const double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
}

void RunningStats::merge(const RunningStats& other) {
  if (other.n_ == 0) return;
  if (n_ == 0) {
    *this = other;
    return;
  }
  const auto na = static_cast<double>(n_);
  const auto nb = static_cast<double>(other.n_);
  const double n = na + nb;
  const double delta = other.mean_ - mean_;
  mean_ += delta * (nb / n);
  m2_ += other.m2_ + delta * delta * (na * nb / n);
  n_ += other.n_;
}

std::size_t RunningStats::count() const {
  return n_;
}

double RunningStats::mean() const {
  return n_ == 0 ? kNaN : mean_;
}

double RunningStats::variance() const {
  return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1);
}

double RunningStats::half_width(double level) const {
  check_level("RunningStats::half_width", level);
  if (n_ < 2) return kInf;
  return t_half_width(std::sqrt(variance()), n_, level);
}

const char* domain_name(Domain d) {
  switch (d) {
    case Domain::Ratio:
      return "ratio";
    case Domain::NonNegative:
      return "nonnegative";
    case Domain::Real:
      return "real";
  }
  return "real";
}

Verdict classify(const Paired& p, double mid, bool higher_is_better) {
  if (p.n < 2 || !std::isfinite(p.ci_low) || !std::isfinite(p.ci_high) ||
      (p.ci_low <= 0.0 && p.ci_high >= 0.0))
    return Verdict::NoDifference;
  const double rounding = 1e-9 * std::max(1.0, std::fabs(p.baseline_mean));
  if (std::fabs(p.ci_low) <= rounding && std::fabs(p.ci_high) <= rounding)
    return Verdict::NoDifference;
  const bool up = p.ci_low > 0.0;
  const bool good = up == higher_is_better;
  const bool important = std::fabs(p.mean_diff) >= mid;
  if (good) return important ? Verdict::ClearlyBetter : Verdict::BetterBelowMid;
  return important ? Verdict::ClearlyWorse : Verdict::WorseBelowMid;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::ClearlyBetter:
      return "clearly_better";
    case Verdict::BetterBelowMid:
      return "better_below_mid";
    case Verdict::NoDifference:
      return "no_detectable_difference";
    case Verdict::WorseBelowMid:
      return "worse_below_mid";
    case Verdict::ClearlyWorse:
      return "clearly_worse";
    case Verdict::NoVerdict:
      return "no_verdict";
    case Verdict::FixedByDesign:
      return "fixed_by_design";
  }
  return "no_detectable_difference";
}

const char* verdict_label(Verdict v) {
  switch (v) {
    case Verdict::ClearlyBetter:
      return "clearly better";
    case Verdict::BetterBelowMid:
      return "better, below the minimal important difference";
    case Verdict::NoDifference:
      return "no detectable difference";
    case Verdict::WorseBelowMid:
      return "worse, below the minimal important difference";
    case Verdict::ClearlyWorse:
      return "clearly worse";
    case Verdict::NoVerdict:
      return "a change, not better or worse in itself";
    case Verdict::FixedByDesign:
      return "fixed by the design (equal budget)";
  }
  return "no detectable difference";
}

}  // namespace govsim::stats
