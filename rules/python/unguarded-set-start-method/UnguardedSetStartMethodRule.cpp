//===- UnguardedSetStartMethodRule.cpp - MPG002 ---------------------------===//
//
/// set_start_method() that runs at import time. A spawn or forkserver child
/// sets its start method (with force=True) before it re-runs the parent's
/// main module, so the module's own call raises "context has already been
/// set" in every child. Calls with force=True, or inside a try that catches
/// RuntimeError, do not raise and are not reported.
/// Also reported, in any module: a second set_start_method() on the same
/// path without force=True, which raises in the main process too.
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"
#include "python/Rewrite.h"

namespace mpguard {
namespace {

using namespace python;
using project::Effect;

class UnguardedSetStartMethodRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG002", "unguarded-set-start-method", Language::Python,
        Severity::Error,
        "set_start_method reachable at import time, or called a second time "
        "without force=True"};
    return Info;
  }

  // Every finding starts at a SetStartMethod, directly or through
  // LocalCalls.
  EventMask neededEvents() const override {
    return eventBit(EventKind::SetStartMethod);
  }

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    std::vector<const Event *> Reported;
    if (!M.NotRerunInChildren)
      reportImportTime(C, Reported);
    reportSecondCalls(C, Reported);
  }

private:
  void reportImportTime(PythonCheck &C,
                        std::vector<const Event *> &Reported) const {
    const PythonModule &M = C.Module;
    for (const Event &Ev : M.Events) {
      if (Ev.Exec != ModuleScope || Ev.Guarded)
        continue;
      // set_start_method("fork"): forked children never re-run the module.
      if (Ev.Kind == EventKind::SetStartMethod && Ev.Target == "fork")
        continue;
      if (project::eventHasEffect(M, Ev, Effect::SetsStartMethodRaising)) {
        Finding &F = C.report(Ev.Range,
                              "`" + Ev.What +
                                  "` runs at import time; spawn and forkserver "
                                  "children re-run this module and raise "
                                  "'context has already been set'");
        if (auto Fx = planMoveUnderGuard(M, C.Summary, Ev))
          F.Fixes.push_back(std::move(*Fx));
        Reported.push_back(&Ev);
        continue;
      }
      if (!C.Summary.callHas(Ev, Effect::SetsStartMethodRaising) ||
          M.Calls[Ev.SiteIndex].CatchesRuntimeError)
        continue;
      auto Chain =
          project::witnessChain(C.Summary, Ev, Effect::SetsStartMethodRaising);
      if (Chain.back().Ev->Target == "fork")
        continue;
      Finding &F = C.report(
          Ev.Range, "call to `" + Ev.What +
                        "` sets the start method at import time; spawn and "
                        "forkserver children re-run this module and raise "
                        "'context has already been set'");
      addChain(F, Chain);
      if (auto Fx = planMoveUnderGuard(M, C.Summary, Ev))
        F.Fixes.push_back(std::move(*Fx));
      Reported.push_back(&Ev);
    }
  }

  static void addChain(Finding &F,
                       const std::vector<project::WitnessStep> &Chain) {
    for (size_t I = 1; I < Chain.size(); ++I)
      F.Related.push_back(
          {Chain[I].loc(), I + 1 == Chain.size()
                               ? "start method set here"
                               : "which calls `" + Chain[I].Ev->What + "`"});
  }

  /// In the main run, the module body (guarded or not) executes top to
  /// bottom; a set_start_method that follows another one on the same path
  /// raises unless it passes force=True.
  void reportSecondCalls(PythonCheck &C,
                         const std::vector<const Event *> &Reported) const {
    const PythonModule &M = C.Module;
    std::vector<const Event *> Setters;
    for (const Event &Ev : M.Events) {
      if (Ev.Exec != ModuleScope || Ev.IsIteration)
        continue;
      bool Sets = Ev.Kind == EventKind::SetStartMethod ||
                  C.Summary.callHas(Ev, Effect::SetsStartMethod);
      if (!Sets)
        continue;
      bool Raises =
          project::eventHasEffect(M, Ev, Effect::SetsStartMethodRaising) ||
          (C.Summary.callHas(Ev, Effect::SetsStartMethodRaising) &&
           !M.Calls[Ev.SiteIndex].CatchesRuntimeError);
      const Event *Earlier = nullptr;
      for (const Event *P : Setters)
        if (mayRunTogether(M.Calls[P->SiteIndex], M.Calls[Ev.SiteIndex])) {
          Earlier = P;
          break;
        }
      Setters.push_back(&Ev);
      if (!Raises || !Earlier)
        continue;
      bool Already = false;
      for (const Event *R : Reported)
        Already |= R == &Ev;
      if (Already)
        continue;
      Finding &F =
          C.report(Ev.Range, "`" + Ev.What +
                                 "` sets the start method a second time "
                                 "without force=True and raises 'context has "
                                 "already been set'");
      F.Related.push_back(
          {C.loc(Earlier->Range), "start method first set here"});
      if (C.Summary.callee(Ev))
        addChain(F, project::witnessChain(C.Summary, Ev,
                                          Effect::SetsStartMethodRaising));
    }
  }
};

} // namespace

const python::PythonRule &unguardedSetStartMethodRule() {
  static const UnguardedSetStartMethodRule Rule;
  return Rule;
}

} // namespace mpguard
