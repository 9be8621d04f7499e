//===- Resolver.cpp - Names to meanings, sites to events ------------------===//
//
// Gives each call and iteration site a meaning by resolving its expression
// through the module's bindings: imports and aliases (`import multiprocessing
// as mp`, `from multiprocessing import Pool as P`), drop-in packages
// (torch.multiprocessing, billiard, multiprocess), context objects
// (`ctx = mp.get_context("spawn"); ctx.Pool()`), module rebinding
// (`multiprocessing = multiprocessing.get_context("spawn")`), instances of
// known classes and of local classes (including Process subclasses), and
// local functions and methods. The result is the module's Events, among them
// one ForkContext per call of get_context("fork") and one PickledArgument
// per argument naming this module's code that a process start or a pool
// task pickles.
//
//===----------------------------------------------------------------------===//
#include "python/KnownApis.h"
#include "python/PythonModule.h"

#include <algorithm>
#include <memory>
#include <set>

namespace mpguard {
namespace python {

namespace {

struct Value {
  enum Kind : uint8_t {
    Unknown,
    QName,         // a module or a module-level name: Name
    Instance,      // an object of class Name (canonical) / local class Scope
    LocalFunction, // Scope
    LocalClass,    // Scope
    Sequence,      // elements like Elem
  } K = Unknown;
  std::string Name;
  std::string Context; // start method of the context it came from
  /// Instance: of a class from a package that serializes with dill or
  /// cloudpickle (serializesByValue), though Name is canonical.
  bool ByValue = false;
  ScopeId Scope = NoScope;
  ExprId Origin = NoExpr; // Instance: the constructor call
  std::shared_ptr<Value> Elem;
};

class Resolver {
public:
  explicit Resolver(PythonModule &M) : M(M) {
    for (size_t I = 0; I < M.Bindings.size(); ++I) {
      const Binding &B = M.Bindings[I];
      ByScope[{B.In, B.Name}].push_back(uint32_t(I));
      if (B.Kind == BindingKind::With && B.Value != NoExpr)
        WithItems.insert(B.Value);
    }
    for (const std::vector<Site> *Sites : {&M.Calls, &M.Iterations})
      for (const Site &S : *Sites)
        WithItems.insert(S.WithItems.begin(), S.WithItems.end());
  }

  void run() {
    for (size_t I = 0; I < M.Calls.size(); ++I)
      classifyCall(uint32_t(I));
    for (size_t I = 0; I < M.Iterations.size(); ++I)
      classifyIteration(uint32_t(I));
    std::stable_sort(M.Events.begin(), M.Events.end(),
                     [](const Event &A, const Event &B) {
                       return A.Range.Begin < B.Range.Begin;
                     });
  }

private:
  PythonModule &M;
  struct KeyHash {
    size_t operator()(const std::pair<ScopeId, std::string> &K) const {
      return std::hash<std::string>()(K.second) * 31 + size_t(K.first);
    }
  };
  std::unordered_map<std::pair<ScopeId, std::string>, std::vector<uint32_t>,
                     KeyHash>
      ByScope;
  unsigned Depth = 0;
  /// Every expression that is the item of a with statement.
  std::set<ExprId> WithItems;

  // --- name lookup ----------------------------------------------------------

  /// The binding of \p Name seen by code in scope \p From at byte \p Pos.
  /// In the scope of the use, bindings before the use win (module code runs
  /// top to bottom; rebinding is seen in order); in enclosing scopes, whose
  /// code has finished by the time a function runs, the last one does.
  const Binding *lookup(const std::string &Name, ScopeId From, uint32_t Pos) {
    bool First = true;
    for (ScopeId S = From; S != NoScope; S = M.Scopes[size_t(S)].Parent) {
      const Scope &Sc = M.Scopes[size_t(S)];
      // Class bodies are not visible from functions nested in them.
      if (!First && Sc.Kind == ScopeKind::Class)
        continue;
      auto It = ByScope.find({S, Name});
      if (It != ByScope.end()) {
        const Binding *Best = nullptr;
        // (A `global` assignment made by a function has Pos UINT32_MAX:
        // module code running top to bottom does not see it.)
        for (uint32_t Idx : It->second)
          if (!First || M.Bindings[Idx].Pos <= Pos)
            Best = &M.Bindings[Idx];
        // A function-local name used before its (loop) assignment.
        if (!Best && First && Sc.Kind != ScopeKind::Module &&
            Sc.Kind != ScopeKind::Class)
          Best = &M.Bindings[It->second.back()];
        if (Best)
          return Best;
      }
      if (S == ModuleScope) {
        // `from multiprocessing import *`
        auto W = ByScope.find({S, "*"});
        if (W != ByScope.end())
          for (uint32_t Idx : W->second) {
            const Binding &B = M.Bindings[Idx];
            if (isKnownWildcardModule(B.Module) &&
                hasKnownMember(B.Module, Name))
              return &B;
          }
      }
      First = false;
    }
    return nullptr;
  }

