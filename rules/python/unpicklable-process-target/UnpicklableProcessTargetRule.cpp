//===- UnpicklableProcessTargetRule.cpp - MPG004 --------------------------===//
//
/// Code that pickle cannot serialize, handed to something that pickles it:
/// a lambda, a function or class defined inside a function, an instance of
/// such a class or a method bound to one, as a Process target or args, a
/// Pool or ProcessPoolExecutor initializer, or the function of a pool or
/// executor task. pickle stores functions and classes by qualified name, and
/// a child cannot look up `main.<locals>.work` or `<lambda>`. Under spawn and
/// forkserver the Process and its initializer are pickled; under fork they
/// are inherited, so an explicit fork context is not reported. Tasks are
/// pickled under every start method. The Resolver records the arguments
/// (PickledArgument events) and leaves out dill-based drop-ins.
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"

namespace mpguard {
namespace {

using namespace python;

class UnpicklableProcessTargetRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG004", "unpicklable-process-target", Language::Python,
        Severity::Error,
        "lambda, nested function or local class handed to a process or pool "
        "that pickles it"};
    return Info;
  }

  // A finding is a PickledArgument event, or an argument of a call (local
  // or into another module) whose callee pickles it (ModuleSummary::
  // Pickles), which needs the callee's PickledParameter too when local.
  EventMask neededEvents() const override {
    return eventBit(EventKind::PickledArgument) |
           eventBit(EventKind::LocalCall) | eventBit(EventKind::ExternalCall) |
           eventBit(EventKind::PickledParameter);
  }

  /// A Process whose target is pickled only when it starts, assigned to a
  /// name that the scope neither starts (`p.start()`) nor uses otherwise
  /// (passes, returns, stores): nothing is ever pickled. CPython's own tests
  /// build such objects to test other things.
  static bool neverStarted(const PythonModule &M, const Event &Ev) {
    if (Ev.IsIteration || Ev.SiteIndex >= M.Calls.size())
      return false;
    const Site &S = M.Calls[Ev.SiteIndex];
    const Binding *Var = nullptr;
    for (const Binding &B : M.Bindings)
      if (B.Kind == BindingKind::Assign && B.Value == S.E && B.In == S.In &&
          M.Scopes[size_t(B.In)].Kind == ScopeKind::Function)
        Var = &B;
    if (!Var)
      return false;
    const Scope &In = M.Scopes[size_t(Var->In)];
    std::vector<bool> IsBase(M.Exprs.size(), false);
    for (const Expr &E : M.Exprs)
      if (E.Kind == ExprKind::Attribute && E.Base != NoExpr) {
        IsBase[size_t(E.Base)] = true;
        // `p.start()` starts it.
        const Expr &B = M.expr(E.Base);
        if (E.Text == "start" && B.Kind == ExprKind::Name &&
            B.Text == Var->Name && In.Range.Begin <= B.Range.Begin &&
            B.Range.End <= In.Range.End)
          return false;
      }
    // Any other use of the name (an argument, a return, an element) may
    // hand it to code that starts it.
    for (size_t I = 0; I < M.Exprs.size(); ++I) {
      const Expr &E = M.Exprs[I];
      if (E.Kind == ExprKind::Name && E.Text == Var->Name && !IsBase[I] &&
          In.Range.Begin <= E.Range.Begin && E.Range.End <= In.Range.End &&
          !(Var->Range.Begin <= E.Range.Begin && E.Range.End <= Var->Range.End))
        return false;
    }
    return true;
  }

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    std::string Declared = declaredStartMethod(M);
    for (const Event &Ev : M.Events) {
      if (Ev.Kind != EventKind::PickledArgument ||
          size_t(Ev.Callee) >= M.Scopes.size())
        continue;
      // (Only for what may be reported: the test reads every expression.)
      bool Local = M.Scopes[size_t(Ev.Callee)].Kind == ScopeKind::Lambda ||
                   enclosingFunction(M, Ev.Callee) != NoScope;
      if (Local && !Ev.EveryMethod && neverStarted(M, Ev))
        continue;
      std::string Method = Ev.Target.empty() ? Declared : Ev.Target;
      reportCode(C, Ev.Range, Ev.Callee, Ev.OfInstance, Ev.What, "", Method,
                 Ev.EveryMethod, Ev.Target.empty() ? "this module sets" : "");
    }
    // Code handed to a function that pickles it: `run_parallel(lambda x:
    // x, items)` where run_parallel does `pool.map(fn, items)`.
    for (const project::PickledThroughCall &P :
         project::codePickledThroughCalls(C.Summary)) {
      const Event &At = P.pickledAt();
      const project::WitnessStep &Last = P.Chain.back();
      bool Elsewhere = Last.otherFile(M);
      std::string Method = At.Target, SetBy;
      if (Method.empty() && !At.EveryMethod) {
        // A start method set where it is pickled, or here.
        Method = declaredStartMethod(*Last.Module);
        SetBy =
            Elsewhere ? project::fileName(Last) + " sets" : "this module sets";
        if (Method.empty()) {
          Method = Declared;
          SetBy = "this module sets";
        }
      }
      std::string Via = " as parameter `" + P.ParamName + "`, which `" +
                        At.What + "` pickles" +
                        (Elsewhere ? " in " + project::fileName(Last) : "") +
                        ",";
      Finding *F = reportCode(C, P.Arg->Range, P.Arg->Code, P.Arg->OfInstance,
                              P.Call->What, Via, Method, At.EveryMethod, SetBy);
      if (!F)
        continue;
      std::vector<Note> Notes = P.notes();
      F->Related.insert(F->Related.begin(), Notes.begin(), Notes.end());
    }
  }

