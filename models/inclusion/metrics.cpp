#include "models/inclusion/metrics.hpp"

#include <stdexcept>

#include "models/inclusion/governance.hpp"

namespace govsim::inclusion {

void Counters::add(const Counters& o, bool with_closures) {
  if (with_closures)
    zone_closures.insert(zone_closures.end(), o.zone_closures.begin(), o.zone_closures.end());
  arisen += o.arisen;
  alone += o.alone;
  relatives += o.relatives;
  mediation += o.mediation;
  abandoned += o.abandoned;
  sessions += o.sessions;
  capacity += o.capacity;
  wait_weeks += o.wait_weeks;
  referrals += o.referrals;
  misdirected += o.misdirected;
  plan_orientations += o.plan_orientations;
  station_uses += o.station_uses;
  unserved += o.unserved;
  offline += o.offline;
  counter_sessions += o.counter_sessions;
  workshop_attendances += o.workshop_attendances;
  appointments += o.appointments;
  referred_on += o.referred_on;
  turned_away_gave_up += o.turned_away_gave_up;
  no_slot_in_time += o.no_slot_in_time;
  for (int a = 0; a < kAgeBands; ++a) {
    arisen_age[static_cast<std::size_t>(a)] += o.arisen_age[static_cast<std::size_t>(a)];
    abandoned_age[static_cast<std::size_t>(a)] += o.abandoned_age[static_cast<std::size_t>(a)];
    closed_age[static_cast<std::size_t>(a)] += o.closed_age[static_cast<std::size_t>(a)];
  }
  for (int d = 0; d < kDensityClasses; ++d) {
    arisen_density[static_cast<std::size_t>(d)] += o.arisen_density[static_cast<std::size_t>(d)];
    abandoned_density[static_cast<std::size_t>(d)] +=
        o.abandoned_density[static_cast<std::size_t>(d)];
    closed_density[static_cast<std::size_t>(d)] += o.closed_density[static_cast<std::size_t>(d)];
  }
  for (std::size_t k = 0; k < 2; ++k) {
    arisen_difficulty[k] += o.arisen_difficulty[k];
    abandoned_difficulty[k] += o.abandoned_difficulty[k];
    closed_difficulty[k] += o.closed_difficulty[k];
  }
  for (std::size_t q = 0; q < 5; ++q) {
    arisen_income[q] += o.arisen_income[q];
    abandoned_income[q] += o.abandoned_income[q];
    closed_income[q] += o.closed_income[q];
  }
}

namespace {

// metrics.def's directions: which way is better, or "neutral" (no goal: ranked higher first,
// never called better or worse).
struct Direction {
  bool higher_is_better;
  bool judged;
};
constexpr Direction higher{true, true};
constexpr Direction lower{false, true};
constexpr Direction neutral{true, false};
constexpr stats::Domain ratio = stats::Domain::Ratio;
constexpr stats::Domain real = stats::Domain::Real;
constexpr stats::Domain nonnegative = stats::Domain::NonNegative;

struct Declared {
  const char* name;
  const char* unit;
  Direction direction;
  bool headline;
  stats::Domain domain;
  const char* subgroups;  // space-separated dimension names
  const char* doc;
};

const std::vector<Declared>& declared_metrics() {
  static const std::vector<Declared> d = {
#define GOVSIM_METRIC(id, unit, direction, headline, domain, subgroups, doc) \
  {#id, unit, direction, headline, domain, subgroups, doc},
#include "models/inclusion/metrics.def"
  };
  return d;
}

const std::vector<Declared>& declared_series() {
  static const std::vector<Declared> d = {
#define GOVSIM_SERIES(id, unit, direction, domain, subgroups, doc) \
  {#id, unit, direction, false, domain, subgroups, doc},
#include "models/inclusion/metrics.def"
  };
  return d;
}

// (role, metric) of metrics.def's GOVSIM_METRIC_ROLE lines (Metric::id: a declared metric).
const std::vector<std::pair<std::string, std::string>>& declared_roles() {
  static const std::vector<std::pair<std::string, std::string>> d = {
#define GOVSIM_METRIC_ROLE(role, id) {#role, (static_cast<void>(Metric::id), #id)},
#include "models/inclusion/metrics.def"
  };
  return d;
}

constexpr std::array<Dimension, 6> kDimensions = {Dimension::Age,        Dimension::Density,
                                                  Dimension::Difficulty, Dimension::Funder,
                                                  Dimension::Service,    Dimension::Mode};
constexpr std::array<const char*, 6> kDimensionNames = {"age",    "density", "difficulty",
                                                        "funder", "service", "mode"};

Dimension dimension_named(const std::string& name) {
  for (std::size_t k = 0; k < kDimensions.size(); ++k)
    if (name == kDimensionNames[k]) return kDimensions[k];
  throw std::logic_error("metrics.def: unknown subgroup dimension '" + name + "'");
}

const char* dimension_name(Dimension d) {
  return kDimensionNames[static_cast<std::size_t>(d)];
}

// What one level of a breakdown adds to the metric's doc.
std::string level_doc(Dimension d, const std::string& level) {
  switch (d) {
    case Dimension::Age:
      return "Age band " + level + " only.";
    case Dimension::Density:
      return "Zones of density class " + level + " only.";
    case Dimension::Difficulty:
      return level == "yes" ? "Adults in social difficulty only."
                            : "Adults not in social difficulty only.";
    case Dimension::Funder:
      return "Paid by this funder (" + level + ") only.";
    case Dimension::Service:
      return "A point offering this service category of the MedNum standard (" + level +
             ") instead of help with procedures; each adult by its own travel mode.";
    case Dimension::Mode:
      return level == "car" ? "Every adult travelling by car."
                            : "Every adult travelling without a car (the faster of public "
                              "transport and walking).";
  }
  return "";
}

std::vector<Dimension> split_dimensions(const char* text) {
  std::vector<Dimension> out;
  std::string word;
  for (const char* c = text;; ++c) {
    if (*c == ' ' || *c == '\0') {
      if (!word.empty()) out.push_back(dimension_named(word));
      word.clear();
      if (*c == '\0') break;
    } else {
      word += *c;
    }
  }
  return out;
}

MetricInfo info(std::string name, Direction direction, std::string unit, std::string doc,
                stats::Domain domain) {
  MetricInfo m;
  m.name = std::move(name);
  m.higher_is_better = direction.higher_is_better;
  m.judged = direction.judged;
  m.unit = std::move(unit);
  m.doc = std::move(doc);
  m.domain = domain;
  return m;
}

// The layout of one catalog (metrics or series): entries, then offsets of each breakdown.
struct Catalog {
  std::vector<MetricInfo> all;
  std::vector<std::vector<std::pair<Dimension, std::size_t>>>
      breakdown;  // by base: (dim, first index)

  Catalog(const std::vector<Declared>& declared,
          const std::vector<std::pair<std::string, std::string>>& roles) {
    breakdown.resize(declared.size());
    for (const auto& d : declared) {
      MetricInfo m = info(d.name, d.direction, d.unit, d.doc, d.domain);
      m.headline = d.headline;
      for (const auto& [role, metric] : roles)
        if (metric == d.name) m.roles.push_back(role);
      for (Dimension dim : split_dimensions(d.subgroups))
        m.subgroups.push_back(dimension_name(dim));
      all.push_back(std::move(m));
    }
    for (std::size_t b = 0; b < declared.size(); ++b) {
      for (Dimension dim : split_dimensions(declared[b].subgroups)) {
        breakdown[b].emplace_back(dim, all.size());
        for (const auto& level : dimension_levels(dim)) {
          all.push_back(
              info(std::string(declared[b].name) + "@" + dimension_name(dim) + ":" + level,
                   declared[b].direction, declared[b].unit,
                   std::string(declared[b].doc) + " " + level_doc(dim, level), declared[b].domain));
        }
      }
    }
  }

  std::size_t index(std::size_t base, Dimension d, std::size_t level) const {
    for (const auto& [dim, first] : breakdown.at(base))
      if (dim == d) {
        if (level >= dimension_levels(d).size())
          throw std::logic_error(all[base].name + ": no level " + std::to_string(level) + " of " +
                                 dimension_name(d));
        return first + level;
      }
    throw std::logic_error(all[base].name + " has no breakdown by " + dimension_name(d) +
                           " in metrics.def");
  }
};

const Catalog& metric_catalog() {
  static const Catalog c(declared_metrics(), declared_roles());
  return c;
}

const Catalog& series_catalog() {
  static const Catalog c(declared_series(), {});
  return c;
}

std::vector<std::string> names_of(const auto& array) {
  return {array.begin(), array.end()};
}

}  // namespace

const std::vector<std::string>& dimension_levels(Dimension d) {
  static const std::vector<std::string> age = names_of(kAgeBandNames);
  static const std::vector<std::string> density = names_of(kDensityNames);
  static const std::vector<std::string> difficulty = {"yes", "no"};
  static const std::vector<std::string> funder = names_of(kFunderNames);
  static const std::vector<std::string> service = names_of(kServiceNames);
  static const std::vector<std::string> mode = {"car", "no_car"};
  switch (d) {
    case Dimension::Age:
      return age;
    case Dimension::Density:
      return density;
    case Dimension::Difficulty:
      return difficulty;
    case Dimension::Funder:
      return funder;
    case Dimension::Service:
      return service;
    case Dimension::Mode:
      return mode;
  }
  throw std::logic_error("unknown dimension");
}

const std::vector<MetricInfo>& all_metrics() {
  return metric_catalog().all;
}
const std::vector<MetricInfo>& weekly_series() {
  return series_catalog().all;
}

std::size_t metric_index(Metric m) {
  return static_cast<std::size_t>(m);
}
std::size_t metric_index(Metric m, Dimension d, std::size_t level) {
  return metric_catalog().index(static_cast<std::size_t>(m), d, level);
}
std::size_t series_index(Series s) {
  return static_cast<std::size_t>(s);
}
std::size_t series_index(Series s, Dimension d, std::size_t level) {
  return series_catalog().index(static_cast<std::size_t>(s), d, level);
}

MetricValues::MetricValues() : values_(all_metrics().size(), 0.0), set_(all_metrics().size(), 0) {}

void MetricValues::set(Metric m, double v) {
  set_at(metric_index(m), v);
}

void MetricValues::set_at(std::size_t index, double v) {
  values_.at(index) = v;
  set_[index] = 1;
}

std::vector<double> MetricValues::values() const {
  for (std::size_t i = 0; i < set_.size(); ++i)
    if (!set_[i])
      throw std::logic_error("metric '" + all_metrics()[i].name +
                             "' was not computed (outcomes.cpp)");
  return values_;
}

bool higher_is_better(const std::string& metric) {
  for (const auto& m : all_metrics())
    if (m.name == metric) return m.higher_is_better;
  for (const auto& m : weekly_series())
    if (m.name == metric) return m.higher_is_better;
  return false;
}

}  // namespace govsim::inclusion
