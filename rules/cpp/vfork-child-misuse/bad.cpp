// MPG104 bad: the vfork child writes to a variable; it is the parent's.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

// The program's log: a temporary file, which every part of it writes to.
static int log_fd = -1;

static bool log_line(const char *text) {
  size_t size = std::strlen(text);
  return write(log_fd, text, size) == (ssize_t)size;
}

static void print_log() {
  char buffer[256];
  ssize_t got;
  lseek(log_fd, 0, SEEK_SET);
  while ((got = read(log_fd, buffer, sizeof buffer)) > 0)
    std::fwrite(buffer, 1, got, stdout);
}

int main() {
  char path[] = "/tmp/mpguard-mpg104-XXXXXX";
  log_fd = mkstemp(path);
  if (log_fd < 0)
    return 2;
  unlink(path);
  log_line("parent: running echo\n");

  // The command writes its output to the log too.
  char *const argv[] = {(char *)"echo", (char *)"echo: hello", nullptr};
  pid_t pid = vfork();
  if (pid == 0) {
    // MPG104, on each of these three lines: a vfork child may only exec or
    // _exit. As after fork(), the child moves the log to its stdout and
    // forgets its own copy of the descriptor. But a vfork child has no copy
    // of anything: it runs in the parent's memory, and `log_fd = -1` sets
    // the parent's variable.
    dup2(log_fd, STDOUT_FILENO);
    close(log_fd);
    log_fd = -1;
    execv("/bin/echo", argv);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);

  if (!log_line("parent: echo finished\n")) {
    std::fprintf(stderr,
                 "parent: cannot write to my log: log_fd is now %d (%s): the "
                 "vfork child's `log_fd = -1` changed my variable\n",
                 log_fd, std::strerror(errno));
    return 1;
  }
  print_log();
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
