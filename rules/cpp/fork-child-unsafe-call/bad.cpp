// MPG102 bad: the fork child logs via a mutex another thread held; it hangs.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

std::mutex log_mutex; // one line at a time on stderr
std::atomic<bool> holding{false}, forked{false};

void log_line(const char *text) {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::fprintf(stderr, "[log] %s\n", text);
}

int main() {
  // A thread that writes a batch of lines under the mutex. The handshake
  // makes it hold the mutex while fork() runs, every time.
  std::thread logger([] {
    std::lock_guard<std::mutex> lock(log_mutex);
    holding = true;
    while (!forked)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::fprintf(stderr, "[log] batch written\n");
  });
  while (!holding)
    std::this_thread::yield();

  char *const argv[] = {(char *)"true", nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    // MPG102: log_line() locks a mutex and calls fprintf, neither of which is
    // async-signal-safe. The child's copy of log_mutex is locked by a thread
    // the child does not have: this blocks forever, and execv never runs.
    log_line("child: running /bin/true");
    execv("/bin/true", argv);
    _exit(127);
  }
  forked = true;
  logger.join();

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
               "parent: child %d still blocked after 1 s: deadlocked in "
               "log_line() on log_mutex, which was locked by a thread that the "
               "child does not have; waiting for it forever (Ctrl-C to stop)\n",
               (int)pid);
  waitpid(pid, &status, 0);
  return 1;
}
