//===- TextOutput.cpp - clang-style diagnostics ---------------------------===//
//
//   path:line:col: error: message [MPG001 unguarded-process-start]
//   <source line>
//   ^~~~~~
//   path:line:col: note: related step
//
// Columns count code points (as ruff does); the caret line copies the
// source line's tabs so that it lines up in any terminal.
//
//===----------------------------------------------------------------------===//
#include "output/Report.h"

#include "llvm/Support/raw_ostream.h"

#include <set>

namespace mpguard {

namespace {

const char *Reset = "\033[0m";
const char *Bold = "\033[1m";
const char *Red = "\033[1;31m";
const char *Yellow = "\033[1;33m";
const char *Cyan = "\033[1;36m";
const char *Green = "\033[1;32m";

const char *levelColor(const char *Level) {
  std::string_view L = Level;
  if (L == "error")
    return Red;
  if (L == "warning")
    return Yellow;
  return Cyan;
}

void writeLocationLine(llvm::raw_ostream &OS, const Location &Loc,
                       const char *Level, const std::string &Message,
                       const RuleInfo *Rule, bool Color) {
  const SourceFile &F = *Loc.File;
  uint32_t Line = F.lineOf(Loc.Begin);
  uint32_t Col = F.codePointColumn(Loc.Begin);
  if (Color)
    OS << Bold;
  OS << F.path() << ":" << Line << ":" << Col << ": ";
  if (Color)
    OS << levelColor(Level);
  OS << Level << ":";
  if (Color)
    OS << Reset << Bold;
  OS << " " << Message;
  if (Rule)
    OS << " [" << Rule->Code << " " << Rule->Slug << "]";
  if (Color)
    OS << Reset;
  OS << "\n";
}

void writeSnippet(llvm::raw_ostream &OS, const Location &Loc, bool Color) {
  const SourceFile &F = *Loc.File;
  uint32_t Line = F.lineOf(Loc.Begin);
  std::string_view Text = F.lineText(Line);
  OS << Text << "\n";
  uint32_t LineBegin = F.lineStart(Line);
  uint32_t StartInLine = Loc.Begin - LineBegin;
  std::string Caret;
  // Copy tabs; other characters before the range become one space per code
  // point.
  std::string_view Before =
      Text.substr(0, std::min<size_t>(StartInLine, Text.size()));
  for (size_t I = 0; I < Before.size(); ++I) {
    unsigned char C = Before[I];
    if (C == '\t')
      Caret += '\t';
    else if ((C & 0xC0) != 0x80)
      Caret += ' ';
  }
  uint32_t EndInLine = Loc.End > LineBegin + Text.size() ? uint32_t(Text.size())
                                                         : Loc.End - LineBegin;
  uint32_t Width =
      EndInLine > StartInLine
          ? countCodePoints(Text.substr(StartInLine, EndInLine - StartInLine))
          : 1;
  if (Color)
    Caret += Green;
  Caret += '^';
  for (uint32_t I = 1; I < Width; ++I)
    Caret += '~';
  if (Color)
    Caret += Reset;
  OS << Caret << "\n";
}

} // namespace

void writeText(const Report &R, const TextOptions &O, llvm::raw_ostream &OS) {
  std::set<std::string> FilesWithFindings;
  for (const Finding &F : R.Findings) {
    writeLocationLine(OS, F.Loc, severityName(F.Level), F.Message, F.Rule,
                      O.Color);
    if (O.ShowSource)
      writeSnippet(OS, F.Loc, O.Color);
    for (const Note &N : F.Related) {
      writeLocationLine(OS, N.Loc, "note", N.Message, nullptr, O.Color);
      if (O.ShowSource)
        writeSnippet(OS, N.Loc, O.Color);
    }
    FilesWithFindings.insert(F.Loc.File->path());
  }
  size_t N = R.Findings.size();
  auto Plural = [](size_t K, const char *Word) {
    return std::to_string(K) + " " + Word + (K == 1 ? "" : "s");
  };
  std::string Known;
  if (R.Baselined)
    Known = "; " + Plural(R.Baselined, "known finding") + " in the baseline";
  if (N == 0 && R.Errors.empty()) {
    OS << "All checks passed (" << Plural(R.FilesChecked, "file") << " checked"
       << Known << ").\n";
    return;
  }
  if (N)
    OS << "Found " << Plural(N, "finding") << " in "
       << Plural(FilesWithFindings.size(), "file") << " ("
       << Plural(R.FilesChecked, "file") << " checked" << Known << ").\n";
  else
    OS << "No findings (" << Plural(R.FilesChecked, "file") << " checked"
       << Known << ").\n";
  if (!R.Errors.empty())
    OS << Plural(R.Errors.size(), "file")
       << " could not be analyzed; see the errors on stderr.\n";
  auto Fixes = [](size_t K) {
    return std::to_string(K) + (K == 1 ? " fix" : " fixes");
  };
  size_t Safe = 0, Unsafe = 0;
  for (const Finding &F : R.Findings)
    for (const Fix &X : F.Fixes) {
      Safe += X.Applic == Applicability::Safe;
      Unsafe += X.Applic == Applicability::Unsafe;
    }
  if (Safe)
    OS << Fixes(Safe) << " available with --fix"
       << (Unsafe ? " (" + std::to_string(Unsafe) +
                        " more with --fix --unsafe-fixes)"
                  : std::string())
       << ".\n";
  else if (Unsafe)
    OS << Fixes(Unsafe) << " available with --fix --unsafe-fixes.\n";
}

void writeToolErrors(const Report &R, bool Color, llvm::raw_ostream &OS) {
  for (const ToolError &E : R.Errors) {
    if (Color)
      OS << Bold;
    OS << "mpguard: ";
    if (Color)
      OS << Red;
    OS << "error:";
    if (Color)
      OS << Reset;
    OS << " " << E.Path;
    if (E.Line)
      OS << ":" << E.Line << ":" << E.Column;
    OS << ": " << E.Message << " [" << toolErrorKindName(E.K) << "]\n";
  }
}

} // namespace mpguard
