#include "models/inclusion/access_points.hpp"

#include <cctype>
#include <sstream>

#include "models/inclusion/params.hpp"

namespace govsim::inclusion {

const std::array<std::string_view, kServiceCount> kServiceLabels = {
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire"};

const std::array<const char*, kServiceCount> kServiceNames = {
    "procedures", "daily_tools",   "jobs",   "safety",   "parenting",
    "creation",   "understanding", "access", "equipment"};

const char* type_code(PointType t) {
  switch (t) {
    case PointType::Epn:
      return "EPN";
    case PointType::Library:
      return "BIB";
    case PointType::FranceServices:
      return "RFS";
    case PointType::SocialCentre:
      return "CS";
    case PointType::Ccas:
      return "CCAS";
    case PointType::ThirdPlace:
      return "TIERS_LIEUX";
    case PointType::ConseillerNumerique:
      return "CNFS";
    case PointType::Mobile:
      return "ITINERANT";
  }
  return "?";
}

bool is_neighbourhood_type(PointType t) {
  return t == PointType::Epn || t == PointType::Library || t == PointType::SocialCentre ||
         t == PointType::Ccas;
}
bool is_social_type(PointType t) {
  return t == PointType::SocialCentre || t == PointType::Ccas;
}

bool has_own_premises(PointType t) {
  return t != PointType::Mobile && t != PointType::ConseillerNumerique;
}

std::uint16_t default_services(PointType t) {
  switch (t) {
    case PointType::FranceServices:
      return kAdminProcedures | kDailyTools | kJobs | kAccess;
    case PointType::Epn:
      return kDailyTools | kSafety | kCreation | kUnderstanding | kAccess;
    case PointType::Library:
      return kAccess | kUnderstanding | kCreation;
    case PointType::SocialCentre:
      return kDailyTools | kParenting | kAccess;
    case PointType::Ccas:
      return kAdminProcedures;
    case PointType::ThirdPlace:
      return kCreation | kAccess | kEquipment;
    case PointType::ConseillerNumerique:
      return kAdminProcedures | kDailyTools | kSafety | kUnderstanding;
    case PointType::Mobile:
      return kAdminProcedures | kDailyTools | kAccess;
  }
  return 0;
}

double default_fte(PointType t) {
  // The network.<type>.fte defaults of parameters.def (mobile units: mobile.fte).
  static const Params defaults;
  if (t == PointType::Mobile) return defaults.mobile_fte;
  return defaults.network_fte()[static_cast<std::size_t>(t)];
}

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

int day_index(std::string_view d) {
  static const char* days[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
  for (int i = 0; i < 7; ++i)
    if (d == days[i]) return i;
  return -1;
}

double minutes_of(std::string_view hhmm) {
  if (hhmm.size() != 5 || hhmm[2] != ':') return -1;
  for (int i : {0, 1, 3, 4})
    if (!std::isdigit(static_cast<unsigned char>(hhmm[static_cast<std::size_t>(i)]))) return -1;
  const int h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
  const int m = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
  if (h > 24 || m > 59) return -1;
  return h * 60.0 + m;
}
}  // namespace

double weekly_hours(std::string_view text) {
  double total = 0;
  for (std::string rule : split(std::string(text), ';')) {
    while (!rule.empty() && rule.front() == ' ') rule.erase(rule.begin());
    while (!rule.empty() && rule.back() == ' ') rule.pop_back();
    if (rule.empty()) continue;
    const auto space = rule.find(' ');
    if (space == std::string::npos) return -1;
    const std::string days = rule.substr(0, space), times = rule.substr(space + 1);
    if (times == "off" || times == "closed") continue;
    int n_days = 0;
    for (const auto& part : split(days, ',')) {
      const auto dash = part.find('-');
      if (dash == std::string::npos) {
        if (day_index(part) < 0) return -1;
        ++n_days;
      } else {
        const int a = day_index(part.substr(0, dash)), b = day_index(part.substr(dash + 1));
        if (a < 0 || b < 0) return -1;
        n_days += (b >= a ? b - a : b + 7 - a) + 1;
      }
    }
    double per_day = 0;
    for (const auto& range : split(times, ',')) {
      const auto dash = range.find('-');
      if (dash == std::string::npos) return -1;
      const double a = minutes_of(range.substr(0, dash)), b = minutes_of(range.substr(dash + 1));
      if (a < 0 || b < 0 || b <= a) return -1;
      per_day += (b - a) / 60.0;
    }
    total += n_days * per_day;
  }
  return total;
}

}  // namespace govsim::inclusion
