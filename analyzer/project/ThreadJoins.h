//===- ThreadJoins.h - Whether a started thread is joined ------*- C++ -*-===//
//
// Threads started in a scope (ThreadStart events, or calls of functions that
// leave a thread running) and the joins that wait for them (ThreadJoin
// events on the same variable, the exit of a with statement). A join counts
// when it runs on every path from the start to a point: it is after the
// start, before the point, and not in an if arm the path may skip, unless
// every arm of an if/elif/else chain joins.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PROJECT_THREADJOINS_H
#define MPGUARD_PROJECT_THREADJOINS_H

#include "python/PythonModule.h"

#include <string>

namespace mpguard {
namespace project {

/// The variable that holds what \p Start leaves running: a ThreadStart's
/// Target; for a call, the name its result is assigned to. "" when none.
std::string threadVariable(const python::PythonModule &M,
                           const python::Event &Start);

/// Whether what \p Start (a ThreadStart, or a call) leaves running is
/// joined on every path from it to \p At (an event of the same scope after
/// it), or by the end of the scope when \p At is null.
bool joinedBefore(const python::PythonModule &M, const python::Event &Start,
                  const python::Event *At);

} // namespace project
} // namespace mpguard

#endif
