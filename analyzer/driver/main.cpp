//===- main.cpp - mpguard entry point -------------------------------------===//
#include "core/RuleSelector.h"
#include "driver/AddSuppressions.h"
#include "driver/AtomicWrite.h"
#include "driver/Discovery.h"
#include "driver/Fixer.h"
#include "driver/Options.h"
#include "driver/Runner.h"
#include "output/Diff.h"
#include "output/Report.h"
#include "python/SourceCheck.h"
#include "rules/Registry.h"
#include "shim/Verify.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>

using namespace mpguard;

namespace {

constexpr int ExitClean = 0;
constexpr int ExitError = 2;

int usageError(const std::string &Message) {
  llvm::errs() << "mpguard: error: " << Message << "\n"
               << "Run 'mpguard --help' for usage.\n";
  return ExitError;
}

int listRules(const Options &O) {
  if (O.Format == OutputFormat::Json) {
    llvm::json::Array A;
    for (const RuleInfo *R : ruleCatalogue())
      A.push_back(llvm::json::Object{
          {"code", R->Code},
          {"name", R->Slug},
          {"language", R->Lang == Language::Python ? "python" : "c++"},
          {"severity", severityName(R->DefaultSeverity)},
          {"summary", R->Summary},
          {"page", std::string(rulePagePath(*R))}});
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(A)))
                 << "\n";
    return ExitClean;
  }
  for (const RuleInfo *R : ruleCatalogue())
    llvm::outs() << llvm::formatv("{0,-7} {1,-28} {2,-7} {3}\n", R->Code,
                                  R->Slug, severityName(R->DefaultSeverity),
                                  R->Summary);
  return ExitClean;
}

int explain(const Options &O) {
  const RuleInfo *R = findRule(O.ExplainRule);
  if (!R)
    return usageError("unknown rule '" + O.ExplainRule +
                      "' (see 'mpguard rules')");
  std::string_view Page = rulePage(*R);
  if (Page.empty()) {
    llvm::errs() << "mpguard: error: rule " << R->Code << " has no page\n";
    return ExitError;
  }
  llvm::outs() << Page;
  if (Page.back() != '\n')
    llvm::outs() << "\n";
  return ExitClean;
}

/// --fix / --diff over the files whose findings carry an applicable fix.
/// Returns the exit status for --diff, or -1 after --fix wrote files (the
/// caller then checks again and reports what is left).
int applyFixes(const Options &O, const std::set<std::string> &Enabled,
               const Report &R) {
  std::map<std::string, InputFile> Files;
  for (const Finding &F : R.Findings)
    for (const Fix &X : F.Fixes)
      if (X.Applic == Applicability::Safe ||
          (O.UnsafeFixes && X.Applic == Applicability::Unsafe))
        Files[F.Loc.File->absolutePath()] = {F.Loc.File->path(),
                                             F.Loc.File->absolutePath(), false};
  unsigned Fixed = 0, Changed = 0;
  bool Failed = false;
  for (auto &[Abs, In] : Files) {
    std::string Original;
    RewriteRead Read =
        readForRewrite(Abs, In.DisplayPath, "not fixed", Original);
    Failed |= Read == RewriteRead::Unreadable;
    if (Read != RewriteRead::Ok)
      continue;
    FixOutcome Out = fixText(In, Original, Enabled, O.UnsafeFixes);
    if (Out.Fixed == Original)
      continue;
    if (O.Diff) {
      llvm::outs() << unifiedDiff(Original, Out.Fixed, In.DisplayPath);
    } else {
      std::string Error;
      if (!writeFileAtomically(
              Abs, [&](llvm::raw_ostream &OS) { OS << Out.Fixed; }, Error)) {
        llvm::errs() << "mpguard: error: " << Error << "\n";
        Failed = true;
        continue; // not fixed: the file is as it was
      }
    }
    ++Changed;
    Fixed += Out.Before - std::min(Out.Before, Out.After);
  }
  auto Plural = [](unsigned N, const char *W) {
    return std::to_string(N) + " " + W + (N == 1 ? "" : "s");
  };
  if (O.Diff) {
    llvm::outs().flush();
    llvm::errs() << "Would fix " << Plural(Fixed, "finding") << " in "
                 << Plural(Changed, "file") << ".\n";
    if (Failed || R.ExitCode == 2)
      return ExitError;
    return Changed ? 1 : R.ExitCode;
  }
  llvm::errs() << "Fixed " << Plural(Fixed, "finding") << " in "
               << Plural(Changed, "file") << ".\n";
  if (Failed)
    return ExitError;
  return -1;
}

