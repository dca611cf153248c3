// The task farm (TaskFarm): rank 0 hands (scenario, replicate) tasks out to every rank and
// collects the finished runs; each rank runs its tasks on its TBB threads (the local pool).
// The MPI job itself: mpi_job.cpp; the wire format: run_wire.cpp. Protocol: docs/distributed.md.
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/distributed.hpp"
#include "engine/wire_bytes.hpp"

#if GOVSIM_WITH_MPI
#include <mpi.h>
#endif

namespace govsim {

// ---- the local pool: tasks of this rank on its TBB threads ----------------------------------

namespace {

struct Outcome {
  TaskId task;
  RunRecord record;
  bool failed = false;
  std::string error;
};

class LocalPool {
 public:
  LocalPool(const TaskFarm::RunFn& run_one, int threads)
      : run_one_(run_one),
        threads_(threads),
        // The arena's threads are all TBB workers (the submitting thread coordinates and does
        // not join): allow `threads` workers even where that exceeds the default pool.
        control_(tbb::global_control::max_allowed_parallelism,
                 std::max<std::size_t>(tbb::global_control::active_value(
                                           tbb::global_control::max_allowed_parallelism),
                                       static_cast<std::size_t>(threads) + 1)),
        arena_(threads, 0) {}

  ~LocalPool() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return running_ == 0; });
  }

  int threads() const { return threads_; }
  int in_flight() const { return in_flight_; }  // submitted and not yet taken (caller's thread)

  void submit(TaskId t) {
    ++in_flight_;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++running_;
    }
    arena_.enqueue([this, t] {
      Outcome o;
      o.task = t;
      const auto start = std::chrono::steady_clock::now();
      try {
        o.record = run_one_(t.scenario, t.replicate);
        o.record.scenario = t.scenario;
        o.record.replicate = t.replicate;
        o.record.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      } catch (const RunError& e) {
        o.failed = true;
        o.error = e.what();
      } catch (const std::exception& e) {
        o.failed = true;
        o.error = "run failed: scenario " + std::to_string(t.scenario) + ", replicate " +
                  std::to_string(t.replicate) + ": " + e.what();
      } catch (...) {
        o.failed = true;
        o.error = "run failed: scenario " + std::to_string(t.scenario) + ", replicate " +
                  std::to_string(t.replicate) + ": unknown exception";
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        done_.push_back(std::move(o));
        --running_;
        cv_.notify_all();  // under the lock: the pool may be destroyed as soon as it is released
      }
    });
  }

  // Finished outcomes; waits up to `wait` for at least one if none is there (forever if wait < 0).
  std::vector<Outcome> take(std::chrono::microseconds wait) {
    std::vector<Outcome> out;
    std::unique_lock<std::mutex> lock(mutex_);
    if (done_.empty() && in_flight_ > 0) {
      if (wait.count() < 0)
        cv_.wait(lock, [&] { return !done_.empty(); });
      else
        cv_.wait_for(lock, wait, [&] { return !done_.empty(); });
    }
    while (!done_.empty()) {
      out.push_back(std::move(done_.front()));
      done_.pop_front();
    }
    in_flight_ -= static_cast<int>(out.size());
    return out;
  }

 private:
  const TaskFarm::RunFn& run_one_;
  int threads_;
  tbb::global_control control_;
  tbb::task_arena arena_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Outcome> done_;
  int running_ = 0;
  int in_flight_ = 0;
};

// ---- messages ----------------------------------------------------------------------------------
// Worker -> rank 0 (kTagReport): want, failed runs, first failed (scenario, replicate), error
// length, error text, encoded records.
// Rank 0 -> worker (kTagAssign): state (0 run these, 1 finished, 2 aborted), n, n (scenario,
// replicate) pairs. Every report gets exactly one assignment back; a worker with nothing in flight
// and nothing to run is answered only when there is work again or the job ends.
[[maybe_unused]] constexpr int kTagReport = 1601;
[[maybe_unused]] constexpr int kTagAssign = 1602;
enum AssignState : std::int32_t { kRun = 0, kFinished = 1, kAborted = 2 };

