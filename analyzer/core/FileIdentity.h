//===- FileIdentity.h - What a stat says about a file ----------*- C++ -*-===//
//
// Size, timestamps, inode and device: if none of them changed, the file's
// bytes are taken as unchanged (the facts cache's stat index). ctime is in
// because tools that restore mtime (rsync -t, tar, touch -r) cannot restore
// it; any write, chmod or rename moves it.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CORE_FILEIDENTITY_H
#define MPGUARD_CORE_FILEIDENTITY_H

#include <cstdint>

#include <sys/stat.h>

namespace mpguard {

struct FileIdentity {
  uint64_t Size = 0, Inode = 0, Device = 0;
  int64_t MtimeNs = 0, CtimeNs = 0;
  bool operator==(const FileIdentity &O) const {
    return Size == O.Size && Inode == O.Inode && Device == O.Device &&
           MtimeNs == O.MtimeNs && CtimeNs == O.CtimeNs;
  }
};

inline FileIdentity identityOf(const struct stat &St) {
  FileIdentity Id;
  Id.Size = uint64_t(St.st_size);
  Id.Inode = uint64_t(St.st_ino);
  Id.Device = uint64_t(St.st_dev);
  Id.MtimeNs = int64_t(St.st_mtim.tv_sec) * 1000000000 + St.st_mtim.tv_nsec;
  Id.CtimeNs = int64_t(St.st_ctim.tv_sec) * 1000000000 + St.st_ctim.tv_nsec;
  return Id;
}

} // namespace mpguard

#endif
