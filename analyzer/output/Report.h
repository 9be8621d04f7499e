//===- Report.h - What a run found, ready to be written --------*- C++ -*-===//
//
// The emitters (text, JSON, SARIF) read only this: findings with their
// source files, the files that could not be analyzed, and run metadata.
// Nothing under output/ includes tree-sitter or clang headers.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_OUTPUT_REPORT_H
#define MPGUARD_OUTPUT_REPORT_H

#include "core/Finding.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace mpguard {

struct Report {
  std::vector<Finding> Findings; // sorted with findingLess
  std::vector<ToolError> Errors; // sorted by path
  /// Findings a suppression comment silenced; kept only for
  /// --include-suppressed (SARIF marks them), otherwise empty.
  std::vector<Finding> Suppressed;
  size_t Baselined = 0; // findings hidden because --baseline lists them
  std::vector<const RuleInfo *> Rules; // enabled rules, sorted by code
  size_t FilesChecked = 0;             // files considered (after discovery)
  size_t FilesAnalyzed = 0;            // files parsed (passed the prefilter)
  std::string SourceRoot;              // absolute directory, no trailing slash
  std::string WorkingDirectory;        // absolute
  std::vector<std::string> CommandLine;
  int ExitCode = 0;
};

struct TextOptions {
  bool Color = false;
  bool ShowSource = true; // source line and caret under each finding
};

void writeText(const Report &R, const TextOptions &O, llvm::raw_ostream &OS);
void writeJson(const Report &R, llvm::raw_ostream &OS);
void writeSarif(const Report &R, llvm::raw_ostream &OS);
/// CI formats (CiOutput.cpp): GitHub Actions workflow commands, a GitLab
/// Code Quality report, JUnit XML.
void writeGithub(const Report &R, llvm::raw_ostream &OS);
void writeGitlab(const Report &R, llvm::raw_ostream &OS);
void writeJunit(const Report &R, llvm::raw_ostream &OS);

/// One line-independent fingerprint per finding of R.Findings, in order:
/// GitLab's Code Quality fingerprints and the keys of a --baseline file.
std::vector<std::string> stableFingerprints(const Report &R);
/// The finding's path relative to the repository root when under it.
std::string repositoryPath(const Report &R, const Finding &F);

/// Tool errors on stderr, for every format: "mpguard: error: path:line:col:
/// message".
void writeToolErrors(const Report &R, bool Color, llvm::raw_ostream &OS);

} // namespace mpguard

#endif
