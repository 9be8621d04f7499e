//===- MainGuardGlobalRule.cpp - MPG005 -----------------------------------===//
//
/// A worker function reads a module global that only the main process
/// assigns: under the main guard, or through `global` in a function that
/// only the guarded block calls. Under spawn and forkserver a child imports
/// the main module again (as __mp_main__) without running the guarded
/// block, so the worker sees the module-level value, or no value at all
/// (NameError). Workers are the functions named by PickledArgument events
/// (a Process target, a pool or executor task or initializer) and the local
/// functions they call. The finding is at the worker's read; the guarded
/// assignment and the process start are related notes.
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"

#include <map>
#include <set>

namespace mpguard {
namespace {

using namespace python;

/// How many functions are followed from one worker through local calls.
constexpr size_t MaxWorkerFunctions = 256;

class MainGuardGlobalRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG005", "main-guard-global", Language::Python, Severity::Warning,
        "worker reads a global that only the main guard (or a function it "
        "calls) assigns; spawn and forkserver children do not see it"};
    return Info;
  }

  // Every finding comes from a PickledArgument event (LocalCall and
  // SetStartMethod events only refine it).
  EventMask neededEvents() const override {
    return eventBit(EventKind::PickledArgument);
  }

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    // A package __main__.py: the child runs none of it (MPG006).
    if (M.NotRerunInChildren)
      return;
    const size_t NS = M.Scopes.size();
    std::vector<std::vector<ScopeId>> Calls(NS);
    std::vector<ScopeId> GuardedRoots, UnguardedRoots, AllWorkers;
    for (const Event &Ev : M.Events) {
      if (Ev.Kind == EventKind::LocalCall && validScope(M, Ev.Callee) &&
          validScope(M, Ev.Exec)) {
        Calls[size_t(Ev.Exec)].push_back(Ev.Callee);
        if (Ev.Exec == ModuleScope)
          (Ev.Guarded ? GuardedRoots : UnguardedRoots).push_back(Ev.Callee);
      }
      if (Ev.Kind == EventKind::PickledArgument && validScope(M, Ev.Callee))
        for (ScopeId F : entryFunctions(M, Ev))
          AllWorkers.push_back(F);
    }
    // What may run in a child (its workers, and what importing the module
    // runs), and what only the guarded block runs.
    std::vector<ScopeId> Parent;
    std::vector<bool> InChild = reach(Calls, AllWorkers, Parent);
    std::vector<bool> Unguarded = reach(Calls, UnguardedRoots, Parent);
    std::vector<bool> FromGuard = reach(Calls, GuardedRoots, Parent);
    std::vector<bool> MainOnlyFn(NS, false);
    for (size_t S = 0; S < NS; ++S)
      MainOnlyFn[S] = FromGuard[S] && !InChild[S] && !Unguarded[S];

    std::map<std::string, std::vector<const Binding *>> ModuleBindings;
    bool Wildcard = false;
    for (const Binding &B : M.Bindings) {
      if (B.In != ModuleScope)
        continue;
      if (B.Kind == BindingKind::Wildcard) {
        Wildcard |= !B.Guarded;
        continue;
      }
      ModuleBindings[B.Name].push_back(&B);
    }

    std::string Declared = declaredStartMethod(M);
    std::set<std::pair<ScopeId, std::string>> Reported;
    for (const Event &Ev : M.Events) {
      if (Ev.Kind != EventKind::PickledArgument || !validScope(M, Ev.Callee))
        continue;
      std::string Method = Ev.Target.empty() ? Declared : Ev.Target;
      if (Method == "fork" || (Method.empty() && !C.Target.defaultMayPickle()))
        continue;
      std::vector<ScopeId> Entries = entryFunctions(M, Ev);
      std::vector<ScopeId> Via;
      std::vector<bool> Worker = reach(Calls, Entries, Via);
      for (size_t F = 0; F < NS; ++F) {
        if (!Worker[F])
          continue;
        for (const NameUse &U : M.Scopes[F].FreeNames) {
          auto It = ModuleBindings.find(U.Name);
          if (It == ModuleBindings.end() ||
              Reported.count({ScopeId(F), U.Name}))
            continue;
          const Binding *Guarded = nullptr, *Plain = nullptr;
          bool Available = false; // assigned where a child runs too
          for (const Binding *B : It->second) {
            if (B->From == ModuleScope && !B->Guarded) {
              if (!Plain)
                Plain = B;
              // An import gives the child the same value.
              if (B->Kind == BindingKind::Import ||
                  B->Kind == BindingKind::ImportFrom)
                Available = true;
            } else if (B->From == ModuleScope ||
                       (validScope(M, B->From) &&
                        MainOnlyFn[size_t(B->From)])) {
              if (!Guarded)
                Guarded = B;
            } else {
              Available = true; // a function that may run in the child
            }
          }
          if (!Guarded || Available || (!Plain && Wildcard))
            continue;
          Reported.insert({ScopeId(F), U.Name});
          report(C, Ev, Method, ScopeId(F), Via, U, *Guarded, Plain);
        }
      }
    }
  }

