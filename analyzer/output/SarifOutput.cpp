//===- SarifOutput.cpp - SARIF 2.1.0 for GitHub code scanning and editors -===//
//
// Valid for GitHub code scanning by construction: the rules array with
// ruleIndex on every result, repository-relative percent-encoded URIs under
// %SRCROOT% (declared in originalUriBaseIds), 1-based columns in UTF-16 code
// units, primaryLocationLineHash as codeql-action computes it, related
// locations and a codeFlow for multi-step findings, and every file that
// could not be analyzed as a toolExecutionNotification (the run then says
// executionSuccessful: false). Objects are written with sorted keys and
// results in report order, so equal input gives byte-identical output.
//
//===----------------------------------------------------------------------===//
#include "output/Report.h"
#include "output/Uri.h"

#include "rules/Registry.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace mpguard {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

const char *SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/"
                        "errata01/os/schemas/sarif-schema-2.1.0.json";

class SarifWriter {
public:
  explicit SarifWriter(const Report &R) : R(R) {
    for (size_t I = 0; I < R.Rules.size(); ++I)
      RuleIndex[R.Rules[I]->Code] = int64_t(I);
  }

  Value run() {
    Object Run{
        {"tool", Object{{"driver", driver()}}},
        {"invocations", Array{invocation()}},
        {"results", results()},
        {"columnKind", "utf16CodeUnits"},
        {"automationDetails", Object{{"id", "mpguard/"}}},
    };
    if (!R.SourceRoot.empty())
      Run["originalUriBaseIds"] =
          Object{{"%SRCROOT%", Object{{"uri", fileUri(R.SourceRoot + "/")}}}};
    return Object{{"$schema", SchemaUri},
                  {"version", "2.1.0"},
                  {"runs", Array{std::move(Run)}}};
  }

private:
  const Report &R;
  std::map<std::string, int64_t> RuleIndex;

  /// SARIF's recommended "friendly name": unguarded-process-start ->
  /// UnguardedProcessStart. The slug stays in properties for select/ignore.
  static std::string pascalCase(std::string_view Slug) {
    std::string Out;
    bool Upper = true;
    for (char C : Slug) {
      if (C == '-' || C == '_') {
        Upper = true;
        continue;
      }
      Out += Upper ? char(std::toupper((unsigned char)C)) : C;
      Upper = false;
    }
    return Out;
  }

  Value driver() {
    Array Rules;
    for (const RuleInfo *Rule : R.Rules) {
      std::string Page(rulePage(*Rule));
      const char *Level = severityName(Rule->DefaultSeverity);
      Rules.push_back(Object{
          {"id", Rule->Code},
          {"name", pascalCase(Rule->Slug)},
          {"shortDescription", Object{{"text", Rule->Summary}}},
          {"fullDescription", Object{{"text", Rule->Summary}}},
          {"help", Object{{"text", Page}, {"markdown", Page}}},
          {"helpUri", ruleHelpUri(*Rule)},
          {"defaultConfiguration", Object{{"level", Level}}},
          {"properties",
           Object{{"tags",
                   Array{"correctness", "multiprocessing",
                         Rule->Lang == Language::Python ? "python" : "c++"}},
                  {"precision", "high"},
                  {"slug", Rule->Slug},
                  {"problem.severity", Level}}},
      });
    }
    Array Notifications;
    for (int K = ToolError::Io; K <= ToolError::Internal; ++K)
      Notifications.push_back(Object{
          {"id", toolErrorKindName(ToolError::Kind(K))},
          {"name", pascalCase(toolErrorKindName(ToolError::Kind(K)))},
          {"shortDescription", Object{{"text", notificationText(K)}}},
          {"fullDescription", Object{{"text", notificationText(K)}}},
          {"help", Object{{"text", notificationHelp(K)}}},
      });
    return Object{{"name", "mpguard"},
                  {"version", MPGUARD_VERSION},
                  {"semanticVersion", MPGUARD_VERSION},
                  {"informationUri", MPGUARD_HOMEPAGE},
                  {"rules", std::move(Rules)},
                  {"notifications", std::move(Notifications)}};
  }

  static const char *notificationText(int K) {
    switch (K) {
    case ToolError::Io:
      return "A file or path could not be read.";
    case ToolError::Encoding:
      return "A file is not text in a supported encoding.";
    case ToolError::Syntax:
      return "A file has a syntax error and was not analyzed.";
    case ToolError::Limit:
      return "A file exceeds an analysis limit and was not analyzed.";
    default:
      return "The analyzer failed on a file.";
    }
  }