  /// "pkg" + "mod" -> "pkg.mod"; relative "." + "mod" -> ".mod".
  static std::string joinName(const std::string &Module,
                              const std::string &Member) {
    if (Module.empty() || Module.back() == '.')
      return Module + Member;
    return Module + "." + Member;
  }

  Value fromBinding(const Binding &B, const std::string &Name) {
    Value V;
    switch (B.Kind) {
    case BindingKind::Import:
      V.K = Value::QName;
      V.Name = B.Module;
      return V;
    case BindingKind::ImportFrom:
      V.K = Value::QName;
      V.Name = joinName(B.Module, B.Member);
      return V;
    case BindingKind::Wildcard:
      V.K = Value::QName;
      V.Name = joinName(B.Module, Name);
      return V;
    case BindingKind::Def:
      V.K = M.Scopes[size_t(B.Target)].Kind == ScopeKind::Class
                ? Value::LocalClass
                : Value::LocalFunction;
      V.Scope = B.Target;
      return V;
    case BindingKind::Assign:
    case BindingKind::With:
      // The value is evaluated before the name is bound: resolve it at its
      // own position (`mp = mp.get_context("spawn")` sees the import).
      return B.Value == NoExpr
                 ? V
                 : resolve(B.Value, B.From, M.expr(B.Value).Range.Begin);
    case BindingKind::Loop: {
      if (B.Value == NoExpr)
        return V;
      Value Seq = resolve(B.Value, B.From, M.expr(B.Value).Range.Begin);
      if (Seq.K == Value::Sequence && Seq.Elem)
        return *Seq.Elem;
      return V;
    }
    case BindingKind::Param:
      if (B.FirstOfMethod) {
        ScopeId Cls = M.Scopes[size_t(B.In)].Parent;
        return instanceOfLocalClass(Cls, NoExpr);
      }
      return V;
    }
    return V;
  }

  // --- values -------------------------------------------------------------

  /// An instance of local class \p Cls: if one of its bases (transitively)
  /// is a known class such as multiprocessing.Process, the instance has that
  /// type too.
  Value instanceOfLocalClass(ScopeId Cls, ExprId Origin) {
    Value V;
    V.K = Value::Instance;
    V.Scope = Cls;
    V.Origin = Origin;
    std::vector<ScopeId> Work{Cls};
    for (size_t I = 0; I < Work.size() && I < 32; ++I) {
      const Scope &Sc = M.Scopes[size_t(Work[I])];
      for (ExprId Base : Sc.Bases) {
        if (Base == NoExpr)
          continue;
        Value B = resolve(Base, Sc.Parent, Sc.Range.Begin);
        if (B.K == Value::QName) {
          V.Name = canonicalName(B.Name);
          V.Context = B.Context;
          V.ByValue = serializesByValue(B.Name);
          return V;
        }
        if (B.K == Value::LocalClass)
          Work.push_back(B.Scope);
      }
    }
    return V;
  }

  /// Method \p Name of local class \p Cls or its local bases.
  ScopeId findMethod(ScopeId Cls, const std::string &Name) {
    std::vector<ScopeId> Work{Cls};
    for (size_t I = 0; I < Work.size() && I < 32; ++I) {
      for (size_t S = 0; S < M.Scopes.size(); ++S) {
        const Scope &Sc = M.Scopes[S];
        if (Sc.Parent == Work[I] && Sc.Name == Name &&
            Sc.Kind == ScopeKind::Function)
          return ScopeId(S);
      }
      const Scope &C = M.Scopes[size_t(Work[I])];
      for (ExprId Base : C.Bases) {
        if (Base == NoExpr)
          continue;
        Value B = resolve(Base, C.Parent, C.Range.Begin);
        if (B.K == Value::LocalClass)
          Work.push_back(B.Scope);
      }
    }
    return NoScope;
  }

