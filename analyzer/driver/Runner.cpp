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
#include "driver/FreezeEntries.h"
#include "output/Uri.h"
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
#include <deque>
#include <iterator>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

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
  // For the cross-module stage (linkModules):
  /// The module and its summary, kept when some scope has an effect (other
  /// modules' calls may reach it) or loaded by the linker.
  std::unique_ptr<python::PythonModule> Module;
  std::unique_ptr<project::ModuleSummary> Summary;
  /// A checked and freed module's ExternalCall targets, distinct.
  std::vector<std::string> Links;
  /// A file the prefilter rejected: the modules it imports (importNames),
  /// from its text or from the cache index.
  std::vector<std::string> ImportNames;
};

/// The modules a file's import statements name, as written: "a.b" for
/// `import a.b as c`; "m", "m.x" and "m.y" for `from m import x, y` (x may
/// be a submodule); ".", ".x" for `from . import x`. A cheap line scan,
/// not a parse: it may see more names than the statements hold (an
/// `import` line inside a string), never fewer.
std::vector<std::string> importNames(std::string_view Text) {
  std::vector<std::string> Names;
  auto Add = [&](std::string N) {
    if (!N.empty() && std::find(Names.begin(), Names.end(), N) == Names.end())
      Names.push_back(std::move(N));
  };
  auto Word = [](char C) {
    return C == '_' || C == '.' || (C >= 'a' && C <= 'z') ||
           (C >= 'A' && C <= 'Z') || (C >= '0' && C <= '9') ||
           uint8_t(C) >= 0x80;
  };
  size_t Pos = 0;
  while (Pos < Text.size()) {
    size_t End = Text.find('\n', Pos);
    if (End == std::string_view::npos)
      End = Text.size();
    std::string_view Line = Text.substr(Pos, End - Pos);
    Pos = End + 1;
    size_t I = Line.find_first_not_of(" \t");
    if (I == std::string_view::npos)
      continue;
    Line.remove_prefix(I);
    bool From = Line.substr(0, 5) == "from ";
    if (!From && Line.substr(0, 7) != "import ")
      continue;
    if (Line.find('(') != std::string_view::npos) {
      // `from m import (a,\n b)` runs on to the closing parenthesis.
      size_t Start = size_t(Line.data() - Text.data());
      size_t Close = Text.find(')', Start);
      if (Close != std::string_view::npos) {
        Line = Text.substr(Start, Close - Start);
        Pos = Close + 1;
      }
    }
    // Words in order: from M import a as b, c / import a.b as c, d
    std::vector<std::string_view> Words;
    for (size_t J = 0; J < Line.size();) {
      if (Line[J] == '#')
        break;
      if (!Word(Line[J])) {
        ++J;
        continue;
      }
      size_t K = J;
      while (K < Line.size() && Word(Line[K]))
        ++K;
      Words.push_back(Line.substr(J, K - J));
      J = K;
    }
    if (From) {
      if (Words.size() < 3 || Words[2] != "import")
        continue;
      std::string M(Words[1]);
      Add(M);
      for (size_t J = 3; J < Words.size(); ++J) {
        if (Words[J] == "as") {
          ++J;
          continue;
        }
        if (Words[J] != "*")
          Add(M.back() == '.' ? M + std::string(Words[J])
                              : M + "." + std::string(Words[J]));
      }
    } else {
      for (size_t J = 1; J < Words.size(); ++J) {
        if (Words[J] == "as") {
          ++J;
          continue;
        }
        Add(std::string(Words[J]));
      }
    }
  }
  return Names;
}

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

