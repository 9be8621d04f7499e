//===- Runner.cpp - The pipeline: discover, prefilter, parse, check -------===//
//
// Per file, in parallel: read, decode, prefilter, one tree-sitter parse and
// one traversal into a PythonModule, its summary, then every enabled rule;
// the module is freed as soon as it is checked. Results are merged and
// sorted so the report is identical whatever --jobs says. Cross-module
// propagation (issue 4) adds a stage between summaries and rules for the
// modules whose calls leave the file.
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
#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mpguard {

namespace {

/// Files larger than this are reported, not analyzed.
constexpr uint64_t MaxFileBytes = 64ull << 20;

struct FileResult {
  bool Analyzed = false;
  std::vector<Finding> Findings;
  std::vector<ToolError> Errors;
};

/// Reads a whole file: open, fstat, read into \p Bytes (a buffer the
/// thread reuses), close. Never mmap: a file truncated while we read it
/// gives a short read, not SIGBUS, and what we analyze is the one snapshot
/// we read. \p St receives the fstat of the opened file.
bool readFile(const std::string &Path, std::string &Bytes, struct stat &St,
              ToolError &Err) {
  int FD;
  do
    FD = ::open(Path.c_str(), O_RDONLY | O_CLOEXEC);
  while (FD < 0 && errno == EINTR);
  if (FD < 0) {
    Err.Message = std::string("cannot read file: ") + std::strerror(errno);
    return false;
  }
  auto Fail = [&](int E, const char *What) {
    Err.Message = std::string(What) + std::strerror(E);
    ::close(FD);
    return false;
  };
  if (::fstat(FD, &St) != 0)
    return Fail(errno, "cannot read file: ");
  if (!S_ISREG(St.st_mode))
    return Fail(EINVAL, "cannot read file: ");
  if (uint64_t(St.st_size) > MaxFileBytes) {
    ::close(FD);
    Err.K = ToolError::Limit;
    Err.Message = "file is larger than 64 MiB; not analyzed";
    return false;
  }
  // Read to EOF, not to st_size: the file may grow or shrink meanwhile.
  Bytes.resize(size_t(St.st_size) + 1);
  size_t Len = 0;
  for (;;) {
    if (Len == Bytes.size()) {
      if (Len > MaxFileBytes) {
        ::close(FD);
        Err.K = ToolError::Limit;
        Err.Message = "file is larger than 64 MiB; not analyzed";
        return false;
      }
      Bytes.resize(Len * 2);
    }
    ssize_t N = ::read(FD, &Bytes[Len], Bytes.size() - Len);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      return Fail(errno, "cannot read file: ");
    if (N == 0)
      break;
    Len += size_t(N);
  }
  ::close(FD);
  Bytes.resize(Len);
  return true;
}

bool readInput(const InputFile &In, std::string &Bytes, struct stat &St,
               ToolError &Err) {
  Err.Path = In.DisplayPath;
  Err.K = ToolError::Io;
  std::memset(&St, 0, sizeof(St));
  if (!In.IsStdin)
    return readFile(In.AbsolutePath, Bytes, St, Err);
  auto Buf = llvm::MemoryBuffer::getSTDIN();
  if (!Buf) {
    Err.Message = "cannot read stdin: " + Buf.getError().message();
    return false;
  }
  Bytes.assign((*Buf)->getBufferStart(), (*Buf)->getBufferSize());
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

/// One file from bytes to findings. The module is checked as soon as it is
/// built and freed right after, so peak memory is one module per thread
/// whatever the project's size; findings keep only the source text they
/// point into.
void analyzeFile(const InputFile &In, const std::set<std::string> &Enabled,
                 FileResult &Out) {
  // Reused by the thread: a file the prefilter rejects costs no allocation.
  thread_local std::string Bytes;
  struct ReleaseLarge {
    ~ReleaseLarge() {
      if (Bytes.capacity() > (4u << 20))
        std::string().swap(Bytes);
    }
  } Release;
  struct stat St;
  ToolError Err;
  if (!readInput(In, Bytes, St, Err)) {
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
      In.DisplayPath, In.AbsolutePath, std::string(Bytes.data(), Bytes.size()));
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
  checkModule(*M, Enabled, Out.Findings);
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
      // "concurrent" alone admitted every docstring that says
      // "concurrently"; these two spellings cover both import forms.
      "multiprocess",
      "concurrent.futures",
      "from concurrent ",
      "billiard",
      "pebble",
      "joblib",
      "torch",
      "set_start_method",
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
  ForEachFile(
      [&](size_t I) { analyzeFile(Files[I], EnabledCodes, Results[I]); });

  for (size_t I = 0; I < Files.size(); ++I) {
    R.FilesAnalyzed += Results[I].Analyzed;
    for (ToolError &E : Results[I].Errors)
      R.Errors.push_back(std::move(E));
    for (Finding &F : Results[I].Findings)
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
