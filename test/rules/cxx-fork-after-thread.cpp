// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG101 cxx-fork-after-thread.
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG101 --format concise %s -- -std=c++20 | FileCheck %s --implicit-check-not=MPG
#include <cstdio>
#include <future>
#include <pthread.h>
#include <thread>
#include <unistd.h>
#include <vector>

static void work() {}
static void *run(void *) { return nullptr; }

// --- positive ---------------------------------------------------------------
void thread_then_fork() {
  std::thread t(work);
  fork();
  // CHECK: :[[@LINE-1]]:3: warning: `fork` while a thread started at {{.*}}cxx-fork-after-thread.cpp:[[@LINE-2]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-3]]:15: note: thread started here (`std::thread`)
  t.join();
}

void pthread_then_vfork() {
  pthread_t tid;
  pthread_create(&tid, nullptr, run, nullptr);
  if (vfork() == 0) {
    puts("child");
    _exit(0);
  }
  // CHECK: :[[@LINE-4]]:7: warning: `vfork` while a thread started at {{.*}}:[[@LINE-5]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-6]]:3: note: thread started here (`pthread_create`)
  pthread_join(tid, nullptr);
}

void async_then_daemon() {
  auto f = std::async(std::launch::async, work);
  daemon(0, 0);
  // CHECK: :[[@LINE-1]]:3: warning: `daemon` while a thread started {{.*}} is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-3]]:12: note: thread started here (`std::async`)
  f.get();
}

// Joined on one branch only: the other path still has it.
void joined_on_one_branch(bool b) {
  std::thread t(work);
  if (b)
    t.join();
  fork();
  // CHECK: :[[@LINE-1]]:3: warning: `fork` while a thread started at {{.*}}:[[@LINE-4]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-5]]:15: note: thread started here
  if (!b)
    t.join();
}

// A detached thread is never joined.
void detached() {
  std::thread(work).detach();
  fork();
  // CHECK: :[[@LINE-1]]:3: warning: `fork` while a thread started at {{.*}}:[[@LINE-2]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-3]]:3: note: thread started here (`std::thread`)
}

// Through calls: a helper that leaves a thread running, a helper that forks.
void starts_pool(std::vector<std::thread> &pool) {
  pool.emplace_back(work);
}
pid_t spawn_child() { return fork(); }

void through_calls() {
  std::vector<std::thread> pool;
  starts_pool(pool);
  spawn_child();
  // CHECK: :[[@LINE-1]]:3: warning: call to `spawn_child` forks (`fork`) while a thread started at {{.*}}:[[@LINE-8]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-3]]:3: note: `starts_pool` called here
  // CHECK-NEXT: :[[@LINE-10]]:3: note: thread started here (`std::thread`)
  // CHECK-NEXT: :[[@LINE-9]]:30: note: forks here (`fork`)
}

// A thread-pool class: its constructor starts the workers.
struct Pool {
  std::vector<std::thread> workers;
  Pool() {
    for (int i = 0; i < 2; ++i)
      workers.emplace_back(work);
  }
};
void pool_object() {
  Pool p;
  fork();
  // CHECK: :[[@LINE-1]]:3: warning: `fork` while a thread started at {{.*}}:[[@LINE-6]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-3]]:8: note: `Pool::Pool` called here
  // CHECK-NEXT: :[[@LINE-8]]:7: note: thread started here (`std::thread`)
}

// --- negative ---------------------------------------------------------------
void fork_first() {
  pid_t pid = fork();
  std::thread t(work);
  t.join();
  (void)pid;
}

void joined_before() {
  std::thread t(work);
  t.join();
  fork();
}

void joined_in_loop() {
  std::vector<std::thread> pool;
  for (int i = 0; i < 4; ++i)
    pool.emplace_back(work);
  for (auto &t : pool)
    t.join();
  fork();
}

void pthreads_joined_in_loop() {
  pthread_t tids[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&tids[i], nullptr, run, nullptr);
  for (int i = 0; i < 4; ++i)
    pthread_join(tids[i], nullptr);
  fork();
}

void jthread_scope() {
  {
    std::jthread t(work);
  }
  fork();
}

// A discarded future waits in its destructor: nothing is left running.
void discarded_async() {
  (void)std::async(std::launch::async, work);
  fork();
}

// The lambda runs in the new thread, not before the fork.
void fork_inside_thread_body() {
  std::thread t([] { fork(); });
  t.join();
}

// A user function named fork is not fork(2).
namespace mine {
int fork() { return 0; }
} // namespace mine
void not_the_fork() {
  std::thread t(work);
  mine::fork();
  t.join();
}

// The safe pattern: the child only makes async-signal-safe calls, then
// execs or exits. MPG102 checks the child; MPG101 stays quiet.
void fork_exec_with_threads(char *const argv[]) {
  std::thread t(work);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(3, 1);
    execv("/bin/true", argv);
    _exit(127);
  }
  t.join();
}
// ...but a child that may fall back into the parent's code is reported.
void child_falls_through() {
  std::thread t(work);
  if (fork() == 0)
    write(1, "x", 1);
  // CHECK: :[[@LINE-2]]:7: warning: `fork` while a thread started at {{.*}}:[[@LINE-3]] is still running{{.*}}[MPG101 cxx-fork-after-thread]
  // CHECK-NEXT: :[[@LINE-4]]:15: note: thread started here (`std::thread`)
  t.join();
}
