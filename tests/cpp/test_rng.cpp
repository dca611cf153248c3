#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/rng.hpp"

using govsim::Rng;

// Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
TEST(Rng, PhiloxKnownAnswers) {
  EXPECT_EQ(Rng::philox({0, 0, 0, 0}, {0, 0}),
            (std::array<std::uint32_t, 4>{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(
      Rng::philox({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}),
      (std::array<std::uint32_t, 4>{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(
      Rng::philox({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}),
      (std::array<std::uint32_t, 4>{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Rng, SameKeySameStreamDifferentKeyDifferentStream) {
  Rng a(42, 1, 2, 3, 4), b(42, 1, 2, 3, 4), c(42, 1, 2, 3, 5), d(43, 1, 2, 3, 4);
  for (int i = 0; i < 10; ++i) {
    const auto x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    (void)c;
  }
  Rng a2(42, 1, 2, 3, 4);
  EXPECT_NE(a2.next_u32(), c.next_u32());
  Rng a3(42, 1, 2, 3, 4);
  EXPECT_NE(a3.next_u32(), d.next_u32());
}

// The batched first blocks (eight counters at a time with AVX2 where the CPU has it, four with
// SSE2) are the scalar Philox blocks, whatever the count (remainders go through the narrower
// paths), with and without the AVX2 path, and a stream started from its batched first block
// draws exactly what the plain stream draws.
TEST(Rng, BatchedFirstBlocksEqualScalarPhilox) {
  const std::uint64_t seed = 0x0123456789abcdefull;
  std::vector<std::uint32_t> agents;
  for (std::uint32_t a = 0; a < 27; ++a)
    agents.push_back(a * 2654435761u + (a == 3 || a == 12 ? 0xffffffffu : 0));
  for (const bool avx2 : {true, false})
    for (std::size_t n = 0; n <= agents.size(); ++n) {
      std::vector<Rng::Block> out(n);
      Rng::first_blocks(seed, 7, 2, 0x80000u | 13, agents.data(), n, out.data(), avx2);
      for (std::size_t k = 0; k < n; ++k) {
        EXPECT_EQ(out[k], Rng::philox({agents[k], 0x80000u | 13, 7, 2u << 16},
                                      {static_cast<std::uint32_t>(seed),
                                       static_cast<std::uint32_t>(seed >> 32)}))
            << "n=" << n << " k=" << k << " avx2=" << avx2;
        Rng plain(seed, 7, 2, agents[k], 0x80000u | 13);
        Rng batched(seed, 7, 2, agents[k], 0x80000u | 13, out[k]);
        for (int d = 0; d < 9; ++d) EXPECT_EQ(plain.next_u32(), batched.next_u32());
      }
    }
}

TEST(Rng, UniformMomentsWithinSamplingError) {
  // Mean of n uniforms has sd 1/sqrt(12 n); allow 4 sd.
  const int n = 200000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    Rng r(7, 0, 1, static_cast<std::uint32_t>(i), 0);
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    s += u;
    s2 += u * u;
  }
  const double mean = s / n, var = s2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 4.0 / std::sqrt(12.0 * n));
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(Rng, ExponentialAndPoissonMeans) {
  const int n = 100000;
  double se = 0, sp = 0;
  Rng r(9, 0, 1, 0, 0);
  for (int i = 0; i < n; ++i) {
    se += r.exponential(2.0);
    sp += r.poisson(3.0);
  }
  EXPECT_NEAR(se / n, 0.5, 4 * 0.5 / std::sqrt(n));
  EXPECT_NEAR(sp / n, 3.0, 4 * std::sqrt(3.0 / n));
}
