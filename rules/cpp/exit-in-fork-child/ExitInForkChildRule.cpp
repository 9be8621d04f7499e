//===- ExitInForkChildRule.cpp - MPG103 -----------------------------------===//
//
/// A fork child that ends through exit() (also reached through program
/// functions), a `throw`, or by returning from main, instead of _exit() or
/// exec: the child then runs the parent's atexit handlers and static
/// destructors and flushes the stdio buffers it inherited, a second time.
/// Reported whatever the threads (walkChild from the child's block).
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"

namespace mpguard {
namespace {

using namespace cpp;

class ExitInForkChildRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG103", "exit-in-fork-child", Language::Cpp, Severity::Warning,
        "a fork child that ends with exit(), an exception or a return from "
        "main instead of _exit() or exec"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    const std::string Effect =
        ": the child runs the parent's atexit handlers and static "
        "destructors and flushes the stdio buffers it inherited, a second "
        "time; end it with _exit()";
    for (auto [TU, Fn] : P.functions())
      for (const Block &B : Fn->Blocks)
        for (const Event &E : B.Events) {
          if (E.Kind != EventKind::Fork || E.Child < 0 || E.Api == "vfork")
            continue;
          ChildWalk W = walkChild(P, *TU, *Fn, E);
          for (const ChildStep &S : W.Exits) {
            const TranslationUnit &AtTU = S.siteTU();
            const Event &At = S.site();
            std::string Via = S.Via.empty() ? "" : "`" + At.Api + "` calls ";
            std::string Message =
                S.At->Api == "throw"
                    ? Via + "`throw` in a fork child: an exception that "
                            "escapes runs the parent's code in the child "
                            "(its catch handlers and destructors, a return "
                            "from main); end the child with _exit()"
                    : Via + "`" + S.At->Api + "` in a fork child" + Effect;
            add(P, AtTU, At.Where, Message, *TU, E, S, Out);
          }
          if (W.ReachesEnd && Fn->Name == "main")
            add(P, *TU, E.Where,
                "the child of this `" + E.Api + "` returns from main" + Effect,
                *TU, E, ChildStep{TU, &E, {}}, Out);
        }
  }

private:
  void add(const Program &P, const TranslationUnit &TU, const Range &At,
           std::string Message, const TranslationUnit &ForkTU,
           const Event &Fork, const ChildStep &S,
           std::vector<Finding> &Out) const {
    Finding F;
    if (!finding(P, TU, At, std::move(Message), F))
      return;
    if (S.At != &Fork)
      P.addNote(ForkTU, Fork.Where, "the child of this `" + Fork.Api + "`",
                F.Related);
    addStepNotes(P, S, "`" + S.At->Api + "` called here", F.Related);
    Out.push_back(std::move(F));
  }
};

} // namespace

const cpp::CppRule &exitInForkChildRule() {
  static const ExitInForkChildRule R;
  return R;
}

} // namespace mpguard
