// MPG101 fixed: fork() before any thread starts, so no lock can be held.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

std::mutex table_mutex; // guards `requests`
long requests = 0;

long read_requests() {
  std::lock_guard<std::mutex> lock(table_mutex);
  return requests;
}

int main() {
  // The process has one thread here: the child's copy of every lock is the
  // state that thread left it in, unlocked.
  pid_t pid = fork();
  if (pid == 0) {
    std::printf("child: %ld requests\n", read_requests());
    std::fflush(stdout);
    _exit(0);
  }
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }

  std::thread worker([] {
    std::lock_guard<std::mutex> lock(table_mutex);
    ++requests;
  });
  worker.join();

  int status = 0;
  if (waitpid(pid, &status, 0) != pid)
    return 1;
  std::printf("parent: %ld requests\n", read_requests());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
