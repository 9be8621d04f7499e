//===- EmbeddedPythonMultiprocessingRule.cpp - MPG105 ---------------------===//
//
/// Python that a C/C++ program runs in an embedded interpreter.
///
/// The source in a string literal passed to PyRun_SimpleString and the
/// like, py::exec or py::eval (CppFacts: Event::Text) is analyzed as a
/// module whose top level never re-runs in children (an embedded __main__
/// has no file), so the main-guard rules stay quiet; the Python rules that
/// still apply run on it, and every location is mapped back into the
/// literal. Reported by this rule: a process start under spawn or
/// forkserver (named in the code, or the default on a configured platform)
/// in source that never calls multiprocessing.set_executable(): those
/// children start sys.executable, which in an embedding program is the
/// program itself.
///
/// Also: a fork() while the embedded interpreter runs (after Py_Initialize*
/// and before Py_Finalize*) without PyOS_BeforeFork() first, unless the
/// child only execs or _exits (ThreadFlow tracking the interpreter).
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"
#include "output/Uri.h"
#include "project/Project.h"
#include "python/PythonRule.h"
#include "rules/Registry.h"

#include <algorithm>

namespace mpguard {
namespace {

using namespace cpp;

class EmbeddedPythonMultiprocessingRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG105", "embedded-python-multiprocessing", Language::Cpp,
        Severity::Warning,
        "embedded Python that starts spawn/forkserver processes without "
        "multiprocessing.set_executable(), or fork() while the embedded "
        "interpreter runs without PyOS_BeforeFork()"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    for (auto [TU, Fn] : P.functions())
      for (const Block &B : Fn->Blocks)
        for (const Event &E : B.Events)
          if (E.Kind == EventKind::Call && !E.Text.empty() && !E.Pieces.empty())
            embedded(P, *TU, E, Out);
    interpreterForks(P, Out);
  }

private:
  /// The place in the C/C++ file of bytes [Begin, End) of the embedded
  /// source: the piece holding Begin, and the bytes after it in step (an
  /// escape sequence before the spot shifts the column).
  static Location map(const Program &P, const TranslationUnit &TU,
                      const Event &E, uint32_t Begin, uint32_t End) {
    auto PieceOf = [&](uint32_t Offset) -> const TextPiece & {
      auto It = std::upper_bound(
          E.Pieces.begin(), E.Pieces.end(), Offset,
          [](uint32_t O, const TextPiece &Piece) { return O < Piece.Offset; });
      return It == E.Pieces.begin() ? E.Pieces.front() : *(It - 1);
    };
    const TextPiece &First = PieceOf(Begin);
    const TextPiece &Last = PieceOf(End > Begin ? End - 1 : Begin);
    Range R;
    R.File = First.Where.File;
    R.Begin = First.Where.Begin + (Begin - std::min(Begin, First.Offset));
    R.End = &First == &Last ? R.Begin + (End - Begin) : R.Begin;
    return P.location(TU, R);
  }

  void embedded(const Program &P, const TranslationUnit &TU, const Event &E,
                std::vector<Finding> &Out) const {
    const std::string &Host = TU.Files[E.Pieces.front().Where.File];
    auto File = std::make_shared<const SourceFile>(
        displayPath(Host), Host + "#embedded-python", E.Text);
    python::ParseFailure Error;
    std::unique_ptr<python::PythonModule> M =
        python::buildPythonModule(File, Error);
    if (!M)
      return; // not Python that parses: nothing to say about it
    // An embedded __main__ has no file: children never re-run it.
    M->NotRerunInChildren = true;
    std::string Passed = "the Python source is passed to `" + E.Api + "` here";

    std::vector<Finding> Found;
    std::string Defaults;
    for (const std::string &D : P.NonForkDefaults)
      Defaults += (Defaults.empty() ? "" : "; ") + D;
    startsWithoutExecutable(*M, Defaults, Found);
    project::ModuleSummary Summary = project::summarize(*M);
    for (const python::PythonRule *R : pythonRules())
      if (P.Enabled.count(R->info().Code)) {
        python::PythonCheck C(*M, Summary, R->info(), Found);
        R->check(C);
      }
    for (Finding &F : Found) {
      Location L = map(P, TU, E, F.Loc.Begin, F.Loc.End);
      if (!L.File)
        continue;
      F.Loc = L;
      F.Fixes.clear(); // edits of the Python text, not of the C/C++ file
      std::vector<Note> Related;
      for (Note &N : F.Related)
        if (N.Loc.File == File)
          if (Location NL = map(P, TU, E, N.Loc.Begin, N.Loc.End); NL.File)
            Related.push_back({NL, std::move(N.Message)});
      P.addNote(TU, E.Where, Passed, Related);
      F.Related = std::move(Related);
      Out.push_back(std::move(F));
    }
  }

