//===- ForkAfterThreadRule.cpp - MPG003 -----------------------------------===//
//
/// A fork while a thread this code started may still be running: os.fork,
/// os.forkpty, pty.fork, subprocess with preexec_fn, a process start under
/// an explicit fork context or set_start_method("fork"), or one on the
/// default start method where the configured targets make that fork. The
/// forked child has only the forking thread; a lock any other thread held
/// at that moment stays locked in the child forever.
/// Within one scope (a function, or the module body with its guarded
/// code), in source order: a thread start (ThreadStart, or a call of a
/// function that leaves a thread running) not joined on every path before
/// a fork (Fork, ProcessStart, or a call of a function that forks) that may
/// run in the same pass. Reported at the fork, or at the call that reaches
/// it; related locations: the thread's start (its own SARIF threadFlow),
/// then the path to the fork.
//
//===----------------------------------------------------------------------===//
#include "project/ThreadJoins.h"
#include "python/PythonRule.h"

namespace mpguard {
namespace {

using namespace python;
using project::Effect;

/// Note::Flow of the thread's steps; the fork's are the finding's own (0).
constexpr uint8_t ThreadFlow = 1;

class ForkAfterThreadRule final : public PythonRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG003", "fork-after-thread", Language::Python, Severity::Warning,
        "fork (os.fork, a fork-method process start, preexec_fn) while a "
        "thread started earlier may still run: the child can deadlock on a "
        "lock the thread held"};
    return Info;
  }

  // Every finding needs a thread start: a ThreadStart, directly or through
  // LocalCalls; ExternalCall for the calls cross-module summaries resolve.
  // Fork and ProcessStart too: another module's call may reach a fork here
  // (a warm run must read this module for the linker, as a cold one does).
  EventMask neededEvents() const override {
    return eventBit(EventKind::ThreadStart) |
           eventBit(EventKind::ExternalCall) | eventBit(EventKind::Fork) |
           eventBit(EventKind::ProcessStart);
  }

  void check(PythonCheck &C) const override {
    const PythonModule &M = C.Module;
    std::string Declared = declaredStartMethod(M);
    // Where a process start that names no method forks: everywhere after
    // set_start_method("fork"); where the targets' default is fork when the
    // module sets none.
    std::string DefaultForks;
    if (Declared == "fork")
      DefaultForks = "the fork start method this module sets";
    else if (Declared.empty() && C.Target.defaultMayBe("fork"))
      DefaultForks = "the default start method (fork on " +
                     C.Target.whereDefault("fork") + ")";
    for (const Event &F : M.Events) {
      ForkStep Fork = forkOf(C, F, DefaultForks);
      if (!Fork.Forks)
        continue;
      const Site &FS = siteOf(M, F);
      for (const Event &T : M.Events) {
        if (T.Range.Begin >= F.Range.Begin)
          break;
        if (T.Exec != F.Exec || &T == &F || !leavesThread(C, T) ||
            !mayRunTogether(siteOf(M, T), FS) ||
            project::joinedBefore(M, T, &F))
          continue;
        report(C, T, F, Fork, DefaultForks);
        break;
      }
    }
  }

