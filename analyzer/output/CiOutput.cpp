//===- CiOutput.cpp - GitHub, GitLab and JUnit reports --------------------===//
//
// The formats CI systems read natively:
//  - github: workflow commands (`::error file=...,line=...::message`), which
//    GitHub Actions turns into annotations on the diff;
//  - gitlab: a Code Quality report (a JSON array, Code Climate issues with
//    GitLab's fingerprint and severity), for `artifacts:reports:codequality`;
//  - junit: JUnit XML, one test suite per file, one failing test case per
//    finding and an erroring one per file that could not be analyzed.
// Paths are relative to the source root (the git work tree) when the file
// lies under it, as both GitHub and GitLab resolve them from the
// repository's root.
//
//===----------------------------------------------------------------------===//
#include "core/Hash.h"
#include "output/Report.h"
#include "output/Uri.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace mpguard {

namespace {

std::string repoPath(const Report &R, const std::string &Absolute,
                     const std::string &Display) {
  std::string Rel;
  if (!Absolute.empty() && relativeTo(Absolute, R.SourceRoot, Rel))
    return Rel;
  return Display;
}

std::string findingPath(const Report &R, const Finding &F) {
  return repoPath(R, F.Loc.File->absolutePath(), F.Loc.File->path());
}

std::string toolErrorPath(const Report &R, const ToolError &E) {
  std::string Rel;
  if (!R.WorkingDirectory.empty() && !E.Path.empty() && E.Path[0] != '/') {
    std::string Abs = R.WorkingDirectory + "/" + E.Path;
    if (relativeTo(Abs, R.SourceRoot, Rel))
      return Rel;
  }
  if (relativeTo(E.Path, R.SourceRoot, Rel))
    return Rel;
  return E.Path;
}

// --- GitHub workflow commands ------------------------------------------------

/// Escaping of a workflow command's message (data) and of its property
/// values, as the Actions runner decodes them.
std::string ghData(std::string_view S) {
  std::string Out;
  for (char C : S) {
    if (C == '%')
      Out += "%25";
    else if (C == '\r')
      Out += "%0D";
    else if (C == '\n')
      Out += "%0A";
    else
      Out += C;
  }
  return Out;
}

std::string ghProperty(std::string_view S) {
  std::string Out;
  for (char C : ghData(S)) {
    if (C == ':')
      Out += "%3A";
    else if (C == ',')
      Out += "%2C";
    else
      Out += C;
  }
  return Out;
}

const char *ghCommand(Severity S) {
  switch (S) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "notice";
  }
  return "error";
}

// --- XML ---------------------------------------------------------------------

/// Escapes text for XML 1.0 attribute values and content; characters XML
/// 1.0 cannot carry at all (C0 controls other than tab/LF/CR) become U+FFFD.
std::string xml(std::string_view S) {
  std::string Out;
  for (char C : S) {
    switch (C) {
    case '&':
      Out += "&amp;";
      break;
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '"':
      Out += "&quot;";
      break;
    case '\'':
      Out += "&apos;";
      break;
    case '\n':
      Out += "&#10;";
      break;
    case '\r':
      Out += "&#13;";
      break;
    case '\t':
      Out += "&#9;";
      break;
    default:
      if (uint8_t(C) < 0x20)
        Out += "\xEF\xBF\xBD";
      else
        Out += C;
    }
  }
  return Out;
}

std::string where(const Finding &F) {
  const SourceFile &File = *F.Loc.File;
  return std::to_string(File.lineOf(F.Loc.Begin)) + ":" +
         std::to_string(File.codePointColumn(F.Loc.Begin));
}

} // namespace

void writeGithub(const Report &R, llvm::raw_ostream &OS) {
  for (const Finding &F : R.Findings) {
    const SourceFile &File = *F.Loc.File;
    std::string Message = F.Message;
    for (const Note &N : F.Related)
      Message += "\n" + N.Loc.File->path() + ":" +
                 std::to_string(N.Loc.line()) + ": " + N.Message;
    OS << "::" << ghCommand(F.Level) << " title="
       << ghProperty(F.Rule->Code + std::string(" ") + F.Rule->Slug)
       << ",file=" << ghProperty(findingPath(R, F))
       << ",line=" << File.lineOf(F.Loc.Begin)
       << ",col=" << File.codePointColumn(F.Loc.Begin)
       << ",endLine=" << File.lineOf(F.Loc.End)
       << ",endColumn=" << File.codePointColumn(F.Loc.End)
       << "::" << ghData(Message) << "\n";
  }
  for (const ToolError &E : R.Errors) {
    OS << "::error title="
       << ghProperty(std::string("mpguard ") + toolErrorKindName(E.K))
       << ",file=" << ghProperty(toolErrorPath(R, E));
    if (E.Line)
      OS << ",line=" << E.Line << ",col=" << E.Column;
    OS << "::" << ghData(E.Message) << "\n";
  }
}

