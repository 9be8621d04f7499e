// clang-format off
// (a test input: the CHECK lines count on its layout)
// Positive and negative cases for MPG106 extension-threads-at-import, with
// the real Python and pybind11 headers.
// RUN: %expect-exit 1 %mpguard check --isolated --select MPG106 --format concise %s -- -std=c++17 %pyinc_flags | FileCheck %s --implicit-check-not=MPG
// Not an extension (no module init): its static thread pool is MPG101's
// business at a fork, not MPG106's.
// RUN: sed -e 's/^PYBIND11_MODULE(fastio, m)/void not_a_module(py::module_ \&m)/' -e 's/PyInit_/NotInit_/g' %s > %t.cpp
// RUN: %mpguard check --isolated --select MPG106 --format concise %t.cpp -- -std=c++17 %pyinc_flags | FileCheck %s --check-prefix=PLAIN
// PLAIN: All checks passed (1 file checked).
#include <pybind11/pybind11.h>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace py = pybind11;

class Flusher {
public:
  Flusher() : worker_([this] { run(); }) {}
  ~Flusher() { stop(); }
  void stop() {
    { std::lock_guard<std::mutex> g(m_); done_ = true; }
    cv_.notify_all();
    if (worker_.joinable())
      worker_.join();
  }
private:
  void run() {
    std::unique_lock<std::mutex> g(m_);
    cv_.wait(g, [this] { return done_; });
  }
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread worker_;
};

// --- positive ---------------------------------------------------------------
static Flusher flusher;
// CHECK: :[[@LINE-1]]:16: warning: the initializer of `flusher` in a Python extension leaves a thread running (started at {{.*}}extension-threads-at-import.cpp:22): every process that imports the extension has it{{.*}}[MPG106 extension-threads-at-import]
// CHECK-NEXT: :[[@LINE-2]]:16: note: `Flusher::Flusher` called here
// CHECK-NEXT: :22:15: note: thread started here (`std::thread`)

static std::vector<std::thread> pool;
static void start_pool() {
  for (int i = 0; i < 4; ++i)
    pool.emplace_back([] {});
}

PYBIND11_MODULE(fastio, m) {
  // CHECK: :[[@LINE-1]]:1: warning: module init `PyInit_fastio` returns with a thread running{{.*}}[MPG106 extension-threads-at-import]
  // CHECK-NEXT: :[[@LINE-2]]:1: note: `pybind11_init_fastio` called here
  // CHECK-NEXT: :[[@LINE+2]]:3: note: `start_pool` called here
  // CHECK-NEXT: :[[@LINE-7]]:5: note: thread started here (`std::thread`)
  start_pool();
  m.def("flush", [] {});
}

static PyObject *spam_init_thread(PyObject *) {
  static std::thread t([] {});
  return nullptr;
}
extern "C" PyObject *PyInit_spam() {
  // CHECK: :[[@LINE-1]]:22: warning: module init `PyInit_spam` returns with a thread running{{.*}}[MPG106 extension-threads-at-import]
  // CHECK-NEXT: :[[@LINE+1]]:3: note: thread started here (`std::thread`)
  std::thread([] {}).detach();
  return spam_init_thread(nullptr);
}

// --- negative ---------------------------------------------------------------
extern "C" PyObject *PyInit_joined() {
  std::thread t([] {});
  t.join(); // joined before the import returns
  return nullptr;
}
static int answer = 42; // constant: not a dynamic initializer
