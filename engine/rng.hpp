// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011).
//
// Every draw in govsim is a pure function of (seed, replicate, stream, agent, step, draw index):
// no generator state is shared between agents or threads, so results do not depend on the
// thread count or on the order in which parallel work is evaluated, and replicate r of every
// scenario sees the same streams (common random numbers).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GOVSIM_RNG_AVX2 1
#endif

namespace govsim {

#if defined(GOVSIM_RNG_AVX2)
namespace rng_detail {
// Philox4x32-10 first blocks of eight counters at a time with AVX2 (compiled for AVX2 whatever
// the build's -march, called only where the CPU has it): agents[k..], k < n rounded down to a
// multiple of 8; returns how many were done. Integer arithmetic: the same values as philox().
__attribute__((target("avx2"))) inline void mulhilo8(__m256i a, __m256i m, __m256i lo_mask,
                                                     __m256i& lo, __m256i& hi) {
  const __m256i even = _mm256_mul_epu32(a, m);                        // lanes 0, 2, 4, 6
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);  // lanes 1, 3, 5, 7
  lo = _mm256_or_si256(_mm256_and_si256(even, lo_mask), _mm256_slli_epi64(odd, 32));
  hi = _mm256_or_si256(_mm256_srli_epi64(even, 32), _mm256_andnot_si256(lo_mask, odd));
}

__attribute__((target("avx2"))) inline std::size_t first_blocks_avx2(
    const std::uint32_t key[2], std::uint32_t replicate, std::uint32_t stream, std::uint32_t step,
    const std::uint32_t* agents, std::size_t n, std::array<std::uint32_t, 4>* out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const __m256i lo_mask = _mm256_set_epi32(0, -1, 0, -1, 0, -1, 0, -1);
  __m256i k0[10], k1[10];  // the key schedule, round by round
  for (int round = 0; round < 10; ++round) {
    k0[round] =
        _mm256_set1_epi32(static_cast<int>(key[0] + 0x9E3779B9u * static_cast<unsigned>(round)));
    k1[round] =
        _mm256_set1_epi32(static_cast<int>(key[1] + 0xBB67AE85u * static_cast<unsigned>(round)));
  }
  const __m256i s1 = _mm256_set1_epi32(static_cast<int>(step));
  const __m256i s2 = _mm256_set1_epi32(static_cast<int>(replicate));
  const __m256i s3 = _mm256_set1_epi32(static_cast<int>(stream << 16));
  std::size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    __m256i c0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(agents + k));
    __m256i c1 = s1, c2 = s2, c3 = s3;
#pragma GCC unroll 10
    for (int round = 0; round < 10; ++round) {
      __m256i lo0, hi0, lo1, hi1;
      mulhilo8(c0, m0, lo_mask, lo0, hi0);
      mulhilo8(c2, m1, lo_mask, lo1, hi1);
      c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), k0[round]);
      c1 = lo1;
      c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), k1[round]);
      c3 = lo0;
    }
    // Transpose within each 128-bit half: blocks k..k+3 in the low halves, k+4..k+7 in the high.
    const __m256i t0 = _mm256_unpacklo_epi32(c0, c1), t1 = _mm256_unpackhi_epi32(c0, c1);
    const __m256i t2 = _mm256_unpacklo_epi32(c2, c3), t3 = _mm256_unpackhi_epi32(c2, c3);
    const __m256i u[4] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                          _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3)};
    for (int j = 0; j < 4; ++j) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k + static_cast<std::size_t>(j)].data()),
                       _mm256_castsi256_si128(u[j]));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k + 4 + static_cast<std::size_t>(j)].data()),
                       _mm256_extracti128_si256(u[j], 1));
    }
  }
  return k;
}

inline bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
}  // namespace rng_detail
#endif

class Rng {
 public:
  // A stream for one (seed, replicate, stream id, agent, step). `stream` separates the uses of
  // randomness (needs, resolution, referral...) so that changing one process does not shift the
  // draws of another.
  Rng(std::uint64_t seed, std::uint32_t replicate, std::uint32_t stream, std::uint32_t agent,
      std::uint32_t step)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        ctr_{agent, step, replicate, stream << 16} {}

  using Block = std::array<std::uint32_t, 4>;

  // The same stream, whose first block was computed beforehand (first_blocks below): the draws
  // are identical to those of the constructor above.
  Rng(std::uint64_t seed, std::uint32_t replicate, std::uint32_t stream, std::uint32_t agent,
      std::uint32_t step, const Block& first)
      : Rng(seed, replicate, stream, agent, step) {
    out_ = first;
    ++ctr_[3];
    pos_ = 0;
  }

