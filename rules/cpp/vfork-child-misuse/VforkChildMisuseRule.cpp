//===- VforkChildMisuseRule.cpp - MPG104 ----------------------------------===//
//
/// The child of vfork() borrows the parent's memory and stack, and the
/// parent is suspended, until the child calls an exec function or _exit().
/// Reported on the child's path (from the branch where vfork's result is
/// 0, in the function that called vfork, through a failed exec to what
/// follows it): any other call (helpers are not followed: calling one is
/// already the misuse), a write to any variable but the one holding the
/// result, and a path that leaves the function.
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"

#include <deque>

namespace mpguard {
namespace {

using namespace cpp;

class VforkChildMisuseRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG104", "vfork-child-misuse", Language::Cpp, Severity::Warning,
        "a vfork child that does anything but exec or _exit: a call, a "
        "write to memory, a return"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    for (auto [TU, Fn] : P.functions())
      for (const Block &B : Fn->Blocks)
        for (const Event &E : B.Events)
          if (E.Kind == EventKind::Fork && E.Api == "vfork" && E.Child >= 0 &&
              size_t(E.Child) < Fn->Blocks.size())
            child(P, *TU, *Fn, E, Out);
  }

private:
  void child(const Program &P, const TranslationUnit &TU, const Function &Fn,
             const Event &Vfork, std::vector<Finding> &Out) const {
    std::vector<bool> Seen(Fn.Blocks.size(), false);
    std::deque<uint32_t> Work{uint32_t(Vfork.Child)};
    Seen[Vfork.Child] = true;
    bool Returns = false;
    while (!Work.empty()) {
      uint32_t B = Work.front();
      Work.pop_front();
      bool Ended = false;
      for (const Event &E : Fn.Blocks[B].Events) {
        // An exec returns when it fails: the path goes on to what the
        // child does then. abort(), exit() and throw end the child's path
        // too, but not in one of the allowed ways.
        llvm::StringRef Api = E.Api;
        bool Allowed =
            E.Kind == EventKind::Call && endsChild(Api) && Api != "abort";
        bool Ends =
            E.Kind == EventKind::Call &&
            (Api == "_exit" || Api == "_Exit" || Api == "abort" ||
             Api == "exit" || Api == "std::exit" || Api == "quick_exit" ||
             Api == "std::quick_exit" || Api == "throw");
        if (!Allowed) {
          std::string Message = misuse(E, Vfork);
          if (!Message.empty())
            report(P, TU, E.Where, std::move(Message), Vfork, Out);
        }
        if ((Ended = Ends))
          break;
      }
      if (Ended)
        continue;
      if (B == Fn.Exit)
        Returns = true;
      for (uint32_t S : Fn.Blocks[B].Succs)
        if (!Seen[S]) {
          Seen[S] = true;
          Work.push_back(S);
        }
    }
    if (Returns)
      report(P, TU, Vfork.Where,
             "the child of this `vfork()` can return from `" + Fn.Name +
                 "`: it unwinds the stack frame the suspended parent will "
                 "resume in; end the child with _exit()",
             Vfork, Out);
  }

  /// Why an event of the child is a misuse, or "".
  static std::string misuse(const Event &E, const Event &Vfork) {
    const std::string Rest =
        " in the child of `vfork()`: until it calls exec or _exit() the "
        "child runs on the parent's stack and memory while the parent is "
        "suspended";
    switch (E.Kind) {
    case EventKind::Write:
      if (!E.Var.empty() && E.Var == Vfork.Var)
        return ""; // the one variable POSIX lets the child assign
      return (E.Api.empty() ? std::string("a write to memory")
                            : "`" + E.Api + "` written") +
             Rest + ", so the parent sees the change";
    case EventKind::Unlock:
      if (llvm::StringRef(E.Api).starts_with("~"))
        return ""; // reported at the guard's lock
      [[fallthrough]];
    case EventKind::Call:
    case EventKind::Lock:
    case EventKind::ThreadStart:
    case EventKind::ThreadJoin:
    case EventKind::Fork:
      if (E.Api == "new" || E.Api == "throw")
        return "`" + E.Api + "`" + Rest +
               "; only exec*() and _exit() are allowed";
      return "`" + E.Api + "` called" + Rest +
             "; only exec*() and _exit() are allowed";
    }
    return "";
  }

  void report(const Program &P, const TranslationUnit &TU, const Range &At,
              std::string Message, const Event &Vfork,
              std::vector<Finding> &Out) const {
    Finding F;
    if (!finding(P, TU, At, std::move(Message), F))
      return;
    if (&At != &Vfork.Where)
      P.addNote(TU, Vfork.Where, "the child of this `vfork()`", F.Related);
    Out.push_back(std::move(F));
  }
};

} // namespace

const cpp::CppRule &vforkChildMisuseRule() {
  static const VforkChildMisuseRule R;
  return R;
}

} // namespace mpguard
