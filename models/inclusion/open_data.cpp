#include "models/inclusion/open_data.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <numeric>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "engine/csv.hpp"
#include "engine/errors.hpp"

namespace govsim::inclusion {

namespace embedded {
struct File {
  const char* path;
  std::string_view text;
};
extern const File kFiles[];
extern const std::size_t kFileCount;
}  // namespace embedded

std::string_view embedded_file(std::string_view path) {
  for (std::size_t i = 0; i < embedded::kFileCount; ++i)
    if (path == embedded::kFiles[i].path) return embedded::kFiles[i].text;
  throw std::logic_error("no embedded file " + std::string(path));
}

namespace {
// At most n bytes of s, cut on a UTF-8 character boundary, with "..." when cut.
std::string cut(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  std::size_t k = n;
  while (k > 0 && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80) --k;
  return s.substr(0, k) + "...";
}
}  // namespace

std::string Rejection::text() const {
  std::string s = file + ": line " + std::to_string(line);
  if (!record.empty()) s += " (id '" + record + "')";
  if (!field.empty()) s += ", field '" + field + "'";
  s += ": " + reason;
  if (!value.empty()) s += " (got '" + cut(value, 80) + "')";
  return s;
}

namespace {

constexpr const char* kSchemaPath =
    "data/territories/reference/mednum-lieux-mediation-numerique.schema.json";
constexpr const char* kTypologyPath =
    "data/territories/reference/data-inclusion-typologies-structures-v0.json";

std::string trim(std::string s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

int line_of_offset(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<int>(std::count(text.begin(),
                                         text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// The standard's encoding is UTF-8: a file in Latin-1/Windows-1252 is a file-level error.
void check_utf8(const std::string& text, const std::string& file) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    int len = 0;
    if (c < 0x80)
      len = 1;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2)
      len = 2;
    else if ((c & 0xF0) == 0xE0)
      len = 3;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
      len = 4;
    bool ok = len > 0 && i + static_cast<std::size_t>(len) <= n;
    for (int k = 1; ok && k < len; ++k)
      ok = (static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]) & 0xC0) == 0x80;
    if (!ok) {
      std::ostringstream got;
      got << "byte 0x" << std::hex << std::uppercase << static_cast<int>(c)
          << ", which is not UTF-8 (Latin-1 or Windows-1252? convert with: iconv -f WINDOWS-1252 "
             "-t UTF-8)";
      throw InputError(file, "line " + std::to_string(line_of_offset(text, i)), "UTF-8 text",
                       got.str());
    }
    i += static_cast<std::size_t>(len);
  }
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool parse_number(const std::string& s, double& v) {
  if (s.empty() || s.size() > 64) return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  const auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e && std::isfinite(v);
}

bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[static_cast<std::size_t>(i)]))) return false;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  if (m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] && !(m == 2 && d == 29 && !leap);
}

// Metropolitan France (with Corsica) and the five overseas départements.
bool in_france(double lat, double lon) {
  struct Box {
    double lat0, lat1, lon0, lon1;
  };
  static const Box boxes[] = {{41.3, 51.15, -5.25, 9.6},     {15.8, 16.55, -61.85, -60.95},
                              {14.35, 14.9, -61.25, -60.75}, {2.1, 5.8, -54.65, -51.6},
                              {-21.4, -20.85, 55.2, 55.85},  {-13.05, -12.6, 44.95, 45.35}};
  for (const auto& b : boxes)
    if (lat >= b.lat0 && lat <= b.lat1 && lon >= b.lon0 && lon <= b.lon1) return true;
  return false;
}
constexpr const char* kFranceText =
    "coordinates in France (metropolitan France, Corsica or an overseas département)";

std::string department_of(const std::string& code) {
  if (code.size() >= 3 && code.compare(0, 2, "97") == 0) return code.substr(0, 3);
  return code.substr(0, 2);
}

struct Standard {
  std::vector<StandardField> fields;
  std::vector<std::regex> regex;  // parallel to fields (empty regex when no pattern)
  std::map<std::string, std::string, std::less<>> typology;  // code -> label
};

const Standard& standard() {
  static const Standard s = [] {
    Standard st;
    const auto schema = nlohmann::json::parse(embedded_file(kSchemaPath));
    for (const auto& f : schema.at("fields")) {
      StandardField sf;
      sf.name = f.at("name").get<std::string>();
      sf.type = f.value("type", "string");
      const auto c = f.value("constraints", nlohmann::json::object());
      sf.required = c.value("required", false);
      sf.unique = c.value("unique", false);
      sf.pattern = c.value("pattern", "");
      sf.max_length = c.value("maxLength", std::size_t{0});
      st.regex.push_back(sf.pattern.empty() ? std::regex()
                                            : std::regex(sf.pattern, std::regex::ECMAScript));
      st.fields.push_back(std::move(sf));
    }
    for (const auto& t : nlohmann::json::parse(embedded_file(kTypologyPath)))
      st.typology[t.at("value").get<std::string>()] = t.value("label", "");
    return st;
  }();
  return s;
}

// Weekly opening hours from an OSM opening_hours value, also reading the "week 01-53/2" prefix
// (every other week counts half) and skipping public-holiday rules ("PH off"); -1 if unreadable.
double osm_weekly_hours(const std::string& text) {
  double total = 0;
  for (std::string rule : split(text, ';')) {
    rule = trim(rule);
    if (rule.empty() || rule.rfind("PH", 0) == 0) continue;
    double factor = 1;
    if (rule.rfind("week ", 0) == 0) {
      const auto sp = rule.find(' ', 5);
      if (sp == std::string::npos) return -1;
      const std::string sel = rule.substr(5, sp - 5);
      const auto slash = sel.find('/');
      if (slash != std::string::npos) {
        double n = 0;
        if (!parse_number(sel.substr(slash + 1), n) || n < 1) return -1;
        factor = 1.0 / n;
      }
      rule = trim(rule.substr(sp + 1));
    }
    const double h = weekly_hours(rule);
    if (h < 0) return -1;
    total += factor * h;
  }
  return total;
}

// Line of each record (and of each key inside it) of a top-level JSON array of objects.
struct JsonLines {
  std::vector<int> record_line;
  std::vector<std::map<std::string, int>> key_line;
};
JsonLines scan_json_lines(const std::string& text) {
  JsonLines out;
  int depth = 0, line = 1;
  bool in_string = false, escape = false;
  std::string current;
  int string_line = 0;
  int string_depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (escape) {
        escape = false;
        current += c;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
        if (string_depth == 2 && !out.key_line.empty()) {
          std::size_t j = i + 1;
          while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j]))) ++j;
          if (j < text.size() && text[j] == ':') out.key_line.back().emplace(current, string_line);
        }
      } else {
        current += c;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      current.clear();
      string_line = line;
      string_depth = depth;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (c == '{' && depth == 2) {
        out.record_line.push_back(line);
        out.key_line.emplace_back();
      } else if (depth == 2) {
        out.record_line.push_back(line);  // a non-object element
        out.key_line.emplace_back();
      }
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (depth == 1 && !std::isspace(static_cast<unsigned char>(c)) && c != ',') {
      // a scalar element of the top-level array: record its line once
      if (i == 0 || text[i - 1] == ',' || text[i - 1] == '[' ||
          std::isspace(static_cast<unsigned char>(text[i - 1]))) {
        std::size_t k = i;
        while (k > 0 && std::isspace(static_cast<unsigned char>(text[k - 1]))) --k;
        if (k > 0 && (text[k - 1] == ',' || text[k - 1] == '[')) {
          out.record_line.push_back(line);
          out.key_line.emplace_back();
        }
      }
    }
  }
  return out;
}

std::uint16_t services_from(const std::string& s) {
  std::uint16_t bits = 0;
  for (const auto& label : split(s, '|'))
    for (int k = 0; k < kServiceCount; ++k)
      if (kServiceLabels[static_cast<std::size_t>(k)] == label)
        bits = static_cast<std::uint16_t>(bits | (1u << k));
  return bits;
}

