//===- Runner.cpp - The pipeline: discover, prefilter, parse, check -------===//
//
// Stage 1 (parallel, per file): read, decode, prefilter, one tree-sitter
// parse and one traversal into a PythonModule. Stage 2 (parallel, per
// module): summaries, then every enabled rule. Results are merged and sorted
// so the report is identical whatever --jobs says.
//
//===----------------------------------------------------------------------===//
#include "driver/Runner.h"

#include "core/Fingerprint.h"
#include "driver/Discovery.h"
#include "project/Project.h"
#include "python/SourceCheck.h"
#include "rules/Registry.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace mpguard {

namespace {

/// Files larger than this are reported, not analyzed.
constexpr uint64_t MaxFileBytes = 64ull << 20;

struct FileResult {
  bool Analyzed = false;
  std::unique_ptr<python::PythonModule> Module;
  std::vector<Finding> Findings;
  std::vector<ToolError> Errors;
};

bool readInput(const InputFile &In, std::string &Bytes, ToolError &Err) {
  Err.Path = In.DisplayPath;
  Err.K = ToolError::Io;
  if (In.IsStdin) {
    auto Buf = llvm::MemoryBuffer::getSTDIN();
    if (!Buf) {
      Err.Message = "cannot read stdin: " + Buf.getError().message();
      return false;
    }
    Bytes = std::string((*Buf)->getBuffer());
  } else {
    uint64_t Size = 0;
    if (!llvm::sys::fs::file_size(In.AbsolutePath, Size) &&
        Size > MaxFileBytes) {
      Err.K = ToolError::Limit;
      Err.Message = "file is larger than 64 MiB; not analyzed";
      return false;
    }
    // IsVolatile: read, never mmap, so a file truncated under us cannot
    // fault; what we analyze is the one snapshot we read.
    auto Buf = llvm::MemoryBuffer::getFile(In.AbsolutePath, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false,
                                           /*IsVolatile=*/true);
    if (!Buf) {
      Err.Message = "cannot read file: " + Buf.getError().message();
      return false;
    }
    Bytes = std::string((*Buf)->getBuffer());
  }
  if (Bytes.size() > MaxFileBytes) {
    Err.K = ToolError::Limit;
    Err.Message = "file is larger than 64 MiB; not analyzed";
    return false;
  }
  return true;
}

bool notRerunInChildren(const std::string &Path) {
  llvm::StringRef Name = llvm::sys::path::filename(Path);
  // A package's __main__ (python -m pkg) and a script named ipython are
  // skipped by multiprocessing's main-module fix-up in spawned children.
  return Name == "__main__.py" || Name == "ipython.py";
}

/// "pkg.sub.mod" from the path, climbing while __init__.py exists.
std::string moduleNameOf(const InputFile &In) {
  if (In.AbsolutePath.empty())
    return "__main__";
  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(In.AbsolutePath));
  std::string Name = llvm::sys::path::stem(In.AbsolutePath).str();
  for (int Depth = 0; Depth < 64 && !Dir.empty(); ++Depth) {
    llvm::SmallString<256> Init(Dir);
    llvm::sys::path::append(Init, "__init__.py");
    if (!llvm::sys::fs::exists(Init))
      break;
    Name = llvm::sys::path::filename(Dir).str() + "." + Name;
    // parent_path points into Dir: copy before assigning back.
    std::string Parent = llvm::sys::path::parent_path(Dir).str();
    Dir = Parent;
  }
  return Name;
}

void analyzeFile(const InputFile &In, FileResult &Out) {
  std::string Bytes;
  ToolError Err;
  if (!readInput(In, Bytes, Err)) {
    Out.Errors.push_back(Err);
    return;
  }
  Err.Path = In.DisplayPath;
  if (!python::decodePythonSource(Bytes, Err)) {
    Out.Errors.push_back(Err);
    return;
  }
  if (!pythonPrefilter(Bytes))
    return;
  auto File = std::make_shared<const SourceFile>(
      In.DisplayPath, In.AbsolutePath, std::move(Bytes));
  python::ParseFailure PF;
  auto M = python::buildPythonModule(File, PF);
  Out.Analyzed = true;
  if (!M) {
    ToolError E;
    E.K = PF.K == python::ParseFailure::Syntax ? ToolError::Syntax
                                               : ToolError::Limit;
    E.Path = In.DisplayPath;
    E.Message = PF.Message;
    E.Line = File->lineOf(PF.Offset);
    E.Column = File->codePointColumn(PF.Offset);
    E.Utf16Column = File->utf16Column(PF.Offset);
    Out.Errors.push_back(E);
    return;
  }
  M->ModuleName = moduleNameOf(In);
  M->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  Out.Module = std::move(M);
}

