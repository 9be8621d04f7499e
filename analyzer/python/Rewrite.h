//===- Rewrite.h - Module-level rewrites for guard fixes -------*- C++ -*-===//
//
// The fixes of MPG001 and MPG002 move module-level code under the main
// guard. They are planned here, from facts only (top-level statements,
// bindings, call sites, guard regions, multi-line strings), so that both
// rules share one idea of "the guard", "indentation" and "a statement's
// lines".
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PYTHON_REWRITE_H
#define MPGUARD_PYTHON_REWRITE_H

#include "core/Finding.h"
#include "project/Project.h"
#include "python/PythonModule.h"

#include <optional>

namespace mpguard {
namespace python {

/// MPG001: move every module-level statement with side effects into
/// `def main():` called under `if __name__ == "__main__":` (merging an
/// existing guard), keeping imports, definitions, side-effect-free
/// assignments and the names worker code reads at module level. Returns
/// nothing when the module has a shape the rewrite cannot keep correct
/// (other guard forms, a kept statement that would still start processes).
std::optional<Fix> planMainExtraction(const PythonModule &M,
                                      const project::ModuleSummary &S);

/// MPG002: move the top-level statement holding \p Call under the main
/// guard (at its start), creating the guard at the end of the file if there
/// is none. Returns nothing when the call is not a statement of its own or
/// when the module sets the start method more than once (moving one call
/// past another would change which one raises).
std::optional<Fix> planMoveUnderGuard(const PythonModule &M,
                                      const project::ModuleSummary &S,
                                      const Event &Call);

/// MPG008: insert `multiprocessing.freeze_support()` as the first statement
/// of guard \p G (a simple `if __name__ == "__main__":`), spelled through an
/// existing module-level import of multiprocessing (or a drop-in) when one
/// provides it, else with `import multiprocessing` added after the last
/// top-level import before the guard. Returns nothing for other guard forms,
/// CR line endings, or a name `multiprocessing` bound to something else.
std::optional<Fix> planFreezeSupport(const PythonModule &M,
                                     const GuardRegion &G);

} // namespace python
} // namespace mpguard

#endif
