//===- PythonRule.h - The interface of a Python rule -----------*- C++ -*-===//
//
// A rule reads facts (PythonModule) and summaries (ModuleSummary) and
// reports Findings. It never walks a syntax tree: the frontend's single
// traversal has already produced everything it may ask about.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PYTHON_PYTHONRULE_H
#define MPGUARD_PYTHON_PYTHONRULE_H

#include "core/Finding.h"
#include "core/Targets.h"
#include "project/Project.h"
#include "python/PythonModule.h"

#include <vector>

namespace mpguard {
namespace python {

class PythonCheck {
public:
  PythonCheck(const PythonModule &M, const project::ModuleSummary &S,
              const RuleInfo &Rule, std::vector<Finding> &Out,
              const Targets &T = Targets::everywhere())
      : Module(M), Summary(S), Target(T), Rule(Rule), Out(Out),
        Start(Out.size()) {}

  const PythonModule &Module;
  const project::ModuleSummary &Summary;
  /// The configured platforms and oldest Python version: what a Process or
  /// Pool that names no start method gets.
  const Targets &Target;

  Location loc(Span S) const { return Location{Module.File, S.Begin, S.End}; }

  /// Reports a finding of this rule at \p At; returns it for related notes.
  Finding &report(Span At, std::string Message) {
    Finding F;
    F.Rule = &Rule;
    F.Level = Rule.DefaultSeverity;
    F.Loc = loc(At);
    F.Message = std::move(Message);
    Out.push_back(std::move(F));
    return Out.back();
  }

  /// How many findings this check has reported so far, and the I-th.
  size_t reported() const { return Out.size() - Start; }
  Finding &finding(size_t I) { return Out[Start + I]; }

private:
  const RuleInfo &Rule;
  std::vector<Finding> &Out;
  size_t Start;
};

/// A set of EventKinds, one bit per kind.
using EventMask = uint32_t;
constexpr EventMask eventBit(EventKind K) {
  return EventMask(1) << unsigned(K);
}
constexpr EventMask AnyEvents = ~EventMask(0);
/// Not an event: the module has suppression comments (MPG900 needs them).
/// Also recorded for a file the prefilter rejected whose text mentions
/// them, so a warm run knows whether MPG900 must read it.
constexpr EventMask SuppressionCommentsBit = EventMask(1) << 31;

/// The kinds of event present in a module.
inline EventMask eventsOf(const PythonModule &M) {
  EventMask Mask = 0;
  for (const Event &E : M.Events)
    Mask |= eventBit(E.Kind);
  if (!M.Suppressions.empty())
    Mask |= SuppressionCommentsBit;
  return Mask;
}

/// The start method the module's set_start_method() calls name, when they
/// all name the same one; else "" (the default).
inline std::string declaredStartMethod(const PythonModule &M) {
  std::string Method;
  for (const Event &Ev : M.Events) {
    if (Ev.Kind != EventKind::SetStartMethod || Ev.Target.empty())
      continue;
    if (!Method.empty() && Method != Ev.Target)
      return {};
    Method = Ev.Target;
  }
  return Method;
}

class PythonRule {
public:
  virtual ~PythonRule() = default;
  virtual const RuleInfo &info() const = 0;
  virtual void check(PythonCheck &C) const = 0;
  /// A promise: in a module with no event of these kinds, check() reports
  /// nothing. A warm run uses it to skip loading the facts of such modules
  /// from the cache; the fuzzer checks the promise on every input. With
  /// cross-module analysis it also lists the kinds whose effects the rule
  /// reads through other modules' calls (MPG003: Fork), so that a warm run
  /// reads the modules a cold run keeps for the linker. The default
  /// promises nothing.
  virtual EventMask neededEvents() const { return AnyEvents; }
};

} // namespace python
} // namespace mpguard

#endif