[[maybe_unused]] std::vector<std::uint8_t> encode_report(int want,
                                                         const std::vector<Outcome>& outcomes) {
  std::vector<RunRecord> records;
  std::string error;
  std::int32_t failed = 0, err_scenario = 0, err_replicate = 0;
  for (const auto& o : outcomes) {
    if (!o.failed) {
      records.push_back(o.record);
    } else if (failed++ == 0) {
      error = o.error;
      err_scenario = o.task.scenario;
      err_replicate = o.task.replicate;
    }
  }
  std::vector<std::uint8_t> buf;
  dist::put(buf, static_cast<std::int32_t>(want));
  dist::put(buf, failed);
  dist::put(buf, err_scenario);
  dist::put(buf, err_replicate);
  dist::put(buf, static_cast<std::uint32_t>(error.size()));
  dist::put_bytes(buf, error.data(), error.size());
  const auto rec = dist::encode_records(records);
  dist::put_bytes(buf, rec.data(), rec.size());
  return buf;
}

struct Report {
  int want = 0;
  int failed = 0;  // runs that threw; the first one's task and message follow
  TaskId error_task;
  std::string error;
  std::vector<RunRecord> records;
};

[[maybe_unused]] Report decode_report(const std::vector<std::uint8_t>& buf) {
  Report r;
  std::size_t pos = 0;
  r.want = dist::get<std::int32_t>(buf.data(), buf.size(), pos);
  r.failed = dist::get<std::int32_t>(buf.data(), buf.size(), pos);
  r.error_task.scenario = dist::get<std::int32_t>(buf.data(), buf.size(), pos);
  r.error_task.replicate = dist::get<std::int32_t>(buf.data(), buf.size(), pos);
  const auto len = dist::get<std::uint32_t>(buf.data(), buf.size(), pos);
  if (buf.size() - pos < len) throw std::runtime_error("truncated report message");
  r.error.assign(reinterpret_cast<const char*>(buf.data() + pos), len);
  pos += len;
  r.records = dist::decode_records(buf.data() + pos, buf.size() - pos);
  return r;
}

int resolve_threads(int threads) {
  return threads > 0 ? threads : std::max(1, static_cast<int>(tbb::info::default_concurrency()));
}

}  // namespace

// ---- the farm ----------------------------------------------------------------------------------

struct TaskFarm::Impl {
  RunFn run_one;
  int threads;
  const std::atomic<bool>* cancel;
  std::unique_ptr<LocalPool> pool;
  bool finished = false;

  struct Worker {
    bool held = false;       // its last report awaits an answer (it is idle)
    int want = 0;            // free slots it reported
    long long assigned = 0;  // tasks handed out and not yet returned
    bool stopped = false;
  };
  std::vector<Worker> workers;  // index = rank (0 unused)

  bool cancelled() const { return cancel != nullptr && cancel->load(); }
  LocalPool& local() {
    if (!pool) pool = std::make_unique<LocalPool>(run_one, threads);
    return *pool;
  }

#if GOVSIM_WITH_MPI
  // Waits for one message matching (source, tag) without spinning a core.
  static MPI_Status probe_blocking(int source, int tag) {
    MPI_Status st;
    int flag = 0;
    auto pause = std::chrono::microseconds(20);
    while (true) {
      MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &st);
      if (flag) return st;
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds(2000));
    }
  }

  static std::vector<std::uint8_t> recv_bytes(const MPI_Status& st) {
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(count));
    MPI_Recv(buf.data(), count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    return buf;
  }

  void send_assign(int worker, AssignState state, const std::vector<TaskId>& tasks,
                   FarmStats& stats) {
    std::vector<std::int32_t> msg = {state, static_cast<std::int32_t>(tasks.size())};
    for (const auto& t : tasks) {
      msg.push_back(t.scenario);
      msg.push_back(t.replicate);
    }
    MPI_Send(msg.data(), static_cast<int>(msg.size()), MPI_INT32_T, worker, kTagAssign,
             MPI_COMM_WORLD);
    stats.bytes_sent += static_cast<long long>(msg.size() * sizeof(std::int32_t));
    workers[static_cast<std::size_t>(worker)].assigned += static_cast<long long>(tasks.size());
  }
