// A progress bar (done / total, elapsed, ETA) on a terminal; silent otherwise or when quiet.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace govsim {

class ProgressBar {
 public:
  // Draws on `out` only if it is a terminal and !quiet; `unit` names what is counted.
  ProgressBar(std::FILE* out, bool quiet, std::string unit = "runs");
  ~ProgressBar();
  void update(long long done, long long total);
  void finish();
  bool active() const { return active_; }

 private:
  std::FILE* out_;
  bool active_;
  std::string unit_;
  bool drawn_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace govsim