  static const char *notificationHelp(int K) {
    switch (K) {
    case ToolError::Io:
      return "Check that the path exists and is readable by the user running "
             "mpguard.";
    case ToolError::Encoding:
      return "Save the file as UTF-8, or declare its encoding on line 1 or 2 "
             "(PEP 263).";
    case ToolError::Syntax:
      return "Fix the syntax error; mpguard analyzes only files that parse.";
    case ToolError::Limit:
      return "Split the file or exclude it with --exclude.";
    default:
      return "Report the file and the message to the mpguard developers.";
    }
  }

  Object artifactLocation(const std::string &AbsolutePath,
                          const std::string &DisplayPath) const {
    std::string Rel;
    if (relativeTo(AbsolutePath, R.SourceRoot, Rel))
      return Object{{"uri", percentEncodePath(Rel)},
                    {"uriBaseId", "%SRCROOT%"}};
    if (!AbsolutePath.empty() && AbsolutePath[0] == '/')
      return Object{{"uri", fileUri(AbsolutePath)}};
    return Object{{"uri", percentEncodePath(DisplayPath)}};
  }

  Object physicalLocation(const Location &L) const {
    const SourceFile &F = *L.File;
    uint32_t StartLine = F.lineOf(L.Begin), EndLine = F.lineOf(L.End);
    Object Region{{"startLine", StartLine},
                  {"startColumn", F.utf16Column(L.Begin)},
                  {"endLine", EndLine},
                  {"endColumn", F.utf16Column(L.End)}};
    Region["snippet"] = Object{{"text", std::string(F.lineText(StartLine))}};
    // Two lines either side, so viewers can show the code without a checkout.
    uint32_t CtxBegin = StartLine > 2 ? StartLine - 2 : 1;
    uint32_t CtxEnd = std::min(EndLine + 2, F.lineCount());
    uint32_t CtxEndByte =
        F.lineStart(CtxEnd) + uint32_t(F.lineText(CtxEnd).size());
    std::string Context(F.text().substr(F.lineStart(CtxBegin),
                                        CtxEndByte - F.lineStart(CtxBegin)));
    return Object{
        {"artifactLocation", artifactLocation(F.absolutePath(), F.path())},
        {"region", std::move(Region)},
        {"contextRegion", Object{{"startLine", CtxBegin},
                                 {"endLine", CtxEnd},
                                 {"snippet", Object{{"text", Context}}}}}};
  }

  Value results() {
    Array Out;
    // Suppressed findings (only there with --include-suppressed) follow,
    // marked as suppressed in source.
    std::vector<std::pair<const Finding *, bool>> All;
    for (const Finding &F : R.Findings)
      All.push_back({&F, false});
    for (const Finding &F : R.Suppressed)
      All.push_back({&F, true});
    for (auto [FP, IsSuppressed] : All) {
      const Finding &F = *FP;
      Object Res{
          {"ruleId", F.Rule->Code},
          {"ruleIndex", RuleIndex[F.Rule->Code]},
          {"level", severityName(F.Level)},
          {"message", Object{{"text", F.Message}}},
          {"locations",
           Array{Object{{"physicalLocation", physicalLocation(F.Loc)}}}},
      };
      if (IsSuppressed)
        Res["suppressions"] = Array{Object{{"kind", "inSource"}}};
      if (!F.Fixes.empty())
        Res["fixes"] = fixes(F);
      if (!F.LineHash.empty())
        Res["partialFingerprints"] =
            Object{{"primaryLocationLineHash", F.LineHash}};
      if (!F.Related.empty()) {
        Array Related;
        int64_t Id = 1;
        for (const Note &N : F.Related)
          Related.push_back(
              Object{{"id", Id++},
                     {"physicalLocation", physicalLocation(N.Loc)},
                     {"message", Object{{"text", N.Message}}}});
        Res["relatedLocations"] = std::move(Related);
        Res["codeFlows"] = Array{Object{{"threadFlows", threadFlows(F)}}};
      }
      Out.push_back(std::move(Res));
    }
    return Out;
  }