PlaceRecord place_from_fields(const std::map<std::string, std::string>& f, int line) {
  PlaceRecord p;
  p.line = line;
  auto get = [&](const char* k) {
    const auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  p.id = get("id");
  p.name = get("nom");
  p.code_insee = get("code_insee");
  p.typologie = get("typologie");
  p.date_maj = get("date_maj");
  p.horaires = get("horaires");
  const std::string lat = get("latitude"), lon = get("longitude");
  p.has_coords =
      !lat.empty() && !lon.empty() && parse_number(lat, p.lat) && parse_number(lon, p.lon);
  const std::string serv = get("services");
  p.has_services = !serv.empty();
  p.services = services_from(serv);
  const std::string itin = get("itinerance");
  p.itinerant =
      itin.find("Itinérant") != std::string::npos && itin.find("Fixe") == std::string::npos;
  return p;
}

}  // namespace

const std::vector<StandardField>& standard_fields() {
  return standard().fields;
}

bool is_typology_code(std::string_view code) {
  return standard().typology.count(code) > 0;
}

std::string typology_label(std::string_view code) {
  const auto& t = standard().typology;
  const auto it = t.find(code);
  return it == t.end() ? std::string() : it->second;
}

PointType point_type_for(std::string_view c) {
  static const std::map<std::string, PointType, std::less<>> table = {
      {"EPN", PointType::Epn},
      {"EPI", PointType::Epn},
      {"BIB", PointType::Library},
      {"RFS", PointType::FranceServices},
      {"MSAP", PointType::FranceServices},
      {"PIMMS", PointType::FranceServices},
      {"ENM", PointType::Mobile},
      {"TIERS_LIEUX", PointType::ThirdPlace},
      {"FABLAB", PointType::ThirdPlace},
      {"RESSOURCERIE", PointType::ThirdPlace},
      {"ASSO", PointType::ThirdPlace},
      {"Autre", PointType::ThirdPlace},
      {"ESS", PointType::ThirdPlace},
      {"ETABL_PRI", PointType::ThirdPlace},
      {"CCONS", PointType::ThirdPlace},
      {"OF", PointType::ThirdPlace},
      // Municipal, intercommunal and state desks, and social-welfare services: help with
      // procedures.
      {"CCAS", PointType::Ccas},
      {"CIAS", PointType::Ccas},
      {"MUNI", PointType::Ccas},
      {"CC", PointType::Ccas},
      {"EPCI", PointType::Ccas},
      {"CD", PointType::Ccas},
      {"DEPT", PointType::Ccas},
      {"MDS", PointType::Ccas},
      {"CDAS", PointType::Ccas},
      {"CMS", PointType::Ccas},
      {"REG", PointType::Ccas},
      {"PREF", PointType::Ccas},
      {"ETAT", PointType::Ccas},
      {"ETABL_PUB", PointType::Ccas},
      {"CFP", PointType::Ccas},
      {"CAF", PointType::Ccas},
      {"CPAM", PointType::Ccas},
      {"MSA", PointType::Ccas},
      {"LA_POSTE", PointType::Ccas},
      {"PAD", PointType::Ccas},
      {"PI", PointType::Ccas},
      {"MDA", PointType::Ccas},
      {"MDPH", PointType::Ccas},
      {"UDAF", PointType::Ccas},
      {"DEETS", PointType::Ccas}};
  const auto it = table.find(c);
  // Every other code (social centres, youth, employment and insertion, housing, health and
  // justice services) is a social structure accompanying its public.
  return it == table.end() ? PointType::SocialCentre : it->second;
}

std::vector<std::pair<std::string, std::string>> check_place(
    const std::map<std::string, std::string>& f) {
  std::vector<std::pair<std::string, std::string>> bad;
  const Standard& st = standard();
  for (std::size_t i = 0; i < st.fields.size(); ++i) {
    const StandardField& sf = st.fields[i];
    const auto it = f.find(sf.name);
    const bool empty = it == f.end() || it->second.empty();
    if (empty) {
      if (sf.required) bad.emplace_back(sf.name, "required by the standard, but empty or missing");
      continue;
    }
    const std::string& v = it->second;
    if (sf.type == "number") {
      double x = 0;
      if (!parse_number(v, x)) bad.emplace_back(sf.name, "a number (decimal point) expected");
    } else if (sf.type == "date") {
      if (!valid_date(v)) bad.emplace_back(sf.name, "a date YYYY-MM-DD expected");
    }
    if (sf.max_length > 0 && utf8_length(v) > sf.max_length)
      bad.emplace_back(sf.name,
                       "at most " + std::to_string(sf.max_length) + " characters expected");
    if (!sf.pattern.empty()) {
      // Every pattern of the standard describes short codes or value lists (all nine services
      // joined make ~400 bytes): longer text is refused without running the regex engine.
      if (v.size() > 1000 || !std::regex_match(v, st.regex[i]))
        bad.emplace_back(sf.name, "a value matching the standard's pattern " + sf.pattern);
    }
  }
  const auto typ = f.find("typologie");
  if (typ != f.end() && !typ->second.empty())
    for (const auto& code : split(typ->second, '|'))
      if (!is_typology_code(code))
        bad.emplace_back("typologie",
                         "'" + code +
                             "' is not a code of the national typology (data-inclusion typologies "
                             "v0; several codes are separated by '|')");
  const bool has_lat = f.count("latitude") && !f.at("latitude").empty();
  const bool has_lon = f.count("longitude") && !f.at("longitude").empty();
  if (has_lat != has_lon)
    bad.emplace_back(has_lat ? "longitude" : "latitude", "latitude and longitude go together");
  return bad;
}

// ---- geography ---------------------------------------------------------------------------------

const std::array<const char*, kModes> kModeNames = {"car", "public_transport", "foot"};

namespace {
constexpr double kDetourFactor = 1.3;
// Door-to-door speeds (km/h of road distance) by density class of the origin: urban, peri-urban,
// rural; and fixed access/parking or walk-and-wait minutes (assumptions, docs/territories.md).
constexpr std::array<std::array<double, kDensityClasses>, kModes> kSpeed = {{
    {22.0, 40.0, 55.0},  // car (same as Territory::travel_minutes)
    {14.0, 18.0, 22.0},  // public transport, in-vehicle incl. stops
    {4.5, 4.5, 4.5},     // on foot
}};
constexpr std::array<std::array<double, kDensityClasses>, kModes> kAccessMinutes = {{
    {5.0, 5.0, 5.0},  // car: to and from the car, parking
    {10.0, 20.0,
     40.0},           // public transport: walk to the stop and mean wait (rural lines are sparse)
    {0.0, 0.0, 0.0},  // foot
}};
}  // namespace

double road_detour_factor() {
  return kDetourFactor;
}
double mode_speed_kmh(Mode m, Density d) {
  return kSpeed[static_cast<std::size_t>(m)][static_cast<std::size_t>(d)];
}
double mode_access_minutes(Mode m, Density d) {
  return kAccessMinutes[static_cast<std::size_t>(m)][static_cast<std::size_t>(d)];
}
double mode_minutes(double km, Mode m, Density d) {
  return mode_access_minutes(m, d) + 60.0 * km * kDetourFactor / mode_speed_kmh(m, d);
}

namespace {
// Straight-line km from the centroid of zone `from` to point `point` (its own coordinates when
// known); within the commune at least half its equivalent radius (people do not live at the
// centroid).
double km_to_point(const Territory& t, int from, std::size_t point) {
  const Zone& z = t.zones[static_cast<std::size_t>(from)];
  const PointSpec& p = t.points[point];
  const Zone& pz = t.zones[static_cast<std::size_t>(p.zone)];
  const bool own = point < t.place_info.size();
  const double px = own ? t.place_info[point].x_km : pz.x_km,
               py = own ? t.place_info[point].y_km : pz.y_km;
  double km = std::hypot(z.x_km - px, z.y_km - py);
  if (p.zone == from) km = std::max(km, 0.5 * std::sqrt(z.area_km2 / M_PI));
  return km;
}
}  // namespace

