// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG104 vfork-child-misuse.
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG104 --format concise %s -- -std=c++17 | FileCheck %s --implicit-check-not=MPG
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unistd.h>

int launch_error;
std::mutex table_mutex;
void log_child(const char *s) { puts(s); }

// --- positive ---------------------------------------------------------------
void writes_parent_memory(char *const argv[]) {
  pid_t pid = vfork();
  if (pid == 0) {
    execv(argv[0], argv);
    launch_error = 127;
    // CHECK: :[[@LINE-1]]:5: warning: `launch_error` written in the child of `vfork()`: until it calls exec or _exit() the child runs on the parent's stack and memory while the parent is suspended, so the parent sees the change [MPG104 vfork-child-misuse]
    // CHECK-NEXT: :[[@LINE-5]]:15: note: the child of this `vfork()`
    _exit(127);
  }
}

void calls_and_locks(char *const argv[]) {
  if (!vfork()) {
    printf("starting %s\n", argv[0]);
    // CHECK: :[[@LINE-1]]:5: warning: `printf` called in the child of `vfork()`{{.*}}only exec*() and _exit() are allowed [MPG104 vfork-child-misuse]
    // CHECK-NEXT: note: the child of this `vfork()`
    log_child("child");
    // CHECK: :[[@LINE-1]]:5: warning: `log_child` called in the child of `vfork()`{{.*}}[MPG104 vfork-child-misuse]
    // CHECK-NEXT: note: the child of this `vfork()`
    std::lock_guard<std::mutex> g(table_mutex);
    // CHECK: :[[@LINE-1]]:33: warning: `std::lock_guard<std::mutex>::lock_guard` called in the child of `vfork()`{{.*}}[MPG104 vfork-child-misuse]
    // CHECK-NEXT: note: the child of this `vfork()`
    execv(argv[0], argv);
    exit(1);
    // CHECK: :[[@LINE-1]]:5: warning: `exit` called in the child of `vfork()`{{.*}}[MPG104 vfork-child-misuse]
    // CHECK-NEXT: note: the child of this `vfork()`
  }
}

void counts(char *const argv[]) {
  int tries = 0;
  switch (vfork()) {
  case 0:
    ++tries;
    // CHECK: :[[@LINE-1]]:5: warning: `tries` written in the child of `vfork()`{{.*}}[MPG104 vfork-child-misuse]
    // CHECK-NEXT: note: the child of this `vfork()`
    execv(argv[0], argv);
    _exit(1);
  default:
    break;
  }
}

int returns(char *const argv[]) {
  pid_t pid = vfork();
  // CHECK: :[[@LINE-1]]:15: warning: the child of this `vfork()` can return from `returns`: it unwinds the stack frame the suspended parent will resume in; end the child with _exit() [MPG104 vfork-child-misuse]
  if (pid == 0)
    execv(argv[0], argv); // no _exit: a failed exec returns
  return pid;
}

// --- negative ---------------------------------------------------------------
void exec_or_exit(char *const argv[]) {
  pid_t pid;
  if ((pid = vfork()) == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  int unrelated = 0;
  unrelated = 1; // the parent's code
  (void)unrelated;
}

void fork_child_may_write(char *const argv[]) {
  if (fork() == 0) { // fork, not vfork: the child has its own memory
    launch_error = 1;
    execv(argv[0], argv);
    _exit(1);
  }
}

void suppressed(char *const argv[]) {
  if (vfork() == 0) {
    launch_error = 2; // NOLINT(mpguard-vfork-child-misuse)
    execv(argv[0], argv);
    _exit(1);
  }
}
