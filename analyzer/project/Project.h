//===- Project.h - Summaries of what functions do, to a fixpoint -*- C++
//-*-===//
//
// The propagation stage. For every function (and lambda, and the module
// body) it records whether running it starts processes or sets the start
// method, directly or through calls, and which event is the witness. Calls
// are followed to a fixpoint, so recursion and cycles terminate. Today the
// call graph is the module's own (LocalCall events); cross-module
// propagation adds ExternalCall edges resolved against other modules'
// summaries, with no change to the rules that read them.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PROJECT_PROJECT_H
#define MPGUARD_PROJECT_PROJECT_H

#include "python/PythonModule.h"

#include <array>
#include <memory>
#include <vector>

namespace mpguard {
namespace project {

enum class Effect : uint8_t {
  StartsProcess,          // a process start runs
  SetsStartMethod,        // set_start_method runs (any form)
  SetsStartMethodRaising, // ...without force=True and outside a try that
                          // catches RuntimeError: raises when already set
  /// A thread starts and is not joined on every path before the scope
  /// returns (nor is the call's result joined, for a call): see
  /// ThreadJoins.h.
  LeavesThreadRunning,
  /// The process forks whatever the start method: os.fork, pty.fork,
  /// preexec_fn, a process start under an explicit fork context.
  Forks,
  /// A process start on the default start method (ProcessStart with no
  /// Target): a fork where the default is fork, which the rule decides.
  StartsDefaultMethodProcess,
};
constexpr size_t EffectCount = 6;

/// Per-scope witnesses: index of the event (in Module.Events) that gives the
/// scope the effect, or -1.
struct ModuleSummary {
  std::vector<std::array<int32_t, EffectCount>> Witness;

  bool has(python::ScopeId S, Effect E) const {
    return Witness[size_t(S)][size_t(E)] >= 0;
  }
};

/// Computes the summary of one module.
ModuleSummary summarize(const python::PythonModule &M);

/// The events from \p Start (a LocalCall) down to the event that has the
/// effect, in call order: [Start, call in callee, ..., the process start].
std::vector<const python::Event *> witnessChain(const python::PythonModule &M,
                                                const ModuleSummary &S,
                                                const python::Event &Start,
                                                Effect E);

/// Whether event \p Ev contributes \p E by itself (not through a call).
bool eventHasEffect(const python::PythonModule &M, const python::Event &Ev,
                    Effect E);

} // namespace project
} // namespace mpguard

#endif
