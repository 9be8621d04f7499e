//===- MissingFreezeSupportRule.cpp - MPG008 ------------------------------===//
//
/// The entry script of a frozen executable (a PyInstaller spec's Analysis
/// scripts, a cx_Freeze Executable; the driver's pre-pass sets
/// PythonModule::FrozenEntry) that starts processes but does not call
/// multiprocessing.freeze_support() before anything else under its main
/// guard. A spawned child of a frozen program runs the executable itself
/// with `--multiprocessing-fork`; only freeze_support() turns that run into
/// the worker, so without it every child runs the application again.
/// Accepted: freeze_support() under the guard with no call before it in the
/// guard, at module level before the guard, or first in the function the
/// guard calls first. "Starts processes" is read in the script: a process
/// start anywhere in it (guarded or not), or a late freeze_support() call.
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"
#include "python/Rewrite.h"

#include <algorithm>

namespace mpguard {
namespace {

using namespace python;

bool within(Span Inner, Span Outer) {
  return Inner.Begin >= Outer.Begin && Inner.End <= Outer.End;
}

/// The guards under which only the program itself (not a child re-running
/// the script) runs. current_process().name and parent_process() guards do
/// not count: a frozen child is "MainProcess" with no parent until
/// freeze_support() has made it a worker.
bool isNameGuard(const GuardRegion &G) {
  return G.In == ModuleScope &&
         (G.Kind == GuardKind::NameEqualsMain ||
          G.Kind == GuardKind::ElseOfNotMain ||
          G.Kind == GuardKind::EarlyExit || G.Kind == GuardKind::MatchCase);
}

class MissingFreezeSupportRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG008", "missing-freeze-support", Language::Python, Severity::Error,
        "entry script of a frozen executable (PyInstaller, cx_Freeze) starts "
        "processes without calling multiprocessing.freeze_support() first"};
    return Info;
  }

  // A finding needs a process start (here, or in another module a call
  // reaches: a LocalCall's callee has a ProcessStart of its own) or a
  // freeze_support() call that comes too late; the FrozenEntry the driver
  // sets is not an event, and the driver never skips an entry script by
  // its events.
  EventMask neededEvents() const override {
    return eventBit(EventKind::ProcessStart) |
           eventBit(EventKind::ExternalCall) |
           eventBit(EventKind::FreezeSupport);
  }

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    if (!M.FrozenEntry)
      return;
    const GuardRegion *Guard = nullptr;
    for (const GuardRegion &G : M.Guards)
      if (isNameGuard(G) &&
          (!Guard || G.Statement.Begin < Guard->Statement.Begin))
        Guard = &G;

    const Event *FirstStart = nullptr;
    const Event *Late = nullptr;
    const Site *LateBlocker = nullptr;
    for (const Event &Ev : M.Events) {
      // A thin entry script starts processes through a call, often into
      // the application's other modules.
      if (!FirstStart &&
          (Ev.Kind == EventKind::ProcessStart ||
           C.Summary.callHas(Ev, project::Effect::StartsProcess)))
        FirstStart = &Ev;
      if (Ev.Kind != EventKind::FreezeSupport)
        continue;
      const Site *Blocker = nullptr;
      if (runsFirst(M, Guard, Ev, Blocker))
        return;
      if (!Late && Guard && Ev.Exec == ModuleScope &&
          within(Ev.Range, Guard->Body)) {
        Late = &Ev;
        LateBlocker = Blocker;
      }
    }
    if (Guard && firstCallRunsFreezeSupport(M, *Guard))
      return;

    Note Config{M.FrozenEntry->Names, M.FrozenEntry->Describe +
                                          " builds an executable from this "
                                          "script"};
    if (Late) {
      Finding &F =
          C.report(Late->Range,
                   "`" + Late->What +
                       "()` runs after other calls under the main guard; in "
                       "the frozen executable every child process runs them "
                       "before it becomes a worker");
      if (LateBlocker)
        F.Related.push_back({C.loc(M.expr(LateBlocker->E).Range),
                             "this call runs first, in every child process"});
      F.Related.push_back(Config);
      return;
    }
    if (!FirstStart)
      return;
    std::vector<Note> Starts;
    if (FirstStart->Kind == EventKind::ProcessStart) {
      Starts.push_back({C.loc(FirstStart->Range),
                        "`" + FirstStart->What + "` starts processes here"});
    } else {
      auto Chain = project::witnessChain(C.Summary, *FirstStart,
                                         project::Effect::StartsProcess);
      for (size_t I = 0; I < Chain.size(); ++I)
        Starts.push_back(
            {Chain[I].loc(),
             I + 1 == Chain.size()
                 ? "`" + Chain[I].Ev->What + "` starts processes here"
                 : (I == 0 ? "`" : "which calls `") + Chain[I].Ev->What +
                       (I == 0 ? "` starts processes" : "`")});
    }
    if (!Guard) {
      Finding &F = C.report(
          FirstStart->Range,
          "entry script of a frozen executable starts processes without a "
          "main guard that calls `multiprocessing.freeze_support()`; each "
          "child runs the whole program again");
      for (size_t I = FirstStart->Kind == EventKind::ProcessStart ? 0 : 1;
           I < Starts.size(); ++I)
        F.Related.push_back(Starts[I]);
      F.Related.push_back(Config);
      return;
    }
    Finding &F = C.report(
        Guard->Condition,
        "main guard of a frozen executable's entry script does not call "
        "`multiprocessing.freeze_support()` first; each child process runs "
        "the whole program again");
    for (const Note &N : Starts)
      F.Related.push_back(N);
    F.Related.push_back(Config);
    if (auto Fix = planFreezeSupport(M, *Guard))
      F.Fixes.push_back(std::move(*Fix));
  }

