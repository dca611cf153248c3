// The national standard for digital-mediation places (models/inclusion/mednum_standard.hpp).
#include "models/inclusion/mednum_standard.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "models/inclusion/mednum_pattern.hpp"
#include "models/inclusion/open_data_text.hpp"
#include "models/inclusion/vendored_data.hpp"

namespace govsim::inclusion {

using open_data::parse_number;
using open_data::split;
using open_data::trim;
using open_data::utf8_length;
using open_data::valid_date;

namespace {

constexpr const char* kSchemaPath =
    "data/territories/reference/mednum-lieux-mediation-numerique.schema.json";
constexpr const char* kTypologyPath =
    "data/territories/reference/data-inclusion-typologies-structures-v0.json";
struct Standard {
  std::vector<StandardField> fields;
  std::vector<FieldPattern> patterns;  // parallel to fields (the empty pattern when none)
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
      st.patterns.emplace_back(sf.pattern);
      st.fields.push_back(std::move(sf));
    }
    for (const auto& t : nlohmann::json::parse(embedded_file(kTypologyPath)))
      st.typology[t.at("value").get<std::string>()] = t.value("label", "");
    return st;
  }();
  return s;
}

}  // namespace

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

std::uint16_t services_from(const std::string& s) {
  std::uint16_t bits = 0;
  for (const auto& label : split(s, '|'))
    for (int k = 0; k < kServiceCount; ++k)
      if (kServiceLabels[static_cast<std::size_t>(k)] == label)
        bits = static_cast<std::uint16_t>(bits | (1u << k));
  return bits;
}

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
      {"PIMMS", PointType::SocialCentre},
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
      // joined make ~400 bytes): longer text is refused without running the matcher.
      if (v.size() > 1000 || !st.patterns[i].full_match(v))
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

}  // namespace govsim::inclusion
