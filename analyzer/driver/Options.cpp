//===- Options.cpp - A small, strict argument parser ----------------------===//
//
// Hand-written rather than llvm::cl: libLLVM registers hundreds of global
// cl::opt flags that would leak into `--help` and be accepted silently, and
// cl exits with status 1 on usage errors where mpguard promises 2.
//
//===----------------------------------------------------------------------===//
#include "driver/Options.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace mpguard {

namespace {

void splitList(const std::string &V, std::vector<std::string> &Out) {
  size_t Begin = 0;
  while (Begin <= V.size()) {
    size_t End = V.find(',', Begin);
    if (End == std::string::npos)
      End = V.size();
    std::string Item = V.substr(Begin, End - Begin);
    size_t A = Item.find_first_not_of(" \t"), B = Item.find_last_not_of(" \t");
    if (A != std::string::npos)
      Out.push_back(Item.substr(A, B - A + 1));
    Begin = End + 1;
  }
}

struct ArgReader {
  std::vector<std::string> Args;
  size_t I = 0;
  std::string &Error;

  /// If Args[I] is --name or --name=value (or the short alias), consumes it
  /// and its value.
  bool take(const char *Long, const char *Short, std::string &Value,
            bool &Failed) {
    const std::string &A = Args[I];
    std::string L = std::string("--") + Long;
    bool Match = A == L || (Short && A == Short);
    if (!Match && A.compare(0, L.size() + 1, L + "=") == 0) {
      Value = A.substr(L.size() + 1);
      ++I;
      return true;
    }
    // Short options take attached values too: -j4, -oreport.sarif.
    size_t SL = Short ? std::strlen(Short) : 0;
    if (!Match && SL && A.size() > SL && A.compare(0, SL, Short) == 0) {
      Value = A.substr(SL);
      ++I;
      return true;
    }
    if (!Match)
      return false;
    if (I + 1 >= Args.size()) {
      Error = "option '" + A + "' needs a value";
      Failed = true;
      return true;
    }
    Value = Args[I + 1];
    I += 2;
    return true;
  }
};

} // namespace

