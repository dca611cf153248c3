// The scenario loader: a scenario file or inline scenario object resolved against the parameter
// registry, its `extends` chain followed (cycles and missing files reported), the mechanisms it
// sets (finish_mechanisms), what kind of document a file is (file_kind), and the file written
// back for planners (scenario_to_json).
#include <algorithm>
#include <cctype>
#include <set>

#include "engine/config.hpp"
#include "engine/config_detail.hpp"
#include "engine/errors.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace config_detail;

namespace config_detail {

ScenarioSpec load_scenario_file(const fs::path& path, const std::string& from_file,
                                const std::string& from_ptr, const ModelAdapter& model,
                                std::vector<std::string>& stack, ErrorCollector& errors) {
  std::error_code ec;
  const fs::path canon = fs::weakly_canonical(path, ec);
  const std::string key = ec ? path.string() : canon.string();
  if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
    std::string cycle;
    for (const auto& s : stack) cycle += fs::path(s).filename().string() + " -> ";
    cycle += fs::path(key).filename().string();
    throw InputError(from_file, from_ptr, "an `extends` chain without cycles",
                     "the cycle " + cycle);
  }
  if (const std::string why = missing_file_reason(path); !why.empty())
    throw InputError(from_file, from_ptr, "an existing scenario file",
                     "'" + path.string() + "' " + why);
  stack.push_back(key);
  const json doc = read_json_file(path);
  ScenarioSpec s =
      load_scenario_doc(doc, path.string(), path.parent_path(), "", model, stack, errors);
  stack.pop_back();
  s.info["file"] = path.string();
  return s;
}

namespace {

const std::vector<std::string> kScenarioKeys = {"$schema",
                                                "name",
                                                "title",
                                                "title_fr",
                                                "title_en",
                                                "titles",
                                                "description",
                                                "description_fr",
                                                "description_en",
                                                "descriptions",
                                                "seed_contribution",
                                                "extends",
                                                "territory",
                                                "parameters"};

}  // namespace

ScenarioSpec load_scenario_doc(const json& doc, const std::string& file, const fs::path& base_dir,
                               const std::string& ptr, const ModelAdapter& model,
                               std::vector<std::string>& stack, ErrorCollector& errors) {
  require_object(doc, file, ptr);
  check_keys(doc, file, ptr, kScenarioKeys, errors);
  ScenarioSpec s;
  errors.attempt([&] {
    s.name = get_string(doc, "name", file, ptr, true);
    if (s.name.empty() || s.name.find_first_of(" /\\\"") != std::string::npos)
      throw InputError(file, ptr + "/name", "a non-empty name without spaces, slashes or quotes",
                       show(doc["name"]));
  });
  const ParamRegistry& reg = model.registry();
  json chain = json::array();
  json territory, territory_base;
  json titles = json::object();
  s.values = ParamValues(reg);
  if (doc.contains("extends")) {
    errors.attempt([&] {
      const std::string ext = get_string(doc, "extends", file, ptr, true);
      ScenarioSpec base =
          load_scenario_file(base_dir / ext, file, ptr + "/extends", model, stack, errors);
      s.values = base.values;
      chain = base.info.value("extends_chain", json::array());
      chain.push_back(base.name);
      territory = base.info.value("territory", json());
      territory_base = base.info.value("territory_base", json());
      titles = base.info.value("titles", json::object());
    });
  }
  if (doc.contains("parameters"))
    errors.attempt([&] {
      apply_parameters(doc["parameters"], file, ptr + "/parameters", reg, s.values, errors);
    });
  if (doc.contains("territory")) {
    errors.attempt([&] {
      // Checked against the model here; a config's own territory takes precedence over it.
      try {
        model.check_territory(doc["territory"], file, base_dir);
      } catch (const fs::filesystem_error& err) {
        throw InputError(file, ptr + "/territory", "paths to existing files",
                         "'" + err.path1().string() + "': " + err.code().message());
      }
      territory = doc["territory"];
      territory_base = base_dir.string();
    });
  }
  read_titles(doc, file, ptr, titles, errors);
  // Descriptions by language are the file's own (not inherited: its "description" is not either).
  json descriptions = json::object();
  read_titles(doc, file, ptr, descriptions, errors, "description");
  s.info = {{"name", s.name},
            {"title", s.name},
            {"description", ""},
            {"seed_contribution", ""},
            {"extends_chain", chain}};
  errors.attempt([&] { s.info["title"] = get_string(doc, "title", file, ptr, false, s.name); });
  errors.attempt([&] { s.info["description"] = get_string(doc, "description", file, ptr, false); });
  errors.attempt([&] {
    s.info["seed_contribution"] = get_string(doc, "seed_contribution", file, ptr, false);
  });
  if (!titles.empty()) s.info["titles"] = titles;
  if (!descriptions.empty()) s.info["descriptions"] = descriptions;
  if (!territory.is_null()) {
    s.info["territory"] = territory;
    s.info["territory_base"] = territory_base;
  }
  return s;
}

