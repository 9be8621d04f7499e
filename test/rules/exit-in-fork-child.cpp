// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG103 exit-in-fork-child.
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG103 --format concise %s -- -std=c++17 | FileCheck %s --implicit-check-not=MPG
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

void finish() { exit(0); }

// --- positive ---------------------------------------------------------------
void direct_exit() {
  if (fork() == 0) {
    exit(1);
    // CHECK: :[[@LINE-1]]:5: warning: `exit` in a fork child: the child runs the parent's atexit handlers{{.*}}[MPG103 exit-in-fork-child]
    // CHECK-NEXT: :[[@LINE-3]]:7: note: the child of this `fork`
  }
}

void through_a_helper() {
  pid_t pid = fork();
  if (!pid)
    finish();
  // CHECK: :[[@LINE-1]]:5: warning: `finish` calls `exit` in a fork child{{.*}}[MPG103 exit-in-fork-child]
  // CHECK-NEXT: :[[@LINE-4]]:15: note: the child of this `fork`
  // CHECK-NEXT: :10:17: note: `exit` called here
}

void throws() {
  if (fork() == 0)
    throw std::runtime_error("child failed");
  // CHECK: :[[@LINE-1]]:5: warning: `throw` in a fork child: an exception that escapes runs the parent's code in the child{{.*}}[MPG103 exit-in-fork-child]
  // CHECK-NEXT: note: the child of this `fork`
}

int main() {
  switch (fork()) {
  case 0:
    puts("child");
    return 0;
  default:
    break;
  }
  // CHECK: :[[@LINE-7]]:11: warning: the child of this `fork` returns from main{{.*}}[MPG103 exit-in-fork-child]
  return 0;
}

// --- negative ---------------------------------------------------------------
void ends_with__exit() {
  if (fork() == 0) {
    puts("child");
    _exit(0);
  }
  exit(0); // the parent's
}

void execs(char *const argv[]) {
  if (fork() == 0) {
    execv("/bin/true", argv);
    _exit(127);
  }
}

// Not main: the child returning from an ordinary function is not MPG103's.
void returns() {
  if (fork() == 0)
    return;
}
