#include "models/inclusion/access_points.hpp"

#include <cctype>
#include <sstream>

#include "engine/csv.hpp"
#include "engine/errors.hpp"
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

const char* type_code(PointType t) {
  switch (t) {
    case PointType::Epn: return "EPN";
    case PointType::Library: return "BIB";
    case PointType::FranceServices: return "RFS";
    case PointType::SocialCentre: return "CS";
    case PointType::Ccas: return "CCAS";
    case PointType::ThirdPlace: return "TIERS_LIEUX";
    case PointType::Mobile: return "ITINERANT";
  }
  return "?";
}

bool is_neighbourhood_type(PointType t) {
  return t == PointType::Epn || t == PointType::Library || t == PointType::SocialCentre ||
         t == PointType::Ccas;
}
bool is_social_type(PointType t) { return t == PointType::SocialCentre || t == PointType::Ccas; }

std::uint16_t default_services(PointType t) {
  switch (t) {
    case PointType::FranceServices: return kAdminProcedures | kDailyTools | kJobs | kAccess;
    case PointType::Epn: return kDailyTools | kSafety | kCreation | kUnderstanding | kAccess;
    case PointType::Library: return kAccess | kUnderstanding | kCreation;
    case PointType::SocialCentre: return kDailyTools | kParenting | kAccess;
    case PointType::Ccas: return kAdminProcedures;
    case PointType::ThirdPlace: return kCreation | kAccess | kEquipment;
    case PointType::Mobile: return kAdminProcedures | kDailyTools | kAccess;
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

bool parse_type(const std::string& typologie, PointType& out) {
  for (const auto& code : split(typologie, '|')) {
    if (code == "EPN") return out = PointType::Epn, true;
    if (code == "BIB") return out = PointType::Library, true;
    if (code == "RFS" || code == "MSAP" || code == "MDS") return out = PointType::FranceServices, true;
    if (code == "CS" || code == "CSC") return out = PointType::SocialCentre, true;
    if (code == "CCAS" || code == "CIAS") return out = PointType::Ccas, true;
    if (code == "TIERS_LIEUX" || code == "FABLAB") return out = PointType::ThirdPlace, true;
  }
  return false;
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

std::vector<PointSpec> load_mednum_csv(const std::filesystem::path& path, const ZoneLocator& zones) {
  const CsvTable t = read_csv(path);
  const std::size_t c_id = t.require_column("id"), c_nom = t.require_column("nom");
  const auto c_insee = t.column("code_insee"), c_lat = t.column("latitude"),
             c_lon = t.column("longitude"), c_typ = t.column("typologie"),
             c_serv = t.column("services"), c_itin = t.column("itinerance"),
             c_hours = t.column("horaires");
  std::vector<PointSpec> out;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    PointSpec p;
    p.id = t.text(r, c_id);
    p.name = t.text(r, c_nom);
    if (p.id.empty()) throw InputError(t.file, t.where(r, c_id), "a non-empty id", "''");
    const bool has_coords = c_lat && c_lon && !t.text(r, *c_lat).empty() && !t.text(r, *c_lon).empty();
    const double lat = has_coords ? t.number(r, *c_lat, -90, 90) : 0;
    const double lon = has_coords ? t.number(r, *c_lon, -180, 180) : 0;
    const std::string insee = c_insee ? t.text(r, *c_insee) : "";
    if (insee.empty() && !has_coords)
      throw InputError(t.file, "line " + std::to_string(t.row_lines[r]),
                       "a code_insee or latitude and longitude", "neither");
    p.zone = zones.locate(insee, lat, lon, has_coords);
    if (p.zone < 0) continue;  // outside the territory
    p.type = PointType::Epn;
    if (c_typ && !t.text(r, *c_typ).empty() && !parse_type(t.text(r, *c_typ), p.type))
      p.type = PointType::ThirdPlace;  // another structure type of the typology (ASSO, ...)
    if (c_itin && t.text(r, *c_itin).find("Itinérant") != std::string::npos) p.type = PointType::Mobile;
    p.services = 0;
    if (c_serv && !t.text(r, *c_serv).empty()) {
      for (const auto& label : split(t.text(r, *c_serv), '|')) {
        int bit = -1;
        for (int s = 0; s < kServiceCount; ++s)
          if (kServiceLabels[static_cast<std::size_t>(s)] == label) bit = s;
        if (bit < 0) {
          std::string want = "services from the MedNum list (";
          for (int s = 0; s < kServiceCount; ++s)
            want += std::string(s ? "; " : "") + std::string(kServiceLabels[static_cast<std::size_t>(s)]);
          throw InputError(t.file, t.where(r, *c_serv), want + ") separated by '|'", "'" + label + "'");
        }
        p.services = static_cast<std::uint16_t>(p.services | (1u << bit));
      }
    } else {
      p.services = default_services(p.type);
    }
    p.fte = default_fte(p.type);
    if (c_hours && !t.text(r, *c_hours).empty()) {
      const double h = weekly_hours(t.text(r, *c_hours));
      if (h < 0)
        throw InputError(t.file, t.where(r, *c_hours),
                         "OpenStreetMap opening_hours like 'Mo-Fr 09:00-12:00,14:00-17:00'",
                         "'" + t.text(r, *c_hours) + "'");
      p.hours_per_week = h;
      // A place open fewer hours than a full-time week offers proportionally less mediation.
      p.fte *= std::min(1.0, h / 35.0);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace govsim::inclusion
