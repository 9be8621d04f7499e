//===- ExplicitForkMethodRule.cpp - MPG007 --------------------------------===//
//
/// Code that asks for the fork start method by name:
/// `set_start_method("fork")` and `get_context("fork")` (through aliases and
/// the drop-ins the Resolver maps), once per call site, guarded or not. A
/// portability note: fork does not exist on Windows, is unsafe on macOS, and
/// a forked child of a process with threads can deadlock. The unsafe fix
/// asks for spawn instead.
//
//===----------------------------------------------------------------------===//
#include "python/PythonRule.h"

#include <optional>

namespace mpguard {
namespace {

using namespace python;

class ExplicitForkMethodRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG007", "explicit-fork-method", Language::Python, Severity::Note,
        "explicit fork start method: unavailable on Windows, unsafe on macOS, "
        "deadlock-prone with threads"};
    return Info;
  }

  // Every finding is a SetStartMethod or a ForkContext event.
  EventMask neededEvents() const override {
    return eventBit(EventKind::SetStartMethod) |
           eventBit(EventKind::ForkContext);
  }

  void check(PythonCheck &C) const override {
    for (const Event &Ev : C.Module.Events) {
      bool Asks = (Ev.Kind == EventKind::SetStartMethod ||
                   Ev.Kind == EventKind::ForkContext) &&
                  Ev.Target == "fork";
      if (!Asks)
        continue;
      Finding &F = C.report(
          Ev.Range,
          "`" + Ev.What +
              "` asks for the fork start method: fork is unavailable on "
              "Windows, unsafe on macOS (where the default is spawn since "
              "Python 3.8, because system libraries may crash in a forked "
              "child), and forking a process that has threads can deadlock "
              "the child (Python 3.12+ warns with a DeprecationWarning); "
              "prefer spawn or forkserver, or document why fork is needed");
      if (auto Fx = planSpawn(C.Module, Ev))
        F.Fixes.push_back(std::move(*Fx));
    }
  }

private:
  /// Replaces `fork` in the method's string literal with `spawn`, keeping
  /// its quotes and prefix. None when the literal's source does not spell
  /// `fork` exactly once (escapes, implicit concatenation).
  static std::optional<Fix> planSpawn(const PythonModule &M, const Event &Ev) {
    if (Ev.IsIteration || Ev.SiteIndex >= M.Calls.size())
      return std::nullopt;
    const Expr &Call = M.expr(M.Calls[Ev.SiteIndex].E);
    if (Call.Kind != ExprKind::Call)
      return std::nullopt;
    ExprId Arg = NoExpr;
    if (!Call.Args.empty())
      Arg = Call.Args[0];
    else
      for (const Keyword &K : Call.Keywords)
        if (K.Name == "method")
          Arg = K.Value;
    if (Arg == NoExpr)
      return std::nullopt;
    const Expr &Lit = M.expr(Arg);
    if (Lit.Kind != ExprKind::String || Lit.Text != "fork")
      return std::nullopt;
    std::string_view Source = M.text(Lit.Range);
    size_t At = Source.find("fork");
    if (At == std::string_view::npos ||
        Source.find("fork", At + 1) != std::string_view::npos)
      return std::nullopt;
    Fix Fx;
    Fx.Message = "Use the spawn start method";
    Fx.Applic = Applicability::Unsafe;
    Edit E;
    E.Begin = Lit.Range.Begin + uint32_t(At);
    E.End = E.Begin + 4;
    E.Replacement = "spawn";
    Fx.Edits.push_back(std::move(E));
    return Fx;
  }
};

} // namespace

const python::PythonRule &explicitForkMethodRule() {
  static const ExplicitForkMethodRule Rule;
  return Rule;
}

} // namespace mpguard