bool parseOptions(int Argc, const char *const *Argv, Options &O,
                  std::string &Error) {
  std::vector<std::string> Args(Argv + 1, Argv + Argc);
  O.RawArgs.assign(Argv, Argv + Argc);
  if (Args.empty()) {
    O.Cmd = Command::Help;
    return true;
  }
  const std::string &First = Args[0];
  if (First == "--help" || First == "-h" || First == "help") {
    O.Cmd = Command::Help;
    if (Args.size() > 1)
      O.HelpTopic = Args[1];
    return true;
  }
  if (First == "--version" || First == "-V" || First == "version") {
    O.Cmd = Command::Version;
    return true;
  }
  if (First == "check")
    O.Cmd = Command::Check;
  else if (First == "rules")
    O.Cmd = Command::Rules;
  else if (First == "explain")
    O.Cmd = Command::Explain;
  else if (First == "verify")
    O.Cmd = Command::Verify;
  else if (First == "lsp")
    O.Cmd = Command::Lsp;
  else if (First == "config")
    O.Cmd = Command::Config;
  else {
    Error = "unknown command '" + First + "'";
    if (First.size() > 3 && First.compare(First.size() - 3, 3, ".py") == 0)
      Error += "; did you mean 'mpguard check " + First + "'?";
    return false;
  }

  ArgReader R{std::vector<std::string>(Args.begin() + 1, Args.end()), 0, Error};
  bool OnlyPositional = false;
  std::vector<std::string> Positional;
  while (R.I < R.Args.size()) {
    const std::string &A = R.Args[R.I];
    if (OnlyPositional || A == "-" || A.empty() || A[0] != '-') {
      Positional.push_back(A);
      ++R.I;
      continue;
    }
    if (A == "--" && O.Cmd == Command::Check) {
      // clang-tidy's convention: the compiler flags for C/C++ files that
      // no compilation database lists.
      O.HaveCxxFlags = true;
      O.CxxFlags.assign(R.Args.begin() + long(R.I) + 1, R.Args.end());
      R.I = R.Args.size();
      continue;
    }
    if (A == "--") {
      OnlyPositional = true;
      ++R.I;
      // verify SCRIPT -- ARGS: everything after -- goes to the script.
      if (O.Cmd == Command::Verify) {
        O.ScriptArgs.assign(R.Args.begin() + long(R.I), R.Args.end());
        R.I = R.Args.size();
      }
      continue;
    }
    if (A == "--help" || A == "-h") {
      O.HelpTopic = First;
      O.Cmd = Command::Help;
      return true;
    }
    if (O.Cmd == Command::Lsp) {
      // vscode-languageclient and other clients append --stdio when they
      // talk over stdio, which is all `mpguard lsp` does.
      if (A == "--stdio") {
        ++R.I;
        continue;
      }
      Error = "unknown option '" + A + "' for 'mpguard lsp'";
      return false;
    }
    if (O.Cmd == Command::Check) {
      bool *Flag = A == "--keep-going"           ? &O.KeepGoing
                   : A == "--fix"                ? &O.Fix
                   : A == "--unsafe-fixes"       ? &O.UnsafeFixes
                   : A == "--diff"               ? &O.Diff
                   : A == "--no-cache"           ? &O.NoCache
                   : A == "--exit-zero"          ? &O.ExitZero
                   : A == "--include-suppressed" ? &O.IncludeSuppressed
                   : A == "--add-suppressions"   ? &O.AddSuppressions
                   : A == "--verbose"            ? &O.Verbose
                   : A == "-v"                   ? &O.Verbose
                                                 : nullptr;
      if (Flag) {
        *Flag = true;
        ++R.I;
        continue;
      }
    }
    std::string V;
    bool Failed = false;
    if (O.Cmd == Command::Check || O.Cmd == Command::Config) {
      bool *Flag = A == "--isolated"        ? &O.Isolated
                   : A == "--force-exclude" ? &O.ForceExclude
                   : A == "--report-unused-suppressions"
                       ? &O.ReportUnusedSuppressions
                   : A == "--show" && O.Cmd == Command::Config ? &O.ShowConfig
                                                               : nullptr;
      if (Flag) {
        *Flag = true;
        ++R.I;
        continue;
      }
      if (R.take("config", nullptr, V, Failed)) {
        if (Failed)
          return false;
        if (V.empty()) {
          Error = "--config needs a file";
          return false;
        }
        O.ConfigFile = V;
        continue;
      }
      if (R.take("target-python", nullptr, V, Failed)) {
        if (Failed)
          return false;
        O.TargetPython = V;
        continue;
      }
      if (R.take("platforms", nullptr, V, Failed)) {
        if (Failed)
          return false;
        O.Platforms.clear();
        splitList(V, O.Platforms);
        continue;
      }
      if (R.take("select", nullptr, V, Failed)) {
        if (Failed)
          return false;
        splitList(V, O.Select);
        continue;
      }
      if (R.take("extend-select", nullptr, V, Failed)) {
        if (Failed)
          return false;
        splitList(V, O.ExtendSelect);
        continue;
      }
      if (R.take("ignore", nullptr, V, Failed)) {
        if (Failed)
          return false;
        splitList(V, O.Ignore);
        continue;
      }
      if (R.take("exclude", nullptr, V, Failed)) {
        if (Failed)
          return false;
        splitList(V, O.Exclude);
        continue;
      }
    }
    if (O.Cmd == Command::Verify) {
      if (R.take("rule", nullptr, V, Failed)) {
        if (Failed)
          return false;
        splitList(V, O.VerifyRules);
        continue;
      }
      if (R.take("start-methods", nullptr, V, Failed)) {
        if (Failed)
          return false;
        O.StartMethods.clear();
        splitList(V, O.StartMethods);
        for (const std::string &M : O.StartMethods)
          if (M != "spawn" && M != "forkserver" && M != "fork") {
            Error = "invalid start method '" + M +
                    "' (expected spawn, forkserver or fork)";
            return false;
          }
        continue;
      }
      if (R.take("timeout", nullptr, V, Failed)) {
        if (Failed)
          return false;
        char *End = nullptr;
        O.Timeout = std::strtod(V.c_str(), &End);
        if (V.empty() || *End || !(O.Timeout > 0) || O.Timeout > 86400) {
          Error = "invalid --timeout '" + V + "' (seconds, > 0)";
          return false;
        }
        continue;
      }
      if (R.take("max-procs", nullptr, V, Failed)) {
        if (Failed)
          return false;
        char *End = nullptr;
        long N = std::strtol(V.c_str(), &End, 10);
        if (V.empty() || *End || N < 2 || N > 100000) {
          Error = "invalid --max-procs '" + V + "' (2..100000)";
          return false;
        }
        O.MaxProcs = unsigned(N);
        continue;
      }
      if (R.take("python", nullptr, V, Failed) ||
          R.take("examples", nullptr, V, Failed)) {
        if (Failed)
          return false;
        (A.rfind("--python", 0) == 0 ? O.Python : O.ExamplesDir) = V;
        continue;
      }
    }
    // Everything else but --format/--color belongs to `check`.
    bool IsShared = A.rfind("--format", 0) == 0 ||
                    A.rfind("--output-format", 0) == 0 ||
                    A.rfind("--color", 0) == 0;
    if (!IsShared && O.Cmd != Command::Check) {
      Error = "option '" + A + "' is not an option of 'mpguard " + First + "'";
      return false;
    }
    if (R.take("format", nullptr, V, Failed) ||
        R.take("output-format", nullptr, V, Failed)) {
      if (Failed)
        return false;
      // FMT or FMT:FILE (the file may itself contain ':').
      std::string Name = V.substr(0, V.find(':'));
      OutputSpec Spec;
      if (Name.size() < V.size()) {
        Spec.Path = V.substr(Name.size() + 1);
        if (Spec.Path.empty()) {
          Error = "--format '" + V + "' names no file after ':'";
          return false;
        }
      }
      static const std::pair<const char *, OutputFormat> Formats[] = {
          {"text", OutputFormat::Text},
          {"full", OutputFormat::Text},
          {"concise", OutputFormat::Concise},
          {"json", OutputFormat::Json},
          {"sarif", OutputFormat::Sarif},
          {"github", OutputFormat::Github},
          {"gitlab", OutputFormat::Gitlab},
          {"junit", OutputFormat::Junit},
          {"markdown", OutputFormat::Markdown},
      };
      bool Known = false;
      for (const auto &[N, F] : Formats)
        if (Name == N) {
          Spec.Format = F;
          Known = true;
        }
      if (!Known) {
        Error = "invalid --format '" + Name +
                "' (expected text, concise, json, sarif, github, gitlab or "
                "junit)";
        return false;
      }
      if (!Spec.Path.empty() && O.Cmd != Command::Check) {
        Error = "--format FMT:FILE is for 'mpguard check'";
        return false;
      }
      O.Format = Spec.Format;
      O.Outputs.push_back(Spec);
      continue;
    }
    if (R.take("fail-on", nullptr, V, Failed)) {
      if (Failed)
        return false;
      if (V == "error")
        O.FailOn = Severity::Error;
      else if (V == "warning")
        O.FailOn = Severity::Warning;
      else if (V == "note")
        O.FailOn = Severity::Note;
      else {
        Error =
            "invalid --fail-on '" + V + "' (expected error, warning or note)";
        return false;
      }
      continue;
    }
    if (R.take("baseline", nullptr, V, Failed) ||
        R.take("write-baseline", nullptr, V, Failed)) {
      if (Failed)
        return false;
      if (V.empty()) {
        Error = A.substr(0, A.find('=')) + " needs a file";
        return false;
      }
      (A.rfind("--baseline", 0) == 0 ? O.Baseline : O.WriteBaseline) = V;
      continue;
    }
    if (R.take("compile-commands-dir", "-p", V, Failed)) {
      if (Failed)
        return false;
      if (V.empty()) {
        Error = "-p needs the directory of compile_commands.json";
        return false;
      }
      O.CompileCommandsDir = V;
      continue;
    }
    if (R.take("cache-dir", nullptr, V, Failed)) {
      if (Failed)
        return false;
      if (V.empty()) {
        Error = "--cache-dir needs a directory";
        return false;
      }
      O.CacheDir = V;
      continue;
    }
    if (R.take("output", "-o", V, Failed)) {
      if (Failed)
        return false;
      O.OutputFile = V;
      continue;
    }
    if (R.take("stdin-filename", nullptr, V, Failed)) {
      if (Failed)
        return false;
      O.StdinFilename = V;
      continue;
    }
    if (R.take("jobs", "-j", V, Failed)) {
      if (Failed)
        return false;
      char *End = nullptr;
      long N = std::strtol(V.c_str(), &End, 10);
      if (V.empty() || *End || N < 0 || N > 1024) {
        Error = "invalid --jobs '" + V + "' (expected 0..1024; 0 = all cores)";
        return false;
      }
      O.Jobs = unsigned(N);
      continue;
    }
    if (R.take("color", nullptr, V, Failed)) {
      if (Failed)
        return false;
      if (V == "auto")
        O.Color = ColorMode::Auto;
      else if (V == "always")
        O.Color = ColorMode::Always;
      else if (V == "never")
        O.Color = ColorMode::Never;
      else {
        Error = "invalid --color '" + V + "' (expected auto, always or never)";
        return false;
      }
      continue;
    }
    Error = "unknown option '" + A + "' for 'mpguard " + First + "'";
    return false;
  }

  if (O.Format == OutputFormat::Markdown && O.Cmd != Command::Rules) {
    Error = "--format markdown is for 'mpguard rules'";
    return false;
  }
  switch (O.Cmd) {
  case Command::Check:
    O.Paths = Positional.empty() ? std::vector<std::string>{"."} : Positional;
    if ((O.Fix || O.Diff) &&
        std::find(O.Paths.begin(), O.Paths.end(), "-") != O.Paths.end()) {
      Error = "--fix and --diff rewrite files; they do not take stdin ('-')";
      return false;
    }
    if (O.AddSuppressions &&
        (O.Fix || O.Diff ||
         std::find(O.Paths.begin(), O.Paths.end(), "-") != O.Paths.end())) {
      Error = "--add-suppressions rewrites files; it does not combine with "
              "--fix, --diff or stdin ('-')";
      return false;
    }
    if (O.Outputs.empty())
      O.Outputs.push_back(OutputSpec{});
    if (std::count_if(O.Outputs.begin(), O.Outputs.end(),
                      [](const OutputSpec &S) { return S.Path.empty(); }) > 1) {
      Error = "only one --format can go to " +
              std::string(O.OutputFile.empty() ? "stdout" : "--output") +
              "; give the others a file (--format sarif:out.sarif)";
      return false;
    }
    break;
  case Command::Rules:
    if (O.Format != OutputFormat::Text && O.Format != OutputFormat::Json &&
        O.Format != OutputFormat::Markdown) {
      Error = "'mpguard rules' writes text, json or markdown";
      return false;
    }
    if (!Positional.empty()) {
      Error = "unexpected argument '" + Positional[0] + "'";
      return false;
    }
    break;
  case Command::Verify:
    if (O.StartMethods.empty())
      O.StartMethods = {"spawn", "forkserver", "fork"};
    if (O.Format != OutputFormat::Text && O.Format != OutputFormat::Json) {
      Error = "'mpguard verify' writes text or json";
      return false;
    }
    if (Positional.size() > 1) {
      Error = "'mpguard verify' takes at most one script";
      return false;
    }
    if (!Positional.empty())
      O.Script = Positional[0];
    if (O.Script.empty() && !O.ScriptArgs.empty()) {
      Error = "arguments after '--' need a script";
      return false;
    }
    break;
  case Command::Config:
    if (O.Format != OutputFormat::Text && O.Format != OutputFormat::Json) {
      Error = "'mpguard config' writes text or json";
      return false;
    }
    if (Positional.size() > 1) {
      Error = "'mpguard config' takes at most one path";
      return false;
    }
    if (!Positional.empty() && !O.ShowConfig) {
      Error = "a path goes with 'mpguard config --show PATH'";
      return false;
    }
    O.Paths = Positional.empty() ? std::vector<std::string>{"."} : Positional;
    break;
  case Command::Explain:
    if (Positional.size() != 1) {
      Error = "'mpguard explain' takes one rule code or slug";
      return false;
    }
    O.ExplainRule = Positional[0];
    break;
  default:
    if (!Positional.empty()) {
      Error = "unexpected argument '" + Positional[0] + "'";
      return false;
    }
  }
  return true;
}