private:
  static bool validScope(const PythonModule &M, ScopeId S) {
    return S >= 0 && size_t(S) < M.Scopes.size();
  }

  /// The functions a child runs first for \p Ev's argument: the function
  /// or method itself; for a class, its __init__ (the class is called) or
  /// __call__ (an instance is called). Lambdas and code defined inside
  /// functions are left to MPG004: they cannot be pickled at all.
  static std::vector<ScopeId> entryFunctions(const PythonModule &M,
                                             const Event &Ev) {
    std::vector<ScopeId> Out;
    const Scope &Obj = M.Scopes[size_t(Ev.Callee)];
    for (ScopeId P = Obj.Parent; P != NoScope; P = M.Scopes[size_t(P)].Parent)
      if (M.Scopes[size_t(P)].Kind != ScopeKind::Class &&
          M.Scopes[size_t(P)].Kind != ScopeKind::Module)
        return Out;
    if (Obj.Kind == ScopeKind::Function) {
      Out.push_back(Ev.Callee);
    } else if (Obj.Kind == ScopeKind::Class) {
      for (size_t S = 0; S < M.Scopes.size(); ++S) {
        const Scope &Sc = M.Scopes[S];
        if (Sc.Parent == Ev.Callee && Sc.Kind == ScopeKind::Function &&
            (Sc.Name == "__call__" ||
             (!Ev.OfInstance && Sc.Name == "__init__")))
          Out.push_back(ScopeId(S));
      }
    }
    return Out;
  }

  /// The scopes reachable from \p Roots through local calls (bounded);
  /// \p Via[S] is the caller S was first reached from (NoScope for roots).
  static std::vector<bool> reach(const std::vector<std::vector<ScopeId>> &Calls,
                                 const std::vector<ScopeId> &Roots,
                                 std::vector<ScopeId> &Via) {
    std::vector<bool> Seen(Calls.size(), false);
    Via.assign(Calls.size(), NoScope);
    std::vector<ScopeId> Work;
    for (ScopeId R : Roots)
      if (!Seen[size_t(R)]) {
        Seen[size_t(R)] = true;
        Work.push_back(R);
      }
    for (size_t I = 0; I < Work.size() && Work.size() < MaxWorkerFunctions; ++I)
      for (ScopeId Callee : Calls[size_t(Work[I])])
        if (!Seen[size_t(Callee)]) {
          Seen[size_t(Callee)] = true;
          Via[size_t(Callee)] = Work[I];
          Work.push_back(Callee);
        }
    return Seen;
  }

  static void report(PythonCheck &C, const Event &Ev, const std::string &Method,
                     ScopeId F, const std::vector<ScopeId> &Via,
                     const NameUse &U, const Binding &Guarded,
                     const Binding *Plain) {
    const PythonModule &M = C.Module;
    const std::string Name = "`" + U.Name + "`";
    std::string Who = "`" + M.Scopes[size_t(F)].QualName + "`";
    std::string Verb = verbOf(Guarded);
    std::string Assigned;
    if (Guarded.From == ModuleScope)
      Assigned = Plain ? "re-" + Verb + " under the main guard"
                       : Verb + " only under the main guard";
    else
      Assigned = std::string(Plain ? "re-assigned" : "assigned only") +
                 " by `" + M.Scopes[size_t(Guarded.From)].QualName +
                 "` (through `global`), which only the main guard calls";
    std::string Child =
        Method.empty() ? "a child started with the default start method (" +
                             defaultsThatPickle(C.Target) + ")"
                       : "a child started with " + Method;
    std::string Outcome =
        Plain ? "so it sees the module-level value instead"
              : "so " + Name + " is not defined there (NameError)";
    Finding &Fd =
        C.report(U.First, Who + " runs in a worker process and reads " + Name +
                              ", which is " + Assigned + ": " + Child +
                              " imports this module again without running the "
                              "guarded block, " +
                              Outcome);
    Fd.Related.push_back(
        {C.loc(Guarded.Range),
         Guarded.From == ModuleScope
             ? Name + " is " + Verb + " here, under the main guard"
             : Name + " is assigned here; only the main guard calls `" +
                   M.Scopes[size_t(Guarded.From)].QualName + "`"});
    if (Plain)
      Fd.Related.push_back(
          {C.loc(Plain->Range), "the module-level value a child sees"});
    // How the worker gets there: the call chain back to the argument.
    std::string Chain;
    ScopeId Entry = F;
    for (unsigned Hops = 0; Via[size_t(Entry)] != NoScope && Hops < 16;
         ++Hops) {
      Entry = Via[size_t(Entry)];
      Chain = "`" + M.Scopes[size_t(Entry)].QualName + "` calls " +
              (Chain.empty() ? Who : Chain);
    }
    std::string What = "`" + M.Scopes[size_t(Ev.Callee)].QualName + "`";
    Fd.Related.push_back(
        {C.loc(Ev.Range), (Chain.empty() ? What : Chain + "; " + What) +
                              " is handed to `" + Ev.What +
                              "` here and runs in the child"});
  }

  /// "assigned", "defined", "imported", for a message.
  static std::string verbOf(const Binding &B) {
    switch (B.Kind) {
    case BindingKind::Def:
      return "defined";
    case BindingKind::Import:
    case BindingKind::ImportFrom:
    case BindingKind::Wildcard:
      return "imported";
    default:
      return "assigned";
    }
  }

  /// "spawn on macos and windows; forkserver on linux, Python 3.14"
  static std::string defaultsThatPickle(const Targets &T) {
    std::string Out;
    for (const char *Method : {"spawn", "forkserver"}) {
      std::string Where = T.whereDefault(Method);
      if (Where.empty())
        continue;
      Out += (Out.empty() ? "" : "; ") + std::string(Method) + " on " + Where;
    }
    return Out;
  }
};

} // namespace

const python::PythonRule &mainGuardGlobalRule() {
  static const MainGuardGlobalRule Rule;
  return Rule;
}

} // namespace mpguard
