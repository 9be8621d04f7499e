//===- FileRead.h - Read a whole file, never mmap --------------*- C++ -*-===//
//
// The one way mpguard reads a file (sources, cache entries, files to
// rewrite): open, fstat, read to EOF, close. Never mmap: a file truncated
// while it is read gives a short snapshot, not SIGBUS (LLVM's
// MemoryBuffer::getFile mmaps files of 16 KiB and more unless a null
// terminator is also required).
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CORE_FILEREAD_H
#define MPGUARD_CORE_FILEREAD_H

#include <cstdint>
#include <string>

#include <sys/stat.h>

namespace mpguard {

/// Reads \p Path into \p Out (reusing its capacity) and its fstat into
/// \p St. Returns 0, or an errno value: EINVAL for a file that is not
/// regular, EFBIG for one larger than \p MaxBytes (before or while reading).
int readWholeFile(const std::string &Path, std::string &Out, struct stat &St,
                  uint64_t MaxBytes);

} // namespace mpguard

#endif