std::string helpText(const std::string &Topic) {
  if (Topic == "check")
    return R"(Usage: mpguard check [OPTIONS] [PATH]... [-- C/C++ FLAGS]

Analyze Python and C/C++ files for process-start and fork hazards. PATH is
a file or directory (default: .); directories are searched recursively for
*.py and C/C++ files (.c .cc .cpp .cxx .c++; headers .h .hh .hpp .hxx are
analyzed through the files that include them), skipping .git, virtualenvs,
node_modules and build outputs. '-' reads stdin (Python). C/C++ files are
compiled with their command in compile_commands.json (-p DIR, else one
found in the file's directory, an ancestor, or their build/), else with
the flags after --.

Options:
      --format <FMT[:FILE]>   text (default), concise, json, sarif, github
                              (workflow commands), gitlab (Code Quality) or
                              junit; with :FILE, written to FILE; repeatable,
                              one report per format (alias --output-format)
  -o, --output <FILE>         write the report to FILE (atomically)
      --baseline <FILE>       hide the findings FILE lists (written by
                              --write-baseline): only new ones are reported
      --write-baseline <FILE> record every current finding in FILE, exit 0
      --add-suppressions      append `# mpguard: ignore[CODE]` to the line of
                              every current finding, exit 0
      --include-suppressed    SARIF: also the findings that comments
                              suppress, marked as suppressed in source
      --report-unused-suppressions
                              report suppression comments that silence no
                              finding (rule MPG900, with a fix removing them)
      --fail-on <LEVEL>       exit 1 only for findings at or above LEVEL:
                              note (default), warning or error
      --exit-zero             exit 0 even when there are findings (tool
                              errors still exit 2)
      --select <RULES>        only these rules: codes, slugs or prefixes,
                              comma-separated (e.g. MPG001,unguarded-set-start-method)
      --extend-select <RULES> add rules to the selection
      --ignore <RULES>        disable rules
      --exclude <GLOB>        skip files and directories matching GLOB
                              (repeatable, comma-separated)
      --force-exclude         apply excludes to files named on the command
                              line too (for pre-commit)
      --config <FILE>         read this configuration file (pyproject.toml
                              with [tool.mpguard], or mpguard.toml) instead of
                              the nearest one
      --isolated              read no configuration file
      --target-python <3.N>   the oldest Python the code runs on (3.8-3.14)
      --platforms <LIST>      linux,macos,windows: where the code runs
      --stdin-filename <NAME> the name of the file read from '-'
  -p, --compile-commands-dir <DIR>
                              where compile_commands.json is (C/C++)
  -j, --jobs <N>              analysis threads (default: one per core)
      --fix                   apply safe fixes, then report what is left
      --unsafe-fixes          with --fix or --diff: unsafe fixes too (the
                              rule page says why a fix is unsafe)
      --diff                  print the fixes as a unified diff; change nothing
      --keep-going            files that cannot be analyzed are reported but
                              do not by themselves make the exit status 2
  -v, --verbose               print to stderr what was read, parsed or taken
                              from the cache, and how long it took
      --no-cache              neither read nor write the facts cache
      --cache-dir <DIR>       where the facts cache lives (default:
                              $MPGUARD_CACHE_DIR, else $XDG_CACHE_HOME/mpguard,
                              else ~/.cache/mpguard)
      --color <WHEN>          auto (default), always or never
  -h, --help                  show this help

Exit status: 0 no findings, 1 findings, 2 usage, input or internal error.
)";
  if (Topic == "verify")
    return R"(Usage: mpguard verify [OPTIONS]
       mpguard verify [OPTIONS] SCRIPT [-- ARGS...]

Run code to prove a diagnosis. Without SCRIPT: for every rule with examples,
run its bad example under each start method (it must show the recorded
symptom), its fixed example (it must run, with the same output under every
method), and, if the rule offers a fix for it, the bad example after
`mpguard check --fix --unsafe-fixes` (it must be reported clean and run like
the fixed one). C/C++ rules: bad.cpp
and fixed.cpp are compiled with c++ (or $CXX) and run once (method native).
With SCRIPT: run that
script under each start method and say whether it runs, fails with a known
multiprocessing symptom, or hangs. Only this command executes code. Each run
is contained: its own session, a wall-clock timeout, a cap on processes, and
everything it started killed at the end.

Options:
      --rule <RULES>          only these rules' examples (codes, slugs, prefixes)
      --start-methods <LIST>  spawn,forkserver,fork (default: all three)
      --timeout <SECONDS>     per run (default: 10)
      --max-procs <N>         processes a run may have at once (default: 64)
      --python <PATH>         the interpreter (default: python3 on PATH)
      --examples <DIR>        where the rule examples are (default: examples/
                              next to the binary, or ../share/mpguard/examples
                              when installed)
      --format <FMT>          text (default) or json

Exit status: 0 all rows as expected (SCRIPT: runs under every method),
1 a row disagrees (SCRIPT: breaks under some method), 2 error.
)";
  if (Topic == "config")
    return R"(Usage: mpguard config [--format text|json]
       mpguard config --show [OPTIONS] [PATH]

