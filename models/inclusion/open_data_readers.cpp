// Strict readers of the communes CSV and of places in the national standard, CSV or JSON
// (models/inclusion/open_data_readers.hpp).
#include "models/inclusion/open_data_readers.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>

#include "engine/csv.hpp"
#include "engine/errors.hpp"
#include "models/inclusion/mednum_pattern.hpp"
#include "models/inclusion/mednum_standard.hpp"
#include "models/inclusion/open_data_text.hpp"

namespace govsim::inclusion {

using open_data::check_utf8;
using open_data::cut;
using open_data::in_france;
using open_data::kFranceText;
using open_data::line_of_offset;
using open_data::parse_number;
using open_data::split;
using open_data::trim;

std::string Rejection::text() const {
  std::string s = file + ": line " + std::to_string(line);
  if (!record.empty()) s += " (id '" + record + "')";
  if (!field.empty()) s += ", field '" + field + "'";
  s += ": " + reason;
  if (!value.empty()) s += " (got '" + cut(value, 80) + "')";
  return s;
}

namespace {

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
  p.source = get("source");
  p.dispositifs = get("dispositif_programmes_nationaux");
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
  static const FieldPattern code_re("^([013-9]\\d|2[AB1-9])\\d{3}$");  // as the standard's
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
    if (!code_re.full_match(c.code))
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
    const nlohmann::json doc = open_data::parse_json(text, file);
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
}  // namespace govsim::inclusion
