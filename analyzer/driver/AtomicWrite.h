//===- AtomicWrite.h - Replace a file in one step --------------*- C++ -*-===//
#ifndef MPGUARD_DRIVER_ATOMICWRITE_H
#define MPGUARD_DRIVER_ATOMICWRITE_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace llvm {
class raw_ostream;
}

namespace mpguard {

/// Writes \p Path through a temporary file in the same directory renamed
/// into place, so a reader never sees half a file and a failure leaves the
/// old file (or no file) untouched. An existing file keeps its permissions
/// and is written through symlinks; a new one gets 0666 less the umask.
/// On failure returns false with \p Error saying why.
bool writeFileAtomically(const std::string &Path,
                         llvm::function_ref<void(llvm::raw_ostream &)> Write,
                         std::string &Error);

} // namespace mpguard

#endif