  std::string literal(ExprId E) const {
    if (E == NoExpr)
      return {};
    const Expr &X = M.expr(E);
    return X.Kind == ExprKind::String ? X.Text : std::string();
  }

  Value resolve(ExprId Id, ScopeId From, uint32_t Pos) {
    Value V;
    if (Id == NoExpr || Depth > 48)
      return V;
    ++Depth;
    V = resolveImpl(Id, From, Pos);
    --Depth;
    return V;
  }

  Value resolveImpl(ExprId Id, ScopeId From, uint32_t Pos) {
    const Expr &E = M.expr(Id);
    Value V;
    switch (E.Kind) {
    case ExprKind::Name: {
      const Binding *B = lookup(E.Text, From, Pos);
      if (!B)
        return V;
      // The binding's own value is resolved from where it was bound.
      return fromBinding(*B, E.Text);
    }
    case ExprKind::Attribute: {
      Value Base = resolve(E.Base, From, Pos);
      if (Base.K == Value::QName) {
        Base.Name += "." + E.Text;
        return Base;
      }
      if (Base.K == Value::Instance && Base.Scope != NoScope) {
        ScopeId Method = findMethod(Base.Scope, E.Text);
        if (Method != NoScope) {
          V.K = Value::LocalFunction;
          V.Scope = Method;
          return V;
        }
      }
      if (Base.K == Value::LocalClass) {
        ScopeId Method = findMethod(Base.Scope, E.Text);
        if (Method != NoScope) {
          V.K = Value::LocalFunction;
          V.Scope = Method;
        }
      }
      return V;
    }
    case ExprKind::Call: {
      Value Callee = resolve(E.Base, From, Pos);
      if (Callee.K == Value::LocalClass)
        return instanceOfLocalClass(Callee.Scope, Id);
      if (Callee.K != Value::QName)
        return V;
      std::string Canon = canonicalName(Callee.Name);
      if (Canon == "multiprocessing.get_context") {
        // A context object behaves like the multiprocessing namespace with
        // a fixed start method.
        V.K = Value::QName;
        V.Name = Callee.Name.substr(0, Callee.Name.rfind('.'));
        V.Context = literal(E.Args.empty() ? keyword(E, "method") : E.Args[0]);
        if (V.Context.empty())
          V.Context = Callee.Context;
        return V;
      }
      if (looksLikeClass(Canon)) {
        V.K = Value::Instance;
        V.Name = Canon;
        V.Context = Callee.Context;
        V.ByValue = serializesByValue(Callee.Name);
        V.Origin = Id;
        // ProcessPoolExecutor(mp_context=...), SyncManager(ctx=...)
        if (V.Context.empty())
          for (const char *Kw : {"mp_context", "ctx", "context"}) {
            ExprId Ctx = keyword(E, Kw);
            if (Ctx == NoExpr)
              continue;
            Value C = resolve(Ctx, From, Pos);
            if (C.K == Value::QName)
              V.Context = C.Context;
          }
      }
      return V;
    }
    case ExprKind::Sequence: {
      V.K = Value::Sequence;
      if (!E.Args.empty())
        V.Elem = std::make_shared<Value>(resolve(E.Args[0], From, Pos));
      return V;
    }
    case ExprKind::Lambda:
      V.K = Value::LocalFunction;
      V.Scope = E.LambdaScope;
      return V;
    default:
      return V;
    }
  }

  ExprId keyword(const Expr &Call, const char *Name) const {
    for (const Keyword &K : Call.Keywords)
      if (K.Name == Name)
        return K.Value;
    return NoExpr;
  }

  // --- events -------------------------------------------------------------

  Event makeEvent(EventKind K, const Site &S, uint32_t Index, bool Iteration,
                  Span Range, std::string What) {
    Event Ev;
    Ev.Kind = K;
    Ev.Range = Range;
    Ev.Exec = S.Exec;
    Ev.SiteIndex = Index;
    Ev.IsIteration = Iteration;
    Ev.Guarded = S.Guarded;
    Ev.What = std::move(What);
    return Ev;
  }

