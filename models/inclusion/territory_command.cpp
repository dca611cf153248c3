// `govsim territory build|show|list`: turn open data into a territory and see what was kept,
// defaulted or rejected (docs/territories.md).
#include <chrono>
#include <fstream>
#include <iostream>

#include "engine/errors.hpp"
#include "engine/progress.hpp"
#include "models/inclusion/model.hpp"
#include "models/inclusion/open_data.hpp"

namespace govsim::inclusion {

namespace {

const char* kUsage = R"(Usage:
  govsim territory build --communes FILE [--places FILE] --out territory.json [--name NAME]
                         [--skip-invalid] [--quiet]
  govsim territory show NAME|territory.json [--json]
  govsim territory list

build: reads an INSEE-style communes CSV (code_insee, name, population, lat, lon, epci_siren,
  epci_name; optional density 1-7, area_km2, age bands pop_15_29 ... pop_75_plus,
  broadband_share) and places in the national standard for digital-mediation places (LaMednum
  v1.0.2, CSV or JSON), checks every row, and writes the territory JSON that a config uses as
  "territory": {"file": "territory.json"}. Prints a summary (communes, adults, places by type,
  services, access times by mode, what was defaulted) and every rejected row with file, line,
  field and reason.
  By default any invalid row stops the build: exit status 2, nothing written. With
  --skip-invalid the valid rows are kept and the rejected ones are written with their reasons to
  <out>.rejected.csv (next to the output).
show: the same summary for an embedded territory (loir-et-cher, charente, rural-department, ...)
  or a territory JSON.

Example:
  govsim territory build --communes data/territories/charente/communes.csv \
      --places data/territories/charente/places.json --name charente --skip-invalid --out charente.json
)";

struct Args {
  std::string communes, places, out, name;
  bool skip_invalid = false, quiet = false, json = false, help = false;
  std::vector<std::string> positional;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    auto value = [&](std::string& dst) {
      if (i + 1 >= argc) throw InputError("govsim territory", s, "a value after " + s, "none");
      dst = argv[++i];
    };
    if (s == "--communes")
      value(a.communes);
    else if (s == "--places")
      value(a.places);
    else if (s == "--out" || s == "-o")
      value(a.out);
    else if (s == "--name")
      value(a.name);
    else if (s == "--skip-invalid")
      a.skip_invalid = true;
    else if (s == "--quiet" || s == "-q")
      a.quiet = true;
    else if (s == "--json")
      a.json = true;
    else if (s == "--help" || s == "-h")
      a.help = true;
    else if (!s.empty() && s[0] == '-')
      throw InputError("govsim territory", s, "an option of `govsim territory --help`",
                       "'" + s + "'");
    else
      a.positional.push_back(s);
  }
  return a;
}

void write_atomic(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw InputError(path.string(), "", "a writable output path", "cannot create it");
    f << text;
    if (!f) throw InputError(path.string(), "", "a writable output path", "write failed");
  }
  std::filesystem::rename(tmp, path);
}

int build(const Args& a) {
  if (a.communes.empty())
    throw InputError("govsim territory build", "--communes", "a communes CSV (see --help)", "none");
  if (a.out.empty())
    throw InputError("govsim territory build", "--out", "an output path territory.json", "none");
  const std::filesystem::path out = a.out;
  const auto dir = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir))
    throw InputError(a.out, "--out", "a path in an existing directory",
                     "no directory " + dir.string());
  std::string name = a.name;
  if (name.empty()) name = out.stem().string();
  const auto t0 = std::chrono::steady_clock::now();
  // Rows read and checked, with the time left, on a terminal only and never under --quiet.
  ProgressBar bar(stderr, a.quiet, "rows");
  const BuildResult r =
      build_territory_files(name, a.communes, a.places, a.skip_invalid,
                            [&](long long done, long long total) { bar.update(done, total); });
  bar.finish();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_atomic(out, territory_to_json(r).dump(1) + "\n");
  std::filesystem::path rejected = out;
  rejected.replace_extension(".rejected.csv");
  if (a.skip_invalid) write_atomic(rejected, rejections_csv(r.report.rejected));
  if (!a.quiet) {
    std::cout << build_summary(r);
    std::cout << "Wrote " << out.string();
    if (a.skip_invalid)
      std::cout << " and " << rejected.string() << " (" << r.report.rejected.size() << " problems)";
    std::cout << " in " << secs << " s\n";
  }
  return 0;
}

int show(const Args& a) {
  if (a.positional.empty())
    throw InputError("govsim territory show", "",
                     "a territory name or a territory JSON (see --help)", "none");
  const std::string what = a.positional[0];
  if (is_real_territory(what)) {
    const BuildResult r = real_territory(what);
    std::cout << (a.json ? territory_to_json(r).dump(1) + "\n" : build_summary(r));
    return 0;
  }
  Territory t;
  if (is_builtin_territory(what))
    t = builtin_territory(what);
  else if (std::filesystem::is_regular_file(what))
    t = load_territory_json(what);
  else {
    std::string names;
    for (const auto& n : real_territory_names()) names += n + ", ";
    for (const auto& n : builtin_territory_names()) names += n + ", ";
    throw InputError("govsim territory show", "",
                     "a territory name (" + names + "or a territory JSON file)", "'" + what + "'");
  }
  if (a.json) {
    std::cout << territory_info(t).dump(1) << "\n";
    return 0;
  }
  BuildResult r;
  r.territory = std::move(t);
  r.report.places_date_min = r.territory.places_date_min;
  r.report.places_date_max = r.territory.places_date_max;
  std::cout << build_summary(r);
  return 0;
}

}  // namespace

int territory_command(int argc, char** argv) {
  // argv[0] = "territory"
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string sub = argv[1];
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::cout << kUsage;
    return 0;
  }
  const Args a = parse_args(argc - 1, argv + 1);
  if (a.help) {
    std::cout << kUsage;
    return 0;
  }
  if (sub == "build") return build(a);
  if (sub == "show") return show(a);
  if (sub == "list") {
    for (const auto& n : real_territory_names())
      std::cout << n << "  (real, data/territories/" << n << ")\n";
    for (const auto& n : builtin_territory_names()) std::cout << n << "  (generated)\n";
    return 0;
  }
  throw InputError("govsim territory", sub, "build, show or list (see govsim territory --help)",
                   "'" + sub + "'");
}

}  // namespace govsim::inclusion
