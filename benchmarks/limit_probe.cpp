// limit_probe: the two floors of docs/performance.md ("The limit") measured on this machine:
// (1) memory read bandwidth over a large array (1 and 2 threads), the floor for streaming the
// resident arrays once a week; (2) the cost of one Philox4x32-10 block, scalar and batched
// (Rng::first_blocks: AVX2 where the CPU has it, and SSE2 alone), the minimum random-number work
// of one event.
//   g++ -O3 -DNDEBUG -std=c++20 -I. benchmarks/limit_probe.cpp -o build/limit_probe -ltbb
//   build/limit_probe
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "engine/rng.hpp"

namespace {
double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double read_bandwidth_gbs(const std::vector<std::uint64_t>& a, int threads) {
  tbb::global_control gc(tbb::global_control::max_allowed_parallelism, threads);
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const double t0 = now();
    const std::uint64_t s = tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, a.size(), 1 << 16), std::uint64_t{0},
        [&](const tbb::blocked_range<std::size_t>& r, std::uint64_t acc) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) acc += a[i];
          return acc;
        },
        [](std::uint64_t x, std::uint64_t y) { return x + y; });
    const double dt = now() - t0;
    if (s == 42) std::printf(" ");
    best = std::max(best, static_cast<double>(a.size() * sizeof(a[0])) / dt / 1e9);
  }
  return best;
}
}  // namespace

int main() {
  std::vector<std::uint64_t> a(std::size_t{1} << 27, 1);  // 1 GiB
  const double bw1 = read_bandwidth_gbs(a, 1), bw2 = read_bandwidth_gbs(a, 2);
  a.clear();
  a.shrink_to_fit();
  const std::size_t n = 1 << 22;
  std::vector<std::uint32_t> agents(n);
  for (std::size_t i = 0; i < n; ++i) agents[i] = static_cast<std::uint32_t>(i);
  std::vector<govsim::Rng::Block> out(n);
  double best_batch = 1e9, best_sse2 = 1e9, best_scalar = 1e9;
  std::uint32_t sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    double t0 = now();
    govsim::Rng::first_blocks(1, 0, 2, static_cast<std::uint32_t>(rep), agents.data(), n,
                              out.data());
    best_batch = std::min(best_batch, (now() - t0) / n);
    sink ^= out[n / 2][0];
    t0 = now();
    govsim::Rng::first_blocks(1, 0, 2, static_cast<std::uint32_t>(rep), agents.data(), n,
                              out.data(), false);
    best_sse2 = std::min(best_sse2, (now() - t0) / n);
    sink ^= out[n / 3][0];
    t0 = now();
    for (std::size_t i = 0; i < n; ++i)
      sink ^= govsim::Rng(1, 0, 2, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(rep))
                  .next_u32();
    best_scalar = std::min(best_scalar, (now() - t0) / n);
  }
  std::printf(
      "{\"read_gb_per_s_1thread\": %.2f, \"read_gb_per_s_2threads\": %.2f, "
      "\"philox_block_ns_batched\": %.2f, \"philox_block_ns_batched_sse2\": %.2f, "
      "\"philox_block_ns_scalar\": %.2f, \"sink\": %u}\n",
      bw1, bw2, best_batch * 1e9, best_sse2 * 1e9, best_scalar * 1e9, sink);
}
