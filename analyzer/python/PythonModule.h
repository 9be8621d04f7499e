//===- PythonModule.h - Facts about one Python module ----------*- C++ -*-===//
//
// The Python frontend turns one file into a PythonModule in a single
// tree-sitter traversal (FactBuilder). The facts are syntactic and small:
// scopes, name bindings, a compact expression table for the expressions that
// name things (names, attributes, calls, literals, sequences), call and
// iteration sites with their guard state, guard regions and the module's
// top-level statements. Resolver then gives names their meaning (imports,
// aliases, contexts, rebinding, local functions and classes) and derives
// Events (process starts, set_start_method, get_context("fork"), calls of
// local code, local code handed to pickle, thread starts and joins, forks),
// which is all the rules and project/ read. Rules never see a syntax tree.
//
// Cross-module analysis extends this without a rewrite: unresolved imports
// stay as qualified names ("helpers.run_all") on Events of kind ExternalCall,
// which project/ can map onto another module's summaries.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PYTHON_PYTHONMODULE_H
#define MPGUARD_PYTHON_PYTHONMODULE_H

#include "core/Finding.h"
#include "core/SourceFile.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mpguard {
namespace python {

struct Span {
  uint32_t Begin = 0;
  uint32_t End = 0;
};

using ExprId = int32_t;
using ScopeId = int32_t;
constexpr ExprId NoExpr = -1;
constexpr ScopeId NoScope = -1;
constexpr ScopeId ModuleScope = 0;

enum class ExprKind : uint8_t {
  Name,      // Text = identifier
  Attribute, // Base.Text
  Call,      // Base(Args..., Keywords...)
  String,    // Text = value of a plain (non-f) string literal
  Number,    // Text = literal
  True,
  False,
  None,
  Sequence, // list/tuple/set/comprehension: Args = element expressions
  Lambda,   // LambdaScope
};

struct Keyword {
  std::string Name;
  ExprId Value = NoExpr;
};

struct Expr {
  ExprKind Kind;
  Span Range;
  std::string Text;
  ExprId Base = NoExpr;
  std::vector<ExprId> Args;
  std::vector<Keyword> Keywords;
  ScopeId LambdaScope = NoScope;
  /// Call: how many of Args come before the first `*iterable` argument
  /// (whose elements take the positions after); -1 if there is none.
  int32_t FirstStarred = -1;
};

enum class ScopeKind : uint8_t { Module, Function, Class, Lambda };

/// A name a function or lambda reads without binding it: its first use.
struct NameUse {
  std::string Name;
  Span First;
};

/// `base.attr` a function or lambda reads where `base` is one of its
/// FreeNames (a module global: typically an imported module): first use.
struct AttributeUse {
  std::string Base;
  std::string Attr;
  Span First;
};

struct Scope {
  ScopeKind Kind;
  std::string Name;     // "f", "C", "<lambda>", "<module>"
  std::string QualName; // "C.f", "outer.<locals>.inner"
  ScopeId Parent = NoScope;
  /// Where the scope's body runs: itself for functions and lambdas; for a
  /// class body, the scope that executes the class statement.
  ScopeId Exec = NoScope;
  Span NameRange;                   // the identifier after def/class
  Span Range;                       // the whole definition
  std::vector<ExprId> Bases;        // classes: base class expressions
  std::vector<std::string> Globals; // functions: names declared global
  bool IsStaticOrClassMethod = false;
  bool IsClassMethod = false; // @classmethod (IsStaticOrClassMethod too)
  /// Functions and lambdas: their parameters' names in order (self and cls
  /// included; not *args nor **kwargs), to match a call's arguments.
  std::vector<std::string> Params;
  /// How many of Params a call can pass by position (those before a bare
  /// `*` or `*args`), and how many it cannot pass by keyword (before `/`).
  uint16_t PositionalParams = 0;
  uint16_t PositionalOnlyParams = 0;
  /// Functions and lambdas: the names their own code reads (not in nested
  /// scopes) that neither they nor an enclosing function bind, in order of
  /// first use: module globals (a `global` name included), builtins, or
  /// undefined names.
  std::vector<NameUse> FreeNames;
  /// Functions and lambdas: `name.attr` reads whose `name` is in FreeNames,
  /// first use per pair, in order (`config.SCALE`).
  std::vector<AttributeUse> FreeAttributes;
};

/// An assignment to an attribute of a name, `name.attr = v` or augmented
/// (`config.SCALE = 3`, `config.SCALE += 1`): for MPG005's module
/// attributes set only by the main process.
struct AttributeAssign {
  std::string Base;
  std::string Attr;
  Span Range; // the target `name.attr`
  ScopeId In = NoScope;
  bool Guarded = false;
};

enum class BindingKind : uint8_t {
  Import,     // import a.b [as x]: Module = "a" (or "a.b" with alias)
  ImportFrom, // from m import n [as x]: Module = m (leading dots kept), Member
  Wildcard,   // from m import *
  Assign,     // x = Value (Value may be NoExpr: unknown)
  Def,        // def / class: Target
  Loop,       // for x in Value / comprehension variable
  With,       // with Value as x
  Param,      // function parameter (FirstOfMethod for self/cls)
};

struct Binding {
  std::string Name;
  BindingKind Kind;
  ScopeId In = NoScope;   // scope the name lives in
  ScopeId From = NoScope; // scope whose code binds it (resolves Value)
  uint32_t Pos = 0;       // visible to code at or after this byte
  std::string Module;
  std::string Member;
  ExprId Value = NoExpr;
  ScopeId Target = NoScope;
  bool FirstOfMethod = false;
  bool Guarded = false;
  Span Range;
};

/// One arm of an if/elif/else or match chain. Two sites with the same If but
/// different Arm never run in the same pass.
struct BranchStep {
  uint32_t If;
  uint16_t Arm;
};

/// An if/elif chain that ends in else: every pass runs one of its Arms.
struct ExhaustiveIf {
  uint32_t If;
  uint16_t Arms;
};

struct Site {
  ExprId E = NoExpr; // the call, or the iterated expression
  ScopeId In = NoScope;
  ScopeId Exec = NoScope;
  bool Guarded = false;
  /// Inside `try:` whose handlers catch RuntimeError (or broader).
  bool CatchesRuntimeError = false;
  std::vector<BranchStep> Branches;
  std::vector<ExprId> WithItems; // enclosing with-statement items, same scope
};

enum class GuardKind : uint8_t {
  NameEqualsMain,  // if __name__ == "__main__" (and variants)
  ElseOfNotMain,   // else of if __name__ != "__main__"
  EarlyExit,       // if __name__ != "__main__": sys.exit() — rest of block
  MatchCase,       // match __name__: case "__main__":
  MainProcessName, // current_process().name == "MainProcess"
  NoParentProcess, // parent_process() is None
};

struct GuardRegion {
  GuardKind Kind;
  ScopeId In;
  Span Condition; // the test (or the early-exit statement)
  Span Body;      // the region that only runs in the main process
  Span Statement; // the whole if/match statement
};

enum class StmtKind : uint8_t {
  Import,
  FunctionDef,
  ClassDef,
  Assign,
  Expression,
  Guard,
  Other,
};

/// A top-level statement of the module, in order (for fixes and summaries).
struct Statement {
  StmtKind Kind;
  Span Range;
  bool Guarded;
};

/// A suppression comment: `# mpguard: ignore`, `# mpguard: ignore[MPG001,
/// unguarded-set-start-method]` or `# noqa: MPG001` (a bare `# noqa` is
/// not one: it is usually meant for another linter, and mpguard's findings
/// are not style).
struct Suppression {
  uint32_t Line = 0;              // 1-based line of the comment
  Span Range;                     // the comment
  bool All = false;               // `# mpguard: ignore` without a list
  std::vector<std::string> Codes; // codes or slugs, as written
};

/// Whether a text may hold a suppression comment: the cheap test before
/// the comment pass (FactBuilder) and before the prefilter lets a file with
/// only comments through (MPG900).
inline bool mayHoldSuppressions(std::string_view Text) {
  return Text.find("noqa") != std::string_view::npos ||
         Text.find("mpguard:") != std::string_view::npos;
}

/// New kinds go at the end: a kind's value is its bit in an EventMask (and in
/// the facts cache's stat index), and ModuleCodec validates against the last.
enum class EventKind : uint8_t {
  ProcessStart,   // Pool(), Process.start(), executor, manager, ...
  SetStartMethod, // multiprocessing.set_start_method(...)
  LocalCall,      // a call of a function/method/class defined in this module
  ExternalCall,   // a call of a name imported from elsewhere (not resolved)
  ForkContext,    // multiprocessing.get_context("fork"); no effect on callers
  /// An argument that a process start or a pool task pickles (with pickle,
  /// not dill) and that is code of this module: Callee. See PickledCall in
  /// KnownApis.h; none for a Process target under an explicit fork context,
  /// which is inherited, not pickled. No effect on callers.
  PickledArgument,
  /// multiprocessing.freeze_support() (drop-ins and contexts included). No
  /// effect on callers.
  FreezeSupport,
  /// A thread starts: Thread/Timer (and local subclasses) .start(),
  /// _thread.start_new_thread, a ThreadPoolExecutor's submit/map (workers
  /// start on first use), ThreadPool/multiprocessing.dummy.Pool creation,
  /// logging.handlers.QueueListener.start(). Target: the variable that holds
  /// the thread or pool ("t", "self._worker"; "" when none); With: the with
  /// item whose exit joins it, if any. No effect on callers by itself (see
  /// project::Effect::LeavesThreadRunning).
  ThreadStart,
  /// `v.join()`, `v.shutdown()` (not wait=False), `v.terminate()` on a
  /// variable that may hold a thread, executor or thread pool. Target: "v".
  ThreadJoin,
  /// The process forks: os.fork(), os.forkpty(), pty.fork() (Target ""), a
  /// process start under an explicit fork context (Target "fork"; these make
  /// no ProcessStart), subprocess with preexec_fn= (Target "preexec_fn").
  Fork,
  /// A parameter of the function the site is in (Exec) that a process
  /// start or a pool task pickles, as for PickledArgument: Param, ParamName;
  /// Target and EveryMethod as for PickledArgument. Callers that pass code
  /// of theirs in its place hand it to pickle (project::ModuleSummary::
  /// Pickles). Gives its function project::Effect::PicklesParameter.
  PickledParameter,
  /// As PickledArgument, for an argument that names a function or class of
  /// another module (`work.scale` after `import work`): QName is its
  /// qualified name as the code writes it (ExternalCall's form), for the
  /// linker to resolve; Callee is NoScope. No effect on callers.
  PickledExternal,
};

/// An argument of a LocalCall or ExternalCall that names code of this
/// module (as a PickledArgument would: a function, lambda, class or method,
/// an instance of a local class or a method bound to one) or a parameter of
/// the function the call is in.
struct CallArgument {
  Span Range;
  int32_t Position = -1; // among the call's positional arguments; -1: Keyword
  std::string Keyword;
  ScopeId Code = NoScope; // the code it names
  bool OfInstance = false;
  int32_t Param = -1; // or: the index of the parameter (Scope::Params)
};

struct Event {
  EventKind Kind;
  Span Range;
  ScopeId Exec = NoScope;
  uint32_t SiteIndex = 0; // into Calls or Iterations (IsIteration)
  bool IsIteration = false;
  bool Guarded = false;
  bool Force = false; // set_start_method(..., force=True)
  std::string What;   // source text of the callee, for messages
  std::string Target; // ExternalCall: qualified name; SetStartMethod: method;
                      // ProcessStart: the start method the code names
                      // ("spawn", "forkserver"; "" for the default);
                      // ForkContext: "fork"; PickledArgument: as for
                      // ProcessStart ("fork" too for pool tasks)
  ScopeId Callee = NoScope; // LocalCall; PickledArgument: the function,
                            // lambda, class or method the argument names
  /// PickledArgument: pickled under every start method (the function of a
  /// pool or executor task), not only under spawn and forkserver.
  bool EveryMethod = false;
  /// PickledArgument: an instance of the class Callee, or the method Callee
  /// bound to an instance. LocalCall: the callee receives its first
  /// parameter implicitly (a method called on an instance, a class's
  /// __init__, a classmethod).
  bool OfInstance = false;
  /// ThreadStart: the with item (in the site's WithItems, or the call
  /// itself) whose exit joins the thread(s).
  ExprId With = NoExpr;
  /// PickledParameter: the parameter (index into the Exec scope's Params).
  int32_t Param = -1;
  std::string ParamName;
  /// LocalCall, ExternalCall: the arguments naming local code or a
  /// parameter (positional ones before any `*iterable` only).
  std::vector<CallArgument> Args;
  /// PickledExternal: the argument's qualified name ("work.scale").
  std::string QName;
};

class PythonModule {
public:
  SourceFileRef File;
  std::string ModuleName; // dotted name guessed from the path ("pkg.mod")
  /// The file's top-level code never re-runs in spawn/forkserver children:
  /// a package __main__.py, or a script named ipython.py.
  bool NotRerunInChildren = false;
  /// Set by the driver when a freeze configuration of the analyzed project
  /// (a PyInstaller spec, a cx_Freeze setup) builds an executable from this
  /// file: where it names the file, and how to say so ("PyInstaller spec
  /// app.spec"). Not facts of the file: never cached.
  struct FreezeConfig {
    Location Names;
    std::string Describe;
  };
  std::shared_ptr<const FreezeConfig> FrozenEntry;

