// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG102 fork-child-unsafe-call.
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG102 --format concise %s -- -std=c++17 | FileCheck %s --implicit-check-not=MPG
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

std::mutex m;
void work() {}
void log_it(const char *s) { std::lock_guard<std::mutex> g(m); (void)s; }
void declared_only(); // defined in no analyzed file

// --- with a thread running: warnings --------------------------------------
void threaded(char *const argv[]) {
  std::thread t(work);
  pid_t pid = fork();
  if (pid == 0) {
    printf("child\n");
    // CHECK: :[[@LINE-1]]:5: warning: `printf` in a fork child before exec/_exit: not async-signal-safe; a thread is running at the fork{{.*}}[MPG102 fork-child-unsafe-call]
    // CHECK-NEXT: :[[@LINE-4]]:15: note: the child of this `fork`
    // CHECK-NEXT: :[[@LINE-6]]:15: note: thread started here (`std::thread`)
    log_it("x");
    // CHECK: :[[@LINE-1]]:5: warning: `log_it` calls `std::lock_guard<std::mutex>::lock_guard` in a fork child{{.*}}[MPG102 fork-child-unsafe-call]
    // CHECK-NEXT: note: the child of this `fork`
    // CHECK-NEXT: note: thread started here
    // CHECK-NEXT: :15:58: note: `std::lock_guard<std::mutex>::lock_guard` called here
    std::string s = "x";
    // CHECK: :[[@LINE-1]]:{{[0-9]+}}: warning: `std::basic_string<char>::basic_string{{.*}}` in a fork child{{.*}}[MPG102 fork-child-unsafe-call]
    // CHECK-COUNT-2: note:
    int *p = new int(1);
    // CHECK: :[[@LINE-1]]:14: warning: `new` (allocates) in a fork child{{.*}}[MPG102
    // CHECK-COUNT-2: note:
    declared_only();
    // CHECK: :[[@LINE-1]]:5: note: cannot verify `declared_only` in a fork child before exec/_exit: its body is not in the analyzed files [MPG102 fork-child-unsafe-call]
    // CHECK-COUNT-2: note:
    (void)p;
    // Safe calls, then exec: nothing more.
    close(0);
    write(1, "x", 1);
    execv("/bin/true", argv);
    _exit(127);
  }
  // Not the child: the parent may do anything.
  printf("parent\n");
  t.join();
}

// switch (fork()) { case 0: ... }
void switch_child() {
  std::thread t(work);
  switch (fork()) {
  case -1:
    break;
  case 0:
    std::cout << "child\n";
    // CHECK: :[[@LINE-1]]:{{[0-9]+}}: warning: `std::operator<<{{.*}}` in a fork child{{.*}}[MPG102
    // CHECK-COUNT-2: note:
    exit(0);
    // CHECK: :[[@LINE-1]]:5: warning: `exit` in a fork child{{.*}}[MPG102
    // CHECK-COUNT-2: note:
  default:
    break;
  }
  t.join();
}

// --- negative ---------------------------------------------------------------
// No thread runs at the fork: a single-threaded child may call anything.
void single_threaded() {
  if (fork() == 0) {
    puts("child");
    _exit(0);
  }
}
void thread_after_fork() {
  pid_t pid = fork();
  if (pid == 0) {
    puts("child");
    _exit(0);
  }
  std::thread t(work);
  t.join();
}
void joined_before_fork() {
  std::thread t(work);
  t.join();
  if (fork() == 0) {
    puts("child");
    _exit(0);
  }
}

// The else of a parent test is the child; abort() ends its path.
void else_of_parent() {
  std::thread t(work);
  pid_t pid = fork();
  if (pid > 0) {
    puts("parent");
  } else {
    abort();
    puts("never reached");
  }
  t.join();
}

// After _exit the path ends; code after the child branch that the child
// never reaches is not the child's.
void exits_first() {
  std::thread t(work);
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  puts("parent only");
  t.join();
}

// A fork whose result is never tested: no child branch known, no report.
void untested() {
  std::thread t(work);
  fork();
  puts("both");
  t.join();
}