/// --write-baseline: every current finding's line-independent fingerprint
/// (with its rule, path and message, for the reader), sorted.
int writeBaseline(const Options &O, const Report &R) {
  std::vector<std::string> Fingerprints = stableFingerprints(R);
  std::vector<std::pair<std::string, llvm::json::Object>> Entries;
  for (size_t I = 0; I < R.Findings.size(); ++I) {
    const Finding &F = R.Findings[I];
    Entries.push_back(
        {Fingerprints[I], llvm::json::Object{{"fingerprint", Fingerprints[I]},
                                             {"code", F.Rule->Code},
                                             {"path", repositoryPath(R, F)},
                                             {"line", F.Loc.line()},
                                             {"message", F.Message}}});
  }
  std::sort(Entries.begin(), Entries.end(),
            [](const auto &A, const auto &B) { return A.first < B.first; });
  llvm::json::Array Findings;
  for (auto &E : Entries)
    Findings.push_back(std::move(E.second));
  llvm::json::Object Root{{"tool", "mpguard"},
                          {"version", MPGUARD_VERSION},
                          {"baseline", std::move(Findings)}};
  std::string Error;
  if (!writeFileAtomically(
          O.WriteBaseline,
          [&](llvm::raw_ostream &OS) {
            OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root)))
               << "\n";
          },
          Error)) {
    llvm::errs() << "mpguard: error: " << Error << "\n";
    return ExitError;
  }
  llvm::errs() << "Wrote " << R.Findings.size() << " finding"
               << (R.Findings.size() == 1 ? "" : "s") << " to the baseline "
               << O.WriteBaseline << ".\n";
  return R.ExitCode == ExitError ? ExitError : ExitClean;
}

/// --baseline: drops the findings whose fingerprint the file lists. A file
/// that cannot be read or is not a baseline is an error, never "no
/// baseline".
bool applyBaseline(const Options &O, Report &R) {
  auto Buf = llvm::MemoryBuffer::getFile(O.Baseline, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/true,
                                         /*IsVolatile=*/true);
  if (!Buf) {
    llvm::errs() << "mpguard: error: cannot read baseline '" << O.Baseline
                 << "': " << Buf.getError().message() << "\n";
    return false;
  }
  auto Bad = [&](const std::string &Why) {
    llvm::errs() << "mpguard: error: " << O.Baseline
                 << ": not an mpguard baseline: " << Why << "\n";
    return false;
  };
  auto Parsed = llvm::json::parse((*Buf)->getBuffer());
  if (!Parsed)
    return Bad(llvm::toString(Parsed.takeError()));
  const llvm::json::Object *Root = Parsed->getAsObject();
  const llvm::json::Array *List = Root ? Root->getArray("baseline") : nullptr;
  if (!List)
    return Bad("no \"baseline\" array");
  std::set<std::string> Known;
  for (const llvm::json::Value &V : *List) {
    const llvm::json::Object *E = V.getAsObject();
    std::optional<llvm::StringRef> FP =
        E ? E->getString("fingerprint") : std::nullopt;
    if (!FP)
      return Bad("an entry without a \"fingerprint\"");
    Known.insert(FP->str());
  }
  std::vector<std::string> Fingerprints = stableFingerprints(R);
  std::vector<Finding> Kept;
  for (size_t I = 0; I < R.Findings.size(); ++I) {
    if (Known.count(Fingerprints[I]))
      ++R.Baselined;
    else
      Kept.push_back(std::move(R.Findings[I]));
  }
  R.Findings = std::move(Kept);
  if (R.ExitCode == 1 && R.Findings.empty())
    R.ExitCode = ExitClean;
  return true;
}

