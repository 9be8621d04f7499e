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
#include <unordered_set>
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
  /// The function pickles one of its parameters for a child (see
  /// ModuleSummary::Pickles). Not inherited by every caller: only by one
  /// that passes its own parameter in that place.
  PicklesParameter,
};
constexpr size_t EffectCount = 7;

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

  /// A parameter that a function hands to pickle for a child: to a process
  /// start or a pool task (a PickledParameter event), or by passing it on
  /// in the place of a parameter that its callee pickles.
  struct PickledParam {
    uint32_t Param = 0;   // index into the function's Scope::Params
    int32_t Witness = -1; // the PickledParameter event, or the call
    uint32_t Next = 0;    // for a call: the callee's parameter it becomes
  };
  /// By scope: the parameters each function pickles (mostly none).
  std::vector<std::vector<PickledParam>> Pickles;
  const PickledParam *pickles(python::ScopeId S, uint32_t Param) const {
    if (S < 0 || size_t(S) >= Pickles.size())
      return nullptr;
    for (const PickledParam &P : Pickles[size_t(S)])
      if (P.Param == Param)
        return &P;
    return nullptr;
  }

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
  /// Whether any scope has an effect of \p Mask (bits: 1 << Effect;
  /// other modules' calls may matter).
  bool anyEffect(uint32_t Mask = ~0u) const;
};

/// One bit per Effect, for masks (ModuleSummary::anyEffect,
/// ProjectLinker::importsEffect).
constexpr uint32_t effectBit(Effect E) { return 1u << unsigned(E); }

/// Computes the summary of one module, through its own calls only.
ModuleSummary summarize(const python::PythonModule &M);

/// One step of a witness chain: an event and the module holding it.
struct WitnessStep {
  const python::PythonModule *Module = nullptr;
  const python::Event *Ev = nullptr;
  Location loc() const {
    return Location{Module->File, Ev->Range.Begin, Ev->Range.End};
  }
  /// Whether the step is in another module than \p From.
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

/// The argument of call event \p Call (of \p S's module) that its callee
/// \p T receives as parameter \p Param (by position, minding an implicit
/// self or cls, or by keyword), among the arguments the Resolver recorded
/// (Event::Args: those naming local code or a parameter); null if none.
const python::CallArgument *argumentFor(const ModuleSummary &S,
                                        const python::Event &Call,
                                        ModuleSummary::Target T,
                                        uint32_t Param);

/// The steps from call event \p Call, whose callee pickles its parameter
/// \p Param, to the PickledParameter event that pickles it: [Call, calls
/// passing it on..., the PickledParameter event]; steps may be in other
/// modules. Ends early (not at a PickledParameter) only on a broken chain.
std::vector<WitnessStep> pickleChain(const ModuleSummary &S,
                                     const python::Event &Call, uint32_t Param);

/// An argument naming code of this module (CallArgument::Code) that a
/// call hands to a function that pickles it: Chain is pickleChain() of the
/// call, and ends at a PickledParameter event.
struct PickledThroughCall {
  const python::Event *Call = nullptr;
  const python::CallArgument *Arg = nullptr;
  std::string ParamName; // the callee's parameter that receives it
  std::vector<WitnessStep> Chain;
  const python::Event &pickledAt() const { return *Chain.back().Ev; }
  /// The chain as related notes: "`run` receives it as parameter `fn`",
  /// "which passes it to `go`", "`pool.map` pickles `fn` here".
  std::vector<Note> notes() const;
};

/// Every such argument of \p S's module's LocalCall and ExternalCall
/// events, in event order.
std::vector<PickledThroughCall> codePickledThroughCalls(const ModuleSummary &S);

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
  /// \p Walked: found by walking a directory of the run, whose other
  /// files are then registered too; the disk is searched only for names
  /// imported by other files (named on the command line, or outside the
  /// run), so a large tree costs no stat per import.
  void addFile(const std::string &ModuleName, const std::string &Path,
               bool Walked = false);
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
  /// \p FromPath, relative or not) has an effect somewhere or re-exports
  /// one, or names a function that has one. Loads only modules already
  /// chosen, and files outside the run.
  bool importsEffect(const std::string &FromName, const std::string &FromPath,
                     const std::vector<std::string> &Names,
                     uint32_t Mask = ~0u);

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
  /// The file a dotted name means from an importer: its path (empty if
  /// none), module name, and how many parts of the name name the module.
  struct Choice {
    std::string Path, Module;
    size_t Parts = 0;
  };
  Choice chooseModule(const std::string &FromName, const std::string &FromPath,
                      const std::string &Dotted);
  std::unordered_map<std::string, Choice> Choices;
  std::unordered_set<std::string> WalkedPaths;
  /// Whether a module has an effect or imports (re-exports) one.
  bool exposesEffect(const ModuleSummary &S, uint32_t Mask);
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
