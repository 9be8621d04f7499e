//===- Project.h - Summaries of what functions do, to a fixpoint -*- C++
//-*-===//
//
// The propagation stage. For every function (and lambda, and the module
// body) it records whether running it starts processes or sets the start
// method, directly or through calls, and which event is the witness. Calls
// are followed to a fixpoint, so recursion and cycles terminate.
//
// summarize() follows a module's own calls (LocalCall events).
// ProjectLinker then resolves ExternalCall events against the project's
// other modules ("helpers.run_all", "..util.start") and propagates across
// files to a fixpoint; a rule reads the same ModuleSummary either way, and
// a witness chain may continue into another file.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PROJECT_PROJECT_H
#define MPGUARD_PROJECT_PROJECT_H

#include "core/Finding.h"
#include "python/PythonModule.h"

#include <array>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mpguard {
namespace project {

enum class Effect : uint8_t {
  StartsProcess,          // a process start runs
  SetsStartMethod,        // set_start_method runs (any form)
  SetsStartMethodRaising, // ...without force=True and outside a try that
                          // catches RuntimeError: raises when already set
  /// A thread starts and is not joined on every path before the scope
  /// returns (nor is the call's result joined, for a call): see
  /// ThreadJoins.h.
  LeavesThreadRunning,
  /// The process forks whatever the start method: os.fork, pty.fork,
  /// preexec_fn, a process start under an explicit fork context.
  Forks,
  /// A process start on the default start method (ProcessStart with no
  /// Target): a fork where the default is fork, which the rule decides.
  StartsDefaultMethodProcess,
};
constexpr size_t EffectCount = 6;

/// Per-scope witnesses: index of the event (in Module->Events) that gives
/// the scope the effect, or -1. The event has the effect itself, or is a
/// call (LocalCall, or an ExternalCall in Edges) whose callee has it.
struct ModuleSummary {
  const python::PythonModule *Module = nullptr;
  std::vector<std::array<int32_t, EffectCount>> Witness;

  /// A function of an analyzed module that a call reaches.
  struct Target {
    const ModuleSummary *In = nullptr;
    python::ScopeId Scope = python::NoScope;
    explicit operator bool() const { return In != nullptr; }
  };
  /// ExternalCall events (by index into Module->Events) that reach a
  /// function of another analyzed module: filled by ProjectLinker.
  std::unordered_map<uint32_t, Target> Edges;

  bool has(python::ScopeId S, Effect E) const {
    return Witness[size_t(S)][size_t(E)] >= 0;
  }
  /// What a call event runs: a LocalCall's callee here, or the function of
  /// another module a linked ExternalCall reaches; empty for any other.
  Target callee(const python::Event &Ev) const;
  /// Whether the callee of call event \p Ev has \p E.
  bool callHas(const python::Event &Ev, Effect E) const {
    Target T = callee(Ev);
    return T && T.In->has(T.Scope, E);
  }
  /// Whether any scope has any effect (other modules' calls may matter).
  bool anyEffect() const;
};

/// Computes the summary of one module, through its own calls only.
ModuleSummary summarize(const python::PythonModule &M);

/// One step of a witness chain: an event and the module holding it.
struct WitnessStep {
  const python::PythonModule *Module = nullptr;
  const python::Event *Ev = nullptr;
  Location loc() const {
    return Location{Module->File, Ev->Range.Begin, Ev->Range.End};
  }
  /// "helpers.py:12" when the step is in another file than \p From.
  bool otherFile(const python::PythonModule &From) const {
    return Module != &From;
  }
};

/// The file name of a step, for messages: "helpers.py".
std::string fileName(const WitnessStep &S);

/// The events from \p Start (a call) down to the event that has the
/// effect, in call order: [Start, call in callee, ..., the process start];
/// steps may be in other modules.
std::vector<WitnessStep> witnessChain(const ModuleSummary &S,
                                      const python::Event &Start, Effect E);

/// Whether event \p Ev contributes \p E by itself (not through a call).
bool eventHasEffect(const python::PythonModule &M, const python::Event &Ev,
                    Effect E);

/// Links the summaries of a project's modules: resolves their ExternalCall
/// events to the functions of the project's other modules and propagates
/// effects across files to a fixpoint.
///
/// Every Python file of the run is registered by its module name (as the
/// Runner derives it from the path: packages climb __init__.py files) and
/// path; among several files of one name, the one nearest the importing
/// file wins (a script's own directory is on sys.path). A module that a
/// call needs but that is not loaded (the prefilter skipped it, or it was
/// checked and freed) is parsed on demand through the loader, so
/// re-exports in a package's __init__.py resolve too. A name no file of
/// the run has is looked for next to the importing file and under its
/// package's root, as Python's sys.path would find it: a pre-commit hook
/// that passes only the changed script still sees the helpers it imports.
/// Added summaries must outlive the linker.
class ProjectLinker {
public:
  /// Loads the module \p Name from \p Path; null if it cannot.
  using Loader = std::function<ModuleSummary *(const std::string &Path,
                                               const std::string &Name)>;
  explicit ProjectLinker(Loader L) : Load(std::move(L)) {}