Without --show: list the configuration keys. With --show: print the
effective configuration for PATH (default: .): the nearest mpguard.toml,
.mpguard.toml or pyproject.toml with a [tool.mpguard] table at or above
PATH, with the command-line options applied on top, as TOML (or JSON).

Options:
      --show                  print the effective configuration
      --config <FILE>         read this file instead of the nearest one
      --isolated              read no configuration file
      --select, --extend-select, --ignore, --exclude, --force-exclude,
      --target-python, --platforms
                              as for 'mpguard check'
      --format <FMT>          text (default, TOML) or json
)";
  if (Topic == "rules")
    return R"(Usage: mpguard rules [--format text|json|markdown]

List every rule: code, name, default severity and summary. markdown: the
index of the rule pages, docs/rules/README.md (each rule's summary and the
first paragraph of its page's "What it does").
)";
  if (Topic == "lsp")
    return R"(Usage: mpguard lsp [--stdio]

Run a Language Server (LSP 3.17) over stdin and stdout, for editors:
diagnostics for open Python buffers as they are typed (unsaved text is
checked), quick fixes and "suppress on this line" code actions. Positions
in UTF-16 or, when the client offers it, UTF-8; incremental sync. The
editor starts it; see docs/editors.md. --stdio is accepted and ignored.

Exit status: 0 after shutdown and exit, 1 when the input ends (or exit
arrives) without a shutdown request.
)";
  if (Topic == "explain")
    return R"(Usage: mpguard explain <CODE|SLUG>

Print a rule's page: what it finds, why it breaks, an example and the fix.
)";
  return R"(mpguard - finds Python multiprocessing start-method hazards before they ship

Usage: mpguard <COMMAND> [OPTIONS]

Commands:
  check     Analyze files and report findings
  rules     List the rules
  explain   Show a rule's documentation
  verify    Run the rules' examples (or a script) under every start method
  lsp       Run the language server for editors (stdio)
  config    Show the configuration keys, or the effective configuration
  version   Show the version

Options:
  -h, --help     Show help (also: mpguard <COMMAND> --help)
  -V, --version  Show the version

Exit status: 0 no findings, 1 findings, 2 usage, input or internal error.
)";
}

} // namespace mpguard