  std::string sourceText(ExprId E) const {
    std::string T(M.text(M.expr(E).Range));
    // One line, bounded: it goes into a message.
    for (char &C : T)
      if (C == '\n' || C == '\r' || C == '\t')
        C = ' ';
    if (T.size() > 60)
      T = T.substr(0, 57) + "...";
    return T;
  }

  /// joblib: `backend="multiprocessing"` on Parallel(...), or an enclosing
  /// `with parallel_backend("multiprocessing")` / parallel_config(...).
  bool joblibUsesMultiprocessing(const Value &Parallel, const Site &S) {
    std::string Backend;
    if (Parallel.Origin != NoExpr)
      Backend = literal(keyword(M.expr(Parallel.Origin), "backend"));
    if (Backend.empty()) {
      for (ExprId W : S.WithItems) {
        const Expr &X = M.expr(W);
        if (X.Kind != ExprKind::Call)
          continue;
        Value C = resolve(X.Base, S.In, X.Range.Begin);
        std::string Canon =
            C.K == Value::QName ? canonicalName(C.Name) : std::string();
        if (Canon == "joblib.parallel_backend" ||
            Canon == "joblib.parallel_config") {
          std::string B =
              literal(X.Args.empty() ? keyword(X, "backend") : X.Args[0]);
          if (!B.empty())
            Backend = B;
        }
      }
    }
    return Backend == "multiprocessing";
  }

