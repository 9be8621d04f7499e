//===- Project.cpp --------------------------------------------------------===//
#include "project/Project.h"
#include "project/ThreadJoins.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <set>

namespace mpguard {
namespace project {

using namespace python;

static bool catchesRuntimeError(const PythonModule &M, const Event &Ev) {
  return !Ev.IsIteration && Ev.SiteIndex < M.Calls.size() &&
         M.Calls[Ev.SiteIndex].CatchesRuntimeError;
}

bool eventHasEffect(const PythonModule &M, const Event &Ev, Effect E) {
  switch (E) {
  case Effect::StartsProcess:
    return Ev.Kind == EventKind::ProcessStart;
  case Effect::SetsStartMethod:
    return Ev.Kind == EventKind::SetStartMethod;
  case Effect::SetsStartMethodRaising:
    return Ev.Kind == EventKind::SetStartMethod && !Ev.Force &&
           !catchesRuntimeError(M, Ev);
  case Effect::LeavesThreadRunning:
    return Ev.Kind == EventKind::ThreadStart && !joinedBefore(M, Ev, nullptr);
  case Effect::Forks:
    return Ev.Kind == EventKind::Fork ||
           (Ev.Kind == EventKind::ProcessStart && Ev.Target == "fork");
  case Effect::StartsDefaultMethodProcess:
    return Ev.Kind == EventKind::ProcessStart && Ev.Target.empty();
  case Effect::PicklesParameter:
    return Ev.Kind == EventKind::PickledParameter;
  }
  return false;
}

ModuleSummary::Target ModuleSummary::callee(const Event &Ev) const {
  if (Ev.Kind == EventKind::LocalCall && Ev.Callee != NoScope)
    return Target{this, Ev.Callee};
  if (Ev.Kind == EventKind::ExternalCall && !Edges.empty()) {
    auto It = Edges.find(uint32_t(&Ev - Module->Events.data()));
    if (It != Edges.end())
      return It->second;
  }
  return Target{};
}

bool ModuleSummary::anyEffect(uint32_t Mask) const {
  for (const auto &W : Witness)
    for (size_t E = 0; E < EffectCount; ++E)
      if (W[E] >= 0 && (Mask & effectBit(Effect(E))))
        return true;
  return false;
}

/// Whether the callee \p T of call event \p Ev receives its first
/// parameter implicitly (self or cls).
static bool bindsFirstParameter(const Event &Ev, ModuleSummary::Target T) {
  if (Ev.Kind == EventKind::LocalCall)
    return Ev.OfInstance;
  const PythonModule &TM = *T.In->Module;
  const Scope &F = TM.Scopes[size_t(T.Scope)];
  if (F.Parent == NoScope ||
      TM.Scopes[size_t(F.Parent)].Kind != ScopeKind::Class)
    return false;
  if (F.IsClassMethod)
    return true;
  // `helpers.Runner(...)` runs __init__ on a new instance;
  // `helpers.Runner.run(obj, ...)` passes self explicitly.
  llvm::StringRef Name(Ev.Target);
  return F.Name == "__init__" && !Name.ends_with(".__init__") &&
         !F.IsStaticOrClassMethod;
}

const CallArgument *argumentFor(const ModuleSummary &S, const Event &Call,
                                ModuleSummary::Target T, uint32_t Param) {
  (void)S;
  if (!T || Call.Args.empty())
    return nullptr;
  const Scope &F = T.In->Module->Scopes[size_t(T.Scope)];
  if (Param >= F.Params.size())
    return nullptr;
  uint32_t Shift = bindsFirstParameter(Call, T) ? 1 : 0;
  for (const CallArgument &A : Call.Args) {
    if (A.Position < 0
            ? A.Keyword == F.Params[Param] && Param >= F.PositionalOnlyParams
            : Param < F.PositionalParams && Param >= Shift &&
                  uint32_t(A.Position) == Param - Shift)
      return &A;
  }
  return nullptr;
}

/// One pass over \p S's calls for PicklesParameter: a function that passes
/// its own parameter where its callee takes a parameter it pickles pickles
/// it too. Returns whether anything changed.
static bool propagatePicklesOnce(ModuleSummary &S) {
  const PythonModule &M = *S.Module;
  bool Changed = false;
  for (size_t I = 0; I < M.Events.size(); ++I) {
    const Event &Ev = M.Events[I];
    if (Ev.Args.empty() ||
        (Ev.Kind != EventKind::LocalCall && Ev.Kind != EventKind::ExternalCall))
      continue;
    ModuleSummary::Target T = S.callee(Ev);
    if (!T || size_t(T.Scope) >= T.In->Pickles.size())
      continue;
    // (Index: the callee's list may grow while it is read, if it is S's.)
    for (size_t K = 0; K < T.In->Pickles[size_t(T.Scope)].size(); ++K) {
      ModuleSummary::PickledParam P = T.In->Pickles[size_t(T.Scope)][K];
      const CallArgument *A = argumentFor(S, Ev, T, P.Param);
      if (!A || A->Param < 0 || S.pickles(Ev.Exec, uint32_t(A->Param)))
        continue;
      S.Pickles[size_t(Ev.Exec)].push_back(
          {uint32_t(A->Param), int32_t(I), P.Param});
      auto &W = S.Witness[size_t(Ev.Exec)][size_t(Effect::PicklesParameter)];
      if (W < 0)
        W = int32_t(I);
      Changed = true;
    }
  }
  return Changed;
}

/// One pass over \p S's calls: a scope inherits an effect from a callee
/// that already has it. Returns whether anything changed. A scope gets a
/// witness only from a callee that already had one, so witness chains
/// never loop.
static bool propagateOnce(ModuleSummary &S) {
  const PythonModule &M = *S.Module;
  bool Changed = false;
  for (size_t I = 0; I < M.Events.size(); ++I) {
    const Event &Ev = M.Events[I];
    if (Ev.Guarded ||
        (Ev.Kind != EventKind::LocalCall && Ev.Kind != EventKind::ExternalCall))
      continue;
    ModuleSummary::Target T = S.callee(Ev);
    if (!T)
      continue;
    for (size_t E = 0; E < EffectCount; ++E) {
      if (Effect(E) == Effect::PicklesParameter) // propagatePicklesOnce
        continue;
      if (S.Witness[size_t(Ev.Exec)][E] >= 0 || !T.In->has(T.Scope, Effect(E)))
        continue;
      if (Effect(E) == Effect::SetsStartMethodRaising &&
          catchesRuntimeError(M, Ev))
        continue;
      // `t = start_worker(); ...; t.join()`
      if (Effect(E) == Effect::LeavesThreadRunning &&
          joinedBefore(M, Ev, nullptr))
        continue;
      S.Witness[size_t(Ev.Exec)][E] = int32_t(I);
      Changed = true;
    }
  }
  return Changed;
}

ModuleSummary summarize(const PythonModule &M) {
  ModuleSummary S;
  S.Module = &M;
  std::array<int32_t, EffectCount> None;
  None.fill(-1);
  S.Witness.assign(M.Scopes.size(), None);
  S.Pickles.resize(M.Scopes.size());
  for (size_t I = 0; I < M.Events.size(); ++I) {
    const Event &Ev = M.Events[I];
    // Pickled whether the main process runs it or not.
    if (Ev.Kind == EventKind::PickledParameter) {
      auto &List = S.Pickles[size_t(Ev.Exec)];
      auto It = std::find_if(List.begin(), List.end(), [&](const auto &P) {
        return P.Param == uint32_t(Ev.Param);
      });
      // A task (pickled under every method) is the better witness.
      if (It == List.end())
        List.push_back({uint32_t(Ev.Param), int32_t(I), 0});
      else if (Ev.EveryMethod && !M.Events[size_t(It->Witness)].EveryMethod)
        It->Witness = int32_t(I);
      auto &W = S.Witness[size_t(Ev.Exec)][size_t(Effect::PicklesParameter)];
      if (W < 0)
        W = int32_t(I);
      continue;
    }
    if (Ev.Guarded)
      continue;
    for (size_t E = 0; E < EffectCount; ++E)
      if (eventHasEffect(M, Ev, Effect(E)) && S.Witness[size_t(Ev.Exec)][E] < 0)
        S.Witness[size_t(Ev.Exec)][E] = int32_t(I);
  }
  while (propagateOnce(S) | propagatePicklesOnce(S)) {
  }
  return S;
}

std::vector<WitnessStep> witnessChain(const ModuleSummary &S,
                                      const Event &Start, Effect E) {
  std::vector<WitnessStep> Chain{{S.Module, &Start}};
  std::set<std::pair<const ModuleSummary *, ScopeId>> Seen;
  const ModuleSummary *In = &S;
  const Event *Cur = &Start;
  while (true) {
    ModuleSummary::Target T = In->callee(*Cur);
    if (!T || !Seen.insert({T.In, T.Scope}).second)
      break;
    int32_t W = T.In->Witness[size_t(T.Scope)][size_t(E)];
    if (W < 0)
      break;
    In = T.In;
    Cur = &In->Module->Events[size_t(W)];
    Chain.push_back({In->Module, Cur});
  }
  return Chain;
}

std::vector<WitnessStep> pickleChain(const ModuleSummary &S, const Event &Call,
                                     uint32_t Param) {
  std::vector<WitnessStep> Chain{{S.Module, &Call}};
  std::set<std::pair<const ModuleSummary *, ScopeId>> Seen;
  const ModuleSummary *In = &S;
  const Event *Cur = &Call;
  while (Cur->Kind != EventKind::PickledParameter) {
    ModuleSummary::Target T = In->callee(*Cur);
    if (!T || !Seen.insert({T.In, T.Scope}).second)
      break;
    const ModuleSummary::PickledParam *P = T.In->pickles(T.Scope, Param);
    if (!P || P->Witness < 0 ||
        size_t(P->Witness) >= T.In->Module->Events.size())
      break;
    In = T.In;
    Cur = &In->Module->Events[size_t(P->Witness)];
    Param = P->Next;
    Chain.push_back({In->Module, Cur});
  }
  return Chain;
}

std::vector<Note> PickledThroughCall::notes() const {
  std::vector<Note> Notes;
  for (size_t I = 0; I < Chain.size(); ++I) {
    const WitnessStep &Step = Chain[I];
    std::string Text =
        I == 0 ? "`" + Step.Ev->What + "` receives it as parameter `" +
                     ParamName + "`"
        : I + 1 == Chain.size() ? "`" + Step.Ev->What + "` pickles `" +
                                      Step.Ev->ParamName + "` here"
                                : "which passes it to `" + Step.Ev->What + "`";
    Notes.push_back({Step.loc(), std::move(Text)});
  }
  return Notes;
}

std::vector<PickledThroughCall>
codePickledThroughCalls(const ModuleSummary &S) {
  std::vector<PickledThroughCall> Out;
  const PythonModule &M = *S.Module;
  for (const Event &Ev : M.Events) {
    if (Ev.Args.empty() ||
        (Ev.Kind != EventKind::LocalCall && Ev.Kind != EventKind::ExternalCall))
      continue;
    ModuleSummary::Target T = S.callee(Ev);
    if (!T || size_t(T.Scope) >= T.In->Pickles.size())
      continue;
    for (const ModuleSummary::PickledParam &P :
         T.In->Pickles[size_t(T.Scope)]) {
      const CallArgument *A = argumentFor(S, Ev, T, P.Param);
      if (!A || A->Code == NoScope || size_t(A->Code) >= M.Scopes.size())
        continue;
      PickledThroughCall C;
      C.Call = &Ev;
      C.Arg = A;
      C.ParamName = T.In->Module->Scopes[size_t(T.Scope)].Params[P.Param];
      C.Chain = pickleChain(S, Ev, P.Param);
      if (C.Chain.back().Ev->Kind == EventKind::PickledParameter)
        Out.push_back(std::move(C));
    }
  }
  return Out;
}

std::string fileName(const WitnessStep &S) {
  return llvm::sys::path::filename(S.Module->File->path()).str();
}

// --- across modules ---------------------------------------------------------

static std::vector<std::string> splitDots(std::string_view S) {
  std::vector<std::string> Parts;
  llvm::SmallVector<llvm::StringRef, 8> Pieces;
  llvm::StringRef(S.data(), S.size()).split(Pieces, '.');
  for (llvm::StringRef P : Pieces)
    Parts.push_back(P.str());
  return Parts;
}

static bool isPackageInit(std::string_view Name) {
  llvm::StringRef N(Name.data(), Name.size());
  return N == "__init__" || N.ends_with(".__init__");
}

std::string ProjectLinker::canonicalModuleName(std::string_view Name) {
  llvm::StringRef N(Name.data(), Name.size());
  if (N.consume_back(".__init__"))
    return N.str();
  return std::string(Name);
}

void ProjectLinker::addFile(const std::string &ModuleName,
                            const std::string &Path, bool Walked) {
  if (Path.empty())
    return;
  PathsByName[canonicalModuleName(ModuleName)].push_back(Path);
  if (Walked)
    WalkedPaths.insert(Path);
}

void ProjectLinker::add(ModuleSummary &S) {
  Modules.push_back(&S);
  const std::string &Path = S.Module->File->absolutePath();
  if (!Path.empty()) {
    ByPath[Path] = &S;
    auto &Paths = PathsByName[canonicalModuleName(S.Module->ModuleName)];
    if (std::find(Paths.begin(), Paths.end(), Path) == Paths.end())
      Paths.push_back(Path);
  }
}

/// How near two files are: the length of their directories' common
/// prefix, in path components.
static size_t nearness(llvm::StringRef A, llvm::StringRef B) {
  llvm::StringRef DA = llvm::sys::path::parent_path(A);
  llvm::StringRef DB = llvm::sys::path::parent_path(B);
  auto IA = llvm::sys::path::begin(DA), EA = llvm::sys::path::end(DA);
  auto IB = llvm::sys::path::begin(DB), EB = llvm::sys::path::end(DB);
  size_t N = 0;
  for (; IA != EA && IB != EB && *IA == *IB; ++IA, ++IB)
    ++N;
  return N;
}

ModuleSummary *ProjectLinker::moduleAt(const std::string &Path,
                                       const std::string &Name) {
  auto Loaded = ByPath.find(Path);
  if (Loaded != ByPath.end())
    return Loaded->second;
  // Marked first: a module whose loading resolves names again must not
  // load itself twice.
  ByPath[Path] = nullptr;
  ModuleSummary *S = Load ? Load(Path, Name) : nullptr;
  if (S)
    add(*S);
  return S;
}

ModuleSummary *ProjectLinker::findModule(const std::string &FromName,
                                         const std::string &FromPath,
                                         const std::string &Dotted,
                                         std::vector<std::string> &Rest) {
  // Which file a name means depends only on the importer's directory and
  // package: decided once (the rounds ask again and again), loaded each
  // time it is asked for, as a file may be chosen for loading later.
  std::string Key = llvm::sys::path::parent_path(FromPath).str() + '\0' +
                    canonicalModuleName(FromName) + '\0' + Dotted;
  auto [It, New] = Choices.try_emplace(std::move(Key));
  if (New)
    It->second = chooseModule(FromName, FromPath, Dotted);
  const Choice &C = It->second;
  if (C.Path.empty())
    return nullptr;
  ModuleSummary *S = moduleAt(C.Path, C.Module);
  if (!S)
    return nullptr;
  std::vector<std::string> Parts = splitDots(Dotted);
  Rest.assign(Parts.begin() + C.Parts, Parts.end());
  return S;
}

ProjectLinker::Choice ProjectLinker::chooseModule(const std::string &FromName,
                                                  const std::string &FromPath,
                                                  const std::string &Dotted) {
  std::vector<std::string> Parts = splitDots(Dotted);
  // Where a name no file of the run has is looked for: the importing
  // script's directory, then the directory above its top package, as
  // sys.path has them.
  llvm::SmallVector<llvm::SmallString<256>, 2> Roots;
  if (!FromPath.empty() && !WalkedPaths.count(FromPath)) {
    llvm::SmallString<256> Dir(llvm::sys::path::parent_path(FromPath));
    Roots.push_back(Dir);
    std::vector<std::string> Pkg = splitDots(canonicalModuleName(FromName));
    if (!isPackageInit(FromName) && !Pkg.empty())
      Pkg.pop_back();
    if (!Pkg.empty()) {
      for (size_t I = 0; I < Pkg.size(); ++I)
        llvm::sys::path::remove_filename(Dir);
      Roots.push_back(Dir);
    }
  }
  // The longest prefix that names a module; the rest names a member of it.
  for (size_t N = Parts.size(); N > 0; --N) {
    std::string Name = Parts[0];
    for (size_t I = 1; I < N; ++I)
      Name += "." + Parts[I];
    std::string Path, Module = Name;
    auto It = PathsByName.find(Name);
    if (It != PathsByName.end()) {
      size_t BestNear = 0;
      for (const std::string &Cand : It->second) {
        size_t Near = nearness(FromPath, Cand);
        if (Path.empty() || Near > BestNear ||
            (Near == BestNear && Cand < Path)) {
          Path = Cand;
          BestNear = Near;
        }
      }
    }
    for (size_t R = 0; R < Roots.size() && Path.empty(); ++R) {
      llvm::SmallString<256> Base(Roots[R]);
      for (size_t I = 0; I < N; ++I)
        llvm::sys::path::append(Base, Parts[I]);
      for (bool Package : {false, true}) {
        llvm::SmallString<256> P(Base);
        if (Package)
          llvm::sys::path::append(P, "__init__.py");
        else
          P += ".py";
        auto [Known, New] = IsFile.try_emplace(std::string(P.str()), false);
        if (New)
          Known->second = llvm::sys::fs::is_regular_file(P);
        if (Known->second) {
          Path = Known->first;
          Module = Package ? Name + ".__init__" : Name;
          break;
        }
      }
    }
    if (!Path.empty())
      return Choice{Path, Module, N};
  }
  return Choice{};
}

ModuleSummary::Target ProjectLinker::resolveIn(const ModuleSummary &T,
                                               std::vector<std::string> Parts) {
  const PythonModule &M = *T.Module;
  if (Parts.empty())
    return {};
  // The module-level binding of the first name that module code sees last.
  const Binding *Found = nullptr;
  for (const Binding &B : M.Bindings)
    if (B.In == ModuleScope && B.Name == Parts[0] &&
        (!Found || B.Pos >= Found->Pos))
      Found = &B;
  if (!Found)
    return {};
  if (Found->Kind == BindingKind::Import ||
      Found->Kind == BindingKind::ImportFrom) {
    // A re-export: `from .impl import run_all` in a package's __init__.
    std::string Ref =
        Found->Kind == BindingKind::Import
            ? Found->Module
            : (Found->Module.empty() || Found->Module.back() == '.'
                   ? Found->Module + Found->Member
                   : Found->Module + "." + Found->Member);
    for (size_t I = 1; I < Parts.size(); ++I)
      Ref += "." + Parts[I];
    return resolve(M, Ref);
  }
  if (Found->Kind != BindingKind::Def || Found->Target == NoScope)
    return {};
  ScopeId S = Found->Target;
  auto Method = [&](ScopeId Cls, const std::string &Name) {
    ScopeId Best = NoScope;
    for (size_t I = 0; I < M.Scopes.size(); ++I)
      if (M.Scopes[I].Parent == Cls && M.Scopes[I].Name == Name &&
          M.Scopes[I].Kind == ScopeKind::Function)
        Best = ScopeId(I);
    return Best;
  };
  if (M.Scopes[size_t(S)].Kind == ScopeKind::Class) {
    // `helpers.Runner()` runs __init__; `helpers.Runner.build()` a static
    // or class method.
    S = Method(S, Parts.size() > 1 ? Parts[1] : "__init__");
    if (S == NoScope || Parts.size() > 2)
      return {};
  } else if (Parts.size() > 1) {
    return {};
  }
  return {&T, S};
}

std::string ProjectLinker::absoluteName(const std::string &FromName,
                                        std::string_view QName) {
  size_t Dots = 0;
  while (Dots < QName.size() && QName[Dots] == '.')
    ++Dots;
  std::string Dotted(QName.substr(Dots));
  if (Dots) {
    // Relative to the package the module is in: one dot is that package,
    // each further dot its parent.
    std::vector<std::string> Pkg = splitDots(canonicalModuleName(FromName));
    if (!isPackageInit(FromName) && !Pkg.empty())
      Pkg.pop_back();
    for (size_t I = 1; I < Dots; ++I) {
      if (Pkg.empty())
        return "";
      Pkg.pop_back();
    }
    std::string Base;
    for (const std::string &P : Pkg)
      Base += (Base.empty() ? "" : ".") + P;
    Dotted =
        Base.empty() ? Dotted : (Dotted.empty() ? Base : Base + "." + Dotted);
  }
  return Dotted;
}

ModuleSummary::Target ProjectLinker::resolve(const std::string &FromName,
                                             const std::string &FromPath,
                                             std::string_view QName) {
  // Re-exports resolve through resolve() again; a cycle of them ends here.
  if (Depth > 8)
    return {};
  struct Nest {
    unsigned &D;
    explicit Nest(unsigned &D) : D(D) { ++D; }
    ~Nest() { --D; }
  } N(Depth);
  std::string Dotted = absoluteName(FromName, QName);
  if (Dotted.empty())
    return {};
  std::vector<std::string> Rest;
  ModuleSummary *S = findModule(FromName, FromPath, Dotted, Rest);
  return S ? resolveIn(*S, std::move(Rest)) : ModuleSummary::Target{};
}

bool ProjectLinker::exposesEffect(const ModuleSummary &S, uint32_t Mask) {
  if (S.anyEffect(Mask))
    return true;
  if (Depth > 8)
    return false;
  struct Nest {
    unsigned &D;
    explicit Nest(unsigned &D) : D(D) { ++D; }
    ~Nest() { --D; }
  } N(Depth);
  // A package __init__.py that re-exports a function with an effect
  // (`from .impl import run_all`). Not a module it merely imports: that
  // would make every importer of threading a candidate.
  const PythonModule &M = *S.Module;
  for (const Binding &B : M.Bindings) {
    if (B.In != ModuleScope || B.Kind != BindingKind::ImportFrom)
      continue;
    std::string Ref = B.Module.empty() || B.Module.back() == '.'
                          ? B.Module + B.Member
                          : B.Module + "." + B.Member;
    if (ModuleSummary::Target T = resolve(M, Ref))
      for (size_t E = 0; E < EffectCount; ++E)
        if (T.In->has(T.Scope, Effect(E)) && (Mask & effectBit(Effect(E))))
          return true;
  }
  return false;
}

bool ProjectLinker::importsEffect(const std::string &FromName,
                                  const std::string &FromPath,
                                  const std::vector<std::string> &Names,
                                  uint32_t Mask) {
  for (const std::string &N : Names) {
    std::string Dotted = absoluteName(FromName, N);
    std::vector<std::string> Rest;
    if (Dotted.empty())
      continue;
    ModuleSummary *S = findModule(FromName, FromPath, Dotted, Rest);
    if (!S)
      continue;
    if (Rest.empty()) {
      if (exposesEffect(*S, Mask))
        return true;
      continue;
    }
    // `from helpers import run_all`: the function itself.
    if (ModuleSummary::Target T = resolveIn(*S, Rest))
      for (size_t E = 0; E < EffectCount; ++E)
        if (T.In->has(T.Scope, Effect(E)) && (Mask & effectBit(Effect(E))))
          return true;
  }
  return false;
}

void ProjectLinker::link() {
  // Loading on demand appends to Modules: index, not iterators.
  for (size_t K = 0; K < Modules.size(); ++K) {
    ModuleSummary *S = Modules[K];
    const PythonModule &M = *S->Module;
    for (size_t I = 0; I < M.Events.size(); ++I) {
      const Event &Ev = M.Events[I];
      if (Ev.Kind != EventKind::ExternalCall || S->Edges.count(uint32_t(I)))
        continue;
      if (ModuleSummary::Target T = resolve(M, Ev.Target))
        S->Edges[uint32_t(I)] = T;
    }
  }
  bool Changed = true;
  while (Changed) {
    Changed = false;
    for (ModuleSummary *S : Modules)
      Changed |= propagateOnce(*S) | propagatePicklesOnce(*S);
  }
}

bool ProjectLinker::reachesEffect(const std::string &FromName,
                                  const std::string &FromPath,
                                  const std::vector<std::string> &Names) {
  for (const std::string &N : Names)
    if (ModuleSummary::Target T = resolve(FromName, FromPath, N))
      for (size_t E = 0; E < EffectCount; ++E)
        if (T.In->has(T.Scope, Effect(E)))
          return true;
  return false;
}

} // namespace project
} // namespace mpguard