private:
  /// Reports \p Code (a scope of C's module) passed to `What` at \p At if
  /// pickle cannot find it, under start method \p Method (from the event
  /// or set by \p SetBy: "this module sets"; "" if the code names it) or
  /// under every method; null if it is fine.
  static Finding *reportCode(PythonCheck &C, Span At, ScopeId Code,
                             bool OfInstance, const std::string &What,
                             const std::string &Via, const std::string &Method,
                             bool EveryMethod, const std::string &SetBy) {
    const PythonModule &M = C.Module;
    ScopeId Local = enclosingFunction(M, Code);
    const Scope &Obj = M.Scopes[size_t(Code)];
    if (Obj.Kind != ScopeKind::Lambda && Local == NoScope)
      return nullptr;
    std::string Why;
    if (EveryMethod) {
      Why = "a pool or an executor pickles its tasks whatever the start "
            "method, so this fails under every start method";
    } else if (Method == "fork") {
      return nullptr; // inherited by the forked child, never pickled
    } else if (!Method.empty() && !SetBy.empty()) {
      Why = "the " + Method + " start method " + SetBy +
            " pickles it in the parent";
    } else if (!Method.empty()) {
      Why = "the " + Method + " start method pickles it in the parent";
    } else {
      Why = "the default start method pickles it in the parent (spawn on "
            "macOS and Windows, forkserver on Linux from Python 3.14)";
    }
    Finding &F =
        C.report(At, describe(M, Code, OfInstance) + " passed to `" + What +
                         "`" + Via + " cannot be pickled; " + Why);
    // Where it is defined, when that is not the argument itself: the
    // lambda, or what the function defines (the class of a method).
    if (Obj.Kind == ScopeKind::Lambda) {
      if (Obj.Range.Begin < At.Begin || Obj.Range.End > At.End)
        F.Related.push_back({C.loc(Obj.Range), "the lambda is defined here"});
      return &F;
    }
    ScopeId Def = Code;
    while (M.Scopes[size_t(Def)].Parent != Local)
      Def = M.Scopes[size_t(Def)].Parent;
    const Scope &D = M.Scopes[size_t(Def)];
    F.Related.push_back(
        {C.loc(D.NameRange), "`" + D.Name + "` is defined inside `" +
                                 M.Scopes[size_t(Local)].QualName + "`"});
    return &F;
  }

  /// The innermost function or lambda that \p S is defined in, if any:
  /// pickle cannot find what it defines by qualified name.
  static ScopeId enclosingFunction(const PythonModule &M, ScopeId S) {
    for (ScopeId P = M.Scopes[size_t(S)].Parent; P != NoScope;
         P = M.Scopes[size_t(P)].Parent)
      if (M.Scopes[size_t(P)].Kind == ScopeKind::Function ||
          M.Scopes[size_t(P)].Kind == ScopeKind::Lambda)
        return P;
    return NoScope;
  }

  /// "lambda", "nested function `main.<locals>.work`", ...
  static std::string describe(const PythonModule &M, ScopeId Code,
                              bool OfInstance) {
    const Scope &Obj = M.Scopes[size_t(Code)];
    std::string Name = "`" + Obj.QualName + "`";
    switch (Obj.Kind) {
    case ScopeKind::Lambda:
      return "lambda";
    case ScopeKind::Class:
      return OfInstance ? "instance of local class " + Name
                        : "local class " + Name;
    default:
      break;
    }
    bool Method = Obj.Parent != NoScope &&
                  M.Scopes[size_t(Obj.Parent)].Kind == ScopeKind::Class;
    if (Method)
      return OfInstance ? "method " + Name +
                              " bound to an instance of a "
                              "local class"
                        : "method " + Name + " of a local class";
    return "nested function " + Name;
  }
};

} // namespace

const python::PythonRule &unpicklableProcessTargetRule() {
  static const UnpicklableProcessTargetRule Rule;
  return Rule;
}

} // namespace mpguard