void read_titles(const json& doc, const std::string& file, const std::string& ptr, json& titles,
                 ErrorCollector& errors, const std::string& field) {
  const std::string all = field + "s";  // "titles", "descriptions"
  if (doc.contains(all)) {
    errors.attempt([&] {
      const json& t = doc[all];
      require_object(t, file, ptr + "/" + all);
      for (const auto& [lang, v] : t.items()) {
        if (lang.size() != 2 || !std::islower(static_cast<unsigned char>(lang[0])) ||
            !std::islower(static_cast<unsigned char>(lang[1])))
          errors.add(InputError(file, ptr + "/" + all + "/" + pointer_escape(lang),
                                "a two-letter language code (fr, en)", "\"" + lang + "\""));
        else if (!v.is_string())
          errors.add(InputError(file, ptr + "/" + all + "/" + lang, "a string", type_name(v)));
        else
          titles[lang] = v;
      }
    });
  }
  for (const char* lang : {"fr", "en"}) {
    const std::string key = field + "_" + lang;
    if (doc.contains(key))
      errors.attempt([&] { titles[lang] = get_string(doc, key, file, ptr, false); });
  }
}

void finish_mechanisms(ScenarioSpec& s) {
  // Mechanisms a scenario sets: parameter groups whose values differ from the defaults.
  const ParamRegistry& reg = s.values.registry();
  std::set<std::string> groups;
  json changed = json::object();
  for (std::size_t i = 0; i < reg.size(); ++i) {
    const ParamSpec& p = reg.at(i);
    if (s.values.get(i) != p.default_value) {
      changed[p.name] = p.to_json_value(s.values.get(i));
      if (p.group() != "sim" && p.group() != "population") groups.insert(p.group());
    }
  }
  s.info["mechanisms"] = groups;
  s.info["parameters"] = changed;
}

}  // namespace config_detail

ScenarioSpec load_scenario(const fs::path& path, const ModelAdapter& model) {
  std::vector<std::string> stack;
  ErrorCollector errors;
  ScenarioSpec s;
  errors.attempt([&] { s = load_scenario_file(path, path.string(), "", model, stack, errors); });
  errors.throw_if_any();
  finish_mechanisms(s);
  return s;
}

ScenarioSpec load_scenario_json(const json& doc, const std::string& file_label,
                                const fs::path& base_dir, const ModelAdapter& model) {
  std::vector<std::string> stack;
  ErrorCollector errors;
  ScenarioSpec s;
  errors.attempt(
      [&] { s = load_scenario_doc(doc, file_label, base_dir, "", model, stack, errors); });
  errors.throw_if_any();
  finish_mechanisms(s);
  return s;
}

std::string file_kind(const json& doc) {
  if (!doc.is_object()) return "config";
  if (doc.contains("$schema") && doc["$schema"].is_string()) {
    const std::string sc = doc["$schema"].get<std::string>();
    if (sc.find("scenario.schema") != std::string::npos) return "scenario";
    if (sc.find("config.schema") != std::string::npos) return "config";
  }
  for (const char* k : {"scenarios", "experiment", "sweep", "baseline"})
    if (doc.contains(k)) return "config";
  for (const char* k : {"extends", "seed_contribution", "title", "title_fr", "title_en", "titles"})
    if (doc.contains(k)) return "scenario";
  // {"name", "parameters"} without scenarios: a scenario; with a territory only: a config.
  if (doc.contains("parameters") && !doc.contains("territory")) return "scenario";
  return "config";
}

json scenario_to_json(const ScenarioSpec& s, const std::string& extends) {
  json j = {{"$schema", "../schema/scenario.schema.json"}, {"name", s.name}};
  for (const char* k : {"title", "description", "seed_contribution"})
    if (s.info.contains(k) && !s.info[k].get<std::string>().empty()) j[k] = s.info[k];
  for (const char* k : {"titles", "descriptions"})
    if (s.info.contains(k) && !s.info[k].empty()) j[k] = s.info[k];
  if (!extends.empty()) j["extends"] = extends;
  // An embedded territory travels with the file; CSV paths would not resolve from elsewhere.
  if (s.info.contains("territory") && s.info["territory"].is_string())
    j["territory"] = s.info["territory"];
  j["parameters"] = s.values.to_json(/*only_non_default=*/true);
  return j;
}

}  // namespace govsim
