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

namespace {

/// Where the codes go in a `# mpguard: ignore[...]` comment: the offset of
/// its closing bracket within \p Comment, and whether the list has items.
bool findIgnoreList(std::string_view Comment, size_t &Close, bool &HasItems) {
  for (size_t At = Comment.find("mpguard:"); At != std::string_view::npos;
       At = Comment.find("mpguard:", At + 1)) {
    size_t P = At + 8;
    while (P < Comment.size() && (Comment[P] == ' ' || Comment[P] == '\t'))
      ++P;
    if (Comment.compare(P, 7, "ignore[") != 0)
      continue;
    size_t Open = P + 6;
    Close = Comment.find(']', Open);
    size_t Hash = Comment.find('#', Open);
    if (Close == std::string_view::npos || Hash < Close)
      continue;
    std::string_view Items = Comment.substr(Open + 1, Close - Open - 1);
    HasItems = Items.find_first_not_of(" \t,") != std::string_view::npos;
    return true;
  }
  return false;
}

} // namespace

bool suppressionEdit(const python::PythonModule &M, uint32_t Line,
                     const std::set<std::string> &Codes, Edit &Out) {
  const SourceFile &File = *M.File;
  std::string_view Text = File.lineText(Line);
  uint32_t End = File.lineStart(Line) + uint32_t(Text.size());
  for (python::Span S : M.MultilineStrings)
    if (S.Begin < End && End < S.End)
      return false;
  if (!Text.empty() && Text.back() == '\\')
    return false;
  std::string List;
  for (const std::string &C : Codes)
    List += (List.empty() ? "" : ", ") + C;
  for (const python::Suppression &S : M.Suppressions) {
    size_t Close;
    bool HasItems = false;
    if (S.Line != Line ||
        !findIgnoreList(
            File.text().substr(S.Range.Begin, S.Range.End - S.Range.Begin),
            Close, HasItems))
      continue;
    Out.Begin = Out.End = S.Range.Begin + uint32_t(Close);
    Out.Replacement = (HasItems ? ", " : "") + List;
    return true;
  }
  Out.Begin = Out.End = End;
  Out.Replacement = "  # mpguard: ignore[" + List + "]";
  return true;
}

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
    // Insertions, one per line, applied back to front.
    std::vector<Edit> Inserts;
    for (auto &[Line, Codes] : Entry.second) {
      Edit E;
      if (!suppressionEdit(*M, Line, Codes, E)) {
        llvm::errs() << "mpguard: warning: " << Display << ":" << Line
                     << ": no suppression added: the line ends inside a "
                        "string or continues with a backslash; add "
                        "`# mpguard: ignore[...]` on the statement's first "
                        "line by hand\n";
        continue;
      }
      Inserts.push_back(std::move(E));
    }
    if (Inserts.empty())
      continue;
    std::string Out = Original;
    for (auto It = Inserts.rbegin(); It != Inserts.rend(); ++It)
      Out.replace(It->Begin, It->End - It->Begin, It->Replacement);
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