  std::vector<Expr> Exprs;
  std::vector<Scope> Scopes; // [0] is the module
  std::vector<Binding> Bindings;
  std::vector<Site> Calls;
  std::vector<Site> Iterations;
  std::vector<GuardRegion> Guards;
  std::vector<ExhaustiveIf> ExhaustiveIfs;
  std::vector<Statement> TopLevel;
  std::vector<AttributeAssign> AttributeAssigns;
  /// String literals that span lines: their inner lines are text, and a
  /// rewrite that re-indents code must leave them alone.
  std::vector<Span> MultilineStrings;
  /// Simple statements (not if/for/def/...) that span several lines: a
  /// suppression on their first line covers them.
  std::vector<Span> MultilineStatements;
  std::vector<Suppression> Suppressions;

  // Filled by Resolver.
  std::vector<Event> Events;

  const Expr &expr(ExprId Id) const { return Exprs[size_t(Id)]; }
  std::string_view text(Span S) const {
    return File->text().substr(S.Begin, S.End - S.Begin);
  }
};

/// Builds the module's facts from its source (one parse, one traversal) and
/// resolves them. Sets \p Error (and returns null) on a syntax error or a
/// tree nested too deeply to analyze.
struct ParseFailure {
  enum Kind { Syntax, TooDeep } K = Syntax;
  std::string Message;
  uint32_t Offset = 0;
};
std::unique_ptr<PythonModule> buildPythonModule(SourceFileRef File,
                                                ParseFailure &Error);

/// Resolves names and derives Events (Resolver.cpp).
void resolveEvents(PythonModule &M);

/// Whether two sites can run in the same pass (not in different arms of one
/// if/elif/else or match).
bool mayRunTogether(const Site &A, const Site &B);

} // namespace python
} // namespace mpguard

#endif