  void classifyCall(uint32_t Index) {
    const Site &S = M.Calls[Index];
    const Expr &Call = M.expr(S.E);
    if (Call.Base == NoExpr)
      return;
    const Expr &CalleeExpr = M.expr(Call.Base);
    Value Callee = resolve(Call.Base, S.In, Call.Range.Begin);
    std::string What = sourceText(Call.Base);

    if (Callee.K == Value::QName) {
      std::string Canon = canonicalName(Callee.Name);
      if (PickledCall P = pickledByCall(Canon, "");
          P.Count && !serializesByValue(Callee.Name))
        recordPickled(S, Index, Call, P, startMethodOf(Callee, Call, S));
      if (Canon == "multiprocessing.set_start_method") {
        Event Ev = makeEvent(EventKind::SetStartMethod, S, Index, false,
                             Call.Range, What);
        ExprId Force =
            Call.Args.size() >= 2 ? Call.Args[1] : keyword(Call, "force");
        Ev.Force = Force != NoExpr && M.expr(Force).Kind == ExprKind::True;
        Ev.Target =
            literal(Call.Args.empty() ? keyword(Call, "method") : Call.Args[0]);
        M.Events.push_back(std::move(Ev));
        return;
      }
      if (Canon == "multiprocessing.freeze_support" ||
          Canon == "multiprocessing.spawn.freeze_support") {
        M.Events.push_back(makeEvent(EventKind::FreezeSupport, S, Index, false,
                                     Call.Range, What));
        return;
      }
      if (Canon == "multiprocessing.get_context") {
        // Only an explicit request: get_context() and get_context(None)
        // return the default (or the context itself) and name no method.
        if (literal(Call.Args.empty() ? keyword(Call, "method")
                                      : Call.Args[0]) == "fork") {
          Event Ev = makeEvent(EventKind::ForkContext, S, Index, false,
                               Call.Range, What);
          Ev.Target = "fork";
          M.Events.push_back(std::move(Ev));
        }
        return;
      }
      if (startsProcessesWhenCalled(Callee.Name)) {
        std::string Method = startMethodOf(Callee, Call, S);
        bool Torch = isTorchLauncher(Callee.Name);
        if (Torch && Method.empty()) {
          Method = literal(keyword(Call, "start_method"));
          if (Method.empty() && keyword(Call, "start_method") == NoExpr)
            Method = "spawn";
        }
        // A start under an explicit fork context is a Fork, not a
        // ProcessStart: its children do not re-run the module (MPG001).
        EventKind K = Method == "fork" && !Torch ? EventKind::Fork
                                                 : EventKind::ProcessStart;
        Event Ev = makeEvent(K, S, Index, false, Call.Range, What);
        Ev.Target = std::move(Method);
        M.Events.push_back(std::move(Ev));
        return;
      }
      if (forksWhenCalled(Canon)) {
        M.Events.push_back(
            makeEvent(EventKind::Fork, S, Index, false, Call.Range, What));
        return;
      }
      if (takesPreexecFn(Canon)) {
        ExprId Fn = keyword(Call, "preexec_fn");
        if (Fn != NoExpr && M.expr(Fn).Kind != ExprKind::None) {
          Event Ev =
              makeEvent(EventKind::Fork, S, Index, false, Call.Range, What);
          Ev.Target = "preexec_fn";
          M.Events.push_back(std::move(Ev));
        }
        return;
      }
      if (startsThreadWhenCalled(Canon)) {
        Event Ev = makeEvent(EventKind::ThreadStart, S, Index, false,
                             Call.Range, What);
        Ev.Target = boundName(S.E);
        if (WithItems.count(S.E))
          Ev.With = S.E;
        M.Events.push_back(std::move(Ev));
        return;
      }
      if (!isKnownLibraryName(Canon)) {
        Event Ev = makeEvent(EventKind::ExternalCall, S, Index, false,
                             Call.Range, What);
        Ev.Target = Callee.Name;
        Ev.Args = codeArguments(S, Call);
        M.Events.push_back(std::move(Ev));
      }
      return;
    }

    if (Callee.K == Value::LocalFunction || Callee.K == Value::LocalClass) {
      ScopeId Target = Callee.Scope;
      if (Callee.K == Value::LocalClass)
        Target = findMethod(Callee.Scope, "__init__");
      if (Target == NoScope)
        return;
      Event Ev =
          makeEvent(EventKind::LocalCall, S, Index, false, Call.Range, What);
      Ev.Callee = Target;
      Ev.OfInstance = bindsFirstParameter(Callee, CalleeExpr, Target, S);
      Ev.Args = codeArguments(S, Call);
      M.Events.push_back(std::move(Ev));
      return;
    }

    if (Callee.K == Value::Instance && Callee.Name == "joblib.Parallel" &&
        joblibUsesMultiprocessing(Callee, S)) {
      M.Events.push_back(makeEvent(EventKind::ProcessStart, S, Index, false,
                                   Call.Range, What));
      return;
    }

    // obj.start() on a Process or manager; ex.submit()/ex.map() on an
    // executor, whose workers start on first use.
    if (CalleeExpr.Kind == ExprKind::Attribute) {
      Value Obj = resolve(CalleeExpr.Base, S.In, Call.Range.Begin);
      if (Obj.K == Value::Instance && !Obj.ByValue)
        if (PickledCall P = pickledByCall(Obj.Name, CalleeExpr.Text); P.Count)
          recordPickled(S, Index, Call, P, Obj.Context);
      if (Obj.K == Value::Instance &&
          startsProcessesOnMethod(Obj.Name, CalleeExpr.Text)) {
        Event Ev = makeEvent(Obj.Context == "fork" ? EventKind::Fork
                                                   : EventKind::ProcessStart,
                             S, Index, false, Call.Range, What);
        Ev.Target = Obj.Context;
        M.Events.push_back(std::move(Ev));
        return;
      }
      if (Obj.K == Value::Instance &&
          startsThreadOnMethod(Obj.Name, CalleeExpr.Text)) {
        Event Ev = makeEvent(EventKind::ThreadStart, S, Index, false,
                             Call.Range, What);
        Ev.Target = variableText(CalleeExpr.Base);
        Ev.With = joiningWithItem(S, Obj);
        M.Events.push_back(std::move(Ev));
        return;
      }
      classifyJoin(S, Index, Call, CalleeExpr, Obj, What);
    }
  }