#endif
};

TaskFarm::TaskFarm(RunFn run_one, int threads, const std::atomic<bool>* cancel)
    : impl_(std::make_unique<Impl>()) {
  dist::init();
  impl_->run_one = std::move(run_one);
  impl_->threads = resolve_threads(threads);
  impl_->cancel = cancel;
  impl_->workers.resize(static_cast<std::size_t>(dist::size()));
  stats_.ranks = dist::size();
  stats_.threads = impl_->threads;
  stats_.tasks_per_rank.assign(static_cast<std::size_t>(dist::size()), 0);
}

TaskFarm::~TaskFarm() {
  if (dist::rank() == 0 && !impl_->finished) {
    try {
      finish(std::uncaught_exceptions() > 0);
    } catch (...) {  // never throw from a destructor
    }
  }
}

long long TaskFarm::run(const std::vector<TaskId>& tasks,
                        const std::function<void(const RunRecord&)>& sink,
                        const std::function<void(long long, long long)>& progress) {
  if (dist::rank() != 0)
    throw std::logic_error("TaskFarm::run is for rank 0 (use serve() elsewhere)");
  Impl& im = *impl_;
  LocalPool& pool = im.local();
  const long long total = static_cast<long long>(tasks.size());
  std::size_t next = 0;       // next task to hand out
  long long outstanding = 0;  // handed out, not yet returned
  long long done = 0;
  bool stop = false;
  std::string first_error;
  int first_error_scenario = 0, first_error_replicate = 0;
  if (progress) progress(0, total);

  auto deliver = [&](const RunRecord& rec, int rank) {
    sink(rec);
    ++done;
    ++stats_.tasks;
    ++stats_.tasks_per_rank[static_cast<std::size_t>(rank)];
    if (progress) progress(done, total);
  };
  auto note_error = [&](const std::string& msg, int s, int r) {
    if (first_error.empty()) {
      first_error = msg;
      first_error_scenario = s;
      first_error_replicate = r;
    }
    stop = true;
  };
  [[maybe_unused]] auto take_tasks = [&](int want) {
    std::vector<TaskId> out;
    while (!stop && want-- > 0 && next < tasks.size()) out.push_back(tasks[next++]);
    outstanding += static_cast<long long>(out.size());
    return out;
  };

  auto idle_wait = std::chrono::microseconds(50);
  while (true) {
    if (im.cancelled()) stop = true;
    // 1. This rank's threads.
    while (!stop && next < tasks.size() && pool.in_flight() < pool.threads()) {
      pool.submit(tasks[next++]);
      ++outstanding;
    }
#if GOVSIM_WITH_MPI
    // 2. Idle workers waiting for work.
    for (int w = 1; w < dist::size(); ++w) {
      auto& wk = im.workers[static_cast<std::size_t>(w)];
      if (!wk.held || stop || next >= tasks.size()) continue;
      const auto t = take_tasks(wk.want);
      wk.held = false;
      im.send_assign(w, kRun, t, stats_);
    }
#endif
    if (outstanding == 0 && (stop || next >= tasks.size())) break;

    bool activity = false;
#if GOVSIM_WITH_MPI
    // 3. Reports from workers: deliver their runs, answer with more work.
    while (dist::size() > 1) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &flag, &st);
      if (!flag) break;
      activity = true;
      const auto buf = Impl::recv_bytes(st);
      const int w = st.MPI_SOURCE;
      auto& wk = im.workers[static_cast<std::size_t>(w)];
      ++stats_.messages;
      stats_.bytes_received += static_cast<long long>(buf.size());
      const Report rep = decode_report(buf);
      const long long returned = static_cast<long long>(rep.records.size()) + rep.failed;
      wk.assigned -= returned;
      outstanding -= returned;
      for (const auto& rec : rep.records) deliver(rec, w);
      if (rep.failed > 0) note_error(rep.error, rep.error_task.scenario, rep.error_task.replicate);
      if (im.cancelled()) stop = true;
      const auto t = take_tasks(rep.want);
      if (!t.empty() || wk.assigned > 0) {
        im.send_assign(w, kRun, t, stats_);  // possibly none: it still has runs in flight
      } else {
        wk.held = true;  // idle: answered when there is work again, or at finish()
        wk.want = rep.want;
      }
    }
