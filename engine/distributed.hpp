// Distributed execution of an experiment's tasks: (scenario, replicate) runs handed out
// dynamically by one coordinating process (rank 0) to every rank of an MPI job, each rank running
// them on its TBB threads; finished runs travel back to rank 0, the single writer of the results
// store. Without MPI (a build with GOVSIM_WITH_MPI=OFF, or a process not started by an MPI
// launcher) the same code runs every task in this process: the job has one rank.
//
// The facility is generic: any command that turns into a list of tasks (compare, sweep, and the
// analyses built on them) calls TaskFarm::run() on rank 0 and TaskFarm::serve() elsewhere.
// Results do not depend on the number of ranks or threads: a task's run is a pure function of
// (scenario, replicate) and the experiment, which every rank loads itself.
// Protocol, sizing and measurements: docs/distributed.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/run_record.hpp"

namespace govsim {

struct TaskId {
  int scenario = 0;
  int replicate = 0;
};

// A run that threw: the message names the scenario and the replicate (made by run_experiment).
class RunError : public std::runtime_error {
 public:
  RunError(int scenario, int replicate, const std::string& message)
      : std::runtime_error(message), scenario_(scenario), replicate_(replicate) {}
  int scenario() const { return scenario_; }
  int replicate() const { return replicate_; }

 private:
  int scenario_, replicate_;
};

// Thrown on ranks other than 0 when rank 0 ends the job because of an error it reports itself
// (a failed run, a bad output directory): the caller exits non-zero without printing.
class JobAborted : public std::runtime_error {
 public:
  JobAborted(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

namespace dist {

// True if this build can use MPI (CMake option GOVSIM_WITH_MPI).
bool built_with_mpi();
// Starts MPI (MPI_THREAD_SERIALIZED) if this build has it and the process was started by an MPI
// launcher (mpirun/mpiexec, or srun: detected from their environment variables); a plain process
// stays a job of one rank and never touches MPI. Idempotent; MPI is finalized at exit.
void init();
int rank();  // 0 without MPI
int size();  // 1 without MPI
inline bool is_writer() {
  return rank() == 0;
}

// Runs fn on rank 0 only and tells every rank how it ended (collective). If fn throws on rank 0,
// rank 0 rethrows it and the other ranks throw JobAborted(exit_code_of(e)). Use it for what only
// the writer may do (checking or clearing the output directory) before the ranks run tasks.
void on_writer(const std::function<void()>& fn,
               const std::function<int(const std::exception&)>& exit_code_of);

// Rank 0's `text` on every rank (collective; `text` is read on rank 0, replaced elsewhere). The
// other ranks wait without spinning (polled with sleeps), however long rank 0 takes to get there:
// a driver in Python (govsim/relay.py) announces each engine call to the ranks that follow it.
void broadcast_from_writer(std::string& text);

// Wire format of finished runs (native byte order: every rank of a job runs the same binary).
std::vector<std::uint8_t> encode_records(const std::vector<RunRecord>& records);
std::vector<RunRecord> decode_records(const std::uint8_t* data,
                                      std::size_t size);  // throws std::runtime_error

}  // namespace dist

struct FarmStats {
  int ranks = 1;
  int threads = 1;                        // TBB threads of this rank
  long long tasks = 0;                    // finished in all calls to run()
  std::vector<long long> tasks_per_rank;  // rank 0 only
  long long messages = 0;                 // MPI messages received by rank 0 from workers
  long long bytes_received = 0;           // their payload
  long long bytes_sent = 0;               // task assignments sent by rank 0
};

// One per experiment and rank; constructing and destroying it involve no communication.
class TaskFarm {
 public:
  using RunFn = std::function<RunRecord(int scenario, int replicate)>;
  // run_one must be thread-safe; it runs on `threads` TBB threads of each rank (0 = all cores).
  // A run that throws RunError is reported with its message; any other exception is wrapped
  // into one naming only the task indices.
  TaskFarm(RunFn run_one, int threads, const std::atomic<bool>* cancel = nullptr);
  ~TaskFarm();  // rank 0: releases the workers (finish()) if that was not done
  TaskFarm(const TaskFarm&) = delete;
  TaskFarm& operator=(const TaskFarm&) = delete;

  // Rank 0: runs `tasks` on every rank and calls sink() on this thread for each finished run, in
  // completion order, then progress(done, tasks.size()). May be called several times (adaptive
  // replication). Stops handing out tasks once *cancel is set; returns the number of runs done.
  // If a run fails, stops handing out, delivers the runs in flight, then throws its RunError.
  long long run(const std::vector<TaskId>& tasks, const std::function<void(const RunRecord&)>& sink,
                const std::function<void(long long done, long long total)>& progress = {});
  // Rank 0: tells every worker the job is over (aborted = an error is being reported). Idempotent.
  void finish(bool aborted = false);
  // Ranks other than 0: run what rank 0 hands out until it finishes; returns the runs done here.
  // Throws JobAborted if rank 0 finished with aborted = true.
  long long serve();

  const FarmStats& stats() const { return stats_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  FarmStats stats_;
};

}  // namespace govsim
