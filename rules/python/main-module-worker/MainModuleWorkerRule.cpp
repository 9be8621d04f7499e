//===- MainModuleWorkerRule.cpp - MPG006 ----------------------------------===//
//
/// A function or class defined in a module that spawn and forkserver
/// children never run again (a package's __main__.py, run with `python -m
/// pkg`, a directory or a zip application; a script named ipython.py),
/// handed to something that pickles it for a child. pickle names it
/// `__main__.work`; multiprocessing's main-module fix-up in the child
/// (spawn.py, _fixup_main_from_name) skips `__main__` and `*.__main__`, so
/// the child's __main__ has no `work` and unpickling fails with
/// "AttributeError: Can't get attribute 'work' on <module '__main__'>".
/// Under fork the child inherits the parent's __main__, so an explicit fork
/// method is not reported. Lambdas and nested code are MPG004's.
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"

namespace mpguard {
namespace {

using namespace python;

class MainModuleWorkerRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG006", "main-module-worker", Language::Python, Severity::Error,
        "function or class of a package __main__.py used as a worker under "
        "spawn or forkserver, whose children cannot import it"};
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

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    if (!M.NotRerunInChildren)
      return;
    std::string Declared = declaredStartMethod(M);
    for (const Event &Ev : M.Events) {
      if (Ev.Kind != EventKind::PickledArgument || Ev.Callee < 0 ||
          size_t(Ev.Callee) >= M.Scopes.size())
        continue;
      reportCode(C, Ev.Range, Ev.Callee, Ev.OfInstance, Ev.What, "",
                 Ev.Target.empty() ? Declared : Ev.Target);
    }
    // Code handed to a function that pickles it: `helpers.run_parallel(work,
    // items)` where run_parallel does `pool.map(fn, items)`.
    for (const project::PickledThroughCall &P :
         project::codePickledThroughCalls(C.Summary)) {
      const Event &At = P.pickledAt();
      const project::WitnessStep &Last = P.Chain.back();
      bool Elsewhere = Last.otherFile(M);
      // The start method the pickling site names, else one set where it is
      // pickled, else here.
      std::string Method = At.Target;
      if (Method.empty())
        Method = declaredStartMethod(*Last.Module);
      if (Method.empty())
        Method = Declared;
      std::string Via = " as parameter `" + P.ParamName + "`, which `" +
                        At.What + "` pickles" +
                        (Elsewhere ? " in " + project::fileName(Last) : "") +
                        ",";
      Finding *F = reportCode(C, P.Arg->Range, P.Arg->Code, P.Arg->OfInstance,
                              P.Call->What, Via, Method);
      if (!F)
        continue;
      std::vector<Note> Notes = P.notes();
      F->Related.insert(F->Related.begin(), Notes.begin(), Notes.end());
    }
  }

private:
  /// Reports \p Code (a scope of C's module) passed to `What` at \p At if
  /// it is module-level code of this module and \p Method ("" for the
  /// default) pickles it; null otherwise.
  static Finding *reportCode(PythonCheck &C, Span At, ScopeId Code,
                             bool OfInstance, const std::string &What,
                             const std::string &Via,
                             const std::string &Method) {
    const PythonModule &M = C.Module;
    // The Runner sets NotRerunInChildren for __main__.py and ipython.py.
    const std::string &Path = M.File->path();
    bool IPython = Path.size() < 11 ||
                   Path.compare(Path.size() - 11, 11, "__main__.py") != 0;
    // The module-level function or class the argument names (the class
    // of a method); lambdas and nested code are MPG004's.
    ScopeId Top = Code;
    bool Nested = M.Scopes[size_t(Top)].Kind == ScopeKind::Lambda;
    while (!Nested && M.Scopes[size_t(Top)].Parent != ModuleScope) {
      Top = M.Scopes[size_t(Top)].Parent;
      Nested = Top == NoScope || M.Scopes[size_t(Top)].Kind != ScopeKind::Class;
    }
    if (Nested)
      return nullptr;
    if (Method == "fork" || (Method.empty() && !C.Target.defaultMayPickle()))
      return nullptr;
    const Scope &Obj = M.Scopes[size_t(Code)];
    const Scope &Def = M.Scopes[size_t(Top)];
    std::string Desc = describe(M, Code, OfInstance);
    std::string Child =
        Method.empty() ? "a child started with the default start method (" +
                             C.Target.defaultsThatPickle() + ")"
                       : "a child started with " + Method;
    std::string Module =
        IPython ? "a script named ipython.py, which" : "a `__main__.py`, which";
    Finding &F = C.report(
        At, Desc + " passed to `" + What + "`" + Via + " is defined in " +
                Module + " " + Child +
                " does not run again: unpickling `__main__." + Obj.QualName +
                "` there fails (AttributeError: Can't get attribute '" +
                Obj.QualName + "' on <module '__main__'>)");
    F.Related.push_back(
        {C.loc(Def.NameRange), "`" + Def.Name + "` is defined here, in " +
                                   (IPython ? "ipython.py" : "`__main__.py`")});
    return &F;
  }

  /// "function `work`", "class `Job`", "instance of `Job`", "method
  /// `Job.run`"
  static std::string describe(const PythonModule &M, ScopeId Code,
                              bool OfInstance) {
    const Scope &Obj = M.Scopes[size_t(Code)];
    std::string Name = "`" + Obj.QualName + "`";
    if (Obj.Kind == ScopeKind::Class)
      return OfInstance ? "instance of class " + Name : "class " + Name;
    if (Obj.Parent != ModuleScope)
      return OfInstance ? "method " + Name + " bound to an instance"
                        : "method " + Name;
    return "function " + Name;
  }
};

} // namespace

const python::PythonRule &mainModuleWorkerRule() {
  static const MainModuleWorkerRule Rule;
  return Rule;
}

} // namespace mpguard
