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

#include "cache/FactsCache.h"
#include "core/FileRead.h"
#include "core/Fingerprint.h"
#include "cpp/CppRunner.h"
#include "driver/Config.h"
#include "driver/Discovery.h"
#include "project/Project.h"
#include "python/ModuleCodec.h"
#include "python/SourceCheck.h"
#include "rules/Registry.h"
#include "rules/meta/unused-suppression/UnusedSuppressionRule.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>
#include <memory>

#include <sys/stat.h>

namespace mpguard {

namespace {

/// Files larger than this are reported, not analyzed.
constexpr uint64_t MaxFileBytes = 64ull << 20;

struct FileResult {
  bool Analyzed = false;
  /// Where the file's verdict came from, for --verbose.
  enum SourceKind : uint8_t {
    None,       // unreadable or undecodable
    Read,       // read; rejected by the prefilter
    IndexSkip,  // not read: the index says the prefilter rejects it
    IndexQuiet, // not read: the index says no enabled rule can fire
    Loaded,     // read; facts decoded from the cache
    Parsed,     // read and parsed
  } Source = None;
  bool Rejected = false; // a cache entry existed but was corrupt
  std::vector<Finding> Findings;
  std::vector<Finding> Suppressed; // only with --include-suppressed
  std::vector<ToolError> Errors;
};

bool readInput(const InputFile &In, std::string &Bytes, struct stat &St,
               ToolError &Err) {
  Err.Path = In.DisplayPath;
  Err.K = ToolError::Io;
  std::memset(&St, 0, sizeof(St));
  if (!In.IsStdin) {
    int E = readWholeFile(In.AbsolutePath, Bytes, St, MaxFileBytes);
    if (E == EFBIG) {
      Err.K = ToolError::Limit;
      Err.Message = "file is larger than 64 MiB; not analyzed";
    } else if (E) {
      Err.Message = std::string("cannot read file: ") + std::strerror(E);
    }
    return E == 0;
  }
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

/// Whether a suppression comment covers \p F: one on the finding's line, or
/// on the first line of the multi-line simple statement holding it, that
/// names its code or slug (or names nothing: `# mpguard: ignore`). Marks in
/// \p Used every entry that covers it (for MPG900).
bool isSuppressed(const python::PythonModule &M, const Finding &F,
                  SuppressionUse &Used) {
  if (M.Suppressions.empty())
    return false;
  uint32_t Lines[8];
  size_t N = 0;
  Lines[N++] = F.Loc.line();
  for (const python::Span &S : M.MultilineStatements)
    if (S.Begin <= F.Loc.Begin && F.Loc.Begin < S.End && N < 8)
      Lines[N++] = M.File->lineOf(S.Begin);
  bool Covered = false;
  for (size_t I = 0; I < M.Suppressions.size(); ++I) {
    const python::Suppression &S = M.Suppressions[I];
    if (std::find(Lines, Lines + N, S.Line) == Lines + N)
      continue;
    if (S.All)
      Covered = Used[I].back() = true;
    for (size_t J = 0; J < S.Codes.size(); ++J)
      if (llvm::StringRef(S.Codes[J]).equals_insensitive(F.Rule->Code) ||
          S.Codes[J] == F.Rule->Slug)
        Covered = Used[I][J] = true;
  }
  return Covered;
}

void checkModule(const python::PythonModule &M,
                 const std::set<std::string> &Enabled, const Targets &T,
                 std::vector<Finding> &Out,
                 std::vector<Finding> *Suppressed = nullptr) {
  project::ModuleSummary Summary = project::summarize(M);
  for (const python::PythonRule *Rule : pythonRules()) {
    if (!Enabled.count(Rule->info().Code))
      continue;
    python::PythonCheck C(M, Summary, Rule->info(), Out, T);
    Rule->check(C);
  }
  bool ReportUnused =
      Enabled.count(unusedSuppressionRule().Code) && !M.Suppressions.empty();
  if (Out.empty() && !ReportUnused)
    return;
  // Suppressed findings leave the report (and the fixer's view); kept
  // aside only when SARIF is to show them.
  SuppressionUse Used;
  for (const python::Suppression &S : M.Suppressions)
    Used.emplace_back(S.Codes.size() + 1, false);
  auto Keep =
      std::stable_partition(Out.begin(), Out.end(), [&](const Finding &F) {
        return !isSuppressed(M, F, Used);
      });
  if (Suppressed)
    std::move(Keep, Out.end(), std::back_inserter(*Suppressed));
  Out.erase(Keep, Out.end());
  // MPG900's own findings are not subject to suppression: a comment is
  // never both the problem and its silencer.
  if (ReportUnused)
    reportUnusedSuppressions(M, Used, Enabled, Out);
  std::vector<Finding *> All;
  for (Finding &F : Out)
    All.push_back(&F);
  if (Suppressed)
    for (Finding &F : *Suppressed)
      All.push_back(&F);
  if (All.empty())
    return;
  std::vector<std::string> Hashes = lineHashes(M.File->text());
  for (Finding *F : All) {
    uint32_t Line = F->Loc.line();
    if (Line >= 1 && Line <= Hashes.size())
      F->LineHash = Hashes[Line - 1];
  }
}

/// One file from bytes to findings. The module is checked as soon as it is
/// built and freed right after, so peak memory is one module per thread
/// whatever the project's size; findings keep only the source text they
/// point into.
void analyzeFile(const InputFile &In, const std::set<std::string> &Enabled,
                 const Targets &T, python::EventMask Needed,
                 bool IncludeSuppressed, FactsCache *Cache, FileResult &Out) {
  // Warm path: a file the index knows, unchanged since, is not even read if
  // the prefilter rejected it or its module has no event any enabled rule
  // needs (PythonRule::neededEvents).
  if (Cache && !In.IsStdin && Cache->knows(In.AbsolutePath)) {
    // Only for a file the index knows: a stat here for every other file
    // would repeat the fstat of the read that follows.
    struct stat Pre;
    bool Have = In.HasIdentity;
    FileIdentity Id = In.Identity;
    if (!Have && ::stat(In.AbsolutePath.c_str(), &Pre) == 0 &&
        S_ISREG(Pre.st_mode)) {
      Have = true;
      Id = identityOf(Pre);
    }
    if (Have) {
      const FactsCache::IndexEntry *Known = Cache->lookup(In.AbsolutePath, Id);
      // A Skipped entry records SuppressionCommentsBit when the text
      // mentions suppressions: such a file is read again for MPG900.
      if (Known && Known->V == FactsCache::Verdict::Skipped &&
          !(Known->Events & Needed & python::SuppressionCommentsBit)) {
        Out.Source = FileResult::IndexSkip;
        return;
      }
      if (Known && !(Known->Events & Needed)) {
        Out.Analyzed = true;
        Out.Source = FileResult::IndexQuiet;
        return;
      }
    }
  }

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
  ContentHash Hash{};
  if (Cache)
    Hash = hashContent(Bytes);
  Err.Path = In.DisplayPath;
  if (!python::decodePythonSource(Bytes, Err)) {
    Out.Errors.push_back(Err);
    return;
  }
  Out.Source = FileResult::Read;
  bool Comments = python::mayHoldSuppressions(Bytes);
  bool Passed = pythonPrefilter(Bytes);
  if (!Passed && !(Comments && (Needed & python::SuppressionCommentsBit))) {
    if (Cache && !In.IsStdin)
      Cache->record(In.AbsolutePath, identityOf(St), Hash,
                    FactsCache::Verdict::Skipped,
                    Comments ? python::SuppressionCommentsBit : 0);
    return;
  }
  auto File = std::make_shared<const SourceFile>(
      In.DisplayPath, In.AbsolutePath, std::string(Bytes.data(), Bytes.size()));
  Out.Analyzed = true;
  std::unique_ptr<python::PythonModule> M;
  std::string Payload;
  FactsCache::Load Load =
      Cache ? Cache->loadFacts(Hash, Payload) : FactsCache::Load::Missing;
  Out.Rejected = Load == FactsCache::Load::Corrupt;
  if (Load == FactsCache::Load::Ok) {
    M = std::make_unique<python::PythonModule>();
    M->File = File;
    if (!python::decodeModuleFacts(Payload, *M)) {
      M.reset(); // corrupt: rebuilt and rewritten below
      Out.Rejected = true;
    }
  }
  bool FromCache = M != nullptr;
  Out.Source = FromCache ? FileResult::Loaded : FileResult::Parsed;
  python::ParseFailure PF;
  if (!M)
    M = python::buildPythonModule(File, PF);
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
  if (Cache && !FromCache) {
    Payload.clear();
    python::encodeModuleFacts(*M, Payload);
    Cache->storeFacts(Hash, Payload);
  }
  // A file the prefilter rejects, parsed only for MPG900, stays Skipped in
  // the index: a run without MPG900 counts it as rejected, warm or cold.
  if (Cache && !In.IsStdin)
    Cache->record(
        In.AbsolutePath, identityOf(St), Hash,
        Passed ? FactsCache::Verdict::Facts : FactsCache::Verdict::Skipped,
        Passed ? python::eventsOf(*M) : python::SuppressionCommentsBit);
  M->ModuleName = moduleNameOf(In);
  M->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  checkModule(*M, Enabled, T, Out.Findings,
              IncludeSuppressed ? &Out.Suppressed : nullptr);
}

} // namespace

bool checkPythonText(const InputFile &In, std::string Text,
                     const std::set<std::string> &EnabledCodes,
                     std::vector<Finding> &Out, const Targets &T) {
  auto File = std::make_shared<const SourceFile>(
      In.DisplayPath, In.AbsolutePath, std::move(Text));
  python::ParseFailure PF;
  auto M = python::buildPythonModule(File, PF);
  if (!M)
    return false;
  M->ModuleName = moduleNameOf(In);
  M->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  checkModule(*M, EnabledCodes, T, Out);
  return true;
}

BufferCheck checkPythonBuffer(const InputFile &In, std::string Text,
                              const std::set<std::string> &EnabledCodes,
                              const Targets &T) {
  BufferCheck Out;
  Out.Failure.K = python::ParseFailure::Syntax;
  // The text is already decoded (an editor's buffer): no BOM or coding
  // declaration to honour, but CPython still rejects a NUL byte.
  size_t Nul = Text.find('\0');
  if (Nul == std::string::npos && !pythonPrefilter(Text) &&
      !(EnabledCodes.count(unusedSuppressionRule().Code) &&
        python::mayHoldSuppressions(Text))) {
    Out.Skipped = true;
    return Out;
  }
  auto File = std::make_shared<const SourceFile>(
      In.DisplayPath, In.AbsolutePath, std::move(Text));
  if (Nul != std::string::npos) {
    Out.Failure.K = python::ParseFailure::Syntax;
    Out.Failure.Message = "source contains a NUL byte (CPython rejects it)";
    Out.Failure.Offset = uint32_t(Nul);
    return Out;
  }
  Out.Module = python::buildPythonModule(File, Out.Failure);
  if (!Out.Module)
    return Out;
  Out.Module->ModuleName = moduleNameOf(In);
  Out.Module->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  checkModule(*Out.Module, EnabledCodes, T, Out.Findings);
  std::sort(Out.Findings.begin(), Out.Findings.end(), findingLess);
  return Out;
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
  // the process-starting libraries and set_start_method; or threads and a
  // fork.
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
  // MPG003 without multiprocessing: a thread (threading, _thread, Thread,
  // ThreadPool..., QueueListener) and a fork (os.fork, pty.fork, forkpty,
  // preexec_fn).
  auto Has = [&](const char *N) {
    return Bytes.find(N) != std::string_view::npos;
  };
  return (Has("fork") || Has("preexec_fn")) &&
         (Has("hread") || Has("QueueListener"));
}

void runCheck(const Options &O, const Configuration &Config, Report &R) {
  const std::set<std::string> &EnabledCodes = Config.Enabled;
  auto Start = std::chrono::steady_clock::now();
  llvm::SmallString<256> Cwd;
  if (!llvm::sys::fs::current_path(Cwd))
    R.WorkingDirectory = std::string(Cwd.str());
  R.SourceRoot = sourceRootFor(R.WorkingDirectory);
  R.CommandLine = O.RawArgs;
  for (const RuleInfo *Rule : ruleCatalogue())
    if (EnabledCodes.count(Rule->Code))
      R.Rules.push_back(Rule);

  std::vector<InputFile> Files, CppFiles;
  discoverFiles(O.Paths, Config, O.StdinFilename, Files, R.Errors);
  R.FilesChecked = Files.size();
  // C/C++ files go to their own frontend, after the Python ones.
  auto IsCpp = [](const InputFile &In) {
    return isCppPath(In.IsStdin ? In.DisplayPath : In.AbsolutePath);
  };
  std::copy_if(Files.begin(), Files.end(), std::back_inserter(CppFiles), IsCpp);
  Files.erase(std::remove_if(Files.begin(), Files.end(), IsCpp), Files.end());

  std::vector<FileResult> Results(Files.size());
  llvm::ThreadPoolStrategy Strategy = llvm::hardware_concurrency(O.Jobs);
  unsigned Threads = std::min<unsigned>(Strategy.compute_thread_count(),
                                        std::max<size_t>(Files.size(), 1));
  // The main thread works too, next to Threads - 1 pool threads, each
  // taking the next file from a shared counter: balanced like one task per
  // file, without a queue operation per file (which cost a warm run more
  // than the work itself).
  std::unique_ptr<llvm::DefaultThreadPool> Pool;
  if (Threads > 1)
    Pool = std::make_unique<llvm::DefaultThreadPool>(
        llvm::hardware_concurrency(Threads - 1));
  auto ForEachFile = [&](auto Fn) {
    std::atomic<size_t> Next{0};
    auto Work = [&] {
      for (size_t I; (I = Next.fetch_add(1)) < Files.size();)
        Fn(I);
    };
    for (unsigned T = 1; T < Threads; ++T)
      Pool->async(Work);
    Work();
    if (Pool)
      Pool->wait();
  };
  std::unique_ptr<FactsCache> Cache;
  if (!O.NoCache) {
    std::string Dir =
        O.CacheDir.empty() ? FactsCache::defaultDirectory() : O.CacheDir;
    std::string Error;
    if (!Dir.empty() && !(Cache = FactsCache::open(Dir, R.SourceRoot, Error)))
      llvm::errs() << "mpguard: warning: running without a cache: " << Error
                   << "\n";
  }
  python::EventMask Needed = 0;
  for (const python::PythonRule *Rule : pythonRules())
    if (EnabledCodes.count(Rule->info().Code))
      Needed |= Rule->neededEvents();
  if (EnabledCodes.count(unusedSuppressionRule().Code))
    Needed |= python::SuppressionCommentsBit;
  const Targets Targets = Config.targets();
  ForEachFile([&](size_t I) {
    if (Config.PerFileIgnores.empty()) {
      analyzeFile(Files[I], EnabledCodes, Targets, Needed, O.IncludeSuppressed,
                  Cache.get(), Results[I]);
      return;
    }
    // Needed stays the run's: a superset of what this file's rules need.
    analyzeFile(Files[I], Config.enabledFor(Files[I].AbsolutePath), Targets,
                Needed, O.IncludeSuppressed, Cache.get(), Results[I]);
  });
  if (Cache) {
    std::string Error;
    if (!Cache->save(Error))
      llvm::errs() << "mpguard: warning: cannot update the cache: " << Error
                   << "\n";
  }

  if (!CppFiles.empty()) {
    std::vector<const InputFile *> Cpp;
    for (const InputFile &In : CppFiles)
      Cpp.push_back(&In);
    CppRunOptions CO;
    CO.CompileCommandsDir = O.CompileCommandsDir;
    CO.HaveFlags = O.HaveCxxFlags;
    CO.Flags = O.CxxFlags;
    CO.Jobs = Strategy.compute_thread_count();
    for (Platform P : Config.Platforms)
      for (unsigned Minor = Config.TargetMinor; Minor <= MaxTargetMinor;
           ++Minor)
        if (std::string_view(defaultStartMethod(P, Minor)) != "fork") {
          CO.NonForkDefaults.push_back(
              std::string(platformName(P)) + ": " +
              defaultStartMethods(P, Config.TargetMinor));
          break;
        }
    CppRunResult CR;
    runCppRules(Cpp, EnabledCodes, CO, CR);
    R.FilesAnalyzed += CR.Analyzed;
    for (ToolError &E : CR.Errors)
      R.Errors.push_back(std::move(E));
    for (Finding &F : CR.Findings)
      if (Config.PerFileIgnores.empty() ||
          Config.enabledFor(F.Loc.File->absolutePath()).count(F.Rule->Code))
        R.Findings.push_back(std::move(F));
  }

  size_t BySource[6] = {}, Rejected = 0;
  for (size_t I = 0; I < Files.size(); ++I) {
    ++BySource[Results[I].Source];
    Rejected += Results[I].Rejected;
    R.FilesAnalyzed += Results[I].Analyzed;
    for (ToolError &E : Results[I].Errors)
      R.Errors.push_back(std::move(E));
    for (Finding &F : Results[I].Findings)
      R.Findings.push_back(std::move(F));
    for (Finding &F : Results[I].Suppressed)
      R.Suppressed.push_back(std::move(F));
  }
  std::sort(R.Findings.begin(), R.Findings.end(), findingLess);
  std::sort(R.Suppressed.begin(), R.Suppressed.end(), findingLess);
  std::stable_sort(
      R.Errors.begin(), R.Errors.end(),
      [](const ToolError &A, const ToolError &B) { return A.Path < B.Path; });
  if (!R.Errors.empty() && !O.KeepGoing)
    R.ExitCode = 2;
  else if (!R.Findings.empty())
    R.ExitCode = 1;

  if (O.Verbose) {
    using FR = FileResult;
    auto Secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
            .count();
    llvm::errs() << llvm::formatv(
        "mpguard: {0} files in {1:f3} s with {2} thread{3}: {4} rejected by "
        "the prefilter ({5} of them known from the cache, not read), {6} "
        "analyzed ({7} parsed, {8} facts from the cache, {9} not read: no "
        "enabled rule can fire), {10} unreadable\n",
        Files.size(), Secs, Threads, Threads == 1 ? "" : "s",
        BySource[FR::Read] + BySource[FR::IndexSkip], BySource[FR::IndexSkip],
        R.FilesAnalyzed, BySource[FR::Parsed], BySource[FR::Loaded],
        BySource[FR::IndexQuiet], BySource[FR::None]);
    if (Cache)
      llvm::errs() << "mpguard: cache " << Cache->directory() << ": "
                   << Rejected << " corrupt entr"
                   << (Rejected == 1 ? "y" : "ies") << " ignored\n";
    else
      llvm::errs() << "mpguard: no cache\n";
  }
}

} // namespace mpguard