  /// Process starts under spawn or forkserver in source that never names
  /// a Python interpreter with multiprocessing.set_executable().
  void startsWithoutExecutable(const python::PythonModule &M,
                               const std::string &NonForkDefaults,
                               std::vector<Finding> &Out) const {
    for (const python::Site &S : M.Calls) {
      const python::Expr &Call = M.expr(S.E);
      if (Call.Base == python::NoExpr)
        continue;
      const python::Expr &Callee = M.expr(Call.Base);
      if ((Callee.Kind == python::ExprKind::Attribute ||
           Callee.Kind == python::ExprKind::Name) &&
          Callee.Text == "set_executable")
        return;
    }
    std::string SetMethod;
    for (const python::Event &Ev : M.Events)
      if (Ev.Kind == python::EventKind::SetStartMethod)
        SetMethod = Ev.Target;
    for (const python::Event &Ev : M.Events) {
      if (Ev.Kind != python::EventKind::ProcessStart)
        continue;
      std::string Method = Ev.Target.empty() ? SetMethod : Ev.Target;
      std::string Why;
      if (Method == "spawn" || Method == "forkserver")
        Why = "it uses " + Method;
      else if (Method.empty() && !NonForkDefaults.empty())
        Why = "the default start method is not fork on " + NonForkDefaults;
      else
        continue;
      Finding F;
      F.Rule = &info();
      F.Level = info().DefaultSeverity;
      F.Loc = Location{M.File, Ev.Range.Begin, Ev.Range.End};
      F.Message =
          "`" + Ev.What + "` in embedded Python starts processes (" + Why +
          ") without multiprocessing.set_executable(): they start "
          "sys.executable, which in an embedding program is the program "
          "itself, not a Python interpreter; name one with "
          "multiprocessing.set_executable()";
      Out.push_back(std::move(F));
    }
  }

  void interpreterForks(const Program &P, std::vector<Finding> &Out) const {
    ThreadFlow Flow(P, ThreadFlow::Tracked::Interpreter);
    for (const ThreadFlow::ForkAfterThread &X : Flow.forksAfterThreads()) {
      if (ThreadFlow::forksSafely(P, X))
        continue; // the child only execs or _exits
      Finding F;
      if (!finding(P, *X.TU, X.At->Where,
                   ThreadFlow::describeFork(X) +
                       " while the embedded Python interpreter runs, "
                       "without PyOS_BeforeFork() first: the child's "
                       "interpreter can be left with the GIL or import "
                       "locks held by threads it does not have; call "
                       "PyOS_BeforeFork() before the fork and "
                       "PyOS_AfterFork_Parent()/PyOS_AfterFork_Child() "
                       "after it",
                   F))
        continue;
      addWitnessNotes(P, *X.Thread, "the interpreter runs from here",
                      F.Related);
      if (X.Fork->Inner)
        addWitnessNotes(P, *X.Fork->Inner, "forks here", F.Related);
      Out.push_back(std::move(F));
    }
  }
};

} // namespace

const cpp::CppRule &embeddedPythonMultiprocessingRule() {
  static const EmbeddedPythonMultiprocessingRule R;
  return R;
}

} // namespace mpguard
