//===- Project.cpp --------------------------------------------------------===//
#include "project/Project.h"
#include "project/ThreadJoins.h"

#include <set>

namespace mpguard {
namespace project {

using namespace python;

static bool catchesRuntimeError(const PythonModule &M, const Event &Ev) {
  return !Ev.IsIteration && M.Calls[Ev.SiteIndex].CatchesRuntimeError;
}

bool eventHasEffect(const PythonModule &M, const Event &Ev, Effect E) {
  switch (E) {
  case Effect::StartsProcess:
    return Ev.Kind == EventKind::ProcessStart;
  case Effect::SetsStartMethod:
    return Ev.Kind == EventKind::SetStartMethod;
  case Effect::SetsStartMethodRaising:
    return Ev.Kind == EventKind::SetStartMethod && !Ev.Force &&
           !catchesRuntimeError(M, Ev);
  case Effect::LeavesThreadRunning:
    return Ev.Kind == EventKind::ThreadStart && !joinedBefore(M, Ev, nullptr);
  case Effect::Forks:
    return Ev.Kind == EventKind::Fork ||
           (Ev.Kind == EventKind::ProcessStart && Ev.Target == "fork");
  case Effect::StartsDefaultMethodProcess:
    return Ev.Kind == EventKind::ProcessStart && Ev.Target.empty();
  }
  return false;
}

ModuleSummary summarize(const PythonModule &M) {
  ModuleSummary S;
  std::array<int32_t, EffectCount> None;
  None.fill(-1);
  S.Witness.assign(M.Scopes.size(), None);
  for (size_t I = 0; I < M.Events.size(); ++I) {
    const Event &Ev = M.Events[I];
    if (Ev.Guarded)
      continue;
    for (size_t E = 0; E < EffectCount; ++E)
      if (eventHasEffect(M, Ev, Effect(E)) && S.Witness[size_t(Ev.Exec)][E] < 0)
        S.Witness[size_t(Ev.Exec)][E] = int32_t(I);
  }
  // Callers inherit their callees' effects until nothing changes. A scope
  // gets a witness only from a callee that already had one, so witness
  // chains never loop.
  bool Changed = true;
  while (Changed) {
    Changed = false;
    for (size_t I = 0; I < M.Events.size(); ++I) {
      const Event &Ev = M.Events[I];
      if (Ev.Kind != EventKind::LocalCall || Ev.Guarded)
        continue;
      for (size_t E = 0; E < EffectCount; ++E) {
        if (S.Witness[size_t(Ev.Exec)][E] >= 0 ||
            S.Witness[size_t(Ev.Callee)][E] < 0)
          continue;
        if (Effect(E) == Effect::SetsStartMethodRaising &&
            catchesRuntimeError(M, Ev))
          continue;
        // `t = start_worker(); ...; t.join()`
        if (Effect(E) == Effect::LeavesThreadRunning &&
            joinedBefore(M, Ev, nullptr))
          continue;
        S.Witness[size_t(Ev.Exec)][E] = int32_t(I);
        Changed = true;
      }
    }
  }
  return S;
}

std::vector<const Event *> witnessChain(const PythonModule &M,
                                        const ModuleSummary &S,
                                        const Event &Start, Effect E) {
  std::vector<const Event *> Chain{&Start};
  std::set<ScopeId> Seen;
  const Event *Cur = &Start;
  while (Cur->Kind == EventKind::LocalCall && Seen.insert(Cur->Callee).second) {
    int32_t W = S.Witness[size_t(Cur->Callee)][size_t(E)];
    if (W < 0)
      break;
    Cur = &M.Events[size_t(W)];
    Chain.push_back(Cur);
  }
  return Chain;
}

} // namespace project
} // namespace mpguard
