// The territory builder behind `govsim territory build`: assembles a Territory from the communes
// CSV and the places (open_data_readers.hpp), estimating what the files leave out (areas from the
// spacing of centroids, density, age bands, broadband, the places' types, services and hours),
// and reports what was defaulted or rejected.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "models/inclusion/open_data_readers.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

// What was defaulted while building, and where the data come from.
struct BuildReport {
  std::vector<Rejection> rejected;
  int outside = 0;  // places in a département not covered by the communes file (left out)
  std::map<std::string, int> defaulted;  // what -> how many rows
  std::string places_date_min, places_date_max;
  int placeholder_dates = 0;            // date_maj before 2000 (placeholders such as 1970-01-01)
  std::map<std::string, int> typed_by;  // "<type code> by <field>" -> places (before merging)
  std::map<std::string, int> merged;    // records merged into one site, by reason
};

struct BuildInput {
  std::string communes_text, communes_file;
  std::string places_text, places_file;  // empty text = no places (generated status-quo network)
  std::string name, description, source, note;
  bool skip_invalid = false;
  // Called with (rows done, rows in all) while building: communes, then places (optional).
  std::function<void(long long, long long)> progress;
};

struct BuildResult {
  Territory territory;
  BuildReport report;
};

// Reads both files and assembles the territory. File-level problems (encoding, delimiter,
// missing columns, syntax, no rows) always throw InputError; row-level problems are collected
// and, unless skip_invalid, thrown as one InputError listing them (nothing is half-built).
BuildResult build_territory(const BuildInput& in);
// Same, from files on disk (places: CSV or JSON, detected from the content).
BuildResult build_territory_files(
    const std::string& name, const std::filesystem::path& communes,
    const std::filesystem::path& places, bool skip_invalid,
    const std::function<void(long long, long long)>& progress = nullptr);

// Human summary printed by `govsim territory build`.
std::string build_summary(const BuildResult& r);
// CSV of rejected rows: file,line,record,field,value,reason.
std::string rejections_csv(const std::vector<Rejection>& rejected);

}  // namespace govsim::inclusion