double minutes_to_point(const Territory& t, int from, std::size_t point, Mode m) {
  return mode_minutes(km_to_point(t, from, point), m,
                      t.zones[static_cast<std::size_t>(from)].density);
}

// ---- readers -----------------------------------------------------------------------------------

namespace {

CsvTable parse_checked_csv(const std::string& text, const std::string& file,
                           std::vector<Rejection>& rejected,
                           const std::vector<std::string>& some_expected) {
  check_utf8(text, file);
  std::vector<CsvRaggedRow> ragged;
  CsvTable t = parse_csv(text, file, &ragged);
  for (auto& h : t.header) h = trim(h);
  if (t.header.size() == 1) {
    const std::string& h = t.header[0];
    for (const char* d : {"\t", "|", ";", ":"})
      if (h.find(d) != std::string::npos)
        throw InputError(file, "line 1 (header)",
                         "comma-separated columns (the standard's delimiter; ';' is also read)",
                         std::string("a single column '") + cut(h, 60) + "': wrong delimiter '" +
                             (std::string(d) == "\t" ? "\\t (tab)" : d) + "'?");
  }
  std::set<std::string> seen;
  for (const auto& h : t.header)
    if (!h.empty() && !seen.insert(h).second)
      throw InputError(file, "line 1 (header)", "each column once", "'" + h + "' twice");
  (void)some_expected;
  for (const auto& r : ragged)
    rejected.push_back({file, r.line, "", "", "", "malformed line: " + r.message});
  return t;
}

std::optional<std::size_t> any_column(const CsvTable& t, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (auto c = t.column(n)) return c;
  return std::nullopt;
}

}  // namespace

std::vector<CommuneRecord> read_communes(const std::string& text, const std::string& file,
                                         std::vector<Rejection>& rejected) {
  const CsvTable t = parse_checked_csv(text, file, rejected, {});
  auto need = [&](std::initializer_list<const char*> names, const char* what) {
    if (auto c = any_column(t, names)) return *c;
    std::string alts;
    for (const char* n : names) alts += std::string(alts.empty() ? "" : " or ") + "'" + n + "'";
    std::string have;
    for (const auto& h : t.header) have += std::string(have.empty() ? "" : ",") + h;
    throw InputError(file, "line 1 (header)", std::string("a column ") + alts + " (" + what + ")",
                     "columns " + cut(have, 200));
  };
  const std::size_t c_code = need({"code_insee", "code", "CODGEO", "COM"}, "INSEE commune code");
  const std::size_t c_name = need({"name", "nom", "LIBGEO", "libelle"}, "commune name");
  const std::size_t c_lat = need({"lat", "latitude"}, "centroid latitude, WGS84");
  const std::size_t c_lon = need({"lon", "longitude"}, "centroid longitude, WGS84");
  const std::size_t c_epci = need({"epci_siren", "epci", "EPCI"}, "EPCI code or name");
  const auto c_epci_name = any_column(t, {"epci_name", "LIBEPCI"});
  const auto c_pop = any_column(t, {"population", "PMUN", "pmun"});
  const auto c_dens = any_column(t, {"density", "DENS"});
  const auto c_area = any_column(t, {"area_km2"});
  const auto c_bb = any_column(t, {"broadband_share"});
  static const char* age_cols[kAgeBands] = {"pop_15_29", "pop_30_44", "pop_45_59", "pop_60_74",
                                            "pop_75_plus"};
  std::array<std::optional<std::size_t>, kAgeBands> c_age;
  int n_age = 0;
  for (int a = 0; a < kAgeBands; ++a)
    n_age += (c_age[static_cast<std::size_t>(a)] = t.column(age_cols[a])).has_value();
  if (n_age != 0 && n_age != kAgeBands)
    throw InputError(file, "line 1 (header)",
                     "all five age-band columns pop_15_29 ... pop_75_plus, or none",
                     std::to_string(n_age) + " of them");
  if (!c_pop && n_age == 0)
    throw InputError(
        file, "line 1 (header)",
        "a column 'population' (or the five age-band columns pop_15_29 ... pop_75_plus)",
        "neither");
  if (t.rows.empty()) throw InputError(file, "line 2", "at least one commune", "no rows");
  static const std::regex code_re("^([013-9]\\d|2[AB1-9])\\d{3}$");
  std::vector<CommuneRecord> out;
  std::unordered_map<std::string, int> seen;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    CommuneRecord c;
    c.line = t.row_lines[r];
    c.code = trim(t.text(r, c_code));
    c.name = trim(t.text(r, c_name));
    std::vector<Rejection> bad;
    auto reject = [&](std::size_t col, std::string reason) {
      bad.push_back({file, c.line, c.code, t.header[col], t.text(r, col), std::move(reason)});
    };
    auto number = [&](std::size_t col, double lo, double hi, const std::string& what) {
      double v = 0;
      const std::string s = trim(t.text(r, col));
      if (!parse_number(s, v) || v < lo || v > hi) {
        reject(col, what);
        return 0.0;
      }
      return v;
    };
    if (!std::regex_match(c.code, code_re))
      reject(c_code, "an INSEE commune code (5 characters, e.g. 41018 or 2A004)");
    else if (const auto [it, added] = seen.emplace(c.code, c.line); !added)
      reject(c_code, "a code not already used (first on line " + std::to_string(it->second) + ")");
    if (c.name.empty()) reject(c_name, "a non-empty name");
    c.lat = number(c_lat, -90, 90, "a latitude in degrees (WGS84, decimal point)");
    c.lon = number(c_lon, -180, 180, "a longitude in degrees (WGS84, decimal point)");
    if (bad.empty() && !in_france(c.lat, c.lon))
      reject(c_lat, std::string(kFranceText) + "; latitude/longitude swapped?");
    c.epci_code = trim(t.text(r, c_epci));
    if (c.epci_code.empty()) reject(c_epci, "a non-empty EPCI");
    c.epci_name = c_epci_name ? trim(t.text(r, *c_epci_name)) : "";
    if (c.epci_name.empty()) c.epci_name = c.epci_code;
    if (c_pop) {
      c.population =
          number(*c_pop, 0, 5e6, "a population (inhabitants, all ages) between 0 and 5,000,000");
    }
    if (n_age) {
      c.has_age_bands = true;
      for (int a = 0; a < kAgeBands; ++a)
        c.adults[static_cast<std::size_t>(a)] =
            number(*c_age[static_cast<std::size_t>(a)], 0, 1e8, "a number of adults >= 0");
    }
    if (c_dens && !trim(t.text(r, *c_dens)).empty()) {
      const double d = number(*c_dens, 1, 7, "an INSEE density level 1..7");
      if (d != std::floor(d)) reject(*c_dens, "an INSEE density level 1..7 (integer)");
      c.density_insee = static_cast<int>(d);
    }
    if (c_area && !trim(t.text(r, *c_area)).empty())
      c.area_km2 = number(*c_area, 0.01, 1e5, "an area in km² > 0");
    if (c_bb && !trim(t.text(r, *c_bb)).empty())
      c.broadband_share = number(*c_bb, 0, 1, "a share between 0 and 1");
    if (!bad.empty()) {
      rejected.insert(rejected.end(), bad.begin(), bad.end());
      continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<PlaceRecord> read_places(const std::string& text, const std::string& file,
                                     std::vector<Rejection>& rejected,
                                     std::map<std::string, int>& defaulted) {
  check_utf8(text, file);
  std::size_t first = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) first = 3;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  std::vector<std::pair<std::map<std::string, std::string>, int>> rows;
  std::vector<std::map<std::string, int>> key_lines;
  if (first < text.size() && (text[first] == '[' || text[first] == '{')) {
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      const auto colon = what.find("parse error");
      throw InputError(file,
                       "line " + std::to_string(line_of_offset(text, e.byte > 0 ? e.byte - 1 : 0)),
                       "valid JSON (an array of places)",
                       colon == std::string::npos ? what : what.substr(colon));
    }
    if (!doc.is_array())
      throw InputError(file, "line 1",
                       "a JSON array of places (objects with the standard's field names)",
                       std::string("a JSON ") + doc.type_name());
    const JsonLines lines = scan_json_lines(text);
    for (std::size_t i = 0; i < doc.size(); ++i) {
      const int line = i < lines.record_line.size() ? lines.record_line[i] : 0;
      const auto& rec = doc[i];
      key_lines.push_back(i < lines.key_line.size() ? lines.key_line[i]
                                                    : std::map<std::string, int>());
      if (!rec.is_object()) {
        rejected.push_back(
            {file, line, "/" + std::to_string(i), "", "", "a place is a JSON object"});
        continue;
      }
      std::map<std::string, std::string> f;
      bool ok = true;
      for (const auto& [k, v] : rec.items()) {
        if (v.is_null()) continue;
        if (v.is_string())
          f[k] = v.get<std::string>();
        else if (v.is_number())
          f[k] = v.dump();
        else if (v.is_array() &&
                 std::all_of(v.begin(), v.end(), [](const auto& x) { return x.is_string(); })) {
          std::string joined;
          for (const auto& x : v) joined += (joined.empty() ? "" : "|") + x.get<std::string>();
          f[k] = joined;
        } else {
          const auto kl = key_lines.back().find(k);
          rejected.push_back(
              {file, kl == key_lines.back().end() ? line : kl->second,
               rec.contains("id") && rec["id"].is_string() ? rec["id"].get<std::string>() : "", k,
               cut(v.dump(), 60), "a string, a number or a list of strings"});
          ok = false;
        }
      }
      if (ok)
        rows.emplace_back(std::move(f), line);
      else
        key_lines.pop_back();
      if (!ok) continue;
    }
  } else {
    const CsvTable t = parse_checked_csv(text, file, rejected, {});
    std::vector<std::string> missing;
    for (const auto& sf : standard_fields())
      if (sf.required && !t.column(sf.name)) missing.push_back(sf.name);
    if (!missing.empty()) {
      std::string m;
      for (const auto& s : missing) m += (m.empty() ? "" : ", ") + s;
      throw InputError(file, "line 1 (header)",
                       "the standard's required columns (id, pivot, nom, commune, code_postal, "
                       "adresse, date_maj)",
                       "missing: " + m);
    }
    std::set<std::string> known;
    for (const auto& sf : standard_fields()) known.insert(sf.name);
    for (const auto& h : t.header)
      if (!known.count(h)) ++defaulted["columns not in the standard, ignored: " + h];
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      std::map<std::string, std::string> f;
      for (std::size_t c = 0; c < t.header.size(); ++c)
        if (known.count(t.header[c]) && !t.rows[r][c].empty()) f[t.header[c]] = t.rows[r][c];
      rows.emplace_back(std::move(f), t.row_lines[r]);
      key_lines.emplace_back();
    }
  }
  std::vector<PlaceRecord> out;
  std::unordered_map<std::string, int> ids;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& f = rows[i].first;
    const int line = rows[i].second;
    const std::string id = f.count("id") ? f.at("id") : "";
    auto field_line = [&](const std::string& k) {
      const auto it = key_lines[i].find(k);
      return it == key_lines[i].end() ? line : it->second;
    };
    std::vector<Rejection> bad;
    for (const auto& [field, reason] : check_place(f))
      bad.push_back(
          {file, field_line(field), id, field, f.count(field) ? f.at(field) : "", reason});
    if (!id.empty()) {
      const auto [it, added] = ids.emplace(id, line);
      if (!added)
        bad.push_back({file, field_line("id"), id, "id", id,
                       "a unique id (the standard's primary key); already used on line " +
                           std::to_string(it->second)});
    }
    PlaceRecord p = place_from_fields(f, line);
    if (bad.empty() && p.has_coords && !in_france(p.lat, p.lon))
      bad.push_back({file, field_line("latitude"), id, "latitude",
                     f.at("latitude") + ", " + f.at("longitude"),
                     std::string(kFranceText) + "; latitude/longitude swapped?"});
    if (!bad.empty()) {
      rejected.insert(rejected.end(), bad.begin(), bad.end());
      continue;
    }
    out.push_back(std::move(p));
  }
  return out;
}

