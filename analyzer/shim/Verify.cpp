//===- Verify.cpp ---------------------------------------------------------===//
#include "shim/Verify.h"

#include "core/RuleSelector.h"
#include "driver/Discovery.h"
#include "driver/Fixer.h"
#include "driver/Runner.h"
#include "rules/Registry.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <optional>
#include <set>

namespace mpguard {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

constexpr double DefaultTimeout = 10;
/// How long compiling one C/C++ example may take.
constexpr unsigned CompileTimeout = 300;
/// How long python3-config or pkg-config may take to print Python's flags.
constexpr unsigned FlagsTimeout = 60;
/// The method column of C/C++ rows; also the launcher's --start-method that
/// runs an executable as it is.
constexpr const char *Native = "native";

/// What the launcher reported for one run.
struct RunResult {
  std::string Outcome; // runs, fails, hang, fork-bomb; "error" if no JSON
  std::optional<int64_t> ExitCode;
  std::set<std::string> Symptoms;
  std::string Stdout, Stderr;
  double Seconds = 0;
  int64_t Leftover = 0;
  std::string Error;
};

/// One expectation from symptom.txt: `spawn: hang bootstrapping-phase`, or
/// `native: hang` for a C/C++ example.
struct Expectation {
  std::string Outcome;
  std::set<std::string> Symptoms;
};

/// How a C/C++ example is built: symptom.txt's optional `build:` line.
struct NativeBuild {
  /// `build: python-embed`: the example embeds Python; it is compiled and
  /// linked with the flags of the system's Python (pythonEmbedFlags()).
  bool PythonEmbed = false;
};

/// The flags that build a program embedding Python, or why there are none.
struct EmbedFlags {
  std::vector<std::string> Compile; // before the source: -I...
  std::vector<std::string> Link;    // after the source: -L... -lpython3.X
  std::string Error;
};

struct Row {
  std::string Example; // "python/unguarded-process-start/bad.py"
  std::string Method;
  std::string Expected;
  std::string Observed;
  double Seconds = 0;
  bool Ok = false;
  std::string Note;
};

std::string selfDir(const char *Argv0) {
  std::string Exe = llvm::sys::fs::getMainExecutable(Argv0, (void *)&selfDir);
  return path::parent_path(Exe).str();
}

/// First existing path among candidates.
std::string firstExisting(const std::vector<std::string> &Candidates) {
  for (const std::string &C : Candidates)
    if (fs::exists(C))
      return C;
  return {};
}

class Verifier {
public:
  Verifier(const Options &O, const char *Argv0) : O(O) {
    std::string Dir = selfDir(Argv0);
    Shim = firstExisting({Dir + "/shim/mpguard_shim.py",
                          Dir + "/../share/mpguard/shim/mpguard_shim.py"});
    Examples = !O.ExamplesDir.empty()
                   ? O.ExamplesDir
                   : firstExisting({Dir + "/examples",
                                    Dir + "/../share/mpguard/examples"});
    if (!O.Python.empty()) {
      Python = O.Python;
    } else if (auto P = llvm::sys::findProgramByName("python3")) {
      Python = *P;
    }
    Timeout = O.Timeout > 0 ? O.Timeout : DefaultTimeout;
  }

  int run() {
    if (Shim.empty())
      return fail("cannot find the runtime shim (shim/mpguard_shim.py next "
                  "to the binary, or share/mpguard/shim when installed)");
    if (Python.empty())
      return fail("cannot find python3 on PATH; pass --python");
    return O.Script.empty() ? runExamples() : runScript();
  }

private:
  const Options &O;
  std::string Shim, Examples, Python;
  double Timeout;
  /// `run: frozen` in the rule's symptom.txt: its examples run as the entry
  /// script of a simulated frozen executable (the shim's --frozen).
  bool Frozen = false;
  /// Asked on the first example that needs them, then reused.
  std::optional<EmbedFlags> Embed;

  int fail(const std::string &Message) {
    llvm::errs() << "mpguard: error: " << Message << "\n";
    return 2;
  }

