// MPG103 bad: the fork child ends with exit(), running the parent's cleanup.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

// The parent owns a lock file for as long as it runs; its atexit handler
// removes it when the program ends.
static std::string lock_path;
static void remove_lock() { unlink(lock_path.c_str()); }

int main() {
  char path[] = "/tmp/mpguard-mpg103-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return 2;
  close(fd);
  lock_path = path;
  std::atexit(remove_lock);

  pid_t pid = fork();
  if (pid == 0) {
    // MPG103: exit() runs the atexit handlers the child inherited: it
    // removes the parent's lock file while the parent still holds it.
    exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (access(lock_path.c_str(), F_OK) != 0) {
    std::fprintf(stderr,
                 "parent: my lock file %s is gone: the child's exit() "
                 "ran my atexit handler\n",
                 lock_path.c_str());
    return 1;
  }
  std::printf("parent: lock file still there\n");
  return 0;
}
