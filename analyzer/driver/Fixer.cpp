//===- Fixer.cpp ----------------------------------------------------------===//
#include "driver/Fixer.h"
#include "core/FileRead.h"

#include "driver/Runner.h"
#include "python/SourceCheck.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>

namespace mpguard {

namespace {

bool allowed(Applicability A, bool Unsafe) {
  return A == Applicability::Safe || (Unsafe && A == Applicability::Unsafe);
}

} // namespace

FixOutcome fixText(const InputFile &In, const std::string &Text,
                   const std::set<std::string> &EnabledCodes, bool Unsafe,
                   const Targets &T) {
  FixOutcome Result;
  Result.Fixed = Text;
  for (int Round = 0; Round < 10; ++Round) {
    std::vector<Finding> Findings;
    if (!checkPythonText(In, Result.Fixed, EnabledCodes, Findings, T))
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
    // Take whole fixes whose edits overlap none already taken. Insertions
    // at one point do not clash: they go in the order taken (rule code,
    // then position), so moving several calls under one guard keeps their
    // order and needs one round.
    std::vector<Edit> Taken;
    unsigned Count = 0;
    for (const auto &C : Candidates) {
      bool Clash = false;
      for (const Edit &E : C.second->Edits)
        for (const Edit &T : Taken)
          Clash |= E.Begin < T.End && T.Begin < E.End;
      if (Clash)
        continue;
      Taken.insert(Taken.end(), C.second->Edits.begin(), C.second->Edits.end());
      ++Count;
    }
    if (!Count)
      break;
    // Apply back to front so earlier offsets stay valid; at one offset the
    // edit taken last goes first, so the texts end up in the order taken.
    std::vector<size_t> Order(Taken.size());
    for (size_t I = 0; I < Order.size(); ++I)
      Order[I] = I;
    std::sort(Order.begin(), Order.end(), [&](size_t A, size_t B) {
      if (Taken[A].Begin != Taken[B].Begin)
        return Taken[A].Begin > Taken[B].Begin;
      return A > B;
    });
    std::string Next = Result.Fixed;
    for (size_t I : Order) {
      const Edit &E = Taken[I];
      Next.replace(E.Begin, E.End - E.Begin, E.Replacement);
    }
    // Never keep a round that breaks the file, or one that does not reduce
    // the findings (a fix that fails to fix would otherwise be re-applied
    // every round and stack up).
    std::vector<Finding> After;
    if (!checkPythonText(In, Next, EnabledCodes, After, T) ||
        After.size() >= Findings.size())
      break;
    Result.Fixed = std::move(Next);
    Result.Applied += Count;
  }
  if (Result.Applied) {
    std::vector<Finding> Left;
    if (checkPythonText(In, Result.Fixed, EnabledCodes, Left, T))
      Result.After = unsigned(Left.size());
  }
  return Result;
}

RewriteRead readForRewrite(const std::string &Absolute,
                           const std::string &Display, const char *Skipped,
                           std::string &Text) {
  struct stat St;
  if (int E = readWholeFile(Absolute, Text, St, UINT64_MAX)) {
    llvm::errs() << "mpguard: error: " << Display
                 << ": cannot read file: " << std::strerror(E) << "\n";
    return RewriteRead::Unreadable;
  }
  std::string Decoded = Text;
  ToolError Ignored;
  if (!python::decodePythonSource(Decoded, Ignored) || Decoded != Text) {
    llvm::errs() << "mpguard: warning: " << Display << ": " << Skipped
                 << ": only UTF-8 files without a BOM or coding declaration "
                    "are rewritten\n";
    return RewriteRead::NotPlainUtf8;
  }
  return RewriteRead::Ok;
}

} // namespace mpguard
