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
      // The safe fork-exec pattern: the child ends in exec/_exit on every
      // path and calls nothing else that could need another thread's lock.
      if (ThreadFlow::forksSafely(P, X))
        continue;
      std::string Where = placeOf(P, *X.Thread);
      Finding F;
      if (!finding(P, *X.TU, X.At->Where,
                   ThreadFlow::describeFork(X) + " while a thread started" +
                       (Where.empty() ? "" : " at " + Where) +
                       " is still running: the child has only the forking "
                       "thread, and a mutex another thread held stays "
                       "locked in it forever",
                   F))
        continue;
      // The thread's steps are a threadFlow of their own in SARIF, before
      // the fork's (Note::Flow).
      size_t ThreadNotes = F.Related.size();
      addWitnessNotes(P, *X.Thread, "thread started here", F.Related);
      for (size_t I = ThreadNotes; I < F.Related.size(); ++I)
        F.Related[I].Flow = 1;
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
