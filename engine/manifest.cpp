#include "engine/manifest.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>

namespace govsim {

std::string hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json metric_catalog(const std::vector<MetricInfo>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : all) {
    if (m.name.find('@') != std::string::npos) continue;
    out.push_back({{"name", m.name},
                   {"unit", m.unit},
                   {"direction", metric_direction(m)},
                   {"headline", m.headline},
                   {"subgroups", m.subgroups},
                   {"domain", stats::domain_name(m.domain)},
                   {"doc", m.doc}});
  }
  return out;
}

std::vector<MetricInfo> headline_metrics(const std::vector<MetricInfo>& all) {
  std::vector<MetricInfo> out;
  for (const auto& m : all)
    if (m.headline) out.push_back(m);
  return out;
}

}  // namespace govsim