// ---- builder -----------------------------------------------------------------------------------

namespace {

// Equivalent area of each commune when the file has none: c × (mean distance to the 3 nearest
// centroids)², c fitted on the two vendored départements (docs/territories.md).
constexpr double kAreaPerSquaredSpacing = 1.12;

std::vector<double> estimate_areas(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<double> out(n, 20.0);
  if (n < 4) return out;
  const double xmin = *std::min_element(x.begin(), x.end()),
               xmax = *std::max_element(x.begin(), x.end());
  const double ymin = *std::min_element(y.begin(), y.end()),
               ymax = *std::max_element(y.begin(), y.end());
  const double w = std::max(xmax - xmin, 1.0), h = std::max(ymax - ymin, 1.0);
  const double cell = std::max(1.0, std::sqrt(w * h / static_cast<double>(n)) * 2);
  const int nx = static_cast<int>(w / cell) + 1, ny = static_cast<int>(h / cell) + 1;
  std::vector<std::vector<int>> grid(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  auto gx = [&](double v) { return std::clamp(static_cast<int>((v - xmin) / cell), 0, nx - 1); };
  auto gy = [&](double v) { return std::clamp(static_cast<int>((v - ymin) / cell), 0, ny - 1); };
  for (std::size_t i = 0; i < n; ++i)
    grid[static_cast<std::size_t>(gy(y[i]) * nx + gx(x[i]))].push_back(static_cast<int>(i));
  for (std::size_t i = 0; i < n; ++i) {
    std::array<double, 3> best = {1e300, 1e300, 1e300};
    for (int ring = 1;; ++ring) {
      const int cx = gx(x[i]), cy = gy(y[i]);
      for (int yy = std::max(0, cy - ring); yy <= std::min(ny - 1, cy + ring); ++yy)
        for (int xx = std::max(0, cx - ring); xx <= std::min(nx - 1, cx + ring); ++xx)
          for (int j : grid[static_cast<std::size_t>(yy * nx + xx)]) {
            if (static_cast<std::size_t>(j) == i) continue;
            const double d = std::hypot(x[i] - x[static_cast<std::size_t>(j)],
                                        y[i] - y[static_cast<std::size_t>(j)]);
            if (d < best[2]) {
              best[2] = d;
              std::sort(best.begin(), best.end());
            }
          }
      // Cells up to `ring` away cover every point within ring × cell.
      if (best[2] <= ring * cell || ring > std::max(nx, ny)) break;
    }
    const double mean = (best[0] + best[1] + best[2]) / 3;
    out[i] = std::max(0.5, kAreaPerSquaredSpacing * mean * mean);
  }
  return out;
}

Density density_of(int insee7) {
  if (insee7 == 1) return Density::Urban;
  if (insee7 >= 2 && insee7 <= 4) return Density::Periurban;
  return Density::Rural;
}

std::string list_rejections(const std::vector<Rejection>& rejected, std::size_t max) {
  std::string s;
  std::set<std::pair<std::string, int>> rows;
  for (const auto& r : rejected) rows.insert({r.file, r.line});
  s += std::to_string(rows.size()) + " invalid row(s) (" + std::to_string(rejected.size()) +
       " problem(s)):";
  for (std::size_t i = 0; i < rejected.size() && i < max; ++i) s += "\n  " + rejected[i].text();
  if (rejected.size() > max) s += "\n  ... and " + std::to_string(rejected.size() - max) + " more";
  s += "\n  (nothing was written; fix the rows, or pass --skip-invalid to keep the valid rows and "
       "write the "
       "rejected ones with their reasons to a CSV)";
  return s;
}

}  // namespace

BuildResult build_territory(const BuildInput& in) {
  BuildResult res;
  BuildReport& rep = res.report;
  Territory& t = res.territory;
  check_utf8(in.communes_text, in.communes_file);
  std::vector<CommuneRecord> communes =
      read_communes(in.communes_text, in.communes_file, rep.rejected);
  std::vector<PlaceRecord> places;
  if (!in.places_text.empty())
    places = read_places(in.places_text, in.places_file, rep.rejected, rep.defaulted);
  if (communes.empty())
    throw InputError(in.communes_file, "", "at least one valid commune",
                     "none (" + list_rejections(rep.rejected, 10) + ")");
  t.name = in.name;
  t.description =
      in.description.empty() ? "Territory built from " + in.communes_file : in.description;
  t.source = in.source.empty()
                 ? in.communes_file + (in.places_file.empty() ? "" : " + " + in.places_file)
                 : in.source;
  t.note = in.note;
  t.geographic = true;
  double lat0 = 0, lon0 = 0;
  for (const auto& c : communes) {
    lat0 += c.lat / static_cast<double>(communes.size());
    lon0 += c.lon / static_cast<double>(communes.size());
  }
  const double kx = 111.32 * std::cos(lat0 * M_PI / 180), ky = 110.57;
  std::vector<double> xs, ys;
  for (const auto& c : communes) {
    xs.push_back((c.lon - lon0) * kx);
    ys.push_back((c.lat - lat0) * ky);
  }
  std::vector<double> est;
  if (std::any_of(communes.begin(), communes.end(), [](const auto& c) { return c.area_km2 <= 0; }))
    est = estimate_areas(xs, ys);
  std::unordered_map<std::string, int> epci_index, zone_index;
  std::set<std::string> departments;
  const auto all_rows = static_cast<long long>(communes.size() + places.size());
  long long rows_done = 0;
  const auto step = [&] {
    if (in.progress && (++rows_done % 256 == 0 || rows_done == all_rows))
      in.progress(rows_done, all_rows);
  };
  for (std::size_t i = 0; i < communes.size(); ++i) {
    step();
    const CommuneRecord& c = communes[i];
    Zone z;
    z.code = c.code;
    z.name = c.name;
    z.lat = c.lat;
    z.lon = c.lon;
    z.x_km = xs[i];
    z.y_km = ys[i];
    if (c.area_km2 > 0)
      z.area_km2 = c.area_km2;
    else {
      z.area_km2 = est[i];
      ++rep.defaulted["communes without area_km2 (area estimated from the spacing of centroids)"];
    }
    const auto [it, added] = epci_index.emplace(c.epci_code, static_cast<int>(t.epci_names.size()));
    if (added) t.epci_names.push_back(c.epci_name);
    z.epci = it->second;
    const double pop = c.population >= 0
                           ? c.population
                           : std::accumulate(c.adults.begin(), c.adults.end(), 0.0) / 0.82;
    z.density_insee = c.density_insee;
    if (c.density_insee > 0)
      z.density = density_of(c.density_insee);
    else {
      z.density = density_from(pop / z.area_km2);
      ++rep.defaulted["communes without density (class from inhabitants per km²)"];
    }
    if (c.has_age_bands)
      z.adults = c.adults;
    else {
      z.adults = adults_from_population(pop, z.density);
      ++rep.defaulted
            ["communes without age bands (adults from population, national shares by density)"];
    }
    if (c.broadband_share >= 0)
      z.broadband_share = c.broadband_share;
    else {
      z.broadband_share = default_broadband(z.density);
      ++rep.defaulted["communes without broadband_share (default by density)"];
    }
    zone_index[z.code] = static_cast<int>(t.zones.size());
    departments.insert(department_of(z.code));
    t.zones.push_back(std::move(z));
  }
  for (const auto& p : places) {
    step();
    Rejection bad{in.places_file, p.line, p.id, "", "", ""};
    int zone = -1;
    if (!p.code_insee.empty()) {
      const auto it = zone_index.find(p.code_insee);
      if (it == zone_index.end()) {
        if (!departments.count(department_of(p.code_insee))) {
          ++rep.outside;  // another département: out of this territory
          continue;
        }
        bad.field = "code_insee";
        bad.value = p.code_insee;
        bad.reason = "a commune of the communes file (" + in.communes_file + ")";
        rep.rejected.push_back(bad);
        continue;
      }
      zone = it->second;
    }
    double x = 0, y = 0;
    if (p.has_coords) {
      x = (p.lon - lon0) * kx;
      y = (p.lat - lat0) * ky;
    }
    if (zone < 0) {
      if (!p.has_coords) {
        bad.field = "code_insee";
        bad.reason = "a code_insee or latitude/longitude to place it";
        rep.rejected.push_back(bad);
        continue;
      }
      double best = 1e300;
      for (std::size_t z = 0; z < t.zones.size(); ++z) {
        const double d = std::hypot(t.zones[z].x_km - x, t.zones[z].y_km - y);
        if (d < best) best = d, zone = static_cast<int>(z);
      }
      ++rep.defaulted["places without code_insee (commune = nearest centroid)"];
    }
    const Zone& z = t.zones[static_cast<std::size_t>(zone)];
    if (p.has_coords) {
      const double d = std::hypot(z.x_km - x, z.y_km - y);
      const double limit = 10.0 + 2.0 * std::sqrt(z.area_km2 / M_PI);
      if (d > limit) {
        std::ostringstream why;
        why << std::fixed << std::setprecision(1) << "coordinates within " << limit
            << " km of the centroid of " << z.code << " " << z.name
            << " (10 km + 2 commune radii); they are " << d << " km away";
        bad.field = "latitude";
        bad.value = std::to_string(p.lat) + ", " + std::to_string(p.lon);
        bad.reason = why.str();
        rep.rejected.push_back(bad);
        continue;
      }
    }
    PointSpec s;
    s.id = p.id;
    s.name = p.name;
    s.zone = zone;
    PlaceInfo info;
    info.typologie = p.typologie;
    info.date_maj = p.date_maj;
    if (p.has_coords) {
      info.lat = p.lat;
      info.lon = p.lon;
      info.x_km = x;
      info.y_km = y;
    } else {
      info.at_centroid = true;
      info.lat = z.lat;
      info.lon = z.lon;
      info.x_km = z.x_km;
      info.y_km = z.y_km;
      ++rep.defaulted["places without coordinates (placed at their commune's centroid)"];
    }
    if (p.itinerant)
      s.type = PointType::Mobile;
    else if (!p.typologie.empty())
      s.type = point_type_for(split(p.typologie, '|').front());
    else {
      s.type = PointType::Epn;
      ++rep.defaulted["places without typologie (typed EPN)"];
    }
    if (p.has_services)
      s.services = p.services;
    else {
      s.services = default_services(s.type);
      ++rep.defaulted["places without services (the type's default services)"];
    }
    s.fte = default_fte(s.type);
    if (p.horaires.empty()) {
      ++rep.defaulted["places without horaires (full mediation time of the type)"];
    } else {
      const double h = osm_weekly_hours(p.horaires);
      if (h < 0) {
        ++rep.defaulted["places with horaires not read (full mediation time of the type)"];
      } else {
        s.hours_per_week = h;
        s.fte *= std::min(1.0, h / 35.0);
      }
    }
    if (p.date_maj < "2000")
      ++rep.placeholder_dates;
    else {
      if (rep.places_date_min.empty() || p.date_maj < rep.places_date_min)
        rep.places_date_min = p.date_maj;
      if (rep.places_date_max.empty() || p.date_maj > rep.places_date_max)
        rep.places_date_max = p.date_maj;
    }
    t.points.push_back(std::move(s));
    t.place_info.push_back(std::move(info));
  }
  std::stable_sort(rep.rejected.begin(), rep.rejected.end(),
                   [](const Rejection& a, const Rejection& b) {
                     return a.file != b.file ? a.file < b.file : a.line < b.line;
                   });
  if (!rep.rejected.empty() && !in.skip_invalid)
    throw InputError(rep.rejected.front().file, "", "valid rows",
                     list_rejections(rep.rejected, 20));
  t.places_date_min = rep.places_date_min;
  t.places_date_max = rep.places_date_max;
  std::set<std::pair<std::string, int>> rows;
  for (const auto& r : rep.rejected) rows.insert({r.file, r.line});
  t.rejected_rows = static_cast<int>(rows.size());
  t.outside_places = rep.outside;
  return res;
}

namespace {
std::string read_file_text(const std::filesystem::path& p, const char* what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p.string(), "", std::string("a readable ") + what, "cannot open it");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

BuildResult build_territory_files(const std::string& name, const std::filesystem::path& communes,
                                  const std::filesystem::path& places, bool skip_invalid,
                                  const std::function<void(long long, long long)>& progress) {
  BuildInput in;
  in.name = name;
  in.communes_file = communes.string();
  in.communes_text = read_file_text(communes, "communes CSV");
  if (!places.empty()) {
    in.places_file = places.string();
    in.places_text = read_file_text(places, "places file (CSV or JSON)");
    if (in.places_text.find_first_not_of(" \t\r\n") == std::string::npos)
      throw InputError(in.places_file, "line 1", "places (CSV with a header, or a JSON array)",
                       "an empty file");
  }
  in.skip_invalid = skip_invalid;
  in.progress = progress;
  return build_territory(in);
}

// ---- territory JSON ----------------------------------------------------------------------------

namespace {
nlohmann::json services_json(std::uint16_t bits) {
  nlohmann::json a = nlohmann::json::array();
  for (int k = 0; k < kServiceCount; ++k)
    if (bits & (1u << k)) a.push_back(std::string(kServiceLabels[static_cast<std::size_t>(k)]));
  return a;
}
const char* density_name(Density d) {
  return kDensityNames[static_cast<std::size_t>(d)];
}
}  // namespace

nlohmann::json territory_info(const Territory& t) {
  nlohmann::json j = {{"name", t.name},
                      {"description", t.description},
                      {"source", t.source},
                      {"communes", t.zones.size()},
                      {"adults", std::round(t.total_adults())},
                      {"places", t.points.size()}};
  if (!t.places_date_min.empty())
    j["places_dates"] = {{"min", t.places_date_min}, {"max", t.places_date_max}};
  if (!t.note.empty()) j["note"] = t.note;
  if (t.geographic) {
    j["rejected_rows"] = t.rejected_rows;
    j["places_outside"] = t.outside_places;
    // For the report's map: communes (code, name, lat, lon, adults, car minutes to the nearest
    // place helping with procedures at the start) and places (lat, lon, model type).
    nlohmann::json communes = nlohmann::json::array(), places = nlohmann::json::array();
    for (std::size_t z = 0; z < t.zones.size(); ++z) {
      double best = -1;
      for (std::size_t p = 0; p < t.points.size(); ++p) {
        if (!(t.points[p].services & kAdminProcedures)) continue;
        const double km = km_to_point(t, static_cast<int>(z), p);
        if (best < 0 || km < best) best = km;
      }
      const Zone& zz = t.zones[z];
      const double minutes = best < 0 ? -1 : mode_minutes(best, Mode::Car, zz.density);
      communes.push_back(
          {zz.code, zz.name, zz.lat, zz.lon, std::round(zz.total_adults()),
           best < 0 ? nlohmann::json(nullptr) : nlohmann::json(std::round(minutes * 10) / 10)});
    }
    for (std::size_t p = 0; p < t.points.size(); ++p) {
      const Zone& zz = t.zones[static_cast<std::size_t>(t.points[p].zone)];
      const bool own = p < t.place_info.size();
      places.push_back({own ? t.place_info[p].lat : zz.lat, own ? t.place_info[p].lon : zz.lon,
                        type_code(t.points[p].type)});
    }
    j["map"] = {{"communes_columns",
                 {"code", "name", "lat", "lon", "adults", "car_minutes_to_procedure_help"}},
                {"communes", communes},
                {"places_columns", {"lat", "lon", "type"}},
                {"places", places}};
  }
  return j;
}

nlohmann::json territory_to_json(const BuildResult& r) {
  const Territory& t = r.territory;
  nlohmann::json j = {{"format", "govsim-territory/1"},
                      {"name", t.name},
                      {"description", t.description},
                      {"source", t.source},
                      {"note", t.note}};
  j["places_dates"] = {{"min", t.places_date_min},
                       {"max", t.places_date_max},
                       {"placeholders", r.report.placeholder_dates}};
  j["geography"] = {{"detour_factor", road_detour_factor()}};
  j["epcis"] = t.epci_names;
  nlohmann::json zs = nlohmann::json::array();
  for (const auto& z : t.zones) {
    nlohmann::json a = nlohmann::json::array();
    for (double v : z.adults) a.push_back(v);
    zs.push_back({{"code", z.code},
                  {"name", z.name},
                  {"lat", z.lat},
                  {"lon", z.lon},
                  {"area_km2", z.area_km2},
                  {"density_insee", z.density_insee},
                  {"density", density_name(z.density)},
                  {"epci", z.epci},
                  {"adults", a},
                  {"broadband_share", z.broadband_share}});
  }
  j["communes"] = zs;
  nlohmann::json ps = nlohmann::json::array();
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const PointSpec& p = t.points[i];
    const Zone& z = t.zones[static_cast<std::size_t>(p.zone)];
    const PlaceInfo info = i < t.place_info.size()
                               ? t.place_info[i]
                               : PlaceInfo{z.x_km, z.y_km, z.lat, z.lon, true, "", ""};
    ps.push_back({{"id", p.id},
                  {"name", p.name},
                  {"commune", z.code},
                  {"lat", info.lat},
                  {"lon", info.lon},
                  {"at_centroid", info.at_centroid},
                  {"type", type_code(p.type)},
                  {"typologie", info.typologie},
                  {"services", services_json(p.services)},
                  {"fte", p.fte},
                  {"hours_per_week", p.hours_per_week},
                  {"date_maj", info.date_maj}});
  }
  j["places"] = ps;
  nlohmann::json rej = nlohmann::json::array();
  for (const auto& x : r.report.rejected)
    rej.push_back({{"file", x.file},
                   {"line", x.line},
                   {"record", x.record},
                   {"field", x.field},
                   {"value", x.value},
                   {"reason", x.reason}});
  j["rejected"] = rej;
  j["places_outside"] = r.report.outside;
  j["defaulted"] = r.report.defaulted;
  return j;
}

namespace {
Territory territory_from_json_unchecked(const nlohmann::json& j, const std::string& file);
}

Territory territory_from_json(const nlohmann::json& j, const std::string& file) {
  try {
    return territory_from_json_unchecked(j, file);
  } catch (const nlohmann::json::exception& e) {
    // A value of the wrong type where an optional key was read with a default.
    throw InputError(file, "", "a territory JSON as written by `govsim territory build`", e.what());
  }
}

namespace {
Territory territory_from_json_unchecked(const nlohmann::json& j, const std::string& file) {
  auto at = [&](const nlohmann::json& o, const std::string& ptr, const char* key,
                nlohmann::json::value_t type, const char* want) -> const nlohmann::json& {
    if (!o.is_object() || !o.contains(key))
      throw InputError(file, ptr, std::string("a key \"") + key + "\" (" + want + ")", "none");
    const auto& v = o[key];
    const bool ok =
        type == nlohmann::json::value_t::number_float ? v.is_number() : v.type() == type;
    if (!ok) throw InputError(file, ptr + "/" + key, want, cut(v.dump(), 80));
    return v;
  };
  using VT = nlohmann::json::value_t;
  if (!j.is_object() || j.value("format", "") != "govsim-territory/1")
    throw InputError(file, "/format",
                     "\"govsim-territory/1\" (a file written by `govsim territory build`)",
                     j.is_object() && j.contains("format") ? j["format"].dump() : "none");
  Territory t;
  t.name = at(j, "", "name", VT::string, "a string").get<std::string>();
  t.description = j.value("description", "");
  t.source = j.value("source", "");
  t.note = j.value("note", "");
  t.geographic = true;
  if (j.contains("places_dates") && j["places_dates"].is_object()) {
    t.places_date_min = j["places_dates"].value("min", "");
    t.places_date_max = j["places_dates"].value("max", "");
  }
  for (const auto& e : at(j, "", "epcis", VT::array, "an array of EPCI names")) {
    if (!e.is_string()) throw InputError(file, "/epcis", "EPCI names (strings)", e.dump());
    t.epci_names.push_back(e.get<std::string>());
  }
  const auto& zs = at(j, "", "communes", VT::array, "an array of communes");
  if (zs.empty()) throw InputError(file, "/communes", "at least one commune", "[]");
  double lat0 = 0, lon0 = 0;
  for (std::size_t i = 0; i < zs.size(); ++i) {
    const std::string ptr = "/communes/" + std::to_string(i);
    lat0 += at(zs[i], ptr, "lat", VT::number_float, "a latitude").get<double>() /
            static_cast<double>(zs.size());
    lon0 += at(zs[i], ptr, "lon", VT::number_float, "a longitude").get<double>() /
            static_cast<double>(zs.size());
  }
  const double kx = 111.32 * std::cos(lat0 * M_PI / 180), ky = 110.57;
  std::unordered_map<std::string, int> index;
  for (std::size_t i = 0; i < zs.size(); ++i) {
    const std::string ptr = "/communes/" + std::to_string(i);
    const auto& o = zs[i];
    Zone z;
    z.code = at(o, ptr, "code", VT::string, "a string").get<std::string>();
    z.name = at(o, ptr, "name", VT::string, "a string").get<std::string>();
    z.lat = o["lat"].get<double>();
    z.lon = o["lon"].get<double>();
    if (!in_france(z.lat, z.lon))
      throw InputError(file, ptr + "/lat", kFranceText,
                       std::to_string(z.lat) + ", " + std::to_string(z.lon));
    z.x_km = (z.lon - lon0) * kx;
    z.y_km = (z.lat - lat0) * ky;
    z.area_km2 = at(o, ptr, "area_km2", VT::number_float, "an area in km²").get<double>();
    if (!(z.area_km2 > 0))
      throw InputError(file, ptr + "/area_km2", "an area > 0", o["area_km2"].dump());
    z.density_insee = o.value("density_insee", 0);
    const std::string dn =
        at(o, ptr, "density", VT::string, "urban, periurban or rural").get<std::string>();
    bool found = false;
    for (int d = 0; d < kDensityClasses; ++d)
      if (dn == kDensityNames[static_cast<std::size_t>(d)])
        z.density = static_cast<Density>(d), found = true;
    if (!found)
      throw InputError(file, ptr + "/density", "urban, periurban or rural", "'" + dn + "'");
    const auto& e = at(o, ptr, "epci", VT::number_float, "an index into /epcis");
    if (!e.is_number_integer() || e.get<long long>() < 0 ||
        e.get<long long>() >= static_cast<long long>(t.epci_names.size()))
      throw InputError(file, ptr + "/epci", "an index into /epcis", e.dump());
    z.epci = e.get<int>();
    const auto& a = at(o, ptr, "adults", VT::array, "five numbers of adults by age band");
    if (a.size() != kAgeBands || !std::all_of(a.begin(), a.end(), [](const auto& v) {
          return v.is_number() && v.template get<double>() >= 0;
        }))
      throw InputError(file, ptr + "/adults",
                       "five numbers >= 0 (adults aged 15-29, 30-44, 45-59, 60-74, 75+)",
                       cut(a.dump(), 80));
    for (int k = 0; k < kAgeBands; ++k)
      z.adults[static_cast<std::size_t>(k)] = a[static_cast<std::size_t>(k)].get<double>();
    z.broadband_share = at(o, ptr, "broadband_share", VT::number_float, "a share").get<double>();
    if (z.broadband_share < 0 || z.broadband_share > 1)
      throw InputError(file, ptr + "/broadband_share", "a share in [0, 1]",
                       o["broadband_share"].dump());
    if (!index.emplace(z.code, static_cast<int>(i)).second)
      throw InputError(file, ptr + "/code", "a unique commune code", "'" + z.code + "' twice");
    t.zones.push_back(std::move(z));
  }
  const auto& ps = at(j, "", "places", VT::array, "an array of places");
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const std::string ptr = "/places/" + std::to_string(i);
    const auto& o = ps[i];
    PointSpec p;
    p.id = at(o, ptr, "id", VT::string, "a string").get<std::string>();
    p.name = o.value("name", "");
    const std::string code = at(o, ptr, "commune", VT::string, "a commune code").get<std::string>();
    const auto it = index.find(code);
    if (it == index.end())
      throw InputError(file, ptr + "/commune", "a code of /communes", "'" + code + "'");
    p.zone = it->second;
    const std::string type = at(o, ptr, "type", VT::string, "a point type").get<std::string>();
    bool found = false;
    for (int k = 0; k < kPointTypes; ++k)
      if (type == type_code(static_cast<PointType>(k)))
        p.type = static_cast<PointType>(k), found = true;
    if (!found)
      throw InputError(file, ptr + "/type", "EPN, BIB, RFS, CS, CCAS, TIERS_LIEUX or ITINERANT",
                       "'" + type + "'");
    for (const auto& s : at(o, ptr, "services", VT::array, "service labels")) {
      const std::uint16_t b = s.is_string() ? services_from(s.get<std::string>()) : 0;
      if (!b)
        throw InputError(file, ptr + "/services", "labels of the standard's 9 service categories",
                         s.dump());
      p.services = static_cast<std::uint16_t>(p.services | b);
    }
    p.fte = at(o, ptr, "fte", VT::number_float, "mediator FTE").get<double>();
    if (p.fte < 0 || p.fte > 100)
      throw InputError(file, ptr + "/fte", "FTE in [0, 100]", o["fte"].dump());
    p.hours_per_week = o.value("hours_per_week", 0.0);
    PlaceInfo info;
    info.lat = at(o, ptr, "lat", VT::number_float, "a latitude").get<double>();
    info.lon = at(o, ptr, "lon", VT::number_float, "a longitude").get<double>();
    if (!in_france(info.lat, info.lon))
      throw InputError(file, ptr + "/lat", kFranceText,
                       std::to_string(info.lat) + ", " + std::to_string(info.lon));
    info.x_km = (info.lon - lon0) * kx;
    info.y_km = (info.lat - lat0) * ky;
    info.at_centroid = o.value("at_centroid", false);
    info.typologie = o.value("typologie", "");
    info.date_maj = o.value("date_maj", "");
    t.points.push_back(std::move(p));
    t.place_info.push_back(std::move(info));
  }
  if (j.contains("rejected") && j["rejected"].is_array()) {
    std::set<std::pair<std::string, long long>> rows;
    for (const auto& r : j["rejected"])
      if (r.is_object()) rows.insert({r.value("file", ""), r.value("line", 0LL)});
    t.rejected_rows = static_cast<int>(rows.size());
  }
  t.outside_places = j.value("places_outside", 0);
  return t;
}
}  // namespace