  // The first block of the streams (seed, replicate, stream, agents[k], step) for k < n, into
  // out[k]: Philox4x32-10 evaluated eight counters at a time (AVX2, where the CPU has it), then
  // four at a time (SSE2), then one by one: the same values as philox() — only the order of
  // evaluation differs (docs/performance.md). `allow_avx2` = false skips the AVX2 path (tests).
  static void first_blocks(std::uint64_t seed, std::uint32_t replicate, std::uint32_t stream,
                           std::uint32_t step, const std::uint32_t* agents, std::size_t n,
                           Block* out, bool allow_avx2 = true) {
    const std::array<std::uint32_t, 2> key{static_cast<std::uint32_t>(seed),
                                           static_cast<std::uint32_t>(seed >> 32)};
    std::size_t k = 0;
#if defined(GOVSIM_RNG_AVX2)
    if (allow_avx2 && n >= 8 && rng_detail::cpu_has_avx2())
      k = rng_detail::first_blocks_avx2(key.data(), replicate, stream, step, agents, n, out);
#else
    (void)allow_avx2;
#endif
#if defined(__SSE2__)
    if (n - k >= 4) {
      const __m128i m0 = _mm_set1_epi32(static_cast<int>(0xD2511F53u));
      const __m128i m1 = _mm_set1_epi32(static_cast<int>(0xCD9E8D57u));
      const __m128i lo_mask = _mm_set_epi32(0, -1, 0, -1);
      // Four 32x32 -> 64-bit products: low and high halves, lane by lane.
      auto mulhilo = [&](__m128i a, __m128i m, __m128i& lo, __m128i& hi) {
        const __m128i even = _mm_mul_epu32(a, m);                     // lanes 0, 2
        const __m128i odd = _mm_mul_epu32(_mm_srli_epi64(a, 32), m);  // lanes 1, 3
        lo = _mm_or_si128(_mm_and_si128(even, lo_mask), _mm_slli_epi64(odd, 32));
        hi = _mm_or_si128(_mm_srli_epi64(even, 32), _mm_andnot_si128(lo_mask, odd));
      };
      __m128i k0[10], k1[10];  // the key schedule, round by round
      for (int round = 0; round < 10; ++round) {
        k0[round] =
            _mm_set1_epi32(static_cast<int>(key[0] + 0x9E3779B9u * static_cast<unsigned>(round)));
        k1[round] =
            _mm_set1_epi32(static_cast<int>(key[1] + 0xBB67AE85u * static_cast<unsigned>(round)));
      }
      const __m128i s1 = _mm_set1_epi32(static_cast<int>(step));
      const __m128i s2 = _mm_set1_epi32(static_cast<int>(replicate));
      const __m128i s3 = _mm_set1_epi32(static_cast<int>(stream << 16));
      for (; k + 4 <= n; k += 4) {
        __m128i c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(agents + k));
        __m128i c1 = s1, c2 = s2, c3 = s3;
#pragma GCC unroll 10
        for (int round = 0; round < 10; ++round) {
          __m128i lo0, hi0, lo1, hi1;
          mulhilo(c0, m0, lo0, hi0);
          mulhilo(c2, m1, lo1, hi1);
          c0 = _mm_xor_si128(_mm_xor_si128(hi1, c1), k0[round]);
          c1 = lo1;
          c2 = _mm_xor_si128(_mm_xor_si128(hi0, c3), k1[round]);
          c3 = lo0;
        }
        // Transpose the four words of four lanes into four blocks.
        const __m128i t0 = _mm_unpacklo_epi32(c0, c1), t1 = _mm_unpackhi_epi32(c0, c1);
        const __m128i t2 = _mm_unpacklo_epi32(c2, c3), t3 = _mm_unpackhi_epi32(c2, c3);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k].data()), _mm_unpacklo_epi64(t0, t2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k + 1].data()), _mm_unpackhi_epi64(t0, t2));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k + 2].data()), _mm_unpacklo_epi64(t1, t3));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k + 3].data()), _mm_unpackhi_epi64(t1, t3));
      }
    }
#endif
    for (; k < n; ++k) out[k] = philox({agents[k], step, replicate, stream << 16}, key);
  }

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
  bool bernoulli(double p) {
    return uniform() < p;
  }
  // Exponential waiting time with the given rate (> 0).
  double exponential(double rate) {
    return -std::log1p(-uniform()) / rate;
  }
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
