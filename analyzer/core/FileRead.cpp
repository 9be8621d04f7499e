//===- FileRead.cpp - Read a whole file, never mmap -----------------------===//
#include "core/FileRead.h"

#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

namespace mpguard {

int readWholeFile(const std::string &Path, std::string &Out, struct stat &St,
                  uint64_t MaxBytes) {
  int FD;
  do
    FD = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  while (FD < 0 && errno == EINTR);
  if (FD < 0)
    return errno;
  auto Fail = [FD](int E) {
    ::close(FD);
    return E;
  };
  if (::fstat(FD, &St) != 0)
    return Fail(errno);
  if (!S_ISREG(St.st_mode))
    return Fail(EINVAL);
  if (uint64_t(St.st_size) > MaxBytes)
    return Fail(EFBIG);
  // Read to EOF, not to st_size: the file may grow or shrink meanwhile.
  Out.resize(size_t(St.st_size) + 1);
  size_t Len = 0;
  for (;;) {
    if (Len == Out.size()) {
      if (Len > MaxBytes)
        return Fail(EFBIG);
      Out.resize(Len * 2);
    }
    ssize_t N = ::read(FD, &Out[Len], Out.size() - Len);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return Fail(errno);
    if (N == 0)
      break;
    Len += size_t(N);
  }
  ::close(FD);
  Out.resize(Len);
  return 0;
}

} // namespace mpguard