#endif
    // 4. This rank's finished runs.
    const bool alone = dist::size() == 1;
    auto outcomes = pool.take(alone ? std::chrono::microseconds(-1)
                                    : (activity ? std::chrono::microseconds(0) : idle_wait));
    if (!outcomes.empty()) activity = true;
    for (auto& o : outcomes) {
      --outstanding;
      if (o.failed)
        note_error(o.error, o.task.scenario, o.task.replicate);
      else
        deliver(o.record, 0);
    }
    idle_wait = activity ? std::chrono::microseconds(50)
                         : std::min(idle_wait * 2, std::chrono::microseconds(2000));
  }
  if (!first_error.empty()) {
    finish(true);
    throw RunError(first_error_scenario, first_error_replicate, first_error);
  }
  return done;
}

void TaskFarm::finish(bool aborted) {
  if (dist::rank() != 0 || impl_->finished) return;
  impl_->finished = true;
#if GOVSIM_WITH_MPI
  Impl& im = *impl_;
  for (int w = 1; w < dist::size(); ++w) {
    auto& wk = im.workers[static_cast<std::size_t>(w)];
    // Every worker reports at start and after each finished run: answer its pending report (a
    // worker with runs still in flight after an abort reports once more, when one of them ends).
    if (!wk.held) {
      const MPI_Status st = Impl::probe_blocking(w, kTagReport);
      const auto buf = Impl::recv_bytes(st);
      ++stats_.messages;
      stats_.bytes_received += static_cast<long long>(buf.size());
    }
    wk.held = false;
    im.send_assign(w, aborted ? kAborted : kFinished, {}, stats_);
    wk.stopped = true;
  }
#else
  (void)aborted;
#endif
}

long long TaskFarm::serve() {
  if (dist::rank() == 0) throw std::logic_error("TaskFarm::serve is for ranks other than 0");
  long long ran = 0;
#if GOVSIM_WITH_MPI
  Impl& im = *impl_;
  LocalPool& pool = im.local();
  std::vector<Outcome> outcomes;  // finished, not yet reported
  while (true) {
    const auto report = encode_report(pool.threads() - pool.in_flight(), outcomes);
    MPI_Send(report.data(), static_cast<int>(report.size()), MPI_BYTE, 0, kTagReport,
             MPI_COMM_WORLD);
    outcomes.clear();
    const MPI_Status st = Impl::probe_blocking(0, kTagAssign);
    int count = 0;
    MPI_Get_count(&st, MPI_INT32_T, &count);
    std::vector<std::int32_t> msg(static_cast<std::size_t>(count));
    MPI_Recv(msg.data(), count, MPI_INT32_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (msg.size() < 2) throw std::runtime_error("malformed task assignment from rank 0");
    if (msg[0] == kAborted)
      throw JobAborted(1, "rank 0 aborted the job (its error message says why)");
    if (msg[0] == kFinished) break;
    const auto n = static_cast<std::size_t>(msg[1]);
    if (msg.size() != 2 + 2 * n) throw std::runtime_error("malformed task assignment from rank 0");
    for (std::size_t i = 0; i < n; ++i) pool.submit({msg[2 + 2 * i], msg[3 + 2 * i]});
    if (pool.in_flight() == 0) continue;  // nothing to wait for: ask again
    outcomes = pool.take(std::chrono::microseconds(-1));
    for (const auto& o : outcomes)
      if (!o.failed) ++ran;
  }
#endif
  stats_.tasks = ran;
  return ran;
}

}  // namespace govsim