Territory load_territory_json(const std::filesystem::path& path) {
  const std::string text = read_file_text(path, "territory JSON");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(path.string(),
                     "line " + std::to_string(line_of_offset(text, e.byte > 0 ? e.byte - 1 : 0)),
                     "valid JSON", e.what());
  }
  return territory_from_json(j, path.string());
}

std::string rejections_csv(const std::vector<Rejection>& rejected) {
  auto q = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
  };
  std::string out = "file,line,record,field,value,reason\n";
  for (const auto& r : rejected)
    out += q(r.file) + "," + std::to_string(r.line) + "," + q(r.record) + "," + q(r.field) + "," +
           q(r.value) + "," + q(r.reason) + "\n";
  return out;
}

std::string build_summary(const BuildResult& r) {
  const Territory& t = r.territory;
  std::ostringstream o;
  o << std::fixed;
  double pop = 0;
  std::array<int, kDensityClasses> dens{};
  std::array<double, kDensityClasses> dens_adults{};
  for (const auto& z : t.zones) {
    pop += z.total_adults();
    ++dens[static_cast<std::size_t>(z.density)];
    dens_adults[static_cast<std::size_t>(z.density)] += z.total_adults();
  }
  o << "Territory '" << t.name << "': " << t.zones.size() << " communes in " << t.epci_names.size()
    << " EPCI, " << std::setprecision(0) << pop << " adults (15+)\n";
  o << "  density:";
  for (int d = 0; d < kDensityClasses; ++d)
    o << " " << kDensityNames[static_cast<std::size_t>(d)] << " "
      << dens[static_cast<std::size_t>(d)] << " communes ("
      << dens_adults[static_cast<std::size_t>(d)] << " adults)"
      << (d + 1 < kDensityClasses ? ";" : "\n");
  o << "Places: " << t.points.size() << " kept";
  if (!t.places_date_min.empty())
    o << ", updated " << t.places_date_min << " to " << t.places_date_max;
  if (r.report.placeholder_dates)
    o << " (" << r.report.placeholder_dates << " with a placeholder date before 2000, not counted)";
  o << "\n  by model type:";
  std::array<int, kPointTypes> types{};
  std::array<int, kServiceCount> serv{};
  std::map<std::string, int> first_codes;
  int centroid = 0;
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const PointSpec& p = t.points[i];
    ++types[static_cast<std::size_t>(p.type)];
    for (int k = 0; k < kServiceCount; ++k)
      serv[static_cast<std::size_t>(k)] += (p.services >> k) & 1;
    const std::string typ = i < t.place_info.size() ? t.place_info[i].typologie : type_code(p.type);
    ++first_codes[typ.empty() ? "(none)" : split(typ, '|').front()];
    if (i < t.place_info.size()) centroid += t.place_info[i].at_centroid;
  }
  for (int k = 0; k < kPointTypes; ++k)
    if (types[static_cast<std::size_t>(k)])
      o << " " << type_code(static_cast<PointType>(k)) << " " << types[static_cast<std::size_t>(k)];
  o << "\n  by first typologie code:";
  for (const auto& [c, n] : first_codes) o << " " << c << " " << n;
  o << "\n  services offered (places):\n";
  for (int k = 0; k < kServiceCount; ++k)
    o << "    " << std::setw(4) << serv[static_cast<std::size_t>(k)] << "  "
      << kServiceLabels[static_cast<std::size_t>(k)] << "\n";
  if (!t.points.empty()) {
    o << "Access (adults whose commune centroid is within N minutes of a place, detour factor "
      << std::setprecision(1) << road_detour_factor() << "):\n";
    // Minutes grow with distance for a given origin, so the nearest place (road km) is the
    // quickest by every mode: one pass over communes x places.
    std::vector<double> nearest_km(t.zones.size(), 1e300);
    for (std::size_t z = 0; z < t.zones.size(); ++z)
      for (std::size_t p = 0; p < t.points.size(); ++p)
        nearest_km[z] = std::min(nearest_km[z], km_to_point(t, static_cast<int>(z), p));
    for (int m = 0; m < kModes; ++m) {
      double within15 = 0, within30 = 0;
      for (std::size_t z = 0; z < t.zones.size(); ++z) {
        const double best = mode_minutes(nearest_km[z], static_cast<Mode>(m), t.zones[z].density);
        if (best <= 15) within15 += t.zones[z].total_adults();
        if (best <= 30) within30 += t.zones[z].total_adults();
      }
      o << "    " << std::setw(16) << std::left << kModeNames[static_cast<std::size_t>(m)]
        << std::right << std::setprecision(1) << " 15 min: " << 100 * within15 / pop
        << "%   30 min: " << 100 * within30 / pop << "%\n";
    }
  }
  if (!r.report.defaulted.empty()) {
    o << "Defaulted:\n";
    for (const auto& [what, n] : r.report.defaulted)
      o << "    " << std::setw(4) << n << "  " << what << "\n";
  }
  if (r.report.outside)
    o << "Left out: " << r.report.outside << " places in départements not in the communes file\n";
  std::set<std::pair<std::string, int>> rows;
  for (const auto& x : r.report.rejected) rows.insert({x.file, x.line});
  if (centroid)
    o << "Placed at their commune's centroid (no coordinates): " << centroid << " places\n";
  o << "Rejected: " << std::max<std::size_t>(rows.size(), static_cast<std::size_t>(t.rejected_rows))
    << " rows";
  if (!r.report.rejected.empty()) {
    o << ":\n";
    for (const auto& x : r.report.rejected) o << "    " << x.text() << "\n";
  } else {
    o << "\n";
  }
  if (!t.note.empty()) o << "Note: " << t.note << "\n";
  return o.str();
}

