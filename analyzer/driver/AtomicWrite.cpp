//===- AtomicWrite.cpp ----------------------------------------------------===//
#include "driver/AtomicWrite.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <sys/stat.h>

namespace mpguard {

namespace fs = llvm::sys::fs;

bool writeFileAtomically(const std::string &Path,
                         llvm::function_ref<void(llvm::raw_ostream &)> Write,
                         std::string &Error) {
  llvm::SmallString<256> Target(Path);
  fs::perms Mode;
  fs::file_status St;
  if (!fs::status(Path, St)) {
    if (fs::is_directory(St)) {
      Error = "cannot write '" + Path + "': it is a directory";
      return false;
    }
    // Replace what the path points to, not the symlink itself.
    if (std::error_code EC = fs::real_path(Path, Target)) {
      Error = "cannot resolve '" + Path + "': " + EC.message();
      return false;
    }
    Mode = St.permissions();
  } else {
    // umask() can only be read by setting it: do that once (thread-safe
    // static initialization), not per call, or two threads writing cache
    // entries at once could interleave and leave the process umask at 0.
    static const mode_t Mask = [] {
      mode_t M = ::umask(0);
      ::umask(M);
      return M;
    }();
    Mode = fs::perms(0666 & ~Mask);
  }
  llvm::SmallString<256> Model(Target), Temp;
  Model += ".mpguard-tmp-%%%%%%%%";
  int FD = -1;
  // Owner-only until the final mode is set just before the rename: the new
  // contents of a 0600 file are never readable by others, even if the
  // process dies in between.
  if (std::error_code EC = fs::createUniqueFile(
          Model, FD, Temp, fs::OF_None, fs::owner_read | fs::owner_write)) {
    Error = "cannot write '" + Path + "': " + EC.message();
    return false;
  }
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    Write(OS);
    OS.close();
    if (OS.has_error()) {
      Error = "cannot write '" + Path + "': " + OS.error().message();
      OS.clear_error();
      fs::remove(Temp);
      return false;
    }
  }
  if (std::error_code EC = fs::setPermissions(Temp, Mode)) {
    fs::remove(Temp);
    Error = "cannot set the permissions of '" + Path + "': " + EC.message();
    return false;
  }
  if (std::error_code EC = fs::rename(Temp, Target)) {
    fs::remove(Temp);
    Error = "cannot replace '" + Path + "': " + EC.message();
    return false;
  }
  return true;
}

} // namespace mpguard
