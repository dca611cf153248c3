// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011).
//
// Every draw in govsim is a pure function of (seed, replicate, stream, agent, step, draw index):
// no generator state is shared between agents or threads, so results do not depend on the
// thread count or on the order in which parallel work is evaluated, and replicate r of every
// scenario sees the same streams (common random numbers).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace govsim {

class Rng {
 public:
  // A stream for one (seed, replicate, stream id, agent, step). `stream` separates the uses of
  // randomness (needs, resolution, referral...) so that changing one process does not shift the
  // draws of another.
  Rng(std::uint64_t seed, std::uint32_t replicate, std::uint32_t stream, std::uint32_t agent,
      std::uint32_t step)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        ctr_{agent, step, replicate, stream << 16} {}

  std::uint32_t next_u32() {
    if (pos_ == 4) refill();
    return out_[pos_++];
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() {
    const std::uint64_t hi = next_u32() >> 5;  // 27 bits
    const std::uint64_t lo = next_u32() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Exponential waiting time with the given rate (> 0).
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }
  // Uniform integer in [0, n).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next_u32()) * n) >> 32);
  }
  // Standard normal (Box-Muller, one value per call).
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Poisson by inversion; meant for small means (< ~30).
  std::uint32_t poisson(double mean) {
    double p = std::exp(-mean), cdf = p, u = uniform();
    std::uint32_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  // The raw Philox4x32-10 bijection, exposed for known-answer tests.
  static std::array<std::uint32_t, 4> philox(std::array<std::uint32_t, 4> ctr,
                                             std::array<std::uint32_t, 2> key) {
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        key[0] += 0x9E3779B9u;
        key[1] += 0xBB67AE85u;
      }
      const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * ctr[0];
      const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * ctr[2];
      ctr = {static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
             static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1],
             static_cast<std::uint32_t>(p0)};
    }
    return ctr;
  }

 private:
  void refill() {
    out_ = philox(ctr_, key_);
    ++ctr_[3];  // low 16 bits of word 3: block index within this (stream, agent, step)
    pos_ = 0;
  }

  std::array<std::uint32_t, 2> key_;
  std::array<std::uint32_t, 4> ctr_;
  std::array<std::uint32_t, 4> out_{};
  int pos_ = 4;
};

// Stable integer hash (splitmix64 finaliser), for deriving seeds and sort keys.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace govsim
