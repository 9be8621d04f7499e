// clang-format off
// (a test input: the CHECK lines count on its layout)
// MPG101 with threads that no std::thread or pthread_create shows: an
// OpenMP parallel region (the runtime keeps its team's threads) and the
// construction of a library thread pool (declared here as the libraries
// declare them).
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG101 --format concise %s -- -std=c++17 -fopenmp | FileCheck %s --implicit-check-not=MPG
#include <cstdio>
#include <unistd.h>

namespace boost { namespace asio {
class thread_pool {
public:
  explicit thread_pool(int threads);
  ~thread_pool();
  void join();
};
}} // namespace boost::asio

void compute(double *v, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; ++i)
    v[i] *= 2;
}

// --- positive ---------------------------------------------------------------
void openmp_then_fork(double *v, int n) {
  compute(v, n);
  if (fork() == 0) {
    // CHECK: :[[@LINE-1]]:7: warning: `fork` while a thread started at {{.*}}:21 is still running{{.*}}[MPG101 cxx-fork-after-thread]
    // CHECK-NEXT: note: `compute` called here
    // CHECK-NEXT: :21:1: note: thread started here (`#pragma omp parallel`)
    puts("child");
    _exit(0);
  }
}

void pool_then_fork() {
  boost::asio::thread_pool pool(4);
  pid_t pid = fork();
  // CHECK: :[[@LINE-1]]:15: warning: `fork` while a thread started at {{.*}}:[[@LINE-2]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: note: thread started here (`boost::asio::thread_pool`)
  if (pid == 0)
    puts("child");
}

// --- negative ---------------------------------------------------------------
void pool_joined_then_fork() {
  boost::asio::thread_pool pool(4);
  pool.join();
  if (fork() == 0)
    puts("child");
}

void pool_destroyed_then_fork() {
  {
    boost::asio::thread_pool pool(4);
  }
  if (fork() == 0)
    puts("child");
}