/// Module names of a run's files, with one check for __init__.py per
/// directory however many files it holds.
class ModuleNamer {
public:
  std::string nameOf(const InputFile &In) {
    if (In.AbsolutePath.empty())
      return "__main__";
    return prefixOf(llvm::sys::path::parent_path(In.AbsolutePath).str(), 0) +
           llvm::sys::path::stem(In.AbsolutePath).str();
  }

private:
  /// "pkg.sub." for a package directory, "" for any other.
  const std::string &prefixOf(const std::string &Dir, int Depth) {
    auto It = Prefix.find(Dir);
    if (It != Prefix.end())
      return It->second;
    std::string P;
    llvm::SmallString<256> Init(Dir);
    llvm::sys::path::append(Init, "__init__.py");
    if (!Dir.empty() && Depth < 64 && llvm::sys::fs::exists(Init)) {
      std::string Parent = llvm::sys::path::parent_path(Dir).str();
      if (Parent != Dir)
        P = prefixOf(Parent, Depth + 1);
      P += llvm::sys::path::filename(Dir).str() + ".";
    }
    return Prefix[Dir] = std::move(P);
  }
  std::unordered_map<std::string, std::string> Prefix;
};

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
                 const project::ModuleSummary &Summary,
                 const std::set<std::string> &Enabled, const Targets &T,
                 std::vector<Finding> &Out,
                 std::vector<Finding> *Suppressed = nullptr) {
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
void analyzeFile(const InputFile &In, const std::string &ModuleName,
                 const std::set<std::string> &Enabled, const Targets &T,
                 python::EventMask Needed, bool IncludeSuppressed,
                 FactsCache *Cache, const FreezeEntries &Frozen,
                 FileResult &Out) {
  // The entry script of a frozen build is always analyzed (MPG008 reads
  // the freeze configuration, not only the script's events): neither the
  // index nor the prefilter may skip it.
  FreezeConfigRef Entry =
      Enabled.count("MPG008") ? Frozen.lookup(In.AbsolutePath) : nullptr;
  // Warm path: a file the index knows, unchanged since, is not even read if
  // the prefilter rejected it or its module has no event any enabled rule
  // needs (PythonRule::neededEvents).
  if (!Entry && Cache && !In.IsStdin && Cache->knows(In.AbsolutePath)) {
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
        Out.ImportNames = Known->Imports;
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
  if (!Passed)
    Out.ImportNames = importNames(Bytes);
  if (!Passed && !Entry &&
      !(Comments && (Needed & python::SuppressionCommentsBit))) {
    if (Cache && !In.IsStdin)
      Cache->record(
          In.AbsolutePath, identityOf(St), Hash, FactsCache::Verdict::Skipped,
          Comments ? python::SuppressionCommentsBit : 0, Out.ImportNames);
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
        Passed ? python::eventsOf(*M) : python::SuppressionCommentsBit,
        Out.ImportNames);
  M->ModuleName = ModuleName;
  M->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  M->FrozenEntry = Entry;
  auto Summary =
      std::make_unique<project::ModuleSummary>(project::summarize(*M));
  checkModule(*M, *Summary, Enabled, T, Out.Findings,
              IncludeSuppressed ? &Out.Suppressed : nullptr);
  if (!Passed)
    return;
  // Other modules' calls may reach this one's effects: kept for the
  // cross-module stage; so is a module that hands another module's
  // function to a process start (MPG005 reads the worker's code).
  // Otherwise only the names it calls are.
  bool PicklesOut =
      (Needed & python::eventBit(python::EventKind::PickledExternal)) &&
      std::any_of(M->Events.begin(), M->Events.end(), [](const auto &Ev) {
        return Ev.Kind == python::EventKind::PickledExternal;
      });
  if (Summary->anyEffect() || PicklesOut) {
    Out.Module = std::move(M);
    Out.Summary = std::move(Summary);
    return;
  }
  for (const python::Event &Ev : M->Events)
    if (Ev.Kind == python::EventKind::ExternalCall &&
        std::find(Out.Links.begin(), Out.Links.end(), Ev.Target) ==
            Out.Links.end())
      Out.Links.push_back(Ev.Target);
}

/// Reads and parses a file for the linker, past the prefilter. Null when
/// it cannot be read or parsed (its error, if any, was reported when the
/// file was first read).
std::unique_ptr<python::PythonModule>
loadModule(const InputFile &In, const std::string &Name, FactsCache *Cache) {
  std::string Bytes;
  struct stat St;
  ToolError Err;
  if (In.IsStdin || !readInput(In, Bytes, St, Err))
    return nullptr;
  // Facts by content, as in analyzeFile: a warm run decodes instead of
  // parsing.
  ContentHash Hash{};
  if (Cache)
    Hash = hashContent(Bytes);
  if (!python::decodePythonSource(Bytes, Err))
    return nullptr;
  auto File = std::make_shared<const SourceFile>(
      In.DisplayPath, In.AbsolutePath, std::move(Bytes));
  std::unique_ptr<python::PythonModule> M;
  std::string Payload;
  if (Cache && Cache->loadFacts(Hash, Payload) == FactsCache::Load::Ok) {
    M = std::make_unique<python::PythonModule>();
    M->File = File;
    if (!python::decodeModuleFacts(Payload, *M))
      M.reset();
  }
  if (!M) {
    python::ParseFailure PF;
    M = python::buildPythonModule(File, PF);
    if (M && Cache) {
      Payload.clear();
      python::encodeModuleFacts(*M, Payload);
      Cache->storeFacts(Hash, Payload);
    }
  }
  if (M) {
    M->ModuleName = Name;
    M->NotRerunInChildren = notRerunInChildren(In.DisplayPath);
  }
  return M;
}

/// The cross-module stage, after every file was checked on its own:
/// ProjectLinker resolves the calls between the project's modules and
/// propagates effects across files. A module whose calls reach another
/// module's effect is checked again with the linked summary, and its
/// findings replace those of its first check.
///
/// Only modules that can matter are parsed again: a file of the run
/// without an effect of its own is loaded when its calls (Links) reach a
/// loaded module's effect, or, rejected by the prefilter, when one of the
/// modules its import statements name (ImportNames, from its text or the
/// cache index) has or re-exports an effect. Round after round until no
/// module is added; each file is parsed at most once, so import cycles
/// end.
struct LinkStats {
  size_t Kept = 0;    // modules with an effect, kept from the first pass
  size_t Loaded = 0;  // files of the run parsed again or for the first time
  size_t Outside = 0; // modules found on disk outside the run's files
  size_t Rounds = 0;  // rounds of candidates
  size_t Rechecked = 0;
  double Seconds = 0;
};

template <typename WithEnabledFn>
LinkStats linkModules(const std::vector<InputFile> &Files,
                      const std::vector<std::string> &Names,
                      WithEnabledFn WithEnabled, const Targets &T,
                      bool IncludeSuppressed, bool ResolveWorkers,
                      FactsCache *Cache, std::vector<FileResult> &Results) {
  LinkStats Stats;
  auto Start = std::chrono::steady_clock::now();
  struct Timer {
    LinkStats &S;
    std::chrono::steady_clock::time_point Start;
    ~Timer() {
      S.Seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - Start)
                      .count();
    }
  } Time{Stats, Start};
  std::unordered_map<std::string, size_t> ByPath;
  for (size_t I = 0; I < Files.size(); ++I)
    if (!Files[I].AbsolutePath.empty())
      ByPath[Files[I].AbsolutePath] = I;
  // Selected: worth loading (kept, or chosen in a round). A file of the
  // run that is not selected cannot add an effect: the linker does not
  // load it when a name resolves to it.
  std::vector<bool> Selected(Files.size(), false), Tried(Files.size(), false);
  // Set while resolving the workers of other modules (PickledExternal): a
  // worker's file is loaded for its facts even when it has no effect.
  bool LoadAny = false;
  auto Load = [&](size_t I) -> project::ModuleSummary * {
    FileResult &R = Results[I];
    if (R.Summary)
      return R.Summary.get();
    if ((!Selected[I] && !LoadAny) || Tried[I])
      return nullptr;
    Tried[I] = true;
    ++Stats.Loaded;
    R.Module = loadModule(Files[I], Names[I], Cache);
    if (!R.Module)
      return nullptr;
    R.Module->FrozenEntry = frozenEntryFor(Files[I].AbsolutePath);
    R.Summary =
        std::make_unique<project::ModuleSummary>(project::summarize(*R.Module));
    return R.Summary.get();
  };
  // Modules found on disk outside the run's files: loaded for their
  // summaries only, never checked.
  std::deque<FileResult> Outside;
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  project::ProjectLinker Linker(
      [&](const std::string &Path,
          const std::string &Name) -> project::ModuleSummary * {
        auto It = ByPath.find(Path);
        if (It != ByPath.end())
          return Load(It->second);
        llvm::StringRef Display(Path);
        if (Cwd.empty() || !Display.consume_front(Cwd) ||
            !Display.consume_front("/"))
          Display = Path;
        FileResult &R = Outside.emplace_back();
        ++Stats.Outside;
        R.Module =
            loadModule(InputFile(Display.str(), Path, false), Name, Cache);
        if (!R.Module)
          return nullptr;
        R.Summary = std::make_unique<project::ModuleSummary>(
            project::summarize(*R.Module));
        return R.Summary.get();
      });
  bool Any = false;
  for (size_t I = 0; I < Files.size(); ++I) {
    Linker.addFile(Names[I], Files[I].AbsolutePath, !Files[I].HasIdentity);
    if (Results[I].Summary) {
      ++Stats.Kept;
      Selected[I] = Tried[I] = true;
      Linker.add(*Results[I].Summary);
    }
    Any |= Results[I].Summary || !Results[I].Links.empty() ||
           !Results[I].ImportNames.empty();
  }
  if (!Any)
    return Stats;
  Linker.link();
  while (true) {
    ++Stats.Rounds;
    size_t Before = Linker.modules().size();
    // A walked file's absolute import can only reach a loaded module: one
    // whose top-level name it starts with (relative ones are resolved).
    std::unordered_set<std::string> Tops;
    for (const project::ModuleSummary *S : Linker.modules())
      Tops.insert(
          llvm::StringRef(S->Module->ModuleName).split('.').first.str());
    auto MayReach = [&](const std::string &Name) {
      return Name.empty() || Name[0] == '.' ||
             Tops.count(llvm::StringRef(Name).split('.').first.str());
    };
    for (size_t I = 0; I < Files.size(); ++I) {
      FileResult &R = Results[I];
      if (Selected[I])
        continue;
      const std::string &Path = Files[I].AbsolutePath;
      if (!Files[I].HasIdentity && R.Links.empty() &&
          std::none_of(R.ImportNames.begin(), R.ImportNames.end(), MayReach))
        continue;
      // Imports count unless the module only leaves a thread running:
      // threading, logging.handlers, socketserver and asyncio do, and most
      // files import one of them; a file that starts a thread or forks
      // itself passed the prefilter.
      bool Candidate =
          (!R.Links.empty() && Linker.reachesEffect(Names[I], Path, R.Links)) ||
          (!R.ImportNames.empty() &&
           Linker.importsEffect(
               Names[I], Path, R.ImportNames,
               ~project::effectBit(project::Effect::LeavesThreadRunning)));
      if (!Candidate)
        continue;
      Selected[I] = true;
      if (project::ModuleSummary *S = Load(I))
        Linker.add(*S);
    }
    if (Linker.modules().size() == Before)
      break;
    Linker.link();
  }
  // Workers that are functions of other modules (MPG005 reads their
  // code): PickledExternal events of the run's modules, resolved into
  // Edges (callee() ignores them: handing a function to a process start
  // does not run it here). Their files are loaded for the facts only;
  // nothing is linked or checked again for them.
  std::vector<bool> PicklesOut(Files.size(), false);
  if (ResolveWorkers) {
    LoadAny = true;
    Linker.forgetUnloaded();
    for (size_t I = 0; I < Files.size(); ++I) {
      FileResult &R = Results[I];
      if (!R.Summary || !Selected[I])
        continue;
      const python::PythonModule &M = *R.Module;
      for (size_t E = 0; E < M.Events.size(); ++E)
        if (M.Events[E].Kind == python::EventKind::PickledExternal)
          if (project::ModuleSummary::Target T =
                  Linker.resolve(M, M.Events[E].QName)) {
            R.Summary->Edges[uint32_t(E)] = T;
            PicklesOut[I] = true;
          }
    }
    LoadAny = false;
  }
  // Check again every module that calls into another one's effect, or
  // hands another one's function to a process start.
  for (size_t I = 0; I < Files.size(); ++I) {
    FileResult &R = Results[I];
    if (!R.Summary)
      continue;
    bool Reaches = PicklesOut[I];
    for (const auto &[Index, Target] : R.Summary->Edges)
      for (size_t E = 0; E < project::EffectCount && !Reaches; ++E)
        Reaches = Target.In->has(Target.Scope, project::Effect(E));
    if (!Reaches)
      continue;
    ++Stats.Rechecked;
    R.Findings.clear();
    R.Suppressed.clear();
    R.Analyzed = true;
    WithEnabled(I, [&](const std::set<std::string> &Enabled) {
      checkModule(*R.Module, *R.Summary, Enabled, T, R.Findings,
                  IncludeSuppressed ? &R.Suppressed : nullptr);
    });
  }
  return Stats;
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
  if (EnabledCodes.count("MPG008"))
    M->FrozenEntry = frozenEntryFor(In.AbsolutePath);
  checkModule(*M, project::summarize(*M), EnabledCodes, T, Out);
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
  if (EnabledCodes.count("MPG008"))
    Out.Module->FrozenEntry = frozenEntryFor(In.AbsolutePath);
  checkModule(*Out.Module, project::summarize(*Out.Module), EnabledCodes, T,
              Out.Findings);
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

/// The pre-pass of MPG008: the freeze configurations discovery met in the
/// walked directories, and those in the directory of each file named on
/// the command line and its parents up to the source root (a pre-commit
/// hook names `src/app.py`; the spec sits at the top).
void findFreezeEntries(const Options &O, const std::string &SourceRoot,
                       const std::vector<std::string> &Walked,
                       FreezeEntries &Out) {
  auto Absolute = [](const std::string &P) {
    llvm::SmallString<256> S(P);
    llvm::sys::fs::make_absolute(S);
    llvm::sys::path::remove_dots(S, /*remove_dot_dot=*/true);
    return std::string(S.str());
  };
  std::map<std::string, std::string> Configs; // absolute -> display
  for (const std::string &P : Walked)
    Configs.emplace(Absolute(P), P);
  std::set<std::string> Dirs;
  for (const std::string &P : O.Paths) {
    std::string File = P == "-" ? O.StdinFilename : P;
    if (File.empty() || llvm::sys::fs::is_directory(File))
      continue;
    std::string Dir = llvm::sys::path::parent_path(Absolute(File)).str();
    bool Below = llvm::StringRef(Dir).starts_with(SourceRoot);
    for (int Depth = 0; Depth < 64 && !Dir.empty(); ++Depth) {
      if (!Dirs.insert(Dir).second)
        break;
      if (!Below || Dir.size() <= SourceRoot.size())
        break;
      Dir = llvm::sys::path::parent_path(Dir).str();
    }
  }
  for (const std::string &Dir : Dirs) {
    std::vector<std::string> Found;
    listFreezeConfigsIn(Dir, Found);
    for (const std::string &P : Found)
      Configs.emplace(P, displayPath(P));
  }
  for (const auto &[Abs, Display] : Configs)
    readFreezeConfig(Abs, Display, Out);
}

} // namespace

bool pythonPrefilter(std::string_view Bytes) {
  // Names without which no enabled rule can fire on this file, or through
  // it on a file that calls it: the process-starting libraries and
  // set_start_method; or a thread or a fork.
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
  // ThreadPool..., QueueListener) or a fork (os.fork, pty.fork, forkpty,
  // preexec_fn). Either alone: a function that leaves a thread running, or
  // one that forks, gives MPG003 a finding in the module that calls it
  // (with a fork, or after a thread, of its own), and the linker keeps only
  // modules that passed.
  auto Has = [&](const char *N) {
    return Bytes.find(N) != std::string_view::npos;
  };
  return Has("fork") || Has("preexec_fn") || Has("hread") ||
         Has("QueueListener");
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
  std::vector<std::string> ConfigPaths;
  discoverFiles(O.Paths, Config, O.StdinFilename, Files, R.Errors,
                EnabledCodes.count("MPG008") ? &ConfigPaths : nullptr);
  auto Frozen = std::make_shared<FreezeEntries>();
  if (EnabledCodes.count("MPG008"))
    findFreezeEntries(O, R.SourceRoot, ConfigPaths, *Frozen);
  // Also for the --fix rounds that follow (checkPythonText).
  setRunFreezeEntries(Frozen);
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
  // A call of another module's function can give any rule a finding: a
  // module with such calls is always read. (A rule's mask lists the kinds
  // of event whose effects it reads through calls, so a warm run also
  // reads the modules those calls reach.)
  if (Needed & ~python::SuppressionCommentsBit)
    Needed |= python::eventBit(python::EventKind::ExternalCall);
  const Targets Targets = Config.targets();
  std::vector<std::string> Names;
  {
    ModuleNamer Namer;
    for (const InputFile &In : Files)
      Names.push_back(Namer.nameOf(In));
  }
  auto WithEnabled = [&](size_t I, auto Fn) {
    if (Config.PerFileIgnores.empty())
      return Fn(EnabledCodes);
    return Fn(Config.enabledFor(Files[I].AbsolutePath));
  };
  ForEachFile([&](size_t I) {
    // Needed stays the run's: a superset of what this file's rules need.
    WithEnabled(I, [&](const std::set<std::string> &Enabled) {
      analyzeFile(Files[I], Names[I], Enabled, Targets, Needed,
                  O.IncludeSuppressed, Cache.get(), *Frozen, Results[I]);
    });
  });
  LinkStats Linked;
  if (Needed & ~python::SuppressionCommentsBit)
    Linked = linkModules(
        Files, Names, WithEnabled, Targets, O.IncludeSuppressed,
        (Needed & python::eventBit(python::EventKind::PickledExternal)) != 0,
        Cache.get(), Results);
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
    llvm::errs() << llvm::formatv(
        "mpguard: linking modules in {0:f3} s: {1} kept with an effect, {2} "
        "files parsed for it, {3} modules outside the checked files, {4} "
        "round{5}, {6} module{7} checked again\n",
        Linked.Seconds, Linked.Kept, Linked.Loaded, Linked.Outside,
        Linked.Rounds, Linked.Rounds == 1 ? "" : "s", Linked.Rechecked,
        Linked.Rechecked == 1 ? "" : "s");
    if (Cache)
      llvm::errs() << "mpguard: cache " << Cache->directory() << ": "
                   << Rejected << " corrupt entr"
                   << (Rejected == 1 ? "y" : "ies") << " ignored\n";
    else
      llvm::errs() << "mpguard: no cache\n";
  }
}

} // namespace mpguard