  RunResult launch(const std::string &Method, const std::string &Script,
                   const std::vector<std::string> &Args,
                   const std::string &Cwd) {
    RunResult R;
    llvm::SmallString<128> Out, Err;
    fs::createTemporaryFile("mpguard-verify", "json", Out);
    fs::createTemporaryFile("mpguard-verify", "err", Err);
    std::vector<std::string> Argv = {
        Python,           Shim,
        "--start-method", Method,
        "--timeout",      llvm::formatv("{0}", Timeout).str(),
        "--max-procs",    std::to_string(O.MaxProcs)};
    if (!Cwd.empty()) {
      Argv.push_back("--cwd");
      Argv.push_back(Cwd);
    }
    if (Frozen && Method != Native)
      Argv.push_back("--frozen");
    Argv.push_back("--");
    Argv.push_back(Script);
    Argv.insert(Argv.end(), Args.begin(), Args.end());
    std::vector<llvm::StringRef> Refs(Argv.begin(), Argv.end());
    std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""),
                                                  Out.str(), Err.str()};
    std::string ExecError;
    int Status = llvm::sys::ExecuteAndWait(Python, Refs, std::nullopt,
                                           Redirects, 0, 0, &ExecError);
    auto Json = llvm::MemoryBuffer::getFile(Out);
    auto ErrText = llvm::MemoryBuffer::getFile(Err);
    fs::remove(Out);
    fs::remove(Err);
    if (Status != 0 || !Json) {
      R.Outcome = "error";
      R.Error = "shim exited " + std::to_string(Status) +
                (ExecError.empty() ? "" : ": " + ExecError) +
                (ErrText ? ": " + (*ErrText)->getBuffer().str() : "");
      return R;
    }
    auto Parsed = llvm::json::parse((*Json)->getBuffer());
    if (!Parsed) {
      R.Outcome = "error";
      R.Error =
          "shim output is not JSON: " + llvm::toString(Parsed.takeError());
      return R;
    }
    const llvm::json::Object *Obj = Parsed->getAsObject();
    if (!Obj) {
      R.Outcome = "error";
      R.Error = "shim output is not a JSON object";
      return R;
    }
    R.Outcome = Obj->getString("outcome").value_or("error").str();
    R.ExitCode = Obj->getInteger("exit_code");
    R.Stdout = Obj->getString("stdout").value_or("").str();
    R.Stderr = Obj->getString("stderr").value_or("").str();
    R.Seconds = Obj->getNumber("duration_s").value_or(0);
    R.Leftover = Obj->getInteger("leftover_processes").value_or(0);
    if (const llvm::json::Array *S = Obj->getArray("symptoms"))
      for (const llvm::json::Value &V : *S)
        if (auto Str = V.getAsString())
          R.Symptoms.insert(Str->str());
    return R;
  }

  /// A row's verdict on a run of a bad example: the observed outcome, ok
  /// when it and the symptoms are the expected ones and nothing was left
  /// running, and a note on what went wrong.
  static void judge(Row &W, const RunResult &R, const Expectation &E) {
    W.Observed =
        R.Outcome == "error" ? "error" : describe(R.Outcome, R.Symptoms);
    bool SymptomsShown = std::includes(R.Symptoms.begin(), R.Symptoms.end(),
                                       E.Symptoms.begin(), E.Symptoms.end());
    // `fork-bomb|hang`: either outcome is right (how fast a slow chain of
    // processes passes the process cap depends on the machine).
    llvm::SmallVector<llvm::StringRef, 2> Alternatives;
    llvm::StringRef(E.Outcome).split(Alternatives, '|');
    bool Expected = llvm::is_contained(Alternatives, R.Outcome);
    W.Ok = Expected && SymptomsShown && R.Leftover == 0;
    if (R.Outcome == "error")
      W.Note = R.Error;
    else if (R.Leftover)
      W.Note = std::to_string(R.Leftover) + " processes left running";
  }

  static std::string describe(const std::string &Outcome,
                              const std::set<std::string> &Symptoms) {
    std::string S = Outcome;
    for (const std::string &Sym : Symptoms)
      S += " " + Sym;
    return S;
  }

  /// symptom.txt: lines `METHOD: OUTCOME [SYMPTOM...]` (OUTCOME may list
  /// alternatives: `fork-bomb|hang`), METHOD one of
  /// \p Methods (the start methods for Python, `native` for C/C++); '#'
  /// starts a comment. Methods not listed are expected to run. With \p Build
  /// (C/C++ examples), a line `build: python-embed` is allowed too and sets
  /// it; with \p Package (Python examples), a line `layout: package`; with
  /// \p Frozen (Python examples), a line `run: frozen`.
  std::map<std::string, Expectation>
  readExpectations(const std::string &File,
                   const std::set<llvm::StringRef> &Methods, std::string &Error,
                   NativeBuild *Build = nullptr, bool *Package = nullptr,
                   bool *Frozen = nullptr) {
    std::map<std::string, Expectation> Out;
    auto Buf = llvm::MemoryBuffer::getFile(File);
    if (!Buf) {
      Error = File + ": " + Buf.getError().message();
      return Out;
    }
    llvm::SmallVector<llvm::StringRef> Lines;
    (*Buf)->getBuffer().split(Lines, '\n');
    unsigned LineNo = 0;
    for (llvm::StringRef Line : Lines) {
      ++LineNo;
      Line = Line.split('#').first.trim();
      if (Line.empty())
        continue;
      auto [Method, Rest] = Line.split(':');
      Method = Method.trim();
      llvm::SmallVector<llvm::StringRef> Words;
      Rest.split(Words, ' ', -1, false);
      std::string Where = File + ":" + std::to_string(LineNo) + ": ";
      if (Frozen && Method == "run") {
        if (Words.size() != 1 || Words[0] != "frozen") {
          Error = Where + "expected 'run: frozen'";
          return Out;
        }
        *Frozen = true;
        continue;
      }
      if (Build && Method == "build") {
        for (llvm::StringRef W : Words) {
          if (W != "python-embed") {
            Error = Where + "unknown build '" + W.str() +
                    "': expected 'build: python-embed'";
            return Out;
          }
          Build->PythonEmbed = true;
        }
        if (Words.empty()) {
          Error = Where + "expected 'build: python-embed'";
          return Out;
        }
        continue;
      }
      if (Package && Method == "layout") {
        if (Words.size() != 1 || Words[0] != "package") {
          Error = Where + "expected 'layout: package'";
          return Out;
        }
        *Package = true;
        continue;
      }
      if (!Methods.count(Method) || Words.empty()) {
        Error = Where +
                "expected 'METHOD: OUTCOME [SYMPTOM...]' with METHOD one "
                "of " +
                llvm::join(Methods, ", ") +
                (Build ? ", or 'build: python-embed'" : "");
        return Out;
      }
      Expectation &E = Out[Method.str()];
      E.Outcome = Words[0].str();
      for (size_t I = 1; I < Words.size(); ++I)
        E.Symptoms.insert(Words[I].str());
    }
    return Out;
  }

  /// Runs a script expected to run under every method; fills rows and
  /// returns stdout per method.
  std::map<std::string, std::string>
  runClean(const std::string &Label, const std::string &Script,
           const std::map<std::string, std::string> *Reference,
           std::vector<Row> &Rows) {
    std::map<std::string, std::string> Stdout;
    for (const std::string &Method : O.StartMethods) {
      RunResult R = launch(Method, Script, {}, "");
      Row W{Label, Method, "runs", "", R.Seconds, false, ""};
      W.Observed =
          R.Outcome == "error" ? "error" : describe(R.Outcome, R.Symptoms);
      W.Ok = R.Outcome == "runs";
      if (R.Outcome == "error")
        W.Note = R.Error;
      else if (!W.Ok)
        W.Note = lastLine(R.Stderr);
      Stdout[Method] = R.Stdout;
      if (W.Ok && R.Leftover) {
        W.Ok = false;
        W.Note = std::to_string(R.Leftover) + " processes left running";
      }
      // Same output under every method (and as the fixed example).
      const std::string &First = Stdout.begin()->second;
      if (W.Ok && R.Stdout != First) {
        W.Ok = false;
        W.Note = "stdout differs from " + Stdout.begin()->first;
      }
      if (W.Ok && Reference && Reference->count(Method) &&
          Reference->at(Method) != R.Stdout) {
        W.Ok = false;
        W.Note = "stdout differs from fixed.py";
      }
      Rows.push_back(W);
    }
    return Stdout;
  }

  static std::string lastLine(const std::string &Text) {
    llvm::StringRef T = llvm::StringRef(Text).rtrim();
    size_t NL = T.rfind('\n');
    return (NL == llvm::StringRef::npos ? T : T.substr(NL + 1)).str();
  }

  int runExamples() {
    if (Examples.empty() || !fs::is_directory(Examples))
      return fail("cannot find the rule examples (examples/ next to the "
                  "binary, or share/mpguard/examples when installed); pass "
                  "--examples DIR");
    std::set<std::string> Selected;
    for (const std::string &Sel : O.VerifyRules) {
      auto Rules = matchSelector(ruleCatalogue(), Sel);
      if (Rules.empty())
        return fail("unknown rule '" + Sel + "' in --rule");
      for (const RuleInfo *R : Rules)
        Selected.insert(R->Slug);
    }
    std::set<std::string> AllCodes;
    for (const RuleInfo *R : ruleCatalogue())
      AllCodes.insert(R->Code);

    std::vector<Row> Rows;
    for (const RuleInfo *Rule : ruleCatalogue()) {
      if (!Selected.empty() && !Selected.count(Rule->Slug))
        continue;
      if (Rule->Lang == Language::Cpp) {
        std::string Dir = Examples + "/cpp/" + Rule->Slug;
        if (!fs::exists(Dir + "/bad.cpp") || !fs::exists(Dir + "/fixed.cpp"))
          continue;
        std::string Error;
        NativeBuild Build;
        auto Expect =
            readExpectations(Dir + "/symptom.txt", {Native}, Error, &Build);
        if (!Error.empty())
          return fail(Error);
        std::string Label = std::string("cpp/") + Rule->Slug + "/";
        Expectation E =
            Expect.count(Native) ? Expect[Native] : Expectation{"runs", {}};
        Rows.push_back(
            runNative(Label + "bad.cpp", Dir + "/bad.cpp", E, Build));
        Rows.push_back(runNative(Label + "fixed.cpp", Dir + "/fixed.cpp",
                                 Expectation{"runs", {}}, Build));
        continue;
      }
      std::string Dir = Examples + "/python/" + Rule->Slug;
      std::string Bad = Dir + "/bad.py", Fixed = Dir + "/fixed.py";
      if (!fs::exists(Bad) || !fs::exists(Fixed))
        continue;
      std::string Label = std::string("python/") + Rule->Slug + "/";
      std::string Error;
      bool Package = false;
      Frozen = false;
      auto Expect = readExpectations(Dir + "/symptom.txt",
                                     {"spawn", "forkserver", "fork"}, Error,
                                     nullptr, &Package, &Frozen);
      if (!Error.empty())
        return fail(Error);
      if (Package) {
        runPackageExample(Label, Dir, Expect, Rows);
        continue;
      }

      for (const std::string &Method : O.StartMethods) {
        Expectation E =
            Expect.count(Method) ? Expect[Method] : Expectation{"runs", {}};
        RunResult R = launch(Method, Bad, {}, "");
        Row W{Label + "bad.py",
              Method,
              describe(E.Outcome, E.Symptoms),
              "",
              R.Seconds,
              false,
              ""};
        judge(W, R, E);
        Rows.push_back(W);
      }
      auto Reference = runClean(Label + "fixed.py", Fixed, nullptr, Rows);
      if (offersFix(Bad, Bad, Rule->Code))
        verifyFix(Label, Bad, AllCodes, Reference, Rows);
    }
    return report(Rows);
  }

  /// The package an example of `layout: package` runs as.
  static constexpr const char *PackageName = "app";

  /// Lays out \p Example as the __main__.py of package `app` in a new
  /// private temporary directory \p TempDir, with an empty __init__.py and
  /// the files of the example's package/ directory beside it, and a
  /// launcher run.py that runs the package as `python -m app` does
  /// (runpy.run_module with alter_sys: __main__ is the package's
  /// __main__.py, with __spec__.name "app.__main__"). Returns the
  /// launcher's path, or "" with \p Error set.
  static std::string stagePackage(const std::string &Example,
                                  const std::string &Dir,
                                  llvm::SmallString<128> &TempDir,
                                  std::string &Error) {
    if (std::error_code EC =
            fs::createUniqueDirectory("mpguard-verify", TempDir)) {
      Error = "cannot create a temporary directory: " + EC.message();
      return {};
    }
    std::string Pkg = (TempDir + "/" + PackageName).str();
    std::error_code EC = fs::setPermissions(TempDir, fs::owner_all);
    if (!EC)
      EC = fs::create_directory(Pkg);
    std::string Extra = Dir + "/package";
    if (!EC && fs::is_directory(Extra)) {
      for (fs::directory_iterator It(Extra, EC), End; It != End && !EC;
           It.increment(EC)) {
        if (fs::is_regular_file(It->path()))
          EC = fs::copy_file(It->path(),
                             Pkg + "/" + path::filename(It->path()).str());
      }
    }
    if (!EC)
      EC = fs::copy_file(Example, Pkg + "/__main__.py");
    std::string Launcher = (TempDir + "/run.py").str();
    if (EC || !writeFileOrReport(Pkg + "/__init__.py", "", Error) ||
        !writeFileOrReport(Launcher,
                           "import runpy\n\nrunpy.run_module(\"" +
                               std::string(PackageName) +
                               "\", run_name=\"__main__\", alter_sys=True)\n",
                           Error)) {
      if (EC)
        Error = "cannot lay out the package in " + TempDir.str().str() + ": " +
                EC.message();
      fs::remove_directories(TempDir);
      return {};
    }
    return Launcher;
  }

  /// A Python example of `layout: package`: bad.py and then fixed.py run
  /// as the __main__.py of a package (stagePackage), as `python -m app`.
  /// No `--fix` rows: the rules with package examples have no fixes.
  void runPackageExample(const std::string &Label, const std::string &Dir,
                         std::map<std::string, Expectation> &Expect,
                         std::vector<Row> &Rows) {
    for (const char *Which : {"bad.py", "fixed.py"}) {
      llvm::SmallString<128> TempDir;
      std::string Error;
      std::string Launcher =
          stagePackage(Dir + "/" + Which, Dir, TempDir, Error);
      if (Launcher.empty()) {
        Rows.push_back({Label + Which, "-", "-", "error", 0, false, Error});
        continue;
      }
      if (std::string(Which) == "fixed.py") {
        runClean(Label + Which, Launcher, nullptr, Rows);
      } else {
        for (const std::string &Method : O.StartMethods) {
          Expectation E =
              Expect.count(Method) ? Expect[Method] : Expectation{"runs", {}};
          RunResult R = launch(Method, Launcher, {}, TempDir.str().str());
          Row W{Label + Which,
                Method,
                describe(E.Outcome, E.Symptoms),
                "",
                R.Seconds,
                false,
                ""};
          judge(W, R, E);
          Rows.push_back(W);
        }
      }
      fs::remove_directories(TempDir);
    }
  }

  /// The C++ compiler and its leading arguments: the words of $CXX when it is
  /// set (`ccache g++` works), else `c++`; the first word is looked up on
  /// PATH unless it is a path. Empty, with \p Error set, if it cannot be
  /// found.
  static std::vector<std::string> compilerCommand(std::string &Error) {
    std::vector<std::string> Words;
    std::optional<std::string> Env = llvm::sys::Process::GetEnv("CXX");
    bool FromEnv = Env && !llvm::StringRef(*Env).trim().empty();
    std::string Command = FromEnv ? *Env : "c++";
    llvm::SmallVector<llvm::StringRef> Split;
    llvm::StringRef(Command).split(Split, ' ', -1, false);
    for (llvm::StringRef W : Split)
      Words.push_back(W.str());
    if (Words[0].find('/') != std::string::npos) {
      if (!fs::can_execute(Words[0])) {
        Error = "no C++ compiler: " + Words[0] + " is not executable";
        return {};
      }
    } else if (auto Found = llvm::sys::findProgramByName(Words[0])) {
      Words[0] = *Found;
    } else {
      Error = "no C++ compiler: " + Words[0] + " not found on PATH" +
              (FromEnv ? " ($CXX)" : " (set $CXX)");
      return {};
    }
    return Words;
  }

  /// The first line of the compiler's output that says "error", else its
  /// first line: the note of a row whose example does not compile.
  static std::string compilerMessage(llvm::StringRef Text) {
    llvm::SmallVector<llvm::StringRef> Lines;
    Text.split(Lines, '\n', -1, false);
    for (llvm::StringRef L : Lines)
      if (L.contains("error"))
        return L.trim().str();
    return Lines.empty() ? std::string() : Lines.front().trim().str();
  }

  /// Runs \p Argv (Argv[0] a path) and splits what it printed on stdout
  /// into words. False, with \p Error set to the command, its status and the
  /// first line of its stderr, if it did not exit 0.
  static bool outputWords(const std::vector<std::string> &Argv,
                          std::vector<std::string> &Words, std::string &Error) {
    llvm::SmallString<128> Out, Err;
    fs::createTemporaryFile("mpguard-verify", "out", Out);
    fs::createTemporaryFile("mpguard-verify", "err", Err);
    std::vector<llvm::StringRef> Refs(Argv.begin(), Argv.end());
    std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef(""),
                                                  Out.str(), Err.str()};
    std::string ExecError;
    int Status = llvm::sys::ExecuteAndWait(
        Argv[0], Refs, std::nullopt, Redirects, FlagsTimeout, 0, &ExecError);
    auto Text = llvm::MemoryBuffer::getFile(Out);
    auto ErrText = llvm::MemoryBuffer::getFile(Err);
    fs::remove(Out);
    fs::remove(Err);
    if (Status != 0 || !Text) {
      Refs[0] = path::filename(Argv[0]);
      Error = llvm::join(Refs, " ") + " exited " + std::to_string(Status) +
              (ExecError.empty() ? "" : ": " + ExecError);
      std::string First =
          ErrText ? compilerMessage((*ErrText)->getBuffer()) : "";
      if (!First.empty())
        Error += ": " + First;
      return false;
    }
    llvm::SmallVector<llvm::StringRef> Split;
    llvm::SplitString((*Text)->getBuffer(), Split);
    Words.clear();
    for (llvm::StringRef W : Split)
      Words.push_back(W.str());
    return true;
  }

  /// The flags of `build: python-embed`, obtained on first use from the
  /// system's Python: `python3-config --includes` and `python3-config
  /// --ldflags --embed` (python3-config on PATH), else `pkg-config --cflags
  /// python3-embed` and `pkg-config --libs python3-embed`. Only the include
  /// directories are taken for compiling, not `--cflags`: those are the
  /// interpreter's own build flags (-O3, -g, -DNDEBUG, options of the
  /// compiler that built it), which would override -O0 and may not suit
  /// $CXX. Every -L directory is also made a run path (-Wl,-rpath), so that
  /// the binary loads the libpython it was linked with, also when it is not
  /// in the loader's default directories.
  const EmbedFlags &pythonEmbedFlags() {
    if (Embed)
      return *Embed;
    Embed.emplace();
    EmbedFlags &F = *Embed;
    std::string ConfigError;
    bool Found = false;
    if (auto Config = llvm::sys::findProgramByName("python3-config"))
      Found =
          outputWords({*Config, "--includes"}, F.Compile, ConfigError) &&
          outputWords({*Config, "--ldflags", "--embed"}, F.Link, ConfigError);
    else
      ConfigError = "python3-config not found: install python3-dev";
    if (!Found) {
      std::string PkgError;
      if (auto PkgConfig = llvm::sys::findProgramByName("pkg-config"))
        Found = outputWords({*PkgConfig, "--cflags", "python3-embed"},
                            F.Compile, PkgError) &&
                outputWords({*PkgConfig, "--libs", "python3-embed"}, F.Link,
                            PkgError);
      if (!Found) {
        F.Compile.clear();
        F.Link.clear();
        F.Error = ConfigError;
        return F;
      }
    }
    std::vector<std::string> RunPaths;
    for (const std::string &W : F.Link)
      if (llvm::StringRef(W).starts_with("-L") && W.size() > 2)
        RunPaths.push_back("-Wl,-rpath," + W.substr(2));
    F.Link.insert(F.Link.end(), RunPaths.begin(), RunPaths.end());
    return F;
  }

  /// One row for a C/C++ example: compile \p Source with the system compiler
  /// (-std=c++17 -O0 -pthread, plus Python's flags for `build:
  /// python-embed`) in a private temporary directory, run the binary through
  /// the launcher (--start-method native: the same containment as the Python
  /// runs), compare with \p E, remove the directory. The bad example must
  /// show its symptom (a hang), the fixed one must exit 0; a compile failure,
  /// or missing Python flags, fails the row with the compiler's message or
  /// the reason. --start-methods does not apply.
  Row runNative(const std::string &Label, const std::string &Source,
                const Expectation &E, const NativeBuild &Build) {
    Row W{Label, Native, describe(E.Outcome, E.Symptoms), "", 0, false, ""};
    std::vector<std::string> Cxx = compilerCommand(W.Note);
    if (Cxx.empty()) {
      W.Observed = "not compiled";
      return W;
    }
    const EmbedFlags *Flags = Build.PythonEmbed ? &pythonEmbedFlags() : nullptr;
    if (Flags && !Flags->Error.empty()) {
      W.Observed = "not compiled";
      W.Note = Flags->Error;
      return W;
    }
    llvm::SmallString<128> TempDir;
    if (std::error_code EC =
            fs::createUniqueDirectory("mpguard-verify", TempDir)) {
      W.Observed = "error";
      W.Note = "cannot create a temporary directory: " + EC.message();
      return W;
    }
    // Private: nobody else may replace the binary between build and run.
    if (std::error_code EC = fs::setPermissions(TempDir, fs::owner_all)) {
      fs::remove(TempDir);
      W.Observed = "error";
      W.Note =
          "cannot make " + TempDir.str().str() + " private: " + EC.message();
      return W;
    }
    std::string Binary = (TempDir + "/" + path::stem(Source)).str();
    std::string Log = (TempDir + "/compile.log").str();

    std::vector<std::string> Argv = Cxx;
    for (const char *Flag : {"-std=c++17", "-O0", "-pthread"})
      Argv.push_back(Flag);
    if (Flags)
      Argv.insert(Argv.end(), Flags->Compile.begin(), Flags->Compile.end());
    Argv.push_back("-o");
    Argv.push_back(Binary);
    Argv.push_back(Source);
    // Libraries after the source, where the linker looks for them.
    if (Flags)
      Argv.insert(Argv.end(), Flags->Link.begin(), Flags->Link.end());
    std::vector<llvm::StringRef> Refs(Argv.begin(), Argv.end());
    std::optional<llvm::StringRef> Redirects[] = {
        llvm::StringRef(""), llvm::StringRef(Log), llvm::StringRef(Log)};
    std::string ExecError;
    int Status = llvm::sys::ExecuteAndWait(
        Argv[0], Refs, std::nullopt, Redirects, CompileTimeout, 0, &ExecError);
    if (Status != 0 || !fs::exists(Binary)) {
      auto Text = llvm::MemoryBuffer::getFile(Log);
      std::string Message = Text ? compilerMessage((*Text)->getBuffer()) : "";
      W.Observed = "not compiled";
      W.Note = path::filename(Argv[0]).str() + " exited " +
               std::to_string(Status) +
               (ExecError.empty() ? "" : ": " + ExecError) +
               (Message.empty() ? "" : ": " + Message);
    } else {
      RunResult R = launch(Native, Binary, {}, TempDir.str().str());
      W.Seconds = R.Seconds;
      judge(W, R, E);
      if (W.Note.empty() && !W.Ok && R.Outcome == "fails")
        W.Note = (R.ExitCode ? "exit " + std::to_string(*R.ExitCode) + "; "
                             : std::string()) +
                 lastLine(R.Stderr);
    }
    if (std::error_code EC = fs::remove_directories(TempDir))
      W.Note += (W.Note.empty() ? "" : "; ") + std::string("cannot remove ") +
                TempDir.str().str() + ": " + EC.message();
    return W;
  }

  /// Whether the `--fix` rows apply to \p Bad (checked as if it were at
  /// \p Display): not when rule \p Code reports it but offers no fix (as for
  /// C/C++ rules, there are none for rules without fixes). An example the rule
  /// does not report, or that cannot be read or parsed, keeps them, and they
  /// fail.
  static bool offersFix(const std::string &Bad, const std::string &Display,
                        const std::string &Code) {
    auto Buf = llvm::MemoryBuffer::getFile(Bad);
    if (!Buf)
      return true;
    InputFile In{Display, Bad, false};
    std::vector<Finding> Found;
    if (!checkPythonText(In, (*Buf)->getBuffer().str(), {Code}, Found))
      return true;
    bool Reported = false;
    for (const Finding &F : Found) {
      if (!F.Rule || F.Rule->Code != Code)
        continue;
      if (!F.Fixes.empty())
        return true;
      Reported = true;
    }
    return !Reported;
  }

  /// The bad example after --fix --unsafe-fixes: reported clean, and runs
  /// like the fixed example.
  void verifyFix(const std::string &Label, const std::string &Bad,
                 const std::set<std::string> &AllCodes,
                 const std::map<std::string, std::string> &Reference,
                 std::vector<Row> &Rows) {
    std::string RowLabel = Label + "bad.py --fix";
    llvm::SmallString<128> TempDir;
    if (fs::createUniqueDirectory("mpguard-verify", TempDir)) {
      Rows.push_back({RowLabel, "-", "clean", "error", 0, false,
                      "cannot create a temporary directory"});
      return;
    }
    std::string Copy = (TempDir + "/bad.py").str();
    // A frozen example's spec names bad.py: the copy needs it beside it
    // for MPG008 to see the script as an entry.
    std::vector<std::string> Specs;
    {
      std::error_code EC;
      for (fs::directory_iterator It(llvm::sys::path::parent_path(Bad), EC),
           End;
           It != End && !EC; It.increment(EC))
        if (llvm::StringRef(It->path()).ends_with(".spec")) {
          std::string To =
              (TempDir + "/" + llvm::sys::path::filename(It->path())).str();
          if (!fs::copy_file(It->path(), To))
            Specs.push_back(To);
        }
    }
    auto Buf = llvm::MemoryBuffer::getFile(Bad);
    std::string Text = Buf ? (*Buf)->getBuffer().str() : std::string();
    InputFile In{Copy, Copy, false};
    FixOutcome Fixed = fixText(In, Text, AllCodes, /*Unsafe=*/true);
    std::vector<Finding> Left;
    bool Parses = checkPythonText(In, Fixed.Fixed, AllCodes, Left);
    std::string Error;
    bool Written = writeFileOrReport(Copy, Fixed.Fixed, Error);
    Row Check{RowLabel, "-", "clean", "", 0, false, ""};
    Check.Observed = !Parses        ? "does not parse"
                     : Left.empty() ? "clean"
                                    : std::to_string(Left.size()) + " findings";
    Check.Ok = Parses && Left.empty() && Fixed.Applied > 0 && Written;
    if (!Fixed.Applied)
      Check.Note = "no fix applied";
    else if (!Written)
      Check.Note = Error;
    Rows.push_back(Check);
    if (Written)
      runClean(RowLabel, Copy, &Reference, Rows);
    fs::remove(Copy);
    for (const std::string &S : Specs)
      fs::remove(S);
    fs::remove(TempDir);
  }

  static bool writeFileOrReport(const std::string &Path,
                                const std::string &Text, std::string &Error) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    if (EC) {
      Error = EC.message();
      return false;
    }
    OS << Text;
    return true;
  }

  int report(const std::vector<Row> &Rows) {
    size_t Failed = 0;
    for (const Row &R : Rows)
      Failed += !R.Ok;
    if (O.Format == OutputFormat::Json) {
      llvm::json::Array A;
      for (const Row &R : Rows)
        A.push_back(llvm::json::Object{{"example", R.Example},
                                       {"start_method", R.Method},
                                       {"expected", R.Expected},
                                       {"observed", R.Observed},
                                       {"seconds", R.Seconds},
                                       {"ok", R.Ok},
                                       {"note", R.Note}});
      llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(A)))
                   << "\n";
    } else {
      llvm::outs() << llvm::formatv("{0,-48} {1,-10} {2,-30} {3,-30} {4,7} "
                                    "{5}\n",
                                    "example", "method", "expected", "observed",
                                    "time", "result");
      for (const Row &R : Rows)
        llvm::outs() << llvm::formatv(
            "{0,-48} {1,-10} {2,-30} {3,-30} {4,6:f1}s {5}{6}\n", R.Example,
            R.Method, R.Expected, R.Observed, R.Seconds, R.Ok ? "ok" : "FAIL",
            R.Note.empty() ? "" : "  (" + R.Note + ")");
      llvm::outs() << Rows.size() - Failed << " passed, " << Failed
                   << " failed\n";
    }
    if (Rows.empty())
      return fail("no examples were run");
    return Failed ? 1 : 0;
  }

  int runScript() {
    if (!fs::exists(O.Script))
      return fail(O.Script + ": no such file");
    llvm::SmallString<256> Abs(O.Script);
    fs::make_absolute(Abs);
    std::vector<Row> Rows;
    bool Breaks = false;
    for (const std::string &Method : O.StartMethods) {
      RunResult R = launch(Method, Abs.str().str(), O.ScriptArgs, "");
      if (R.Outcome == "error")
        return fail(R.Error);
      Row W{O.Script,  Method,
            "-",       describe(R.Outcome, R.Symptoms),
            R.Seconds, R.Outcome == "runs",
            ""};
      if (R.ExitCode && R.Outcome == "fails")
        W.Note = "exit " + std::to_string(*R.ExitCode);
      if (R.Outcome == "fails" && R.Symptoms.empty())
        W.Note += (W.Note.empty() ? "" : "; ") + lastLine(R.Stderr);
      Breaks |= !W.Ok;
      Rows.push_back(W);
    }
    if (O.Format == OutputFormat::Json) {
      llvm::json::Array A;
      for (const Row &R : Rows)
        A.push_back(llvm::json::Object{{"script", R.Example},
                                       {"start_method", R.Method},
                                       {"observed", R.Observed},
                                       {"seconds", R.Seconds},
                                       {"runs", R.Ok},
                                       {"note", R.Note}});
      llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(A)))
                   << "\n";
    } else {
      for (const Row &R : Rows)
        llvm::outs() << llvm::formatv("{0,-10} {1,-40} {2,6:f1}s{3}\n",
                                      R.Method, R.Observed, R.Seconds,
                                      R.Note.empty() ? "" : "  " + R.Note);
      llvm::outs() << (Breaks ? "The script breaks under at least one start "
                                "method.\n"
                              : "The script runs under every start method "
                                "tried.\n");
    }
    return Breaks ? 1 : 0;
  }
};

} // namespace

int runVerify(const Options &O, const char *Argv0) {
  return Verifier(O, Argv0).run();
}

} // namespace mpguard
