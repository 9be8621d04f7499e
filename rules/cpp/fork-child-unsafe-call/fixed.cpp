// MPG102 fixed: the fork child calls only async-signal-safe functions.
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
  // The same thread, holding the mutex while fork() runs.
  std::thread logger([] {
    std::lock_guard<std::mutex> lock(log_mutex);
    holding = true;
    while (!forked)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::fprintf(stderr, "[log] batch written\n");
  });
  while (!holding)
    std::this_thread::yield();

  // Everything the child needs is prepared before fork(): the message and
  // the argument vector. The child only writes, execs and exits.
  const char message[] = "[child] running /bin/true\n";
  char *const argv[] = {(char *)"true", nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    ssize_t written = write(STDERR_FILENO, message, sizeof message - 1);
    (void)written;
    execv("/bin/true", argv);
    _exit(127);
  }
  forked = true;
  logger.join();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }

  int status = 0;
  if (waitpid(pid, &status, 0) != pid)
    return 1;
  log_line("parent: child finished");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
