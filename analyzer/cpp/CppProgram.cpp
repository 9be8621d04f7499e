//===- CppProgram.cpp - The C/C++ facts of a run --------------------------===//
#include "cpp/CppRule.h"

#include "core/FileRead.h"
#include "output/Uri.h"

#include <algorithm>
#include <set>

namespace mpguard {
namespace cpp {

std::vector<std::vector<const TranslationUnit *>>
Program::programsOf(const std::vector<TranslationUnit> &All) {
  std::vector<const TranslationUnit *> Mains, Rest;
  for (const TranslationUnit &TU : All) {
    bool Main = std::any_of(TU.Functions.begin(), TU.Functions.end(),
                            [](const Function &F) { return F.Name == "main"; });
    (Main ? Mains : Rest).push_back(&TU);
  }
  std::vector<std::vector<const TranslationUnit *>> Out;
  if (Mains.size() <= 1) {
    Out.emplace_back();
    for (const TranslationUnit &TU : All)
      Out.back().push_back(&TU);
    return Out;
  }
  for (const TranslationUnit *M : Mains) {
    Out.push_back({M});
    Out.back().insert(Out.back().end(), Rest.begin(), Rest.end());
  }
  return Out;
}

Program::Program(std::vector<const TranslationUnit *> Units,
                 std::shared_ptr<SourceCache> Sources)
    : TUs(std::move(Units)), Sources(std::move(Sources)) {
  std::set<std::string> Seen; // USR @ file : offset
  for (const TranslationUnit *U : TUs)
    for (const Function &F : U->Functions) {
      const TranslationUnit &TU = *U;
      std::string Key = F.Usr + "@" + TU.Files[F.Where.File] + ":" +
                        std::to_string(F.Where.Begin);
      if (!Seen.insert(Key).second)
        continue;
      All.push_back({&TU, &F});
      ByUsr[F.Usr].push_back({&TU, &F});
    }
  std::set<std::string> Taken; // USR, once
  for (const TranslationUnit *TU : TUs)
    for (const auto &[Usr, Sig] : TU->AddressTaken) {
      const TranslationUnit *DefTU = nullptr;
      const Function *F = function(Usr, TU, &DefTU);
      if (F && Taken.insert(Usr).second)
        BySignature[Sig].push_back({DefTU, F});
    }
}

const std::vector<std::pair<const TranslationUnit *, const Function *>> &
Program::indirectTargets(const std::string &Signature) const {
  static const std::vector<std::pair<const TranslationUnit *, const Function *>>
      None;
  auto It = BySignature.find(Signature);
  // A type that many functions share (a table of command handlers) says
  // little about which one a pointer holds: following them all makes
  // paths that never run. Such calls stay unresolved.
  if (It == BySignature.end() || It->second.size() > MaxIndirectTargets)
    return None;
  return It->second;
}

const Function *Program::function(const std::string &Usr,
                                  const TranslationUnit *From,
                                  const TranslationUnit **TU) const {
  auto It = ByUsr.find(Usr);
  if (It == ByUsr.end())
    return nullptr;
  // The definition the caller's TU sees (its own, or a header's that was
  // merged into the first TU defining it), else the first of the run.
  const auto *Pick = &It->second.front();
  for (const Function &F : From->Functions)
    if (F.Usr == Usr)
      for (const auto &Def : It->second)
        if (Def.first->Files[Def.second->Where.File] ==
                From->Files[F.Where.File] &&
            Def.second->Where.Begin == F.Where.Begin)
          Pick = &Def;
  if (TU)
    *TU = Pick->first;
  return Pick->second;
}

void Program::addNote(const TranslationUnit &TU, const Range &R,
                      std::string Message, std::vector<Note> &Out) const {
  Note N;
  N.Loc = location(TU, R);
  N.Message = std::move(Message);
  if (N.Loc.File)
    Out.push_back(std::move(N));
}

Location Program::location(const TranslationUnit &TU, const Range &R) const {
  const std::string &Abs = TU.Files[R.File];
  SourceFileRef File;
  {
    std::lock_guard<std::mutex> Lock(Sources->Lock);
    auto &Files = Sources->Files;
    auto It = Files.find(Abs);
    if (It != Files.end()) {
      File = It->second;
    } else {
      std::string Text;
      struct stat St;
      if (readWholeFile(Abs, Text, St, 64ull << 20) == 0) {
        File = std::make_shared<const SourceFile>(displayPath(Abs), Abs,
                                                  std::move(Text));
      }
      Files.emplace(Abs, File);
    }
  }
  Location L;
  L.File = File;
  if (File) {
    uint32_t Size = uint32_t(File->text().size());
    L.Begin = std::min(R.Begin, Size);
    L.End = std::min(std::max(R.End, L.Begin), Size);
  }
  return L;
}

} // namespace cpp
} // namespace mpguard
