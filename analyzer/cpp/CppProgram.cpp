//===- CppProgram.cpp - The C/C++ facts of a run --------------------------===//
#include "cpp/CppRule.h"

#include "core/FileRead.h"
#include "output/Uri.h"

#include <set>

namespace mpguard {
namespace cpp {

Program::Program(std::vector<TranslationUnit> Units) : TUs(std::move(Units)) {
  std::set<std::string> Seen; // USR @ file : offset
  for (const TranslationUnit &TU : TUs)
    for (const Function &F : TU.Functions) {
      std::string Key = F.Usr + "@" + TU.Files[F.Where.File] + ":" +
                        std::to_string(F.Where.Begin);
      if (!Seen.insert(Key).second)
        continue;
      All.push_back({&TU, &F});
      ByUsr[F.Usr].push_back({&TU, &F});
    }
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
    std::lock_guard<std::mutex> Lock(FilesLock);
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