void checkModule(const python::PythonModule &M,
                 const std::set<std::string> &Enabled,
                 std::vector<Finding> &Out) {
  project::ModuleSummary Summary = project::summarize(M);
  for (const python::PythonRule *Rule : pythonRules()) {
    if (!Enabled.count(Rule->info().Code))
      continue;
    python::PythonCheck C(M, Summary, Rule->info(), Out);
    Rule->check(C);
  }
  if (Out.empty())
    return;
  std::vector<std::string> Hashes = lineHashes(M.File->text());
  for (Finding &F : Out) {
    uint32_t Line = F.Loc.line();
    if (Line >= 1 && Line <= Hashes.size())
      F.LineHash = Hashes[Line - 1];
  }
}

} // namespace

bool checkPythonText(const InputFile &In, std::string Text,
                     const std::set<std::string> &EnabledCodes,
                     std::vector<Finding> &Out) {
  auto File = std::make_shared<const SourceFile>(
      In.DisplayPath, In.AbsolutePath, std::move(Text));
  python::ParseFailure PF;
  auto M = python::buildPythonModule(File, PF);
  if (!M)
    return false;
  M->ModuleName = moduleNameOf(In);
  M->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  checkModule(*M, EnabledCodes, Out);
  return true;
}

namespace {

std::string sourceRootFor(const std::string &Cwd) {
  // The enclosing git work tree, else the working directory: SARIF URIs are
  // then repository-relative, as GitHub code scanning expects.
  llvm::SmallString<256> Dir(Cwd);
  while (!Dir.empty()) {
    llvm::SmallString<256> Git(Dir);
    llvm::sys::path::append(Git, ".git");
    if (llvm::sys::fs::exists(Git))
      return std::string(Dir.str());
    std::string Parent = llvm::sys::path::parent_path(Dir).str();
    if (Parent == Dir.str() || Parent.empty())
      break;
    Dir = Parent;
  }
  return Cwd;
}

} // namespace

bool pythonPrefilter(std::string_view Bytes) {
  // Names without which no enabled rule can fire on this file alone:
  // the process-starting libraries and set_start_method.
  static const char *const Needles[] = {
      "multiprocess", "concurrent", "billiard",         "pebble",
      "joblib",       "torch",      "set_start_method",
  };
  for (const char *N : Needles)
    if (Bytes.find(N) != std::string_view::npos)
      return true;
  return false;
}

void runCheck(const Options &O, const std::set<std::string> &EnabledCodes,
              Report &R) {
  llvm::SmallString<256> Cwd;
  if (!llvm::sys::fs::current_path(Cwd))
    R.WorkingDirectory = std::string(Cwd.str());
  R.SourceRoot = sourceRootFor(R.WorkingDirectory);
  R.CommandLine = O.RawArgs;
  for (const RuleInfo *Rule : ruleCatalogue())
    if (EnabledCodes.count(Rule->Code))
      R.Rules.push_back(Rule);

  std::vector<InputFile> Files;
  discoverFiles(O.Paths, O.Exclude, O.StdinFilename, Files, R.Errors);
  R.FilesChecked = Files.size();

  std::vector<FileResult> Results(Files.size());
  std::vector<std::vector<Finding>> Findings(Files.size());
  llvm::ThreadPoolStrategy Strategy = llvm::hardware_concurrency(O.Jobs);
  unsigned Threads = std::min<unsigned>(Strategy.compute_thread_count(),
                                        std::max<size_t>(Files.size(), 1));
  std::unique_ptr<llvm::DefaultThreadPool> Pool;
  if (Threads > 1)
    Pool = std::make_unique<llvm::DefaultThreadPool>(
        llvm::hardware_concurrency(Threads));
  auto ForEachFile = [&](auto Fn) {
    for (size_t I = 0; I < Files.size(); ++I) {
      if (Pool)
        Pool->async([&Fn, I] { Fn(I); });
      else
        Fn(I);
    }
    if (Pool)
      Pool->wait();
  };
  ForEachFile([&](size_t I) { analyzeFile(Files[I], Results[I]); });
  // Summaries and rules run once every module is built: this is where
  // cross-module propagation slots in. A module is freed once checked; the
  // findings keep only the source text they point into.
  ForEachFile([&](size_t I) {
    if (!Results[I].Module)
      return;
    checkModule(*Results[I].Module, EnabledCodes, Findings[I]);
    Results[I].Module.reset();
  });

  for (size_t I = 0; I < Files.size(); ++I) {
    R.FilesAnalyzed += Results[I].Analyzed;
    for (ToolError &E : Results[I].Errors)
      R.Errors.push_back(std::move(E));
    for (Finding &F : Findings[I])
      R.Findings.push_back(std::move(F));
  }
  std::sort(R.Findings.begin(), R.Findings.end(), findingLess);
  std::stable_sort(
      R.Errors.begin(), R.Errors.end(),
      [](const ToolError &A, const ToolError &B) { return A.Path < B.Path; });
  if (!R.Errors.empty() && !O.KeepGoing)
    R.ExitCode = 2;
  else if (!R.Findings.empty())
    R.ExitCode = 1;
}

} // namespace mpguard
