// MPG107 bad: the fork child handler locks a mutex another thread held; the
// child hangs inside fork().
#include <atomic>
#include <chrono>
#include <cstdio>
#include <pthread.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

// A cache of recent results, shared by the threads of the process.
pthread_mutex_t cache_mutex = PTHREAD_MUTEX_INITIALIZER; // guards the cache
int cache[64];
int cache_size = 0;
std::atomic<bool> holding{false}, forked{false};

void clear_cache() {
  pthread_mutex_lock(&cache_mutex);
  cache_size = 0;
  pthread_mutex_unlock(&cache_mutex);
}

// Run by fork() in the child, so that a child starts with an empty cache.
void child_after_fork() {
  // MPG107: clear_cache() locks cache_mutex, which no prepare handler locked.
  // The child's copy is locked if another thread held it at fork(), and no
  // thread of the child will ever unlock it: this blocks forever.
  clear_cache();
}

int main() {
  pthread_atfork(nullptr, nullptr, child_after_fork);

  // A worker that refills the cache under the mutex. The handshake makes it
  // hold the mutex while fork() runs, every time: it says so, and keeps it
  // until the parent has forked.
  std::thread worker([] {
    pthread_mutex_lock(&cache_mutex);
    holding = true;
    while (!forked)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    for (int i = 0; i < 64; ++i)
      cache[i] = i * i;
    cache_size = 64;
    pthread_mutex_unlock(&cache_mutex);
  });
  while (!holding)
    std::this_thread::yield();

  // The child only execs, as the child of a threaded process should; but
  // child_after_fork() runs before, inside fork(), and never returns.
  char *const argv[] = {(char *)"true", nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    execv("/bin/true", argv);
    _exit(127);
  }
  forked = true;
  worker.join();

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
               "parent: child %d still blocked after 1 s: deadlocked in its "
               "fork handler child_after_fork() on cache_mutex, which was "
               "locked by a thread that the child does not have; waiting for "
               "it forever (Ctrl-C to stop)\n",
               (int)pid);
  waitpid(pid, &status, 0);
  return 1;
}