  /// Registers a file of the project under its module name.
  void addFile(const std::string &ModuleName, const std::string &Path);
  /// A loaded module (its file registered or not).
  void add(ModuleSummary &S);
  /// Resolves every added module's calls and propagates to a fixpoint. May
  /// run again after more add()s: effects only grow, so the result is the
  /// same as one link() over all.
  void link();
  /// The function \p QName (an ExternalCall's Target, relative or not)
  /// names when called from the module \p FromName in file \p FromPath;
  /// empty if no module of the project defines it.
  ModuleSummary::Target resolve(const std::string &FromName,
                                const std::string &FromPath,
                                std::string_view QName);
  ModuleSummary::Target resolve(const python::PythonModule &From,
                                std::string_view QName) {
    return resolve(From.ModuleName, From.File->absolutePath(), QName);
  }
  /// Whether one of \p Names (ExternalCall targets of the module
  /// \p FromName in \p FromPath) reaches a function with an effect.
  bool reachesEffect(const std::string &FromName, const std::string &FromPath,
                     const std::vector<std::string> &Names);

  /// Whether one of the modules \p Names (imported by module \p FromName in
  /// \p FromPath, relative or not) has an effect somewhere.
  bool importsEffect(const std::string &FromName, const std::string &FromPath,
                     const std::vector<std::string> &Names);

  /// \p QName made absolute against the package of module \p FromName
  /// (".util.f" in pkg.mod -> "pkg.util.f"); empty if it climbs above the
  /// top package.
  static std::string absoluteName(const std::string &FromName,
                                  std::string_view QName);

  /// A module's name with a package's "__init__" dropped ("pkg.__init__"
  /// -> "pkg").
  static std::string canonicalModuleName(std::string_view Name);

  const std::vector<ModuleSummary *> &modules() const { return Modules; }

  /// Forgets the files the loader gave nothing for, so that a later
  /// resolve() asks it again (after the loader accepts more files).
  void forgetUnloaded() {
    for (auto It = ByPath.begin(); It != ByPath.end();)
      It = It->second ? std::next(It) : ByPath.erase(It);
  }

private:
  ModuleSummary::Target resolveIn(const ModuleSummary &T,
                                  std::vector<std::string> Parts);
  /// The module that the longest prefix of \p Dotted names, seen from
  /// module \p FromName in \p FromPath; \p Rest gets the other parts.
  ModuleSummary *findModule(const std::string &FromName,
                            const std::string &FromPath,
                            const std::string &Dotted,
                            std::vector<std::string> &Rest);
  ModuleSummary *moduleAt(const std::string &Path, const std::string &Name);
  Loader Load;
  unsigned Depth = 0;
  std::vector<ModuleSummary *> Modules;
  std::map<std::string, std::vector<std::string>> PathsByName;
  std::map<std::string, ModuleSummary *> ByPath; // null: could not load
  std::unordered_map<std::string, bool> IsFile;  // paths looked for
};

} // namespace project
} // namespace mpguard

#endif