  /// Whether a call of \p Callee (written \p CalleeExpr) passes the first
  /// parameter of \p Target implicitly: a class's __init__, a method called
  /// on an instance (not a staticmethod), a classmethod.
  bool bindsFirstParameter(const Value &Callee, const Expr &CalleeExpr,
                           ScopeId Target, const Site &S) {
    if (Callee.K == Value::LocalClass)
      return true;
    const Scope &F = M.Scopes[size_t(Target)];
    if (F.Kind != ScopeKind::Function || F.Parent == NoScope ||
        M.Scopes[size_t(F.Parent)].Kind != ScopeKind::Class ||
        CalleeExpr.Kind != ExprKind::Attribute)
      return false;
    if (F.IsClassMethod)
      return true;
    if (F.IsStaticOrClassMethod)
      return false;
    Value Obj = resolve(CalleeExpr.Base, S.In, CalleeExpr.Range.Begin);
    return Obj.K == Value::Instance;
  }

  /// `v.join()`, `v.shutdown()`, `v.terminate()` (and `v.stop()` of a
  /// QueueListener) where v may hold a thread, an executor or a thread
  /// pool: an object of such a class, or one mpguard does not know (a
  /// loop variable, a parameter, a function's result). Not a module's
  /// function (os.path.join) nor an object of another known class.
  void classifyJoin(const Site &S, uint32_t Index, const Expr &Call,
                    const Expr &CalleeExpr, const Value &Obj,
                    const std::string &What) {
    const std::string &Method = CalleeExpr.Text;
    bool Threads = Obj.K == Value::Instance && holdsThreads(Obj.Name);
    if (!Threads && Obj.K != Value::Unknown)
      return;
    if (Method == "join") {
      // A timeout, or nothing: str.join takes an iterable.
      if (Call.Args.size() > 1)
        return;
      if (Call.Args.size() == 1) {
        // (An argument the facts do not model, `*args` say, is NoExpr.)
        if (Call.Args[0] == NoExpr)
          return;
        ExprKind K = M.expr(Call.Args[0]).Kind;
        if (K != ExprKind::Number && K != ExprKind::None &&
            K != ExprKind::Name && K != ExprKind::Attribute)
          return;
      }
    } else if (Method == "shutdown") {
      ExprId Wait = Call.Args.empty() ? keyword(Call, "wait") : Call.Args[0];
      if (Wait != NoExpr && M.expr(Wait).Kind == ExprKind::False)
        return;
    } else if (Method == "terminate" || (Method == "stop" && Threads)) {
      if (!Call.Args.empty())
        return;
    } else {
      return;
    }
    std::string Var = variableText(CalleeExpr.Base);
    if (Var.empty())
      return;
    Event Ev =
        makeEvent(EventKind::ThreadJoin, S, Index, false, Call.Range, What);
    Ev.Target = std::move(Var);
    M.Events.push_back(std::move(Ev));
  }

  /// "t", "self._worker": a name or a chain of attributes on one; else "".
  std::string variableText(ExprId E) const {
    ExprId Cur = E;
    for (unsigned Hops = 0; Cur != NoExpr && Hops < 16; ++Hops) {
      const Expr &X = M.expr(Cur);
      if (X.Kind == ExprKind::Name)
        return std::string(M.text(M.expr(E).Range));
      if (X.Kind != ExprKind::Attribute)
        return {};
      Cur = X.Base;
    }
    return {};
  }

  /// The name the value of \p Call is assigned to (`t = f()`, `with f() as
  /// t`), or "".
  std::string boundName(ExprId Call) const {
    for (const Binding &B : M.Bindings)
      if (B.Value == Call &&
          (B.Kind == BindingKind::Assign || B.Kind == BindingKind::With))
        return B.Name;
    return {};
  }

  /// The with item among the site's whose exit joins the threads of
  /// \p Obj: the constructor call itself (`with ThreadPoolExecutor() as
  /// ex:`), or an item naming the same object (`with ex:`).
  ExprId joiningWithItem(const Site &S, const Value &Obj) {
    for (ExprId W : S.WithItems) {
      if (W == Obj.Origin && W != NoExpr)
        return W;
      Value V = resolve(W, S.In, M.expr(W).Range.Begin);
      if (V.K == Value::Instance && V.Origin != NoExpr &&
          V.Origin == Obj.Origin)
        return W;
    }
    return NoExpr;
  }