int check(const Options &O) {
  std::set<std::string> Enabled;
  std::string Error;
  std::vector<std::string> Select = O.Select;
  if (!O.ExtendSelect.empty() && !Select.empty())
    Select.insert(Select.end(), O.ExtendSelect.begin(), O.ExtendSelect.end());
  if (!resolveRuleSelection(ruleCatalogue(), Select, O.Ignore, Enabled, Error))
    return usageError(Error);
  for (const std::string &S : O.ExtendSelect)
    if (matchSelector(ruleCatalogue(), S).empty())
      return usageError("unknown rule selector '" + S + "' in --extend-select");

  if (!validateExcludes(O.Exclude, Error))
    return usageError(Error);

  Report R;
  runCheck(O, Enabled, R);
  if (O.Fix || O.Diff) {
    int Status = applyFixes(O, Enabled, R);
    if (Status >= 0)
      return Status;
    // Files changed: report what is left.
    R = Report();
    runCheck(O, Enabled, R);
  }

  if (!O.WriteBaseline.empty())
    return writeBaseline(O, R);
  if (O.AddSuppressions) {
    writeToolErrors(R, false, llvm::errs());
    return addSuppressions(R);
  }
  if (!O.Baseline.empty() && !applyBaseline(O, R))
    return ExitError;

  bool ToTerminal =
      O.OutputFile.empty() && llvm::sys::Process::StandardOutIsDisplayed();
  bool Color =
      O.Color == ColorMode::Always ||
      (O.Color == ColorMode::Auto && ToTerminal && !std::getenv("NO_COLOR"));
  bool ErrColor = O.Color == ColorMode::Always ||
                  (O.Color == ColorMode::Auto &&
                   llvm::sys::Process::StandardErrIsDisplayed() &&
                   !std::getenv("NO_COLOR"));
  writeToolErrors(R, ErrColor, llvm::errs());

  auto Emit = [&](OutputFormat Format, bool UseColor, llvm::raw_ostream &OS) {
    switch (Format) {
    case OutputFormat::Text:
    case OutputFormat::Concise: {
      TextOptions T;
      T.Color = UseColor;
      T.ShowSource = Format == OutputFormat::Text;
      writeText(R, T, OS);
      break;
    }
    case OutputFormat::Json:
      writeJson(R, OS);
      break;
    case OutputFormat::Sarif:
      writeSarif(R, OS);
      break;
    case OutputFormat::Github:
      writeGithub(R, OS);
      break;
    case OutputFormat::Gitlab:
      writeGitlab(R, OS);
      break;
    case OutputFormat::Junit:
      writeJunit(R, OS);
      break;
    }
  };
  // Files first, then stdout: one failed write is reported and makes the
  // exit status 2, the other reports are still written.
  bool WriteFailed = false;
  for (const OutputSpec &Spec : O.Outputs) {
    std::string Path = Spec.Path.empty() ? O.OutputFile : Spec.Path;
    if (Path.empty())
      continue;
    if (!writeFileAtomically(
            Path, [&](llvm::raw_ostream &OS) { Emit(Spec.Format, false, OS); },
            Error)) {
      llvm::errs() << "mpguard: error: " << Error << "\n";
      WriteFailed = true;
    }
  }
  for (const OutputSpec &Spec : O.Outputs)
    if (Spec.Path.empty() && O.OutputFile.empty()) {
      Emit(Spec.Format, Color, llvm::outs());
      llvm::outs().flush();
    }
  if (WriteFailed)
    return ExitError;
  if (R.ExitCode == 1) {
    bool Fails = std::any_of(
        R.Findings.begin(), R.Findings.end(),
        [&](const Finding &F) { return int(F.Level) >= int(O.FailOn); });
    if (!Fails || O.ExitZero)
      return ExitClean;
  }
  return R.ExitCode;
}

} // namespace

int main(int Argc, char **Argv) {
  Options O;
  std::string Error;
  if (!parseOptions(Argc, Argv, O, Error))
    return usageError(Error);
  switch (O.Cmd) {
  case Command::Help:
    llvm::outs() << helpText(O.HelpTopic);
    return Argc <= 1 ? ExitError : ExitClean;
  case Command::Version:
    llvm::outs() << "mpguard " << MPGUARD_VERSION << "\n";
    return ExitClean;
  case Command::Rules:
    return listRules(O);
  case Command::Explain:
    return explain(O);
  case Command::Verify:
    return runVerify(O, Argv[0]);
  case Command::Check:
    return check(O);
  }
  return ExitError;
}
