//===- CxxForkAfterThreadRule.cpp - MPG101 --------------------------------===//
//
/// fork() (vfork, _Fork, daemon), or a call of a function that forks, on a
/// path where a thread started earlier and was not joined (ThreadFlow).
/// Not reported: a fork whose child only makes async-signal-safe calls
/// before exec*/_exit on every path, the one safe way to fork in a
/// threaded program (MPG102 checks the child's calls).
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"

namespace mpguard {
namespace {

using namespace cpp;

class CxxForkAfterThreadRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG101", "cxx-fork-after-thread", Language::Cpp, Severity::Warning,
        "fork() after a thread was started and not joined on the same path"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    ThreadFlow Flow(P);
    for (const ThreadFlow::ForkAfterThread &X : Flow.forksAfterThreads()) {
      const Witness &Forked = X.Fork->innermost();
      // The safe fork-exec pattern: the child ends in exec/_exit on every
      // path and calls nothing else that could need another thread's lock.
      if (ChildWalk W = walkChild(P, *Forked.TU, *Forked.In, *Forked.At);
          W.safe() && !W.ReachesEnd)
        continue;
      Finding F;
      F.Rule = &info();
      F.Level = info().DefaultSeverity;
      F.Loc = P.location(*X.TU, X.At->Where);
      if (!F.Loc.File)
        continue;
      const Witness &Start = X.Thread->innermost();
      std::string Where;
      if (Location L = P.location(*Start.TU, Start.At->Where); L.File)
        Where = " at " + L.File->path() + ":" + std::to_string(L.line());
      F.Message = X.Fork->Inner
                      ? "call to `" + X.At->Api + "` forks (`" +
                            Forked.At->Api + "`) while a thread started" +
                            Where + " is still running"
                      : "`" + X.At->Api + "` while a thread started" + Where +
                            " is still running";
      F.Message += ": the child has only the forking thread, and a mutex "
                   "another thread held stays locked in it forever";
      addWitnessNotes(P, *X.Thread, "thread started here", F.Related);
      if (X.Fork->Inner)
        addWitnessNotes(P, *X.Fork->Inner, "forks here", F.Related);
      Out.push_back(std::move(F));
    }
  }
};

} // namespace

const cpp::CppRule &cxxForkAfterThreadRule() {
  static const CxxForkAfterThreadRule R;
  return R;
}

} // namespace mpguard