std::vector<std::string> stableFingerprints(const Report &R) {
  std::vector<std::string> Out;
  std::map<std::string, unsigned> Seen;
  for (const Finding &F : R.Findings) {
    // The rule, the repository-relative file and the flagged line's text
    // without whitespace: stable across runs, when lines move or re-indent, and
    // when the code around changes (GitHub's line hash, by contrast, covers
    // the next lines too). Identical keys are numbered in report order.
    std::string Line;
    for (char C : F.Loc.File->lineText(F.Loc.line()))
      if (C != ' ' && C != '\t' && C != '\r')
        Line += C;
    std::string Key = F.Rule->Code + std::string("\0", 1) + findingPath(R, F) +
                      std::string("\0", 1) + Line;
    unsigned N = Seen[Key]++;
    if (N)
      Key += "#" + std::to_string(N);
    std::string Hex = toHex(hashContent(Key));
    Out.push_back(std::move(Hex));
  }
  return Out;
}

std::string repositoryPath(const Report &R, const Finding &F) {
  return findingPath(R, F);
}

void writeGitlab(const Report &R, llvm::raw_ostream &OS) {
  llvm::json::Array Issues;
  std::vector<std::string> Fingerprints = stableFingerprints(R);
  for (size_t I = 0; I < R.Findings.size(); ++I) {
    const Finding &F = R.Findings[I];
    const SourceFile &File = *F.Loc.File;
    std::string Path = findingPath(R, F);
    const std::string &Fingerprint = Fingerprints[I];
    const char *Severity = F.Level == Severity::Error     ? "major"
                           : F.Level == Severity::Warning ? "minor"
                                                          : "info";
    Issues.push_back(llvm::json::Object{
        {"type", "issue"},
        {"engine_name", "mpguard"},
        {"check_name", F.Rule->Code},
        {"description",
         F.Message + " [" + F.Rule->Code + " " + F.Rule->Slug + "]"},
        {"categories", llvm::json::Array{"Bug Risk"}},
        {"severity", Severity},
        {"fingerprint", Fingerprint},
        {"location",
         llvm::json::Object{
             {"path", Path},
             {"lines", llvm::json::Object{{"begin", File.lineOf(F.Loc.Begin)},
                                          {"end", File.lineOf(F.Loc.End)}}}}},
    });
  }
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Issues))) << "\n";
}

void writeJunit(const Report &R, llvm::raw_ostream &OS) {
  // Group by file, in report order (findings are sorted by path).
  std::map<std::string, std::vector<const Finding *>> ByFile;
  std::map<std::string, std::vector<const ToolError *>> ErrorsByFile;
  for (const Finding &F : R.Findings)
    ByFile[findingPath(R, F)].push_back(&F);
  for (const ToolError &E : R.Errors)
    ErrorsByFile[toolErrorPath(R, E)].push_back(&E);
  std::map<std::string, bool> Files;
  for (auto &KV : ByFile)
    Files[KV.first] = true;
  for (auto &KV : ErrorsByFile)
    Files[KV.first] = true;

  size_t Failures = R.Findings.size(), Errors = R.Errors.size();
  size_t Tests = Failures + Errors;
  bool Clean = Tests == 0;
  OS << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  OS << "<testsuites name=\"mpguard\" tests=\"" << (Clean ? 1 : Tests)
     << "\" failures=\"" << Failures << "\" errors=\"" << Errors << "\">\n";
  if (Clean) {
    // A report with no test case reads as "nothing ran" to some CI systems.
    OS << "  <testsuite name=\"mpguard\" tests=\"1\" failures=\"0\" "
          "errors=\"0\">\n"
       << "    <testcase name=\"" << R.FilesChecked
       << " files checked, no findings\" classname=\"mpguard\"/>\n"
       << "  </testsuite>\n";
  }
  for (auto &[Path, Unused] : Files) {
    (void)Unused;
    const auto &Fs = ByFile[Path];
    const auto &Es = ErrorsByFile[Path];
    OS << "  <testsuite name=\"" << xml(Path) << "\" tests=\""
       << Fs.size() + Es.size() << "\" failures=\"" << Fs.size()
       << "\" errors=\"" << Es.size() << "\">\n";
    for (const Finding *F : Fs) {
      OS << "    <testcase name=\"" << xml(F->Rule->Code) << " "
         << xml(F->Rule->Slug) << " at " << where(*F) << "\" classname=\""
         << xml(Path) << "\" file=\"" << xml(Path) << "\" line=\""
         << F->Loc.line() << "\">\n"
         << "      <failure type=\"" << xml(F->Rule->Code) << "\" message=\""
         << xml(F->Message) << "\">" << xml(Path) << ":" << where(*F) << ": "
         << xml(F->Message);
      for (const Note &N : F->Related)
        OS << "&#10;" << xml(N.Loc.File->path()) << ":" << N.Loc.line() << ": "
           << xml(N.Message);
      OS << "</failure>\n    </testcase>\n";
    }
    for (const ToolError *E : Es) {
      OS << "    <testcase name=\"mpguard " << toolErrorKindName(E->K)
         << "\" classname=\"" << xml(Path) << "\" file=\"" << xml(Path) << "\"";
      if (E->Line)
        OS << " line=\"" << E->Line << "\"";
      OS << ">\n      <error type=\"" << toolErrorKindName(E->K)
         << "\" message=\"" << xml(E->Message) << "\"/>\n    </testcase>\n";
    }
    OS << "  </testsuite>\n";
  }
  OS << "</testsuites>\n";
}

} // namespace mpguard