// ---- vendored real territories ----------------------------------------------------------------

namespace {
struct RealSpec {
  const char* name;
  const char* dir;
  const char* description;
  const char* source;
  const char* note;
};
const RealSpec kReal[] = {
    {"loir-et-cher", "data/territories/loir-et-cher",
     "Loir-et-Cher (41), real: 267 communes (COG 2024), 85 mediation places (Hub-lo export)",
     "INSEE legal populations 2021, IGN Admin Express 2018 centroids, DGCL EPCI 2024, INSEE "
     "density grid 2024; "
     "places: Hub-lo (Centre-Val de Loire) via anct-cartographie-nationale/mednum-cli "
     "(data/territories/PROVENANCE.md)",
     "Loir-et-Cher's places data date mostly from 2020 (Hub-lo export, date_maj 2020-06 to "
     "2022-12), before the "
     "Conseillers numériques and France Services roll-out: it under-represents today's offer."},
    {"charente", "data/territories/charente",
     "Charente (16), real: 362 communes (COG 2024), 200 mediation places (national cartography "
     "2023 + France Services bus)",
     "INSEE legal populations 2021, IGN Admin Express 2018 centroids, DGCL EPCI 2024, INSEE "
     "density grid 2024; "
     "places: ANCT national cartography export (July 2023) and the Charente France Services bus "
     "(Sept. 2023) "
     "(data/territories/PROVENANCE.md)",
     ""},
};
}  // namespace

std::vector<std::string> real_territory_names() {
  return {"loir-et-cher", "charente"};
}

bool is_real_territory(const std::string& name) {
  for (const auto& r : kReal)
    if (name == r.name) return true;
  return false;
}

BuildResult real_territory(const std::string& name) {
  for (const auto& r : kReal) {
    if (name != r.name) continue;
    BuildInput in;
    in.name = r.name;
    in.description = r.description;
    in.source = r.source;
    in.note = r.note;
    in.communes_file = std::string(r.dir) + "/communes.csv";
    in.places_file = std::string(r.dir) + "/places.json";
    in.communes_text = std::string(embedded_file(in.communes_file));
    in.places_text = std::string(embedded_file(in.places_file));
    // The vendored files are unchanged copies: rows failing the strict checks are left out and
    // listed (`govsim territory show NAME`), never edited.
    in.skip_invalid = true;
    return build_territory(in);
  }
  throw std::invalid_argument("unknown real territory '" + name + "'");
}

}  // namespace govsim::inclusion
