//===- ThreadJoins.cpp ----------------------------------------------------===//
#include "project/ThreadJoins.h"

#include <algorithm>

namespace mpguard {
namespace project {

using namespace python;

static const Site &siteOf(const PythonModule &M, const Event &Ev) {
  return Ev.IsIteration ? M.Iterations[Ev.SiteIndex] : M.Calls[Ev.SiteIndex];
}

std::string threadVariable(const PythonModule &M, const Event &Start) {
  if (Start.Kind == EventKind::ThreadStart)
    return Start.Target;
  if (Start.IsIteration)
    return {};
  ExprId Call = M.Calls[Start.SiteIndex].E;
  for (const Binding &B : M.Bindings)
    if (B.Value == Call &&
        (B.Kind == BindingKind::Assign || B.Kind == BindingKind::With))
      return B.Name;
  return {};
}

/// The with item whose exit joins what \p Start leaves running.
static ExprId joiningWith(const PythonModule &M, const Event &Start) {
  if (Start.Kind == EventKind::ThreadStart || Start.IsIteration)
    return Start.With;
  // `with start_workers() as pool:`: the context manager stops them.
  ExprId Call = M.Calls[Start.SiteIndex].E;
  for (const Binding &B : M.Bindings)
    if (B.Kind == BindingKind::With && B.Value == Call)
      return Call;
  for (const Site &S : M.Calls)
    if (std::find(S.WithItems.begin(), S.WithItems.end(), Call) !=
        S.WithItems.end())
      return Call;
  return NoExpr;
}

static bool isLoopVariable(const PythonModule &M, ScopeId In,
                           const std::string &Name) {
  for (const Binding &B : M.Bindings)
    if (B.In == In && B.Kind == BindingKind::Loop && B.Name == Name)
      return true;
  return false;
}

/// Whether \p Step is on the path: in \p Allowed. \p Conflict: the path
/// takes another arm of the same if.
static bool onPath(const std::vector<BranchStep> &Allowed, BranchStep Step,
                   bool &Conflict) {
  Conflict = false;
  for (const BranchStep &A : Allowed)
    if (A.If == Step.If) {
      if (A.Arm == Step.Arm)
        return true;
      Conflict = true;
    }
  return false;
}

/// Whether the joins cover every path through the arms in \p Allowed: one
/// join runs whenever those arms are taken, or some if/elif/else chain has
/// a covering join in each arm.
static bool covers(const PythonModule &M,
                   const std::vector<const Site *> &Joins,
                   std::vector<BranchStep> &Allowed, unsigned Depth) {
  std::vector<uint32_t> Splits;
  for (const Site *J : Joins) {
    bool All = true;
    for (const BranchStep &Step : J->Branches) {
      bool Conflict;
      if (onPath(Allowed, Step, Conflict))
        continue;
      All = false;
      if (!Conflict)
        Splits.push_back(Step.If);
    }
    if (All)
      return true;
  }
  if (Depth >= 4)
    return false;
  std::sort(Splits.begin(), Splits.end());
  Splits.erase(std::unique(Splits.begin(), Splits.end()), Splits.end());
  for (uint32_t If : Splits) {
    auto It = std::find_if(M.ExhaustiveIfs.begin(), M.ExhaustiveIfs.end(),
                           [&](const ExhaustiveIf &X) { return X.If == If; });
    if (It == M.ExhaustiveIfs.end())
      continue;
    bool Every = true;
    for (uint16_t Arm = 0; Arm < It->Arms && Every; ++Arm) {
      Allowed.push_back({If, Arm});
      Every = covers(M, Joins, Allowed, Depth + 1);
      Allowed.pop_back();
    }
    if (Every)
      return true;
  }
  return false;
}

bool joinedBefore(const PythonModule &M, const Event &Start, const Event *At) {
  const Site &S = siteOf(M, Start);
  if (ExprId W = joiningWith(M, Start); W != NoExpr) {
    if (!At)
      return true;
    const Site &A = siteOf(M, *At);
    // At runs after the with statement has exited.
    if (std::find(A.WithItems.begin(), A.WithItems.end(), W) ==
            A.WithItems.end() &&
        W != A.E)
      return true;
  }
  std::string Var = threadVariable(M, Start);
  if (Var.empty())
    return false;
  // A join of a loop variable (`for t in threads: t.join()`) is taken to
  // join every thread the scope started.
  std::vector<const Site *> Joins;
  for (const Event &J : M.Events) {
    if (J.Kind != EventKind::ThreadJoin || J.Exec != Start.Exec ||
        J.Range.Begin <= Start.Range.Begin ||
        (At && J.Range.Begin >= At->Range.Begin))
      continue;
    if (J.Target != Var && !isLoopVariable(M, J.Exec, J.Target))
      continue;
    Joins.push_back(&siteOf(M, J));
  }
  if (Joins.empty())
    return false;
  std::vector<BranchStep> Allowed = S.Branches;
  if (At)
    for (const BranchStep &B : siteOf(M, *At).Branches)
      Allowed.push_back(B);
  return covers(M, Joins, Allowed, 0);
}

} // namespace project
} // namespace mpguard
