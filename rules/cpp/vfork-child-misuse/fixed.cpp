// MPG104 fixed: posix_spawn() prepares the child; no code of ours runs in it.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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

  // The command writes its output to the log too. The file actions say what
  // to do in the child before the exec: posix_spawn() does it there, in a
  // child of its own making, and leaves the parent's variables alone.
  char *const argv[] = {(char *)"echo", (char *)"echo: hello", nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, log_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, log_fd);
  pid_t pid = 0;
  int error = posix_spawn(&pid, "/bin/echo", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    // A failed exec is reported here, as the error number.
    std::fprintf(stderr, "parent: cannot run echo: %s\n", std::strerror(error));
    return 1;
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
