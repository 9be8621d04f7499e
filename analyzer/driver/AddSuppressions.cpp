//===- AddSuppressions.cpp - Write suppression comments -------------------===//
#include "driver/AddSuppressions.h"

#include "driver/AtomicWrite.h"
#include "driver/Fixer.h"
#include "python/PythonModule.h"
#include "python/SourceCheck.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>

namespace mpguard {

int addSuppressions(const Report &R) {
  // File -> line -> codes, in a deterministic order.
  std::map<std::string,
           std::pair<std::string, std::map<uint32_t, std::set<std::string>>>>
      Plan;
  for (const Finding &F : R.Findings) {
    auto &Entry = Plan[F.Loc.File->absolutePath()];
    Entry.first = F.Loc.File->path();
    Entry.second[F.Loc.line()].insert(F.Rule->Code);
  }
  unsigned Added = 0, Files = 0;
  bool Failed = false;
  for (auto &[Abs, Entry] : Plan) {
    const std::string &Display = Entry.first;
    std::string Original;
    RewriteRead Read =
        readForRewrite(Abs, Display, "no suppressions added", Original);
    Failed |= Read == RewriteRead::Unreadable;
    if (Read != RewriteRead::Ok)
      continue;
    auto File = std::make_shared<const SourceFile>(Display, Abs, Original);
    python::ParseFailure PF;
    auto M = python::buildPythonModule(File, PF);
    if (!M) {
      llvm::errs() << "mpguard: warning: " << Display
                   << ": no suppressions added: the file does not parse\n";
      continue;
    }
    // Insertions at line ends, applied back to front.
    std::vector<std::pair<uint32_t, std::string>> Inserts;
    for (auto &[Line, Codes] : Entry.second) {
      std::string_view Text = File->lineText(Line);
      uint32_t End = File->lineStart(Line) + uint32_t(Text.size());
      bool InString = false;
      for (python::Span S : M->MultilineStrings)
        InString |= S.Begin < End && End < S.End;
      if (InString || (!Text.empty() && Text.back() == '\\')) {
        llvm::errs() << "mpguard: warning: " << Display << ":" << Line
                     << ": no suppression added: the line ends inside a "
                        "string or continues with a backslash; add "
                        "`# mpguard: ignore[...]` on the statement's first "
                        "line by hand\n";
        continue;
      }
      std::string Comment = "  # mpguard: ignore[";
      bool First = true;
      for (const std::string &C : Codes) {
        Comment += (First ? "" : ", ") + C;
        First = false;
      }
      Comment += "]";
      Inserts.push_back({End, Comment});
    }
    if (Inserts.empty())
      continue;
    std::string Out = Original;
    for (auto It = Inserts.rbegin(); It != Inserts.rend(); ++It)
      Out.insert(It->first, It->second);
    auto Check = std::make_shared<const SourceFile>(Display, Abs, Out);
    if (!python::buildPythonModule(Check, PF)) {
      llvm::errs() << "mpguard: error: " << Display
                   << ": no suppressions added: the result would not parse\n";
      Failed = true;
      continue;
    }
    std::string Error;
    if (!writeFileAtomically(
            Abs, [&](llvm::raw_ostream &OS) { OS << Out; }, Error)) {
      llvm::errs() << "mpguard: error: " << Error << "\n";
      Failed = true;
      continue;
    }
    Added += unsigned(Inserts.size());
    ++Files;
  }
  llvm::errs() << "Added " << Added << " suppression comment"
               << (Added == 1 ? "" : "s") << " to " << Files << " file"
               << (Files == 1 ? "" : "s") << ".\n";
  return Failed || R.ExitCode == 2 ? 2 : 0;
}

} // namespace mpguard