  /// One PickledArgument per argument of \p Call that \p P pickles and that
  /// names code of this module. \p Method is the start method the code
  /// names for the call ("" for the default).
  void recordPickled(const Site &S, uint32_t Index, const Expr &Call,
                     const PickledCall &P, std::string Method) {
    if (*P.StartMethod)
      Method = P.StartMethod;
    // A forked child inherits its target, args and initializer; only tasks
    // are pickled whatever the method.
    if (Method == "fork" && !P.EveryMethod)
      return;
    for (unsigned I = 0; I < P.Count; ++I) {
      const PickledParameter &Param = P.Params[I];
      ExprId Arg = keyword(Call, Param.Keyword);
      if (Arg == NoExpr && size_t(Param.Position) < Call.Args.size())
        Arg = Call.Args[size_t(Param.Position)];
      if (Arg == NoExpr)
        continue;
      if (!Param.Elements) {
        recordPickledValue(S, Index, Call, Arg, P, Method);
        continue;
      }
      // args=(a, b): each element. A name bound to a tuple is not followed.
      if (M.expr(Arg).Kind == ExprKind::Sequence)
        for (ExprId Elem : M.expr(Arg).Args)
          if (Elem != NoExpr)
            recordPickledValue(S, Index, Call, Elem, P, Method);
    }
  }

  /// What argument \p Arg of a call at site \p S names: code of this
  /// module (Code, OfInstance) or a parameter of the function the site is
  /// in (Param); neither if Code is NoScope and Param -1.
  /// \p Unwrapped: the argument inside any functools.partial.
  CallArgument namedCode(const Site &S, ExprId Arg,
                         ExprId *Unwrapped = nullptr) {
    CallArgument Out;
    // functools.partial(f, ...) pickles f (and its arguments, not followed).
    for (unsigned Hops = 0; Hops < 8; ++Hops) {
      const Expr &A = M.expr(Arg);
      if (A.Kind != ExprKind::Call || A.Base == NoExpr || A.Args.empty() ||
          A.Args[0] == NoExpr)
        break;
      Value F = resolve(A.Base, S.In, A.Range.Begin);
      if (F.K != Value::QName || canonicalName(F.Name) != "functools.partial")
        break;
      Arg = A.Args[0];
    }
    const Expr &A = M.expr(Arg);
    Out.Range = A.Range;
    if (Unwrapped)
      *Unwrapped = Arg;
    // obj.method: a method bound to an instance of a local class (`Value`
    // keeps only the method).
    if (A.Kind == ExprKind::Attribute) {
      Value Obj = resolve(A.Base, S.In, A.Range.Begin);
      if (Obj.K == Value::Instance && Obj.Scope != NoScope) {
        Out.Code = findMethod(Obj.Scope, A.Text);
        Out.OfInstance = Out.Code != NoScope &&
                         !M.Scopes[size_t(Out.Code)].IsStaticOrClassMethod;
      }
    }
    if (Out.Code != NoScope)
      return Out;
    if (A.Kind == ExprKind::Name) {
      // A parameter of the function the site is in (not self or cls).
      const Binding *B = lookup(A.Text, S.In, A.Range.Begin);
      if (B && B->Kind == BindingKind::Param && !B->FirstOfMethod &&
          B->In == S.In) {
        const std::vector<std::string> &Params = M.Scopes[size_t(S.In)].Params;
        auto It = std::find(Params.begin(), Params.end(), A.Text);
        if (It != Params.end())
          Out.Param = int32_t(It - Params.begin());
        return Out;
      }
    }
    Value V = resolve(Arg, S.In, A.Range.Begin);
    if (V.K == Value::LocalFunction || V.K == Value::LocalClass) {
      Out.Code = V.Scope;
    } else if (V.K == Value::Instance && V.Scope != NoScope) {
      Out.Code = V.Scope;
      Out.OfInstance = true;
    }
    return Out;
  }

