// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG107 atfork-handler-unsafe.
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG107 --format concise %s -- -std=c++17 | FileCheck %s --implicit-check-not=MPG
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <unistd.h>

std::mutex cache_mutex;
pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t stats_mutex = PTHREAD_MUTEX_INITIALIZER;

// --- positive ---------------------------------------------------------------
void reset_cache() {
  std::lock_guard<std::mutex> g(cache_mutex);
}
void child_resets() { reset_cache(); }
// CHECK: :[[@LINE-1]]:23: warning: `reset_cache` calls `std::lock_guard<std::mutex>::lock_guard` in a pthread_atfork child handler: it locks a mutex the prepare handler did not take; if another thread held it at the fork, the child blocks forever [MPG107 atfork-handler-unsafe]
// CHECK-NEXT: :[[@LINE+3]]:3: note: registered as the child handler here
// CHECK-NEXT: :[[@LINE-5]]:31: note: `std::lock_guard<std::mutex>::lock_guard` called here
void install_cache_handlers() {
  pthread_atfork(nullptr, nullptr, child_resets);
}

void prepare_logs() {
  pthread_mutex_lock(&log_mutex);
  fprintf(stderr, "forking\n");
  // CHECK: :[[@LINE-1]]:3: note: `fprintf` in a pthread_atfork prepare handler: not async-signal-safe, so fork() is no longer safe to call from a signal handler; a prepare handler should only take the locks the child needs [MPG107 atfork-handler-unsafe]
  // CHECK-NEXT: :[[@LINE+15]]:3: note: registered as the prepare handler here
}
void parent_logs() { pthread_mutex_unlock(&log_mutex); }
void child_logs() {
  pthread_mutex_lock(&log_mutex);
  // CHECK: :[[@LINE-1]]:3: warning: `pthread_mutex_lock` in a pthread_atfork child handler: it locks a mutex the prepare handler already holds, so the child deadlocks on itself; unlock it instead [MPG107 atfork-handler-unsafe]
  // CHECK-NEXT: note: registered as the child handler here
  pthread_mutex_unlock(&stats_mutex);
  // CHECK: :[[@LINE-1]]:3: warning: `pthread_mutex_unlock` in a pthread_atfork child handler: it releases a mutex the prepare handler did not take, which the child does not own [MPG107 atfork-handler-unsafe]
  // CHECK-NEXT: note: registered as the child handler here
  puts("child");
  // CHECK: :[[@LINE-1]]:3: warning: `puts` in a pthread_atfork child handler: not async-signal-safe, and the child of a multithreaded process may call only those [MPG107 atfork-handler-unsafe]
  // CHECK-NEXT: note: registered as the child handler here
}
void install_log_handlers() {
  pthread_atfork(prepare_logs, parent_logs, child_logs);
}

void install_lambda() {
  pthread_atfork(nullptr, nullptr, [] { cache_mutex.lock(); });
  // CHECK: :[[@LINE-1]]:41: warning: `std::mutex::lock` in a pthread_atfork child handler: it locks a mutex the prepare handler did not take{{.*}}[MPG107 atfork-handler-unsafe]
  // CHECK-NEXT: :[[@LINE-2]]:3: note: registered as the child handler here
}

// --- negative ---------------------------------------------------------------
// The canonical pattern: prepare takes the locks, parent and child release.
void prepare_ok() {
  cache_mutex.lock();
  pthread_mutex_lock(&stats_mutex);
}
void parent_ok() {
  pthread_mutex_unlock(&stats_mutex);
  cache_mutex.unlock();
}
void child_ok() {
  pthread_mutex_init(&stats_mutex, nullptr); // re-initialized: also fine
  cache_mutex.unlock();
  while (write(2, "child\n", 6) < 0 && errno == EINTR) // errno is fine too
    ;
}
void install_ok() { pthread_atfork(prepare_ok, parent_ok, child_ok); }

// A parent handler may do anything: it runs in the parent.
void parent_prints() { puts("forked"); }
void install_parent_only() { pthread_atfork(nullptr, parent_prints, nullptr); }

// Handlers whose bodies are not in the analyzed files: nothing to check.
extern "C" void lib_prepare();
extern "C" void lib_child();
void install_lib() { pthread_atfork(lib_prepare, nullptr, lib_child); }

void suppressed_child() {
  pthread_mutex_lock(&stats_mutex); // NOLINT(mpguard-MPG107)
}
void install_suppressed() { pthread_atfork(nullptr, nullptr, suppressed_child); }
