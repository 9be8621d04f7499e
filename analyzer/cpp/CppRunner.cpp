//===- CppRunner.cpp - C/C++ files through mpguard-cxx --------------------===//
#include "cpp/CppRunner.h"

#include "core/FileRead.h"
#include "cpp/CppFacts.h"
#include "cpp/CppRule.h"
#include "driver/Discovery.h"
#include "output/Uri.h"
#include "rules/Registry.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <unistd.h>

namespace mpguard {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

bool isCppHeader(const std::string &Path) {
  llvm::StringRef Ext = path::extension(Path);
  return Ext == ".h" || Ext == ".hh" || Ext == ".hpp" || Ext == ".hxx";
}

bool isCppPath(const std::string &Path) {
  llvm::StringRef Ext = path::extension(Path);
  return Ext == ".c" || Ext == ".cc" || Ext == ".cpp" || Ext == ".cxx" ||
         Ext == ".c++" || isCppHeader(Path);
}

bool cppPrefilter(std::string_view Bytes) {
  // What the rules start from: a fork (vfork, pthread_atfork), a thread
  // start (std::thread, pthread_create, a thread pool, std::async, an
  // OpenMP region: the fork that follows may be in another TU), a Python
  // extension's module init, Python source handed to an embedded
  // interpreter. A TU whose own text names none of them is skipped (a
  // header's are found through the TU that includes it); so is a TU that
  // only passes calls along between the thread start and the fork, a
  // blind spot the prefilter buys its speed with.
  static const char *const Needles[] = {
      "fork",           "daemon",         "thread",       "async",
      "pragma omp",     "PyInit_",        "PYBIND11_",    "NB_MODULE",
      "PyRun_",         "py::exec",       "py::eval",     "pybind11::exec",
      "pybind11::eval", "nanobind::exec", "Py_Initialize"};
  for (const char *N : Needles)
    if (Bytes.find(N) != std::string_view::npos)
      return true;
  return false;
}

namespace {

std::string frontendPath() {
  if (const char *Env = std::getenv("MPGUARD_CXX"); Env && *Env)
    return Env;
  static int Anchor;
  std::string Self = fs::getMainExecutable(nullptr, &Anchor);
  llvm::SmallString<256> Dir(path::parent_path(Self));
  for (const char *Rel : {"mpguard-cxx", "../lib/mpguard/mpguard-cxx"}) {
    llvm::SmallString<256> P(Dir);
    path::append(P, Rel);
    path::remove_dots(P, /*remove_dot_dot=*/true);
    if (fs::can_execute(P))
      return std::string(P.str());
  }
  return "";
}

/// The rules of one comment: `NOLINT(mpguard-MPG101, mpguard-*)`.
bool listNames(llvm::StringRef Rest, const RuleInfo &Rule) {
  if (!Rest.starts_with("("))
    return false; // a bare NOLINT is for clang-tidy, not for mpguard
  size_t Close = Rest.find(')');
  if (Close == llvm::StringRef::npos)
    return false;
  llvm::SmallVector<llvm::StringRef, 4> Items;
  Rest.slice(1, Close).split(Items, ',');
  std::string ByCode = std::string("mpguard-") + Rule.Code;
  std::string BySlug = std::string("mpguard-") + Rule.Slug;
  for (llvm::StringRef I : Items) {
    I = I.trim();
    if (I.equals_insensitive(ByCode) || I == BySlug)
      return true;
    if (I.contains('*'))
      if (auto G = llvm::GlobPattern::create(I))
        if (G->match(ByCode) || G->match(BySlug))
          return true;
  }
  return false;
}

/// clang-tidy's NOLINT, NOLINTNEXTLINE and NOLINTBEGIN/END, naming the rule
/// as mpguard-<code> or mpguard-<slug> (globs allowed).
bool nolintSuppresses(const SourceFile &File, uint32_t Line,
                      const RuleInfo &Rule) {
  std::string_view Text = File.text();
  if (Text.find("NOLINT") == std::string_view::npos)
    return false;
  auto Marks = [&](uint32_t L, llvm::StringRef Kind) {
    llvm::StringRef T = File.lineText(L);
    for (size_t At = T.find("NOLINT"); At != llvm::StringRef::npos;
         At = T.find("NOLINT", At + 1)) {
      llvm::StringRef Rest = T.drop_front(At + 6);
      llvm::StringRef Found;
      for (llvm::StringRef K : {"NEXTLINE", "BEGIN", "END"})
        if (Rest.starts_with(K)) {
          Found = K;
          Rest = Rest.drop_front(K.size());
          break;
        }
      if (Found == Kind && listNames(Rest, Rule))
        return true;
    }
    return false;
  };
  if (Marks(Line, "") || (Line > 1 && Marks(Line - 1, "NEXTLINE")))
    return true;
  // Inside a BEGIN/END region: the nearest BEGIN above without an END
  // between.
  for (uint32_t L = Line; L >= 1; --L) {
    if (L != Line && Marks(L, "END"))
      return false;
    if (Marks(L, "BEGIN"))
      return true;
  }
  return false;
}

struct Chunk {
  std::vector<std::string> Files;
  llvm::SmallString<128> OutPath;
  llvm::sys::ProcessInfo Process;
  bool Started = false;
  std::string Error;
};

/// Runs mpguard-cxx over \p Sources (up to Jobs processes, each given
/// every Jobs-th source) and appends the TUs' facts to \p Units; what
/// cannot be read back becomes a ToolError.
void parseSources(const std::string &Frontend,
                  const std::vector<std::string> &Sources,
                  const CppRunOptions &Options,
                  std::vector<cpp::TranslationUnit> &Units, CppRunResult &Out) {
  unsigned N = std::max(1u, std::min<unsigned>(Options.Jobs, Sources.size()));
  std::vector<Chunk> Chunks(N);
  for (size_t I = 0; I < Sources.size(); ++I)
    Chunks[I % N].Files.push_back(Sources[I]);
  for (Chunk &C : Chunks) {
    int FD;
    if (std::error_code EC =
            fs::createTemporaryFile("mpguard-cxx", "jsonl", FD, C.OutPath)) {
      C.Error = "cannot create a temporary file: " + EC.message();
      continue;
    }
    ::close(FD);
    std::vector<llvm::StringRef> Args{Frontend};
    if (!Options.CompileCommandsDir.empty()) {
      Args.push_back("-p");
      Args.push_back(Options.CompileCommandsDir);
    }
    for (const std::string &F : C.Files)
      Args.push_back(F);
    if (Options.HaveFlags) {
      Args.push_back("--");
      for (const std::string &F : Options.Flags)
        Args.push_back(F);
    }
    std::optional<llvm::StringRef> Redirects[] = {
        llvm::StringRef(""), llvm::StringRef(C.OutPath), std::nullopt};
    bool Failed = false;
    C.Process = llvm::sys::ExecuteNoWait(Frontend, Args, std::nullopt,
                                         Redirects, 0, &C.Error, &Failed);
    C.Started = !Failed;
    if (Failed)
      C.Error = "cannot run the C/C++ frontend: " + C.Error;
  }
  for (Chunk &C : Chunks) {
    if (C.Started) {
      std::string Error;
      llvm::sys::ProcessInfo R =
          llvm::sys::Wait(C.Process, std::nullopt, &Error);
      if (R.ReturnCode != 0)
        C.Error = R.ReturnCode < 0 ? "the C/C++ frontend crashed" +
                                         (Error.empty() ? "" : ": " + Error)
                                   : "the C/C++ frontend failed (status " +
                                         std::to_string(R.ReturnCode) + ")";
    }
    std::string Text;
    struct stat St;
    if (!C.OutPath.empty())
      readWholeFile(std::string(C.OutPath.str()), Text, St, 1ull << 32);
    if (!C.OutPath.empty())
      fs::remove(C.OutPath);
    // Every complete line is one TU; a crash loses only the ones after it.
    size_t Done = 0;
    for (llvm::StringRef Line : llvm::split(llvm::StringRef(Text), '\n')) {
      if (Line.empty())
        continue;
      cpp::TranslationUnit TU;
      std::string Why;
      auto V = llvm::json::parse(Line);
      if (!V) {
        llvm::consumeError(V.takeError());
        break;
      }
      if (!cpp::fromJson(*V, TU, Why)) {
        C.Error = "the C/C++ frontend wrote facts mpguard cannot read: " + Why;
        break;
      }
      ++Done;
      Units.push_back(std::move(TU));
    }
    if (!C.Error.empty())
      for (size_t I = Done; I < C.Files.size(); ++I)
        Out.Errors.push_back({ToolError::Internal, displayPath(C.Files[I]),
                              "not analyzed: " + C.Error, 0, 0, 0});
  }
}

/// The names a source defines, by a look at its text: an identifier
/// followed by `(` on a line that starts in column 0 (not a preprocessor
/// line) and does not end with `;`, the way C and C++ definitions are
/// written (`void aeMain(aeEventLoop *eventLoop) {`, `int Pool::run(`).
std::set<std::string> definedNames(llvm::StringRef Text) {
  std::set<std::string> Found;
  for (llvm::StringRef Line : llvm::split(Text, '\n')) {
    Line = Line.rtrim();
    if (Line.empty() || isspace((unsigned char)Line[0]) || Line[0] == '#' ||
        Line[0] == '/' || Line[0] == '*' || Line.ends_with(";"))
      continue;
    for (size_t Paren = Line.find('('); Paren != llvm::StringRef::npos;
         Paren = Line.find('(', Paren + 1)) {
      size_t B = Paren;
      while (B > 0 &&
             (isalnum((unsigned char)Line[B - 1]) || Line[B - 1] == '_'))
        --B;
      if (B < Paren)
        Found.insert(Line.slice(B, Paren).str());
    }
  }
  return Found;
}

} // namespace

void runCppRules(const std::vector<const InputFile *> &Files,
                 const std::set<std::string> &Enabled,
                 const CppRunOptions &Options, CppRunResult &Out) {
  std::vector<const cpp::CppRule *> Rules;
  for (const cpp::CppRule *R : cppRules())
    if (Enabled.count(R->info().Code))
      Rules.push_back(R);
  if (Rules.empty())
    return;
  // Sources the prefilter admits, and the others with the names they
  // define (read now, while their bytes are at hand); headers come in
  // through them.
  std::vector<std::string> Sources;
  std::vector<std::pair<std::string, std::set<std::string>>> Rest;
  for (const InputFile *In : Files) {
    if (isCppHeader(In->AbsolutePath) || In->IsStdin)
      continue;
    std::string Bytes;
    struct stat St;
    if (int E = readWholeFile(In->AbsolutePath, Bytes, St, 64ull << 20)) {
      Out.Errors.push_back(
          {ToolError::Io, In->DisplayPath,
           std::string("cannot read file: ") + std::strerror(E), 0, 0, 0});
      continue;
    }
    if (cppPrefilter(Bytes))
      Sources.push_back(In->AbsolutePath);
    else
      Rest.emplace_back(In->AbsolutePath, definedNames(Bytes));
  }
  if (Sources.empty())
    return;
  std::string Frontend = frontendPath();
  if (Frontend.empty()) {
    Out.Errors.push_back({ToolError::Internal, displayPath(Sources.front()),
                          "the C/C++ frontend mpguard-cxx was not found next "
                          "to mpguard (or in ../lib/mpguard); C/C++ files "
                          "were not analyzed",
                          0, 0, 0});
    return;
  }

  // The prefilter's sources first; then, a round at a time, the skipped
  // sources that define a function the parsed ones call but no parsed TU
  // defines (a call on the way from a thread start to a fork may go
  // through them: an event loop's file), until none is left.
  std::vector<cpp::TranslationUnit> Units;
  parseSources(Frontend, Sources, Options, Units, Out);
  for (int Round = 0; Round < 8 && !Rest.empty(); ++Round) {
    std::set<std::string> Defined, Wanted;
    for (const cpp::TranslationUnit &TU : Units)
      for (const cpp::Function &F : TU.Functions)
        Defined.insert(F.Usr);
    for (const cpp::TranslationUnit &TU : Units)
      for (const cpp::Function &F : TU.Functions)
        for (const cpp::Block &B : F.Blocks)
          for (const cpp::Event &E : B.Events)
            if (E.Kind == cpp::EventKind::Call && !E.Callee.empty() &&
                !Defined.count(E.Callee)) {
              llvm::StringRef Name = E.Api;
              Wanted.insert(Name.substr(Name.rfind(':') + 1).str());
            }
    std::vector<std::string> Next;
    for (auto It = Rest.begin(); It != Rest.end();) {
      const std::set<std::string> &Defines = It->second;
      if (std::none_of(Defines.begin(), Defines.end(),
                       [&](const std::string &N) { return Wanted.count(N); })) {
        ++It;
        continue;
      }
      Next.push_back(std::move(It->first));
      It = Rest.erase(It);
    }
    if (Next.empty())
      break;
    parseSources(Frontend, Next, Options, Units, Out);
  }

  std::vector<std::string> Skipped;
  for (cpp::TranslationUnit &TU : Units) {
    if (TU.Compiled) {
      ++Out.Analyzed;
      continue;
    }
    if (!TU.Listed) {
      // Not part of the build the database describes (another platform's
      // file, usually): said, but not an error.
      Skipped.push_back(displayPath(TU.MainFile));
      continue;
    }
    ToolError E{ToolError::Syntax,
                displayPath(TU.MainFile),
                "does not compile; not analyzed",
                0,
                0,
                0};
    if (!TU.Errors.empty()) {
      const cpp::Diagnostic &D = TU.Errors.front();
      E.Message =
          "does not compile: " +
          (D.File.empty() || D.File == TU.MainFile
               ? std::string()
               : displayPath(D.File) + ":" + std::to_string(D.Line) + ": ") +
          D.Message + "; not analyzed";
      if (D.File == TU.MainFile) {
        E.Line = D.Line;
        E.Column = E.Utf16Column = D.Column;
      }
    }
    Out.Errors.push_back(std::move(E));
  }

  std::sort(Skipped.begin(), Skipped.end());
  for (const std::string &S : Skipped)
    llvm::errs() << "mpguard: warning: " << S
                 << ": not in compile_commands.json, and does not compile "
                    "with a neighbour's command; skipped\n";

  auto Texts = std::make_shared<cpp::SourceCache>();
  std::vector<Finding> Found;
  for (auto &Members : cpp::Program::programsOf(Units)) {
    cpp::Program P(std::move(Members), Texts);
    P.Enabled = Enabled;
    P.NonForkDefaults = Options.NonForkDefaults;
    for (const cpp::CppRule *R : Rules)
      R->check(P, Found);
  }
  // A function of a header is one function (by USR), and a TU without a
  // main is in every program: one finding per rule and place.
  std::sort(Found.begin(), Found.end(), findingLess);
  for (Finding &F : Found) {
    if (!Out.Findings.empty()) {
      const Finding &L = Out.Findings.back();
      if (L.Rule == F.Rule &&
          L.Loc.File->absolutePath() == F.Loc.File->absolutePath() &&
          L.Loc.Begin == F.Loc.Begin && L.Loc.End == F.Loc.End)
        continue;
    }
    if (nolintSuppresses(*F.Loc.File, F.Loc.line(), *F.Rule))
      continue;
    Out.Findings.push_back(std::move(F));
  }
}

} // namespace mpguard
