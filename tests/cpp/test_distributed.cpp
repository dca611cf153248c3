// The task farm in one process (ctest runs without mpirun: a job of one rank): every task is
// delivered once to the writer's sink, a failing run stops the hand-out and is reported with its
// message after the runs in flight, cancel stops the hand-out; the wire format of finished runs is
// exact. Several ranks: tests/cli/test_mpi.py (mpirun -n 1..4).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "engine/distributed.hpp"

using namespace govsim;

namespace {
RunRecord fake_run(int s, int r) {
  RunRecord rec;
  rec.scenario = s;
  rec.replicate = r;
  rec.metrics = {s + 0.5, r * 1e-3, std::sqrt(static_cast<double>(s * 31 + r))};
  rec.series.assign(static_cast<std::size_t>(3 + s), r * 0.25);
  return rec;
}

std::vector<TaskId> grid(int scenarios, int replicates) {
  std::vector<TaskId> t;
  for (int r = 0; r < replicates; ++r)
    for (int s = 0; s < scenarios; ++s) t.push_back({s, r});
  return t;
}
}  // namespace

TEST(Distributed, WithoutLauncherTheJobIsOneRank) {
  EXPECT_EQ(dist::size(), 1);
  EXPECT_EQ(dist::rank(), 0);
  EXPECT_TRUE(dist::is_writer());
}

TEST(Distributed, RecordsRoundTripBitExactly) {
  std::vector<RunRecord> in = {fake_run(0, 0), fake_run(3, 7), RunRecord{}};
  in[1].metrics.push_back(-0.0);
  in[1].metrics.push_back(std::numeric_limits<double>::quiet_NaN());
  in[1].metrics.push_back(std::numeric_limits<double>::denorm_min());
  in[1].wall_seconds = 1.25;
  in[1].zones = {4.0, -1.5};
  in[2].scenario = 2;
  in[2].replicate = 1 << 30;
  const auto buf = dist::encode_records(in);
  const auto out = dist::decode_records(buf.data(), buf.size());
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].scenario, in[i].scenario);
    EXPECT_EQ(out[i].replicate, in[i].replicate);
    EXPECT_EQ(out[i].wall_seconds, in[i].wall_seconds);
    ASSERT_EQ(out[i].metrics.size(), in[i].metrics.size());
    ASSERT_EQ(out[i].series, in[i].series);
    ASSERT_EQ(out[i].zones, in[i].zones);
    if (!in[i].metrics.empty()) {  // memcmp of an empty vector's null data is undefined (UBSan)
      EXPECT_EQ(std::memcmp(out[i].metrics.data(), in[i].metrics.data(),
                            in[i].metrics.size() * sizeof(double)),
                0);
    }
  }
  // Size per run: 28 bytes of header + 8 per value (docs/distributed.md, communication volume).
  EXPECT_EQ(buf.size(), 4 + 3 * 28 + 8 * ((3 + 3) + (6 + 6 + 2) + 0));
}

TEST(Distributed, TruncatedOrPaddedMessagesAreRejected) {
  const auto buf = dist::encode_records({fake_run(1, 2)});
  for (std::size_t cut : {std::size_t{0}, std::size_t{3}, std::size_t{10}, buf.size() - 1})
    EXPECT_THROW(dist::decode_records(buf.data(), cut), std::runtime_error) << cut;
  auto longer = buf;
  longer.push_back(0);
  EXPECT_THROW(dist::decode_records(longer.data(), longer.size()), std::runtime_error);
}

TEST(Distributed, EveryTaskDeliveredOnceToTheWriterThread) {
  for (int threads : {1, 3}) {
    TaskFarm farm(fake_run, threads);
    const auto tasks = grid(5, 9);
    std::map<std::pair<int, int>, int> seen;
    long long last_done = -1, last_total = -1;
    const auto me = std::this_thread::get_id();
    bool other_thread = false;
    const long long n = farm.run(
        tasks,
        [&](const RunRecord& rec) {
          other_thread |= std::this_thread::get_id() != me;
          ++seen[{rec.scenario, rec.replicate}];
          const RunRecord want = fake_run(rec.scenario, rec.replicate);
          EXPECT_EQ(rec.metrics, want.metrics);
          EXPECT_EQ(rec.series, want.series);
          EXPECT_GE(rec.wall_seconds, 0.0);
        },
        [&](long long d, long long t) {
          EXPECT_GE(d, last_done);
          last_done = d;
          last_total = t;
        });
    EXPECT_EQ(n, 45);
    EXPECT_EQ(seen.size(), 45u);
    for (const auto& [k, c] : seen) EXPECT_EQ(c, 1) << k.first << "," << k.second;
    EXPECT_FALSE(other_thread) << "the sink (the store writer) must run on the calling thread";
    EXPECT_EQ(last_done, 45);
    EXPECT_EQ(last_total, 45);
    // A second batch (adaptive replication) on the same farm.
    EXPECT_EQ(farm.run(grid(2, 2), [](const RunRecord&) {}), 4);
    EXPECT_EQ(farm.stats().tasks, 49);
    ASSERT_EQ(farm.stats().tasks_per_rank.size(), 1u);
    EXPECT_EQ(farm.stats().tasks_per_rank[0], 49);
    farm.finish();
  }
}

TEST(Distributed, FailingRunStopsTheHandOutAndIsReportedAfterTheRunsInFlight) {
  // One thread: tasks run in order, so exactly the three before the failing one are delivered.
  TaskFarm farm(
      [](int s, int r) {
        if (s == 1 && r == 1) throw RunError(s, r, "run failed: scenario 'b', replicate 1: boom");
        return fake_run(s, r);
      },
      1);
  std::vector<std::pair<int, int>> delivered;
  try {
    farm.run(grid(2, 4),
             [&](const RunRecord& rec) { delivered.emplace_back(rec.scenario, rec.replicate); });
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_STREQ(e.what(), "run failed: scenario 'b', replicate 1: boom");
    EXPECT_EQ(e.scenario(), 1);
    EXPECT_EQ(e.replicate(), 1);
  }
  EXPECT_EQ(delivered, (std::vector<std::pair<int, int>>{{0, 0}, {1, 0}, {0, 1}}));
}

TEST(Distributed, OtherExceptionsAreWrappedNamingTheTask) {
  TaskFarm farm([](int, int) -> RunRecord { throw std::runtime_error("disk full"); }, 2);
  try {
    farm.run({{4, 2}}, [](const RunRecord&) {});
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_STREQ(e.what(), "run failed: scenario 4, replicate 2: disk full");
  }
}

TEST(Distributed, CancelStopsTheHandOut) {
  std::atomic<bool> cancel{false};
  TaskFarm farm(fake_run, 1, &cancel);
  int delivered = 0;
  const long long n = farm.run(grid(4, 5), [&](const RunRecord&) {
    if (++delivered == 5) cancel = true;
  });
  EXPECT_EQ(n, 5);
  EXPECT_EQ(delivered, 5);
}
