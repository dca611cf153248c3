#include "engine/progress.hpp"

#include <unistd.h>

#include <string>
#include <utility>

namespace govsim {

ProgressBar::ProgressBar(std::FILE* out, bool quiet, std::string unit)
    : out_(out),
      active_(!quiet && isatty(fileno(out)) != 0),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  finish();
}

namespace {
std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
  return buf;
}
}  // namespace

void ProgressBar::update(long long done, long long total) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar += std::string(static_cast<std::size_t>(width - filled), '-');
  const std::string eta =
      done > 0 ? clock_text(elapsed / static_cast<double>(done) * static_cast<double>(total - done))
               : "?";
  std::fprintf(out_, "\r[%s] %lld/%lld %s  elapsed %s  ETA %s ", bar.c_str(), done, total,
               unit_.c_str(), clock_text(elapsed).c_str(), eta.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (active_ && drawn_) {
    std::fprintf(out_, "\n");
    std::fflush(out_);
    drawn_ = false;
  }
}

}  // namespace govsim
