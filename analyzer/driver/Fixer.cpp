//===- Fixer.cpp ----------------------------------------------------------===//
#include "driver/Fixer.h"

#include "driver/Runner.h"

#include <algorithm>
#include <cstring>

namespace mpguard {

namespace {

bool allowed(Applicability A, bool Unsafe) {
  return A == Applicability::Safe || (Unsafe && A == Applicability::Unsafe);
}

} // namespace

FixOutcome fixText(const InputFile &In, const std::string &Text,
                   const std::set<std::string> &EnabledCodes, bool Unsafe) {
  FixOutcome Result;
  Result.Fixed = Text;
  for (int Round = 0; Round < 10; ++Round) {
    std::vector<Finding> Findings;
    if (!checkPythonText(In, Result.Fixed, EnabledCodes, Findings))
      break;
    if (Round == 0)
      Result.Before = unsigned(Findings.size());
    Result.After = unsigned(Findings.size());
    std::vector<std::pair<const Finding *, const Fix *>> Candidates;
    for (const Finding &F : Findings)
      for (const Fix &X : F.Fixes)
        if (allowed(X.Applic, Unsafe) && !X.Edits.empty())
          Candidates.push_back({&F, &X});
    std::stable_sort(
        Candidates.begin(), Candidates.end(), [](const auto &A, const auto &B) {
          return std::strcmp(A.first->Rule->Code, B.first->Rule->Code) < 0;
        });
    // Take whole fixes whose edits overlap none already taken.
    std::vector<Edit> Taken;
    unsigned Count = 0;
    for (const auto &C : Candidates) {
      bool Clash = false;
      for (const Edit &E : C.second->Edits)
        for (const Edit &T : Taken) {
          bool Overlap = E.Begin < T.End && T.Begin < E.End;
          // Two edits at one point (an insertion there) have no order.
          bool SamePoint =
              (E.Begin == E.End || T.Begin == T.End) && E.Begin == T.Begin;
          Clash |= Overlap || SamePoint;
        }
      if (Clash)
        continue;
      Taken.insert(Taken.end(), C.second->Edits.begin(), C.second->Edits.end());
      ++Count;
    }
    if (!Count)
      break;
    // Apply back to front so earlier offsets stay valid; at one offset a
    // deletion ends where an insertion starts, both in order.
    std::stable_sort(
        Taken.begin(), Taken.end(),
        [](const Edit &A, const Edit &B) { return A.Begin > B.Begin; });
    std::string Next = Result.Fixed;
    for (const Edit &E : Taken)
      Next.replace(E.Begin, E.End - E.Begin, E.Replacement);
    // Never keep a round that breaks the file.
    std::vector<Finding> Ignored;
    if (!checkPythonText(In, Next, EnabledCodes, Ignored))
      break;
    Result.Fixed = std::move(Next);
    Result.Applied += Count;
  }
  if (Result.Applied) {
    std::vector<Finding> Left;
    if (checkPythonText(In, Result.Fixed, EnabledCodes, Left))
      Result.After = unsigned(Left.size());
  }
  return Result;
}

} // namespace mpguard
