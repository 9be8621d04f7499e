//===- ForkChildUnsafeCallRule.cpp - MPG102 -------------------------------===//
//
/// In a fork's child, before exec*/_exit, a call that is not
/// async-signal-safe (walkChild: the child branch's blocks and every
/// program function they call, with the chain as related locations), when
/// a thread may be running at the fork (ThreadFlow, MPG101's evidence): the
/// child can then block forever on a lock that thread held. Without such a
/// thread the child of a single-threaded process may call anything, so
/// nothing is reported (threads a library starts unseen are a blind spot).
/// A call of a program function whose body is not among the analyzed files
/// is reported as "cannot verify", as a note.
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"

namespace mpguard {
namespace {

using namespace cpp;

class ForkChildUnsafeCallRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{"MPG102", "fork-child-unsafe-call",
                               Language::Cpp, Severity::Warning,
                               "a call that is not async-signal-safe in a "
                               "fork child before exec or _exit"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    ThreadFlow Flow(P);
    for (auto [TU, Fn] : P.functions())
      for (const Block &B : Fn->Blocks)
        for (const Event &E : B.Events) {
          // A vfork child may call nothing at all (MPG104).
          if (E.Kind != EventKind::Fork || E.Child < 0 || E.Api == "vfork")
            continue;
          const Witness *Thread = Flow.threadAt(&E);
          if (!Thread)
            continue;
          ChildWalk W = walkChild(P, *TU, *Fn, E);
          for (const ChildStep &S : W.Unsafe)
            report(P, *TU, E, S, Thread, false, Out);
          for (const ChildStep &S : W.Unknown)
            report(P, *TU, E, S, Thread, true, Out);
        }
  }

private:
  void report(const Program &P, const TranslationUnit &TU, const Event &Fork,
              const ChildStep &S, const Witness *Thread, bool Unknown,
              std::vector<Finding> &Out) const {
    // Where the child's code makes the call: the outermost call site.
    const Event &At = S.site();
    Finding F;
    if (!finding(P, S.siteTU(), At.Where, "", F))
      return;
    std::string What = S.At->Api == "new"     ? "`new` (allocates)"
                       : S.At->Api == "throw" ? "`throw` (allocates)"
                       : S.At->Kind == EventKind::ThreadStart
                           ? "starting a thread (`" + S.At->Api + "`)"
                           : "`" + S.At->Api + "`";
    if (Unknown) {
      F.Level = Severity::Note;
      F.Message = "cannot verify " + What + " in a fork child before " +
                  "exec/_exit: its body is not in the analyzed files";
    } else {
      F.Message = (S.Via.empty() ? What : "`" + At.Api + "` calls " + What) +
                  " in a fork child before exec/_exit: not async-signal-safe; "
                  "a thread is running at the fork, so the child can block "
                  "forever on a lock that thread held";
    }
    P.addNote(TU, Fork.Where, "the child of this `" + Fork.Api + "`",
              F.Related);
    const Witness &Start = Thread->innermost();
    P.addNote(*Start.TU, Start.At->Where,
              "thread started here (`" + Start.At->Api + "`)", F.Related);
    addStepNotes(P, S, What + " called here", F.Related);
    Out.push_back(std::move(F));
  }
};

} // namespace

const cpp::CppRule &forkChildUnsafeCallRule() {
  static const ForkChildUnsafeCallRule R;
  return R;
}

} // namespace mpguard
