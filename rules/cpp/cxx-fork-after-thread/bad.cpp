// MPG101 bad: fork() while a thread holds a mutex; the child blocks forever.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

std::mutex table_mutex; // guards `requests`
long requests = 0;
std::atomic<bool> holding{false}, forked{false};

long read_requests() {
  std::lock_guard<std::mutex> lock(table_mutex);
  return requests;
}

int main() {
  // A worker that updates the table under the mutex. The handshake makes it
  // hold the mutex while fork() runs, every time: it says so, and keeps it
  // until the parent has forked.
  std::thread worker([] {
    std::lock_guard<std::mutex> lock(table_mutex);
    holding = true;
    while (!forked)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ++requests;
  });
  while (!holding)
    std::this_thread::yield();

  pid_t pid = fork(); // MPG101: `worker` is running and not joined
  if (pid == 0) {
    // The child has a copy of the locked mutex, but not the thread that
    // would unlock it: this blocks forever.
    std::printf("child: %ld requests\n", read_requests());
    std::fflush(stdout);
    _exit(0);
  }
  forked = true;
  worker.join();
  std::printf("parent: %ld requests\n", read_requests());
  std::fflush(stdout);

  // Wait for the child with a bound, to say what happened; then keep waiting,
  // as a program that waits for its child would.
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr,
               "parent: child %d still blocked after 1 s: deadlocked on "
               "table_mutex, which was locked by a thread that the child does "
               "not have; waiting for it forever (Ctrl-C to stop)\n",
               (int)pid);
  waitpid(pid, &status, 0);
  return 1;
}