private:
  /// The first call executed at module level in [Begin, End) outside
  /// \p Skip, if any.
  static const Site *firstCallIn(const PythonModule &M, ScopeId Exec,
                                 uint32_t Begin, uint32_t End, Span Skip) {
    const Site *First = nullptr;
    for (const Site &S : M.Calls) {
      Span R = M.expr(S.E).Range;
      if (S.Exec != Exec || R.Begin < Begin || R.Begin >= End ||
          within(R, Skip))
        continue;
      if (!First || R.Begin < M.expr(First->E).Range.Begin)
        First = &S;
    }
    return First;
  }

  /// freeze_support() \p Ev runs before anything else the main program
  /// does: at module level before the guard, or in the guard with no call
  /// before it there. Otherwise sets \p Blocker to the call that runs first.
  static bool runsFirst(const PythonModule &M, const GuardRegion *Guard,
                        const Event &Ev, const Site *&Blocker) {
    if (Ev.Exec != ModuleScope)
      return false;
    if (!Guard)
      return !Ev.Guarded;
    if (!Ev.Guarded && Ev.Range.End <= Guard->Statement.Begin)
      return true;
    if (!within(Ev.Range, Guard->Body))
      return false;
    Blocker = firstCallIn(M, ModuleScope, Guard->Body.Begin, Ev.Range.Begin,
                          Ev.Range);
    return Blocker == nullptr;
  }

  /// `if __name__ == "__main__": main()` where main() calls freeze_support()
  /// before anything else.
  static bool firstCallRunsFreezeSupport(const PythonModule &M,
                                         const GuardRegion &G) {
    const Site *First =
        firstCallIn(M, ModuleScope, G.Body.Begin, G.Body.End, Span{});
    if (!First)
      return false;
    ScopeId Callee = NoScope;
    for (const Event &Ev : M.Events)
      if (Ev.Kind == EventKind::LocalCall && !Ev.IsIteration &&
          &M.Calls[Ev.SiteIndex] == First)
        Callee = Ev.Callee;
    if (Callee == NoScope)
      return false;
    const Site *Inner =
        firstCallIn(M, Callee, 0, UINT32_MAX, Span{UINT32_MAX, UINT32_MAX});
    if (!Inner)
      return false;
    for (const Event &Ev : M.Events)
      if (Ev.Kind == EventKind::FreezeSupport &&
          &M.Calls[Ev.SiteIndex] == Inner)
        return true;
    return false;
  }
};

} // namespace

const python::PythonRule &missingFreezeSupportRule() {
  static const MissingFreezeSupportRule Rule;
  return Rule;
}

} // namespace mpguard