  Object threadFlowLocation(const Location &L, const std::string &Message,
                            int64_t Level) const {
    return Object{{"location", Object{{"physicalLocation", physicalLocation(L)},
                                      {"message", Object{{"text", Message}}}}},
                  {"nestingLevel", Level}};
  }

  /// One threadFlow per Note::Flow value: the notes of each other flow in
  /// ascending order, then the finding's own, which starts at its location.
  /// A finding whose notes are all of flow 0 has that one threadFlow.
  Array threadFlows(const Finding &F) const {
    std::vector<uint8_t> Flows;
    for (const Note &N : F.Related)
      if (N.Flow != 0)
        Flows.push_back(N.Flow);
    std::sort(Flows.begin(), Flows.end());
    Flows.erase(std::unique(Flows.begin(), Flows.end()), Flows.end());
    Flows.push_back(0);
    Array Out;
    for (uint8_t Which : Flows) {
      Array Locations;
      int64_t Level = 0;
      if (Which == 0)
        Locations.push_back(threadFlowLocation(F.Loc, F.Message, Level++));
      for (const Note &N : F.Related)
        if (N.Flow == Which)
          Locations.push_back(threadFlowLocation(N.Loc, N.Message, Level++));
      Out.push_back(Object{{"locations", std::move(Locations)}});
    }
    return Out;
  }

  /// SARIF fixes: one artifactChange per fix (all edits are in the
  /// finding's file), regions in the run's UTF-16 columns.
  Value fixes(const Finding &F) const {
    const SourceFile &File = *F.Loc.File;
    Array Out;
    for (const Fix &X : F.Fixes) {
      Array Replacements;
      for (const Edit &E : X.Edits) {
        Object Region{{"startLine", File.lineOf(E.Begin)},
                      {"startColumn", File.utf16Column(E.Begin)},
                      {"endLine", File.lineOf(E.End)},
                      {"endColumn", File.utf16Column(E.End)}};
        Object R{{"deletedRegion", std::move(Region)}};
        if (!E.Replacement.empty())
          R["insertedContent"] = Object{{"text", E.Replacement}};
        Replacements.push_back(std::move(R));
      }
      Out.push_back(Object{
          {"description", Object{{"text", X.Message}}},
          {"artifactChanges",
           Array{Object{{"artifactLocation",
                         artifactLocation(File.absolutePath(), File.path())},
                        {"replacements", std::move(Replacements)}}}},
          {"properties",
           Object{{"applicability", applicabilityName(X.Applic)}}},
      });
    }
    return Out;
  }

  Value invocation() {
    Array Notes;
    for (const ToolError &E : R.Errors) {
      Object Phys{
          {"artifactLocation", artifactLocation(absoluteOf(E.Path), E.Path)}};
      if (E.Line)
        Phys["region"] =
            Object{{"startLine", E.Line}, {"startColumn", E.Utf16Column}};
      Notes.push_back(Object{
          {"level", "error"},
          {"message", Object{{"text", E.Path + ": " + E.Message}}},
          {"descriptor",
           Object{{"id", toolErrorKindName(E.K)}, {"index", int64_t(E.K)}}},
          {"locations", Array{Object{{"physicalLocation", std::move(Phys)}}}},
      });
    }
    // Files that could not be analyzed make the run unsuccessful even with
    // --keep-going: the exit status is the user's choice, the record is not.
    Object Inv{{"executionSuccessful", R.Errors.empty() && R.ExitCode != 2},
               {"exitCode", R.ExitCode},
               {"toolExecutionNotifications", std::move(Notes)}};
    if (!R.WorkingDirectory.empty())
      Inv["workingDirectory"] =
          Object{{"uri", fileUri(R.WorkingDirectory + "/")}};
    Array Args;
    for (const std::string &A : R.CommandLine)
      Args.push_back(A);
    Inv["arguments"] = std::move(Args);
    return Inv;
  }

  std::string absoluteOf(const std::string &Path) const {
    if (!Path.empty() && Path[0] == '/')
      return Path;
    if (R.WorkingDirectory.empty())
      return Path;
    std::string P = Path;
    while (P.rfind("./", 0) == 0)
      P = P.substr(2);
    return R.WorkingDirectory + "/" + P;
  }
};

} // namespace

void writeSarif(const Report &R, llvm::raw_ostream &OS) {
  OS << llvm::formatv("{0:2}", SarifWriter(R).run()) << "\n";
}

} // namespace mpguard