  void recordPickledValue(const Site &S, uint32_t Index, const Expr &Call,
                          ExprId Arg, const PickledCall &P,
                          const std::string &Method) {
    ExprId Unwrapped = Arg;
    CallArgument Named = namedCode(S, Arg, &Unwrapped);
    if (Named.Param >= 0) {
      Event Ev = makeEvent(EventKind::PickledParameter, S, Index, false,
                           Named.Range, sourceText(Call.Base));
      Ev.Target = Method;
      Ev.EveryMethod = P.EveryMethod;
      Ev.Param = Named.Param;
      Ev.ParamName = M.Scopes[size_t(S.In)].Params[size_t(Named.Param)];
      M.Events.push_back(std::move(Ev));
      return;
    }
    if (Named.Code == NoScope) {
      // A function or class of another module: resolved by the linker.
      Value V = resolve(Unwrapped, S.In, Named.Range.Begin);
      if (V.K != Value::QName || V.Name.empty() ||
          isKnownLibraryName(canonicalName(V.Name)))
        return;
      Event Ev = makeEvent(EventKind::PickledExternal, S, Index, false,
                           Named.Range, sourceText(Call.Base));
      Ev.Target = Method;
      Ev.EveryMethod = P.EveryMethod;
      Ev.QName = V.Name;
      M.Events.push_back(std::move(Ev));
      return;
    }
    Event Ev = makeEvent(EventKind::PickledArgument, S, Index, false,
                         Named.Range, sourceText(Call.Base));
    Ev.Target = Method;
    Ev.Callee = Named.Code;
    Ev.EveryMethod = P.EveryMethod;
    Ev.OfInstance = Named.OfInstance;
    M.Events.push_back(std::move(Ev));
  }

  /// The arguments of \p Call that name local code or a parameter, for a
  /// LocalCall or ExternalCall event.
  std::vector<CallArgument> codeArguments(const Site &S, const Expr &Call) {
    std::vector<CallArgument> Out;
    for (size_t I = 0; I < Call.Args.size(); ++I) {
      if (Call.FirstStarred >= 0 && I >= size_t(Call.FirstStarred))
        break;
      if (Call.Args[I] == NoExpr)
        continue;
      CallArgument A = namedCode(S, Call.Args[I]);
      if (A.Code == NoScope && A.Param < 0)
        continue;
      A.Position = int32_t(I);
      Out.push_back(std::move(A));
    }
    for (const Keyword &K : Call.Keywords) {
      if (K.Value == NoExpr || K.Name.empty())
        continue;
      CallArgument A = namedCode(S, K.Value);
      if (A.Code == NoScope && A.Param < 0)
        continue;
      A.Keyword = K.Name;
      Out.push_back(std::move(A));
    }
    return Out;
  }

  /// The start method a process-starting call will use, as far as the code
  /// says: the context it came from, or an executor's mp_context.
  std::string startMethodOf(const Value &Callee, const Expr &Call,
                            const Site &S) {
    if (!Callee.Context.empty())
      return Callee.Context;
    ExprId Ctx = keyword(Call, "mp_context");
    if (Ctx == NoExpr)
      Ctx = keyword(Call, "context"); // Pool(context=...)
    if (Ctx == NoExpr)
      return {};
    Value C = resolve(Ctx, S.In, Call.Range.Begin);
    return C.K == Value::QName ? C.Context : std::string();
  }

  void classifyIteration(uint32_t Index) {
    const Site &S = M.Iterations[Index];
    ExprId Iterated = S.E;
    const Expr &E = M.expr(Iterated);
    // for x in enumerate(loader) / iter(loader) / tqdm(loader) ...
    if (E.Kind == ExprKind::Call && !E.Args.empty() && E.Base != NoExpr &&
        M.expr(E.Base).Kind == ExprKind::Name) {
      const std::string &Fn = M.expr(E.Base).Text;
      if (Fn == "enumerate" || Fn == "iter" || Fn == "list" || Fn == "tqdm" ||
          Fn == "zip")
        Iterated = E.Args[0];
    }
    Value V = resolve(Iterated, S.In, E.Range.Begin);
    if (V.K != Value::Instance || !startsProcessesWhenIterated(V.Name) ||
        V.Origin == NoExpr)
      return;
    const Expr &Ctor = M.expr(V.Origin);
    ExprId Workers = keyword(Ctor, "num_workers");
    if (Workers == NoExpr)
      return; // default 0: iteration stays in this process
    const Expr &W = M.expr(Workers);
    if (W.Kind == ExprKind::Number && W.Text == "0")
      return;
    M.Events.push_back(makeEvent(EventKind::ProcessStart, S, Index, true,
                                 E.Range, "iterating " + sourceText(Iterated)));
  }
};

} // namespace

void resolveEvents(PythonModule &M) {
  M.Events.clear();
  Resolver(M).run();
}

} // namespace python
} // namespace mpguard
