// MPG107 fixed: fork() takes the mutex in the prepare handler, and both
// processes release it after.
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
std::atomic<bool> holding{false};

// The fork handlers. fork() calls prepare_fork() before it copies the
// process: it waits until no other thread is using the cache, and holds the
// mutex across the copy. Both processes then unlock their copy; the child's
// cache is consistent, and the child handler empties it before unlocking.
void prepare_fork() { pthread_mutex_lock(&cache_mutex); }
void parent_after_fork() { pthread_mutex_unlock(&cache_mutex); }
void child_after_fork() {
  cache_size = 0; // a child starts with an empty cache
  pthread_mutex_unlock(&cache_mutex);
}

int main() {
  pthread_atfork(prepare_fork, parent_after_fork, child_after_fork);

  // The same worker, holding the mutex when fork() is called. It cannot wait
  // for the fork to finish, as in bad.cpp: fork() now waits for it, in
  // prepare_fork(), until it has refilled the cache.
  std::thread worker([] {
    pthread_mutex_lock(&cache_mutex);
    holding = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 64; ++i)
      cache[i] = i * i;
    cache_size = 64;
    pthread_mutex_unlock(&cache_mutex);
  });
  while (!holding)
    std::this_thread::yield();

  char *const argv[] = {(char *)"true", nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    execv("/bin/true", argv);
    _exit(127);
  }
  worker.join();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }

  int status = 0;
  if (waitpid(pid, &status, 0) != pid)
    return 1;
  pthread_mutex_lock(&cache_mutex);
  std::printf("parent: child finished; %d entries in the cache\n", cache_size);
  pthread_mutex_unlock(&cache_mutex);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
