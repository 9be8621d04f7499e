//===- UnguardedProcessStartRule.cpp - MPG001 -----------------------------===//
//
/// A process start (Pool, Process.start, ProcessPoolExecutor, Manager, torch
/// spawn, DataLoader workers, joblib's multiprocessing backend, pebble) that
/// runs while the module is imported. Spawn and forkserver children re-run
/// the main module and every module it imports, so each child tries to
/// start processes again during its bootstrapping phase and fails.
/// Reported at the module-level statement: the process start itself, or the
/// call that reaches it (with the path to it as related locations).
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"
#include "python/Rewrite.h"

namespace mpguard {
namespace {

using namespace python;
using project::fileName;
using project::WitnessStep;

class UnguardedProcessStartRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG001", "unguarded-process-start", Language::Python, Severity::Error,
        "process start reachable at import time of a module that spawn and "
        "forkserver children re-run"};
    return Info;
  }

  // Every finding starts at a ProcessStart, directly or through LocalCalls.
  EventMask neededEvents() const override {
    return eventBit(EventKind::ProcessStart);
  }

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    if (M.NotRerunInChildren)
      return;
    size_t Before = C.reported();
    report(C);
    // One rewrite fixes every finding of the module: attach it to the first.
    if (C.reported() > Before)
      if (auto F = planMainExtraction(M, C.Summary))
        C.finding(Before).Fixes.push_back(std::move(*F));
  }

private:
  void report(PythonCheck &C) const {
    const PythonModule &M = C.Module;
    // After `set_start_method("fork")` at module level, children are forked
    // and never re-run the module: later starts on that path are safe.
    std::vector<const Event *> ForkSetters;
    for (const Event &Ev : M.Events)
      if (Ev.Exec == ModuleScope && !Ev.Guarded &&
          Ev.Kind == EventKind::SetStartMethod && Ev.Target == "fork")
        ForkSetters.push_back(&Ev);
    auto AfterFork = [&](const Event &Ev) {
      for (const Event *F : ForkSetters)
        if (F->Range.Begin < Ev.Range.Begin &&
            mayRunTogether(M.Calls[F->SiteIndex],
                           Ev.IsIteration ? M.Iterations[Ev.SiteIndex]
                                          : M.Calls[Ev.SiteIndex]))
          return true;
      return false;
    };
    for (const Event &Ev : M.Events) {
      if (Ev.Exec != ModuleScope || Ev.Guarded || AfterFork(Ev))
        continue;
      if (Ev.Kind == EventKind::ProcessStart) {
        C.report(Ev.Range, "`" + Ev.What +
                               "` starts processes at import time; spawn and "
                               "forkserver children re-run this module and "
                               "fail to bootstrap");
        continue;
      }
      if (!C.Summary.callHas(Ev, project::Effect::StartsProcess))
        continue;
      auto Chain =
          project::witnessChain(C.Summary, Ev, project::Effect::StartsProcess);
      const WitnessStep &Start = Chain.back();
      Finding &F = C.report(
          Ev.Range, "call to `" + Ev.What +
                        "` starts processes at import time (via `" +
                        Start.Ev->What + "`" +
                        (Start.otherFile(M) ? " in " + fileName(Start) : "") +
                        "); spawn and forkserver children re-run this module "
                        "and fail to bootstrap");
      for (size_t I = 1; I < Chain.size(); ++I) {
        const WitnessStep &Step = Chain[I];
        F.Related.push_back(
            {Step.loc(), I + 1 == Chain.size()
                             ? "`" + Step.Ev->What + "` starts processes here"
                             : "which calls `" + Step.Ev->What + "`"});
      }
    }
  }
};

} // namespace

const python::PythonRule &unguardedProcessStartRule() {
  static const UnguardedProcessStartRule Rule;
  return Rule;
}

} // namespace mpguard
