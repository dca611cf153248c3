// The MPI job as seen by this process: initialisation, its rank and size, the writer's guard
// (dist::init, rank, size, on_writer) and rank 0's text for all (broadcast_from_writer). The task
// farm that uses it: task_farm.cpp; the wire format of finished runs: run_wire.cpp. Protocol:
// docs/distributed.md.
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

#if GOVSIM_WITH_MPI
#include <mpi.h>
#endif

namespace govsim {

namespace dist {

namespace {
int g_rank = 0;
int g_size = 1;
std::once_flag g_init_once;

#if GOVSIM_WITH_MPI
bool launched_by_mpi_launcher() {
  // Open MPI's mpirun, PMIx (srun --mpi=pmix, Open MPI 5), PMI-1/2 (MPICH's hydra, srun
  // --mpi=pmi2).
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

// MPI_Ibcast from rank 0, its completion polled with growing sleeps (up to 2 ms).
void polled_bcast(void* data, int count, MPI_Datatype type) {
  MPI_Request req;
  MPI_Ibcast(data, count, type, 0, MPI_COMM_WORLD, &req);
  int flag = 0;
  auto pause = std::chrono::microseconds(20);
  while (MPI_Test(&req, &flag, MPI_STATUS_IGNORE), !flag) {
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(2000));
  }
}
#endif
}  // namespace

bool built_with_mpi() {
  return GOVSIM_WITH_MPI != 0;
}

void init() {
  std::call_once(g_init_once, [] {
#if GOVSIM_WITH_MPI
    if (!launched_by_mpi_launcher()) return;
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      // SERIALIZED: MPI is called by one thread at a time, not always the same one (the Python
      // package runs experiments on a helper thread).
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
      std::atexit(finalize_at_exit);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
#endif
  });
}

int rank() {
  init();
  return g_rank;
}

int size() {
  init();
  return g_size;
}

void on_writer(const std::function<void()>& fn,
               const std::function<int(const std::exception&)>& exit_code_of) {
  init();
  int code = 0;
  std::exception_ptr error;
  if (g_rank == 0) {
    try {
      fn();
    } catch (const std::exception& e) {
      code = std::max(1, exit_code_of(e));
      error = std::current_exception();
    }
  }
#if GOVSIM_WITH_MPI
  if (g_size > 1) {
    // A non-blocking broadcast polled with sleeps: the other ranks may wait here for a while (rank
    // 0 writing the exports) and must not spin on cores that rank 0 needs.
    polled_bcast(&code, 1, MPI_INT);
  }
#endif
  if (error) std::rethrow_exception(error);
  if (code != 0) throw JobAborted(code, "rank 0 stopped the job (its error message says why)");
}

void broadcast_from_writer(std::string& text) {
  init();
#if GOVSIM_WITH_MPI
  if (g_size > 1) {
    unsigned long long n = g_rank == 0 ? text.size() : 0;
    polled_bcast(&n, 1, MPI_UNSIGNED_LONG_LONG);
    if (g_rank != 0) text.assign(n, '\0');
    if (n > 0) polled_bcast(text.data(), static_cast<int>(n), MPI_CHAR);
  }
#else
  (void)text;
#endif
}

}  // namespace dist

}  // namespace govsim