private:
  struct ForkStep {
    bool Forks = false;
    Effect Via = Effect::Forks; // for a call: the callee's effect
  };

  static const Site &siteOf(const PythonModule &M, const Event &Ev) {
    return Ev.IsIteration ? M.Iterations[Ev.SiteIndex] : M.Calls[Ev.SiteIndex];
  }

  /// Whether the callee of call event \p Ev has \p E: a function of this
  /// module (LocalCall) or of another one (an ExternalCall the linker
  /// resolved).
  static bool calleeHas(const PythonCheck &C, const Event &Ev, Effect E) {
    return C.Summary.callHas(Ev, E);
  }

  static bool leavesThread(const PythonCheck &C, const Event &Ev) {
    return Ev.Kind == EventKind::ThreadStart ||
           calleeHas(C, Ev, Effect::LeavesThreadRunning);
  }

  static ForkStep forkOf(const PythonCheck &C, const Event &Ev,
                         const std::string &DefaultForks) {
    ForkStep S;
    if (Ev.Kind == EventKind::Fork ||
        (Ev.Kind == EventKind::ProcessStart && Ev.Target == "fork")) {
      S.Forks = true;
    } else if (Ev.Kind == EventKind::ProcessStart) {
      S.Forks = Ev.Target.empty() && !DefaultForks.empty();
    } else if (calleeHas(C, Ev, Effect::Forks)) {
      S.Forks = true;
    } else if (!DefaultForks.empty() &&
               calleeHas(C, Ev, Effect::StartsDefaultMethodProcess)) {
      S.Forks = true;
      S.Via = Effect::StartsDefaultMethodProcess;
    }
    return S;
  }

  /// What a fork event does: "`os.fork` forks".
  static std::string describeFork(const Event &Ev,
                                  const std::string &DefaultForks) {
    std::string W = "`" + Ev.What + "`";
    if (Ev.Kind == EventKind::Fork && Ev.Target == "preexec_fn")
      return W + " runs preexec_fn in a forked child";
    if (Ev.Kind == EventKind::Fork && Ev.Target.empty())
      return W + " forks";
    if (!Ev.Target.empty())
      return W + " starts processes with the fork start method";
    return W + " starts processes with " + DefaultForks;
  }

  static std::string lineOf(const PythonCheck &C, const Event &Ev) {
    return std::to_string(C.loc(Ev.Range).line());
  }

  /// \p DefaultForks: how a start on the default method forks.
  void report(PythonCheck &C, const Event &T, const Event &F,
              const ForkStep &Fork, const std::string &DefaultForks) const {
    const PythonModule &M = C.Module;

    // The fork: the event itself, or the path from the call to it, which
    // may go on into other modules.
    std::vector<project::WitnessStep> ForkChain{{&M, &F}};
    if (C.Summary.callee(F))
      ForkChain = project::witnessChain(C.Summary, F, Fork.Via);
    const Event &Last = *ForkChain.back().Ev;
    std::string What = ForkChain.size() == 1
                           ? describeFork(F, DefaultForks)
                           : "call to `" + F.What + "` leads to a fork (" +
                                 describeFork(Last, DefaultForks) + ")";

    // The thread: started here, or by the call's callee.
    std::vector<project::WitnessStep> ThreadChain{{&M, &T}};
    if (T.Kind != EventKind::ThreadStart)
      ThreadChain =
          project::witnessChain(C.Summary, T, Effect::LeavesThreadRunning);
    const Event &Start = *ThreadChain.back().Ev;
    std::string Thread =
        ThreadChain.size() == 1
            ? "a thread started by `" + T.What + "` on line " + lineOf(C, T)
            : "a thread that `" + T.What + "` (line " + lineOf(C, T) +
                  ") leaves running (started by `" + Start.What + "`)";

    bool Preexec = Last.Kind == EventKind::Fork && Last.Target == "preexec_fn";
    bool OsFork = Last.Kind == EventKind::Fork && Last.Target.empty();
    std::string Advice =
        Preexec  ? "join the thread first, or drop preexec_fn (Popen's "
                   "start_new_session, process_group, user, group and umask "
                   "arguments cover most of its uses)"
        : OsFork ? "join the thread before forking, or start the child with "
                   "subprocess or a spawn context instead"
                 : "join the thread first, or use the spawn or forkserver "
                   "start method";
    Finding &Out = C.report(
        F.Range,
        What + " while " + Thread +
            " may still be running: the child gets only the forking thread, "
            "and a lock another thread holds at that moment (logging's, a "
            "queue's, a threading.Lock) stays locked in the child forever; " +
            Advice);

    for (size_t I = 0; I < ThreadChain.size(); ++I) {
      const Event &Step = *ThreadChain[I].Ev;
      std::string Msg;
      if (ThreadChain.size() == 1)
        Msg = "thread started here, not joined before the fork";
      else if (I == 0)
        Msg = "`" + Step.What + "` leaves a thread running";
      else if (I + 1 == ThreadChain.size())
        Msg = "thread started here (`" + Step.What +
              "`), not joined before the function returns";
      else
        Msg = "which calls `" + Step.What + "`";
      Out.Related.push_back({ThreadChain[I].loc(), std::move(Msg), ThreadFlow});
    }
    for (size_t I = 1; I < ForkChain.size(); ++I) {
      const Event &Step = *ForkChain[I].Ev;
      Out.Related.push_back(
          {ForkChain[I].loc(), I + 1 == ForkChain.size()
                                   ? describeFork(Step, DefaultForks) + " here"
                                   : "which calls `" + Step.What + "`"});
    }
  }
};

} // namespace

const python::PythonRule &forkAfterThreadRule() {
  static const ForkAfterThreadRule Rule;
  return Rule;
}

} // namespace mpguard
