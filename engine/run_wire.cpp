// The wire format of finished runs between ranks (dist::encode_records, decode_records): a
// RunRecord's fields as bytes, read back with bounds checks.
#include "engine/distributed.hpp"
#include "engine/wire_bytes.hpp"

namespace govsim {

namespace dist {

std::vector<std::uint8_t> encode_records(const std::vector<RunRecord>& records) {
  std::vector<std::uint8_t> buf;
  put(buf, static_cast<std::uint32_t>(records.size()));
  for (const auto& r : records) {
    put(buf, static_cast<std::int32_t>(r.scenario));
    put(buf, static_cast<std::int32_t>(r.replicate));
    put(buf, r.wall_seconds);
    put(buf, static_cast<std::uint32_t>(r.metrics.size()));
    put(buf, static_cast<std::uint32_t>(r.series.size()));
    put(buf, static_cast<std::uint32_t>(r.zones.size()));
    put_bytes(buf, r.metrics.data(), r.metrics.size() * sizeof(double));
    put_bytes(buf, r.series.data(), r.series.size() * sizeof(double));
    put_bytes(buf, r.zones.data(), r.zones.size() * sizeof(double));
  }
  return buf;
}

std::vector<RunRecord> decode_records(const std::uint8_t* data, std::size_t size) {
  std::size_t pos = 0;
  const auto n = get<std::uint32_t>(data, size, pos);
  std::vector<RunRecord> out;
  out.reserve(std::min<std::size_t>(n, size));
  for (std::uint32_t i = 0; i < n; ++i) {
    RunRecord r;
    r.scenario = get<std::int32_t>(data, size, pos);
    r.replicate = get<std::int32_t>(data, size, pos);
    r.wall_seconds = get<double>(data, size, pos);
    const auto nm = get<std::uint32_t>(data, size, pos);
    const auto ns = get<std::uint32_t>(data, size, pos);
    const auto nz = get<std::uint32_t>(data, size, pos);
    get_doubles(data, size, pos, r.metrics, nm);
    get_doubles(data, size, pos, r.series, ns);
    get_doubles(data, size, pos, r.zones, nz);
    out.push_back(std::move(r));
  }
  if (pos != size) throw std::runtime_error("run records message has trailing bytes");
  return out;
}

}  // namespace dist

}  // namespace govsim
