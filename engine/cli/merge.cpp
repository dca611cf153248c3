// govsim merge: merges the results stores of split (--shard) runs and writes their exports.
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/errors.hpp"
#include "engine/exports.hpp"
#include "engine/results_store.hpp"
#include "engine/run_request.hpp"

namespace govsim::cli {

int cmd_merge(int argc, char** argv, const ModelAdapter& model) {
  std::vector<std::string> args;
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("args", po::value(&args)->composing(),
                                            "OUT_DIR STORE...");
  const auto vm = parse(argc, argv, desc, "args", -1);
  if (vm.count("help") || args.size() < 2) {
    std::cout << "Usage: govsim merge OUT_DIR STORE_OR_DIR...\n\nMerges results stores written by "
                 "--shard runs.\n\n"
                 "Example:\n  govsim merge results/all results/shard0 results/shard1\n";
    return vm.count("help") ? 0 : 2;
  }
  const fs::path out = args[0];
  // Check every source before writing anything: each a readable store agreeing with its exports.
  ErrorCollector errors;
  std::vector<fs::path> sources;
  for (std::size_t i = 1; i < args.size(); ++i) {
    errors.attempt([&] {
      fs::path src = args[i];
      std::error_code ec;
      if (fs::is_directory(src, ec)) {
        if (!fs::is_regular_file(store_path(src), ec))
          throw InputError(args[i], "", "a results store or results directory",
                           "a directory without results.sqlite");
        check_store_agrees_with_exports(src);
        src = store_path(src);
      } else if (!fs::is_regular_file(src, ec)) {
        throw InputError(args[i], "", "a results store or results directory", "not found");
      } else {
        try {
          ResultsStore probe(src);
          (void)probe.completed();
        } catch (const StoreError& e) {
          throw InputError(args[i], "", "a govsim results store (SQLite)", e.what());
        }
      }
      sources.push_back(src);
    });
  }
  check_output_dir(out);
  if (fs::exists(store_path(out)) && store_run_count(store_path(out)) != 0)
    errors.add(InputError(out.string(), "", "an output directory without results for the merge",
                          "it already holds results.sqlite; choose a new OUT_DIR"));
  errors.throw_if_any();
  std::error_code ec;
  const bool created = !fs::exists(out, ec);
  fs::create_directories(out);
  const fs::path tmp = out / "results.sqlite.merging";
  auto remove_tmp = [&] {
    std::error_code rm;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      fs::remove(tmp.string() + suffix, rm);
  };
  std::size_t n_runs = 0;
  try {
    remove_tmp();
    {
      ResultsStore store(tmp);
      for (const auto& src : sources) store.merge_from(src);
      n_runs = store.completed().size();
    }
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(store_path(out).string() + suffix, ec);
    {
      // Checkpoint the WAL into the file before renaming it.
      ResultsStore store(tmp);
    }
    fs::rename(tmp, store_path(out));
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(tmp.string() + suffix, ec);
  } catch (...) {
    remove_tmp();
    std::error_code rm;
    if (created) fs::remove(out, rm);  // (only if empty)
    throw;
  }
  ResultsStore store(store_path(out));
  const auto cfg = store.config();
  std::vector<std::string> outputs = {"summary", "paired", "runs", "timeseries"};
  if (cfg && cfg->contains("outputs")) outputs = (*cfg)["outputs"].get<std::vector<std::string>>();
  write_exports(store, model.metrics(), outputs, out);
  std::cout << "merged " << n_runs << " runs into " << out.string() << "\n";
  return 0;
}

}  // namespace govsim::cli
