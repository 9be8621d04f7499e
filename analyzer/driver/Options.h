//===- Options.h - The command line ----------------------------*- C++ -*-===//
#ifndef MPGUARD_DRIVER_OPTIONS_H
#define MPGUARD_DRIVER_OPTIONS_H

#include "core/Finding.h"

#include <string>
#include <vector>

namespace mpguard {

enum class Command {
  Check,
  Rules,
  Explain,
  Verify,
  Config,
  Lsp,
  Help,
  Version
};
enum class OutputFormat {
  Text,
  Concise,
  Json,
  Sarif,
  Github,
  Gitlab,
  Junit,
  Markdown // `mpguard rules` only: docs/rules/README.md
};

/// One report a run writes: --format FMT (to stdout, or to --output) or
/// --format FMT:FILE.
struct OutputSpec {
  OutputFormat Format = OutputFormat::Text;
  std::string Path; // empty: stdout, or --output if given
};
enum class ColorMode { Auto, Always, Never };

struct Options {
  Command Cmd = Command::Help;
  std::vector<std::string> Paths; // check: files/dirs, "-" for stdin
  std::string StdinFilename;
  OutputFormat Format = OutputFormat::Text; // the last --format given
  std::vector<OutputSpec> Outputs;          // check: every --format given
  std::string OutputFile;
  Severity FailOn = Severity::Note; // exit 1 only for findings at or above
  bool ExitZero = false;            // exit 0 even with findings
  std::vector<std::string> Select, ExtendSelect, Ignore, Exclude;
  unsigned Jobs = 0; // 0: one per core
  ColorMode Color = ColorMode::Auto;
  bool KeepGoing = false;         // tool errors do not by themselves exit 2
  bool Fix = false;               // apply safe fixes
  bool UnsafeFixes = false;       // ...and unsafe ones
  bool Diff = false;              // print the fixes as a diff, change nothing
  bool NoCache = false;           // neither read nor write the facts cache
  bool Verbose = false;           // --verbose: where the time went, to stderr
  bool IncludeSuppressed = false; // SARIF: suppressed findings, marked
  std::string Baseline;           // --baseline FILE: hide known findings
  std::string WriteBaseline;      // --write-baseline FILE
  bool AddSuppressions = false;   // write `# mpguard: ignore[...]` comments
  bool ReportUnusedSuppressions = false; // enable MPG900
  std::string CacheDir; // --cache-dir (empty: FactsCache default)
  // C/C++ (check)
  std::string CompileCommandsDir;    // -p DIR: compile_commands.json
  bool HaveCxxFlags = false;         // `--` given: C/C++ flags follow
  std::vector<std::string> CxxFlags; // the flags after `--`
  // configuration (check, config)
  std::string ConfigFile;             // --config FILE
  bool Isolated = false;              // --isolated: no configuration file
  bool ForceExclude = false;          // --force-exclude
  std::string TargetPython;           // --target-python 3.N
  std::vector<std::string> Platforms; // --platforms
  bool ShowConfig = false;            // config --show
  std::string ExplainRule;
  // verify
  std::vector<std::string> VerifyRules;  // --rule (code, slug or prefix)
  std::vector<std::string> StartMethods; // --start-methods
  double Timeout = 0;                    // --timeout seconds (0: default)
  unsigned MaxProcs = 64;                // --max-procs
  std::string Python;                    // --python
  std::string ExamplesDir;               // --examples
  std::string Script;                    // verify SCRIPT
  std::vector<std::string> ScriptArgs;   // verify SCRIPT -- ARGS
  std::string HelpTopic;                 // command whose help was asked for
  std::vector<std::string> RawArgs;
};

/// Parses argv. On a usage error returns false with \p Error set (the caller
/// prints it and exits 2).
bool parseOptions(int Argc, const char *const *Argv, Options &O,
                  std::string &Error);

/// `mpguard --help` / `mpguard check --help`.
std::string helpText(const std::string &Topic);

} // namespace mpguard

#endif
