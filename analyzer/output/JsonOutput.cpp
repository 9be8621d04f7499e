//===- JsonOutput.cpp - Machine-readable findings -------------------------===//
//
// {"version", "findings": [...], "errors": [...], "summary": {...}}; lines
// and columns are 1-based, columns in code points (as in text output).
//
//===----------------------------------------------------------------------===//
#include "output/Report.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace mpguard {

static llvm::json::Object jsonLocation(const Location &L) {
  const SourceFile &F = *L.File;
  return llvm::json::Object{
      {"path", F.path()},
      {"line", F.lineOf(L.Begin)},
      {"column", F.codePointColumn(L.Begin)},
      {"end_line", F.lineOf(L.End)},
      {"end_column", F.codePointColumn(L.End)},
  };
}

void writeJson(const Report &R, llvm::raw_ostream &OS) {
  llvm::json::Array Findings;
  for (const Finding &F : R.Findings) {
    llvm::json::Object O = jsonLocation(F.Loc);
    O["code"] = F.Rule->Code;
    O["rule"] = F.Rule->Slug;
    O["severity"] = severityName(F.Level);
    O["message"] = F.Message;
    O["fingerprint"] = F.LineHash;
    llvm::json::Array Related;
    for (const Note &N : F.Related) {
      llvm::json::Object RO = jsonLocation(N.Loc);
      RO["message"] = N.Message;
      Related.push_back(std::move(RO));
    }
    O["related"] = std::move(Related);
    if (F.Fixes.empty()) {
      O["fix"] = nullptr;
    } else {
      const Fix &X = F.Fixes.front();
      llvm::json::Array Edits;
      for (const Edit &E : X.Edits) {
        llvm::json::Object EO =
            jsonLocation(Location{F.Loc.File, E.Begin, E.End});
        EO.erase("path");
        EO["content"] = E.Replacement;
        Edits.push_back(std::move(EO));
      }
      O["fix"] =
          llvm::json::Object{{"applicability", applicabilityName(X.Applic)},
                             {"message", X.Message},
                             {"edits", std::move(Edits)}};
    }
    Findings.push_back(std::move(O));
  }
  llvm::json::Array Errors;
  for (const ToolError &E : R.Errors) {
    llvm::json::Object O{{"path", E.Path},
                         {"kind", toolErrorKindName(E.K)},
                         {"message", E.Message}};
    if (E.Line) {
      O["line"] = E.Line;
      O["column"] = E.Column;
    }
    Errors.push_back(std::move(O));
  }
  llvm::json::Object Root{
      {"tool", "mpguard"},
      {"version", MPGUARD_VERSION},
      {"findings", std::move(Findings)},
      {"errors", std::move(Errors)},
      {"summary",
       llvm::json::Object{{"files_checked", int64_t(R.FilesChecked)},
                          {"files_analyzed", int64_t(R.FilesAnalyzed)},
                          {"findings", int64_t(R.Findings.size())},
                          {"errors", int64_t(R.Errors.size())},
                          {"exit_code", R.ExitCode}}},
  };
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
}

} // namespace mpguard
