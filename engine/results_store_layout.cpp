// The run layout of a results store as JSON (meta.layout), and the differences between two
// JSON documents named for error messages.
#include <climits>
#include <cstdint>

#include "engine/results_store_detail.hpp"
#include "engine/store_sqlite.hpp"

namespace govsim::store_detail {

using namespace store_sqlite;

json layout_to_json(const RunLayout& layout) {
  json j{{"metric_names", layout.metric_names},
         {"series_names", layout.series_names},
         {"weeks", layout.weeks}};
  if (!layout.zone_fields.empty()) {  // absent when the runs record no per-zone values
    j["zone_attributes"] = layout.zone_attributes;
    j["zones"] = layout.zones;
    j["zone_fields"] = layout.zone_fields;
    j["zone_ratios"] = layout.zone_ratios;
    if (!layout.zone_group.empty()) j["zone_group"] = layout.zone_group;
    if (!layout.zone_class_attribute.empty())
      j["zone_classes"] = {{"attribute", layout.zone_class_attribute},
                           {"label", layout.zone_class_label},
                           {"breaks", layout.zone_class_breaks}};
  }
  return j;
}

std::vector<std::string> string_array(const fs::path& path, const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) {
    fail(path, std::string("meta.layout is malformed: '") + key + "' is not an array");
  }
  std::vector<std::string> names;
  names.reserve(it->size());
  for (const auto& name : *it) {
    if (!name.is_string()) {
      fail(path, std::string("meta.layout is malformed: '") + key + "' holds a non-string");
    }
    names.push_back(name.get<std::string>());
  }
  return names;
}

RunLayout layout_from_json(const fs::path& path, const json& j) {
  if (!j.is_object()) fail(path, "meta.layout is malformed: not an object");
  RunLayout layout;
  layout.metric_names = string_array(path, j, "metric_names");
  layout.series_names = string_array(path, j, "series_names");
  const auto weeks = j.find("weeks");
  if (weeks == j.end() || !weeks->is_number_integer() || weeks->get<std::int64_t>() < 0 ||
      weeks->get<std::int64_t>() > INT_MAX) {
    fail(path, "meta.layout is malformed: 'weeks' is not a non-negative int");
  }
  layout.weeks = weeks->get<int>();
  if (j.contains("zone_fields")) {
    layout.zone_fields = string_array(path, j, "zone_fields");
    layout.zone_attributes = string_array(path, j, "zone_attributes");
    const auto zones = j.find("zones");
    if (zones == j.end() || !zones->is_array())
      fail(path, "meta.layout is malformed: 'zones' is not an array");
    for (const auto& row : *zones) {
      if (!row.is_array() || row.size() != layout.zone_attributes.size())
        fail(path, "meta.layout is malformed: a row of 'zones' does not match 'zone_attributes'");
      std::vector<std::string> r;
      for (const auto& v : row) {
        if (!v.is_string()) fail(path, "meta.layout is malformed: 'zones' holds a non-string");
        r.push_back(v.get<std::string>());
      }
      layout.zones.push_back(std::move(r));
    }
    if (const auto ratios = j.find("zone_ratios"); ratios != j.end()) {
      if (!ratios->is_array())
        fail(path, "meta.layout is malformed: 'zone_ratios' is not an array");
      for (const auto& r : *ratios) {
        if (!r.is_array() || r.size() != 3 || !r[0].is_string() || !r[1].is_string() ||
            !r[2].is_string())
          fail(path, "meta.layout is malformed: a 'zone_ratios' entry is not [name, num, den]");
        layout.zone_ratios.push_back(
            {r[0].get<std::string>(), r[1].get<std::string>(), r[2].get<std::string>()});
      }
    }
    if (const auto g = j.find("zone_group"); g != j.end()) {
      if (!g->is_string()) fail(path, "meta.layout is malformed: 'zone_group' is not a string");
      layout.zone_group = g->get<std::string>();
    }
    if (const auto c = j.find("zone_classes"); c != j.end()) {
      if (!c->is_object() || !c->contains("attribute") || !(*c)["attribute"].is_string() ||
          !c->contains("label") || !(*c)["label"].is_string() || !c->contains("breaks") ||
          !(*c)["breaks"].is_array())
        fail(path, "meta.layout is malformed: 'zone_classes' is not {attribute, label, breaks}");
      layout.zone_class_attribute = (*c)["attribute"].get<std::string>();
      layout.zone_class_label = (*c)["label"].get<std::string>();
      for (const auto& b : (*c)["breaks"]) {
        if (!b.is_number())
          fail(path, "meta.layout is malformed: a zone class break is not a number");
        layout.zone_class_breaks.push_back(b.get<double>());
      }
    }
  }
  return layout;
}

// Up to a few JSON-pointer paths where `stored` and `given` differ, for error messages.
std::string describe_difference(const json& stored, const json& given) {
  const json patch = json::diff(stored, given);
  std::string out;
  std::size_t shown = 0;
  for (const auto& op : patch) {
    if (shown == 5) {
      out += ", ... (" + std::to_string(patch.size()) + " differences)";
      break;
    }
    if (shown++ > 0) out += ", ";
    const auto where = op.value("path", std::string());
    out += op.value("op", std::string("?")) + " " + (where.empty() ? "(whole document)" : where);
  }
  return out;
}

}  // namespace govsim::store_detail
