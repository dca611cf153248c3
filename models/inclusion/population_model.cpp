// The joint model of the initial population, fitted to the published margins, and its expected
// and measured shares (models/inclusion/population_model.hpp).
#include "models/inclusion/population_model.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "models/inclusion/population.hpp"

namespace govsim::inclusion {

namespace {

// Diploma mix by age band (assumption after INSEE 2019 census tables, rounded), shifted by
// density class (more higher education in urban zones, more adults without a diploma in rural).
constexpr std::array<double, kAgeBands> kNoDiploma = {0.10, 0.12, 0.22, 0.35, 0.55};
constexpr std::array<double, kAgeBands> kHigherEd = {0.40, 0.45, 0.30, 0.20, 0.10};
constexpr std::array<double, kDensityClasses> kShiftNone = {-0.04, 0.0, 0.04};
constexpr std::array<double, kDensityClasses> kShiftHigher = {0.08, 0.0, -0.06};
// Income quintile = floor(5 u^gamma) with gamma by diploma (skews the poor towards no diploma).
constexpr std::array<double, kDiplomas> kIncomeGamma = {1.6, 1.0, 0.6};

// National composition of adults by density class and age band, the reference population of
// the national fit (assumption after INSEE 2019: about 37% of adults in dense communes, 30% in
// intermediate and 33% in sparsely populated ones; age mix by density as the territory
// generator's, docs/territories.md).
constexpr std::array<double, kDensityClasses> kNationalDensity = {0.37, 0.30, 0.33};
constexpr std::array<std::array<double, kAgeBands>, kDensityClasses> kNationalAgeMix = {{
    {0.28, 0.25, 0.22, 0.16, 0.09},
    {0.20, 0.23, 0.26, 0.20, 0.11},
    {0.16, 0.20, 0.26, 0.24, 0.14},
}};

double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
double logit(double p) {
  return std::log(p / (1.0 - p));
}

double income_share(int e, int k) {
  const double g = kIncomeGamma[static_cast<std::size_t>(e)];
  const double low = std::pow(0.4, 1.0 / g), top = 1.0 - std::pow(0.8, 1.0 / g);
  return k == 0 ? low : (k == 2 ? top : 1.0 - low - top);
}

std::array<double, kCells> composition_of(
    const std::array<std::array<double, kAgeBands>, kDensityClasses>& adults) {
  std::array<double, kCells> w{};
  for (int a = 0; a < kAgeBands; ++a)
    for (int d = 0; d < kDensityClasses; ++d)
      for (int e = 0; e < kDiplomas; ++e)
        for (int k = 0; k < kIncomeClasses; ++k)
          w[static_cast<std::size_t>(cell_index(a, d, e, k))] =
              adults[static_cast<std::size_t>(d)][static_cast<std::size_t>(a)] *
              diploma_share(a, d, e) * income_share(e, k);
  return w;
}

// Solves sum_c w_c x_c logistic(x_c . theta) = sum_c w_c x_c t_c (one equation per feature: each
// margin's expected count equals its target count) by damped Newton steps. X: cells x features
// (0/1 indicators plus an intercept when needed); goal: the target count of each feature.
Eigen::VectorXd fit_margins(const Eigen::MatrixXd& X, const Eigen::VectorXd& w,
                            const Eigen::VectorXd& offset, const Eigen::VectorXd& goal,
                            Eigen::VectorXd theta, const char* what) {
  auto residual = [&](const Eigen::VectorXd& th) {
    const Eigen::VectorXd eta = X * th + offset;
    Eigen::VectorXd pr = eta.unaryExpr([](double v) { return logistic(v); });
    return Eigen::VectorXd(X.transpose() * (w.array() * pr.array()).matrix() - goal);
  };
  Eigen::VectorXd r = residual(theta);
  const double scale = std::max(1.0, goal.cwiseAbs().maxCoeff());
  for (int it = 0; it < 100 && r.cwiseAbs().maxCoeff() > 1e-10 * scale; ++it) {
    const Eigen::VectorXd eta = X * theta + offset;
    Eigen::VectorXd v(eta.size());
    for (Eigen::Index c = 0; c < eta.size(); ++c) {
      const double pc = logistic(eta(c));
      v(c) = w(c) * pc * (1 - pc);
    }
    const Eigen::MatrixXd J = X.transpose() * v.asDiagonal() * X;
    const Eigen::VectorXd step = J.ldlt().solve(r);
    double lambda = 1.0;
    Eigen::VectorXd next = theta - step, rn = residual(next);
    while (rn.norm() > r.norm() && lambda > 1e-4) {
      lambda *= 0.5;
      next = theta - lambda * step;
      rn = residual(next);
    }
    theta = next;
    r = rn;
  }
  if (!(r.cwiseAbs().maxCoeff() <= 1e-6 * scale))
    throw std::invalid_argument(
        std::string("population calibration: the published margins of ") + what +
        " cannot all be met by the joint model (check the population.* targets)");
  return theta;
}

// Solves sum_c w_c logistic(x + eta_c) = goal for a scalar shift x (bisection, monotone).
double solve_shift(const std::vector<std::pair<double, double>>& cells, double goal) {
  double lo = -40, hi = 40;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    double s = 0;
    for (const auto& [w, eta] : cells) s += w * logistic(mid + eta);
    (s < goal ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Single-year demography of the model: death rates by year of age and the ages within each band.
// Within a band, mortality follows Gompertz's law (x 1+gradient a year of age) scaled so that the
// band's adults die at the band's rate: ages are uniform within the 15-year bands (their mean
// rate is the band's), and the 75+ band is the stationary population of its own life table
// (survivors l(x) of q(x) = q75 exp(gradient (x - 75)), everyone dying at kMaxAge), q75 solved
// so that its deaths / adults equal demography.mortality_75_plus.
void fill_demography(PopulationModel& m, const Params& p) {
  const double c = p.mortality_age_gradient;
  const auto rate = p.mortality();
  m.death_rate.assign(static_cast<std::size_t>(kMaxAge) + 1, 0.0);
  for (int b = 0; b < kAgeBands - 1; ++b) {
    const int lo = kMinAge + 15 * b;
    double sum = 0;
    for (int j = 0; j < 15; ++j) sum += std::exp(c * j);
    auto& ages = m.ages[static_cast<std::size_t>(b)];
    ages.clear();
    for (int j = 0; j < 15; ++j) {
      m.death_rate[static_cast<std::size_t>(lo + j)] =
          std::min(1.0, rate[static_cast<std::size_t>(b)] * 15.0 / sum * std::exp(c * j));
      ages.emplace_back(lo + j, 1.0 / 15.0);
    }
  }
  constexpr int kOld = 75, n = kMaxAge - kOld + 1;
  std::array<double, n> q{}, l{};
  auto band_rate = [&](double q75) {
    double alive = 1, deaths = 0, total = 0;
    for (int j = 0; j < n; ++j) {
      q[static_cast<std::size_t>(j)] = j == n - 1 ? 1.0 : std::min(1.0, q75 * std::exp(c * j));
      l[static_cast<std::size_t>(j)] = alive;
      total += alive;
      deaths += alive * q[static_cast<std::size_t>(j)];
      alive *= 1 - q[static_cast<std::size_t>(j)];
    }
    return deaths / total;
  };
  double lo = 0, hi = 1;
  for (int it = 0; it < 100; ++it) {
    const double mid = 0.5 * (lo + hi);
    (band_rate(mid) < rate[kAgeBands - 1] ? lo : hi) = mid;
  }
  band_rate(0.5 * (lo + hi));
  double total = 0;
  for (double v : l) total += v;
  auto& old = m.ages[kAgeBands - 1];
  old.clear();
  for (int j = 0; j < n; ++j) {
    m.death_rate[static_cast<std::size_t>(kOld + j)] = q[static_cast<std::size_t>(j)];
    old.emplace_back(kOld + j, l[static_cast<std::size_t>(j)] / total);
  }
  for (std::size_t b = 0; b < kAgeBands; ++b) {
    m.age_mean[b] = 0;
    for (const auto& [x, w] : m.ages[b]) m.age_mean[b] += w * x;
  }
}

// Within-band gradient of illectronisme by year of age: the published band rates on the logit
// scale, interpolated between the bands' mean ages (the slope of a band is the mean of the slopes
// to its neighbours; the end bands take their one neighbour's). National figures, for every
// territory (no regional figure by single year).
void fill_age_gradient(PopulationModel& m, const Params& p) {
  const std::array<double, kAgeBands> t = {p.illectronisme_15_29, p.illectronisme_30_44,
                                           p.illectronisme_45_59, p.illectronisme_60_74,
                                           p.illectronisme_75_plus};
  std::array<double, kAgeBands - 1> seg{};
  for (std::size_t b = 0; b + 1 < kAgeBands; ++b)
    seg[b] =
        (logit(std::clamp(t[b + 1], 1e-4, 1 - 1e-4)) - logit(std::clamp(t[b], 1e-4, 1 - 1e-4))) /
        (m.age_mean[b + 1] - m.age_mean[b]);
  m.age_slope[0] = seg[0];
  for (std::size_t b = 1; b + 1 < kAgeBands; ++b) m.age_slope[b] = 0.5 * (seg[b - 1] + seg[b]);
  m.age_slope[kAgeBands - 1] = seg[kAgeBands - 2];
}

// National fit: age (15-44 shared by the two youngest bands), density, diploma and income effects
// together, on the national composition (each cell split by year of age, the within-band gradient
// as an offset); then the no-home-internet model.
PopulationModel fit_national(const Params& p) {
  PopulationModel m;
  fill_demography(m, p);
  fill_age_gradient(m, p);
  std::array<std::array<double, kAgeBands>, kDensityClasses> adults{};
  for (std::size_t d = 0; d < kDensityClasses; ++d)
    for (std::size_t a = 0; a < kAgeBands; ++a)
      adults[d][a] = kNationalDensity[d] * kNationalAgeMix[d][a];
  const auto w = composition_of(adults);
  // Features: 0 age 15-44, 1 age 45-59, 2 age 60-74, 3 age 75+, 4 urban, 5 rural, 6 no diploma,
  // 7 higher education, 8 low income, 9 top income. Age indicators sum to 1 (the intercept).
  constexpr int F = 10;
  Eigen::Index rows = 0;
  for (const auto& ages : m.ages) rows += static_cast<Eigen::Index>(ages.size());
  rows *= kDensityClasses * kDiplomas * kIncomeClasses;
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(rows, F);
  Eigen::VectorXd W(rows), offset(rows);
  Eigen::Index row = 0;
  for (int a = 0; a < kAgeBands; ++a)
    for (int d = 0; d < kDensityClasses; ++d)
      for (int e = 0; e < kDiplomas; ++e)
        for (int k = 0; k < kIncomeClasses; ++k)
          for (const auto& [x, wx] : m.ages[static_cast<std::size_t>(a)]) {
            const int c = cell_index(a, d, e, k);
            W(row) = w[static_cast<std::size_t>(c)] * wx;
            offset(row) = m.age_slope[static_cast<std::size_t>(a)] *
                          (x - m.age_mean[static_cast<std::size_t>(a)]);
            X(row, a <= 1 ? 0 : a - 1) = 1;
            if (d == 0) X(row, 4) = 1;
            if (d == 2) X(row, 5) = 1;
            if (e == 0) X(row, 6) = 1;
            if (e == 2) X(row, 7) = 1;
            if (k == 0) X(row, 8) = 1;
            if (k == 2) X(row, 9) = 1;
            ++row;
          }
  const std::array<double, F> target = {
      p.illectronisme_15_29,      p.illectronisme_45_59,
      p.illectronisme_60_74,      p.illectronisme_75_plus,
      p.illectronisme_urban,      p.illectronisme_rural,
      p.illectronisme_no_diploma, p.illectronisme_higher_education,
      p.illectronisme_low_income, p.illectronisme_high_income};
  Eigen::VectorXd goal(F), theta = Eigen::VectorXd::Zero(F);
  for (int f = 0; f < F; ++f) {
    goal(f) = (X.col(f).array() * W.array()).sum() * target[static_cast<std::size_t>(f)];
    if (f < 4) theta(f) = logit(std::clamp(target[static_cast<std::size_t>(f)], 1e-4, 1 - 1e-4));
  }
  theta = fit_margins(X, W, offset, goal, theta, "illectronisme (age, density, diploma, income)");
  m.age = {theta(0), theta(0), theta(1), theta(2), theta(3)};
  m.density = {theta(4), 0.0, theta(5)};
  m.diploma = {theta(6), 0.0, theta(7)};
  m.income = {theta(8), 0.0, theta(9)};
  // No internet use (no home internet): INSEE counts every non-user in illectronisme, so only
  // adults below the basic threshold are drawn without internet (docs/calibration.md). Rows: the
  // cells' adults lacking basic skills; features: intercept, 75+, no diploma; the margins are
  // shares of all the group's adults.
  Eigen::MatrixXd Xn = Eigen::MatrixXd::Zero(kCells, 3);
  Eigen::VectorXd Wn(kCells), Wall(kCells);
  for (int a = 0; a < kAgeBands; ++a)
    for (int d = 0; d < kDensityClasses; ++d)
      for (int e = 0; e < kDiplomas; ++e)
        for (int k = 0; k < kIncomeClasses; ++k) {
          const int c = cell_index(a, d, e, k);
          Wall(c) = w[static_cast<std::size_t>(c)];
          Wn(c) = Wall(c) * m.p_illiterate(a, d, e, k);
          Xn(c, 0) = 1;
          Xn(c, 1) = a == 4;
          Xn(c, 2) = e == 0;
        }
  // A group cannot have more non-users than adults lacking skills: each goal is capped at 95% of
  // them. Configured targets can still make the three margins incompatible (few adults lacking
  // skills outside one group); then only the overall margin is met (docs/calibration.md).
  Eigen::VectorXd goal_n(3);
  goal_n << Wall.sum() * p.no_home_internet,
      (Xn.col(1).array() * Wall.array()).sum() * p.no_home_internet_75_plus,
      (Xn.col(2).array() * Wall.array()).sum() * p.no_home_internet_no_diploma;
  for (int f = 0; f < 3; ++f)
    goal_n(f) = std::min(goal_n(f), 0.95 * (Xn.col(f).array() * Wn.array()).sum());
  Eigen::VectorXd th = Eigen::VectorXd::Zero(3);
  th(0) = logit(std::clamp(goal_n(0) / std::max(1e-12, Wn.sum()), 1e-4, 1 - 1e-4));
  try {
    th =
        fit_margins(Xn, Wn, Eigen::VectorXd::Zero(kCells), goal_n, th,
                    "no internet use (overall, 75+, no diploma) among adults lacking basic skills");
  } catch (const std::invalid_argument&) {
    th.setZero();
    th(0) = fit_margins(Xn.leftCols(1), Wn, Eigen::VectorXd::Zero(kCells), goal_n.head(1),
                        th.head(1), "no internet use among adults lacking basic skills")(0);
  }
  m.net0 = th(0), m.net_75_plus = th(1), m.net_no_diploma = th(2), m.net_illiterate = 0;
  return m;
}

std::array<std::array<double, kAgeBands>, kDensityClasses> adults_by_density_age(
    const Territory& t) {
  std::array<std::array<double, kAgeBands>, kDensityClasses> adults{};
  for (const Zone& z : t.zones)
    for (std::size_t a = 0; a < kAgeBands; ++a)
      adults[static_cast<std::size_t>(z.density)][a] += z.adults[a];
  return adults;
}
}  // namespace

const std::array<const char*, kDiplomas> kDiplomaNames = {"none", "secondary", "higher"};
const std::array<const char*, kIncomeClasses> kIncomeClassNames = {"low40", "middle", "top20"};

double PopulationModel::p_illiterate_at(int years, int d, int e, int k) const {
  const auto b = static_cast<std::size_t>(band_of(years));
  return logistic(age[b] + age_slope[b] * (years - age_mean[b]) +
                  density[static_cast<std::size_t>(d)] + diploma[static_cast<std::size_t>(e)] +
                  income[static_cast<std::size_t>(k)]);
}

double PopulationModel::p_illiterate(int a, int d, int e, int k) const {
  double s = 0;
  for (const auto& [x, w] : ages[static_cast<std::size_t>(a)]) s += w * p_illiterate_at(x, d, e, k);
  return s;
}

double PopulationModel::p_no_internet(int a, int e, bool ill) const {
  if (!ill) return 0.0;  // non-users lack basic skills (INSEE's illectronisme counts them)
  return logistic(net0 + (a == 4 ? net_75_plus : 0.0) + (e == 0 ? net_no_diploma : 0.0) +
                  net_illiterate);
}

std::array<double, kCells> expected_composition(const Territory& t) {
  return composition_of(adults_by_density_age(t));
}

PopulationModel fit_population_model(const Territory& t, const Params& p) {
  PopulationModel m = fit_national(p);
  const auto w = expected_composition(t);
  std::array<double, kAgeBands> goal = {p.illectronisme_15_29, p.illectronisme_30_44,
                                        p.illectronisme_45_59, p.illectronisme_60_74,
                                        p.illectronisme_75_plus};
  m.region = "France";
  // The territory's published regional figures (declared with it, territory.hpp) replace the
  // national age targets, unless the scenario configured the age targets itself.
  const Territory::PublishedIllectronisme* reg =
      t.published_illectronisme.declared() && !p.age_targets_configured ? &t.published_illectronisme
                                                                        : nullptr;
  // Cells of one age band by year of age as (weight, linear predictor but the band's effect).
  auto band = [&](int a) {
    const auto ua = static_cast<std::size_t>(a);
    std::vector<std::pair<double, double>> cells;
    for (int d = 0; d < kDensityClasses; ++d)
      for (int e = 0; e < kDiplomas; ++e)
        for (int k = 0; k < kIncomeClasses; ++k) {
          const double wc = w[static_cast<std::size_t>(cell_index(a, d, e, k))];
          if (wc > 0)
            for (const auto& [x, wx] : m.ages[ua])
              cells.emplace_back(wc * wx, m.age_slope[ua] * (x - m.age_mean[ua]) +
                                              m.density[static_cast<std::size_t>(d)] +
                                              m.diploma[static_cast<std::size_t>(e)] +
                                              m.income[static_cast<std::size_t>(k)]);
        }
    return cells;
  };
  auto band_total = [&](int a) {
    double s = 0;
    for (const auto& c : band(a)) s += c.first;
    return s;
  };
  if (reg) {
    m.region = t.region.empty() ? t.name : t.region;
    goal[0] = goal[1] = reg->age_15_44;
    goal[2] = reg->age_45_59;
  }
  for (int a = 0; a < (reg ? 3 : kAgeBands); ++a)
    if (band_total(a) > 0)
      m.age[static_cast<std::size_t>(a)] =
          solve_shift(band(a), goal[static_cast<std::size_t>(a)] * band_total(a));
  if (reg) {
    // 60-74 and 75+: keep the national gap between their effects, meet the regional overall rate.
    const double gap = m.age[4] - m.age[3];
    double rest = 0, n = 0;
    for (int a = 0; a < 3; ++a)
      for (const auto& [wc, eta] : band(a))
        rest += wc * logistic(m.age[static_cast<std::size_t>(a)] + eta);
    for (int a = 0; a < kAgeBands; ++a) n += band_total(a);
    std::vector<std::pair<double, double>> old = band(3);
    for (const auto& [wc, eta] : band(4)) old.emplace_back(wc, eta + gap);
    m.age[3] = solve_shift(old, reg->overall * n - rest);
    m.age[4] = m.age[3] + gap;
    for (int a = 3; a < kAgeBands; ++a) {
      double s = 0;
      for (const auto& [wc, eta] : band(a))
        s += wc * logistic(m.age[static_cast<std::size_t>(a)] + eta);
      goal[static_cast<std::size_t>(a)] = band_total(a) > 0 ? s / band_total(a) : 0.0;
    }
  }
  m.age_targets = goal;
  return m;
}

namespace {
// Named shares accumulated over (cell, lacks skills, no internet) weights.
struct ShareTable {
  std::vector<std::pair<std::string, double>> num, den;
  std::map<std::string, std::size_t> index;
  void add(const std::string& name, double n, double d) {
    auto it = index.find(name);
    if (it == index.end()) {
      it = index.emplace(name, num.size()).first;
      num.emplace_back(name, 0.0);
      den.emplace_back(name, 0.0);
    }
    num[it->second].second += n;
    den[it->second].second += d;
  }
  // One adult (or an expected weight) with its attributes: ill and no_net are probabilities or 0/1.
  void add_adult(int a, int d, int e, int k, double w, double ill, double no_net, double home) {
    const std::string groups[] = {
        "", std::string("@age:") + kAgeBandNames[static_cast<std::size_t>(a)],
        std::string("@density:") + kDensityNames[static_cast<std::size_t>(d)],
        std::string("@diploma:") + kDiplomaNames[static_cast<std::size_t>(e)],
        std::string("@income:") + kIncomeClassNames[static_cast<std::size_t>(k)]};
    for (const auto& g : groups) {
      add("illectronisme_rate" + g, w * ill, w);
      add("no_home_internet_rate" + g, w * no_net, w);
      add("home_internet_rate" + g, w * home, w);
    }
  }
  std::vector<std::pair<std::string, double>> shares() const {
    std::vector<std::pair<std::string, double>> out;
    for (std::size_t i = 0; i < num.size(); ++i)
      out.emplace_back(num[i].first, den[i].second > 0 ? num[i].second / den[i].second : 0.0);
    return out;
  }
};
}  // namespace

std::vector<std::pair<std::string, double>> expected_shares(const Territory& t, const Params& p) {
  const PopulationModel m = fit_population_model(t, p);
  const auto w = expected_composition(t);
  ShareTable tab;
  for (int a = 0; a < kAgeBands; ++a)
    for (int d = 0; d < kDensityClasses; ++d)
      for (int e = 0; e < kDiplomas; ++e)
        for (int k = 0; k < kIncomeClasses; ++k) {
          const double wc = w[static_cast<std::size_t>(cell_index(a, d, e, k))];
          const double pi = m.p_illiterate(a, d, e, k);
          const double q =
              pi * m.p_no_internet(a, e, true) + (1 - pi) * m.p_no_internet(a, e, false);
          tab.add_adult(a, d, e, k, wc, pi, q, 1 - q);
        }
  return tab.shares();
}

std::vector<std::pair<std::string, double>> measured_shares(const Population& pop,
                                                            const Territory& t, const Params& p) {
  ShareTable tab;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const auto& z = t.zones[pop.zone[i]];
    const bool offer = pop.offer_rank[i] < z.broadband_share * 256.0;
    const bool home = home_access(pop.flags[i], offer);
    const bool ill = !home || pop.base_skill[i] < p.skill_basic_threshold;  // INSEE's definition
    tab.add_adult(pop.age_band[i], static_cast<int>(z.density), pop.diploma[i],
                  income_class_of(pop.income[i]), 1.0, ill ? 1.0 : 0.0, home ? 0.0 : 1.0,
                  home ? 1.0 : 0.0);
  }
  return tab.shares();
}

double diploma_share(int a, int d, int e) {
  const double none = std::clamp(
      kNoDiploma[static_cast<std::size_t>(a)] + kShiftNone[static_cast<std::size_t>(d)], 0.0, 1.0);
  const double higher =
      std::clamp(kHigherEd[static_cast<std::size_t>(a)] + kShiftHigher[static_cast<std::size_t>(d)],
                 0.0, 1.0 - none);
  return e == 0 ? none : (e == 2 ? higher : 1.0 - none - higher);
}

double income_gamma(int diploma) {
  return kIncomeGamma[static_cast<std::size_t>(diploma)];
}

}  // namespace govsim::inclusion
