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
#include <tuple>

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
    return eventBit(EventKind::PickledArgument) |
           eventBit(EventKind::PickledExternal);
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
    checkModuleAttributes(C, MainOnlyFn, Declared);
  }

private:
  /// The module that \p Name (a module-level import binding of \p In)
  /// names, absolute: "config" for `import config`, "pkg.config" for
  /// `from . import config` in pkg.main; "" when it is not an import.
  static std::string importedModule(const PythonModule &In,
                                    const std::string &Name) {
    std::string Found;
    for (const Binding &B : In.Bindings) {
      if (B.In != ModuleScope || B.Name != Name)
        continue;
      std::string Ref;
      if (B.Kind == BindingKind::Import && !B.Guarded)
        Ref = B.Module;
      else if (B.Kind == BindingKind::ImportFrom && !B.Guarded)
        Ref = B.Module.empty() || B.Module.back() == '.'
                  ? B.Module + B.Member
                  : B.Module + "." + B.Member;
      else
        return {}; // bound otherwise too: not followed
      Ref = project::ProjectLinker::absoluteName(In.ModuleName, Ref);
      if (Ref.empty() || (!Found.empty() && Found != Ref))
        return {};
      Found = Ref;
    }
    return Found;
  }

  /// A worker reads `mod.attr` of an imported module that this module sets
  /// only in the main process (`config.SCALE = 3` under the main guard):
  /// a spawn or forkserver child imports `mod` afresh and sees its
  /// import-time value. Workers are this module's own (PickledArgument)
  /// and functions of other modules handed to a process start
  /// (PickledExternal, resolved by the linker into Summary.Edges).
  void checkModuleAttributes(PythonCheck &C,
                             const std::vector<bool> &MainOnlyFn,
                             const std::string &Declared) const {
    const PythonModule &M = C.Module;
    if (M.AttributeAssigns.empty())
      return;
    // Per `base.attr` of M: the first main-only assignment, and whether
    // one may run in a child too.
    struct Assigned {
      const AttributeAssign *MainOnly = nullptr;
      bool InChild = false;
    };
    std::map<std::pair<std::string, std::string>, Assigned> ByTarget;
    for (const AttributeAssign &A : M.AttributeAssigns) {
      std::string Mod = importedModule(M, A.Base);
      if (Mod.empty())
        continue;
      Assigned &Slot = ByTarget[{Mod, A.Attr}];
      bool MainOnly = A.In == ModuleScope
                          ? A.Guarded
                          : validScope(M, A.In) && MainOnlyFn[size_t(A.In)];
      if (!MainOnly)
        Slot.InChild = true;
      else if (!Slot.MainOnly)
        Slot.MainOnly = &A;
    }
    std::set<std::tuple<const PythonModule *, ScopeId, std::string>> Reported;
    for (size_t EI = 0; EI < M.Events.size(); ++EI) {
      const Event &Ev = M.Events[EI];
      const PythonModule *W = nullptr;
      std::vector<ScopeId> Entries;
      if (Ev.Kind == EventKind::PickledArgument && validScope(M, Ev.Callee)) {
        W = &M;
        Entries = entryFunctions(M, Ev);
      } else if (Ev.Kind == EventKind::PickledExternal) {
        auto It = C.Summary.Edges.find(uint32_t(EI));
        if (It == C.Summary.Edges.end() || !It->second.In->Module)
          continue;
        W = It->second.In->Module;
        ScopeId T = It->second.Scope;
        if (!validScope(*W, T) || W->NotRerunInChildren)
          continue;
        if (W->Scopes[size_t(T)].Kind == ScopeKind::Function)
          Entries.push_back(T);
      }
      if (!W || Entries.empty())
        continue;
      std::string Method = Ev.Target.empty() ? Declared : Ev.Target;
      if (Method == "fork" || (Method.empty() && !C.Target.defaultMayPickle()))
        continue;
      std::vector<std::vector<ScopeId>> Calls(W->Scopes.size());
      for (const Event &E : W->Events)
        if (E.Kind == EventKind::LocalCall && validScope(*W, E.Callee) &&
            validScope(*W, E.Exec))
          Calls[size_t(E.Exec)].push_back(E.Callee);
      std::vector<ScopeId> Via;
      std::vector<bool> Worker = reach(Calls, Entries, Via);
      for (size_t F = 0; F < W->Scopes.size(); ++F) {
        if (!Worker[F])
          continue;
        for (const AttributeUse &U : W->Scopes[F].FreeAttributes) {
          std::string Mod = importedModule(*W, U.Base);
          if (Mod.empty())
            continue;
          auto It = ByTarget.find({Mod, U.Attr});
          if (It == ByTarget.end() || !It->second.MainOnly ||
              It->second.InChild ||
              !Reported.insert({W, ScopeId(F), Mod + "." + U.Attr}).second)
            continue;
          reportAttribute(C, Ev, *W, ScopeId(F), Via, U, Mod,
                          *It->second.MainOnly, Method);
        }
      }
    }
  }

  void reportAttribute(PythonCheck &C, const Event &Ev, const PythonModule &W,
                       ScopeId F, const std::vector<ScopeId> &Via,
                       const AttributeUse &U, const std::string &Mod,
                       const AttributeAssign &A,
                       const std::string &Method) const {
    const PythonModule &M = C.Module;
    bool Local = &W == &M;
    std::string Read = "`" + U.Base + "." + U.Attr + "`";
    std::string Who = "`" + W.Scopes[size_t(F)].QualName + "`";
    // The function handed over, when the read is in one it calls.
    ScopeId Entry = F;
    for (unsigned Hops = 0; Via[size_t(Entry)] != NoScope && Hops < 16; ++Hops)
      Entry = Via[size_t(Entry)];
    if (Entry != F)
      Who += " (called by `" + W.Scopes[size_t(Entry)].QualName + "`)";
    std::string Set = "`" + std::string(M.text(A.Range)) + "`";
    std::string How = A.In == ModuleScope
                          ? "only under the main guard"
                          : "only by `" + M.Scopes[size_t(A.In)].QualName +
                                "`, which only the main guard calls";
    std::string Child =
        Method.empty() ? "a child started with the default start method (" +
                             C.Target.defaultsThatPickle() + ")"
                       : "a child started with " + Method;
    std::string Msg =
        Who + " runs in a worker process and reads " + Read +
        (Local ? "" : " (in " + fileOf(W) + ")") + ", but this module sets " +
        Set + " " + How + ": " + Child + " imports `" + Mod +
        "` afresh without running the guarded block, so the worker sees "
        "the value `" +
        Mod + "` gives it at import time";
    Finding &Fd = C.report(Local ? U.First : Ev.Range, Msg);
    if (!Local)
      Fd.Related.push_back({Location{W.File, U.First.Begin, U.First.End},
                            Read + " is read here, in the worker"});
    Fd.Related.push_back({C.loc(A.Range), Set + " is set here, " + How});
    std::string What = Local ? "`" + M.Scopes[size_t(Ev.Callee)].QualName + "`"
                             : "`" + std::string(M.text(Ev.Range)) + "`";
    if (Local)
      Fd.Related.push_back(
          {C.loc(Ev.Range), What + " is handed to `" + Ev.What +
                                "` here and runs in the child"});
  }

  /// "work.py", for messages.
  static std::string fileOf(const PythonModule &W) {
    std::string P = W.File->path();
    size_t Slash = P.find_last_of('/');
    return Slash == std::string::npos ? P : P.substr(Slash + 1);
  }

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
                             C.Target.defaultsThatPickle() + ")"
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
};

} // namespace

const python::PythonRule &mainGuardGlobalRule() {
  static const MainGuardGlobalRule Rule;
  return Rule;
}

} // namespace mpguard
