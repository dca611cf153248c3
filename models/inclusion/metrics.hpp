// Outcome metrics (brief §4): declared once in metrics.def (name, unit, direction, headline,
// domain, subgroup dimensions, doc; roles); here their enums, catalog and layout, and the event
// counters.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

// kOffline: by post or at a counter, by an adult who prefers it (channel.*).
enum Channel { kAlone = 0, kRelatives = 1, kMediation = 2, kOffline = 3 };

// Event counters (scaled population). Integers in doubles: sums are exact and order-free.
struct Counters {
  double arisen = 0, alone = 0, relatives = 0, mediation = 0, abandoned = 0;
  double sessions = 0, capacity = 0, wait_weeks = 0, referrals = 0, misdirected = 0;
  double plan_orientations = 0;  // residents a master plan's first-level place oriented
  double station_uses = 0, unserved = 0;
  // Needs resolved by post or at a counter by adults who prefer it, and of them the counter
  // visits served at a France Services site (sessions there, not mediation).
  double offline = 0, counter_sessions = 0;
  double workshop_attendances = 0;  // learner places taken at workshop courses (workshops.cpp)
  // Requests turned away and re-oriented (reorientation.cpp): an appointment at a later week, a
  // referral to another place, giving up there and then, or told there is no slot in time.
  double appointments = 0, referred_on = 0, turned_away_gave_up = 0, no_slot_in_time = 0;
  std::array<double, kAgeBands> arisen_age{}, abandoned_age{};
  std::array<double, kDensityClasses> arisen_density{}, abandoned_density{};
  std::array<double, 2> arisen_difficulty{}, abandoned_difficulty{};
  std::array<double, 5> arisen_income{}, abandoned_income{};
  // Needs closed (resolved by any channel or abandoned), by subgroup: the non-recours denominators.
  std::array<double, kAgeBands> closed_age{};
  std::array<double, kDensityClasses> closed_density{};
  std::array<double, 2> closed_difficulty{};
  std::array<double, 5> closed_income{};
  // Needs closed, by zone, in event order (drained each week into the run's per-commune totals).
  struct ZoneClosure {
    std::uint32_t zone;
    std::uint8_t kind;  // kClosedOther, kClosedMediation, kClosedAbandoned
    std::uint8_t n;     // needs in the episode
  };
  static constexpr std::uint8_t kClosedOther = 0, kClosedMediation = 1, kClosedAbandoned = 2;
  std::vector<ZoneClosure> zone_closures;
  double closed() const { return alone + relatives + mediation + offline + abandoned; }
  // Adds o's counts; with_closures: also appends o's zone closures.
  void add(const Counters& o, bool with_closures = true);
  double pending_count = 0;  // filled when checking invariants
};

// The end metrics and weekly series of metrics.def, by name.
enum class Metric : std::size_t {
#define GOVSIM_METRIC(id, unit, direction, headline, domain, subgroups, doc) id,
#include "models/inclusion/metrics.def"
};
enum class Series : std::size_t {
#define GOVSIM_SERIES(id, unit, direction, domain, subgroups, doc) id,
#include "models/inclusion/metrics.def"
};

// Subgroup dimensions (metrics.def "subgroups") and their levels, in layout order.
enum class Dimension { Age, Density, Difficulty, Funder, Service, Mode };
const std::vector<std::string>& dimension_levels(Dimension d);  // e.g. "15-29", ..., "75+"

// Every metric / series including subgroup breakdowns ("non_recours_rate@age:75+"), in the
// layout of a run's values (metrics.def order, then the subgroups).
const std::vector<MetricInfo>& all_metrics();
const std::vector<MetricInfo>& weekly_series();
bool higher_is_better(const std::string& metric);

// Position in a run's values of a metric / series, or of one level of its breakdown by `d`
// (throws std::logic_error if metrics.def does not declare that breakdown).
std::size_t metric_index(Metric m);
std::size_t metric_index(Metric m, Dimension d, std::size_t level);
std::size_t series_index(Series s);
std::size_t series_index(Series s, Dimension d, std::size_t level);

// A run's end values, set by name; values() lays them out as all_metrics() and throws
// std::logic_error naming any metric left unset.
class MetricValues {
 public:
  MetricValues();
  void set(Metric m, double v);
  template <class Levels>
  void set_levels(Metric m, Dimension d, const Levels& by_level) {
    std::size_t l = 0;
    for (const auto& v : by_level) set_at(metric_index(m, d, l++), static_cast<double>(v));
  }
  std::vector<double> values() const;

 private:
  void set_at(std::size_t index, double v);
  std::vector<double> values_;
  std::vector<char> set_;
};

}  // namespace govsim::inclusion
