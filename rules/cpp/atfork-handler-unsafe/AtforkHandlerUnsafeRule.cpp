//===- AtforkHandlerUnsafeRule.cpp - MPG107 -------------------------------===//
//
/// pthread_atfork(prepare, parent, child) with handlers the run defines.
/// The child handler runs in the child of a (usually multithreaded)
/// process right after fork(): it may lock no mutex (one that another
/// thread held stays locked; one the prepare handler took is held
/// already), may unlock or re-initialize only the mutexes the prepare
/// handler took, and may call only async-signal-safe functions. The
/// prepare handler locks mutexes by design; its other calls that are not
/// async-signal-safe are a note (they matter when fork() is called from a
/// signal handler). Helpers are followed, with the chain as notes.
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"

#include <set>

namespace mpguard {
namespace {

using namespace cpp;

using Chain = std::vector<std::pair<const TranslationUnit *, const Event *>>;

/// Every event a handler runs, on any path, following program functions.
struct HandlerWalk {
  const Program &P;
  std::vector<ChildStep> Steps;
  std::set<const Function *> Active;

  void walk(const TranslationUnit &TU, const Function &F, Chain &Via) {
    if (!Active.insert(&F).second || Via.size() > 8)
      return;
    for (const Block &B : F.Blocks)
      for (const Event &E : B.Events) {
        const TranslationUnit *CalleeTU = nullptr;
        const Function *Callee = E.Kind == EventKind::Call && !E.Callee.empty()
                                     ? P.function(E.Callee, &TU, &CalleeTU)
                                     : nullptr;
        if (Callee) {
          Via.push_back({&TU, &E});
          walk(*CalleeTU, *Callee, Via);
          Via.pop_back();
          continue;
        }
        Steps.push_back({&TU, &E, Via});
      }
    Active.erase(&F);
  }
};

class AtforkHandlerUnsafeRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG107", "atfork-handler-unsafe", Language::Cpp, Severity::Warning,
        "a pthread_atfork child handler that locks a mutex the prepare "
        "handler did not take, or calls functions that are not "
        "async-signal-safe"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    for (auto [TU, Fn] : P.functions())
      for (const Block &B : Fn->Blocks)
        for (const Event &E : B.Events)
          if (E.Kind == EventKind::Call && E.Api == "pthread_atfork" &&
              E.Refs.size() == 3)
            atfork(P, *TU, E, Out);
  }

private:
  std::vector<ChildStep> handler(const Program &P, const TranslationUnit &TU,
                                 const std::string &Usr) const {
    const TranslationUnit *DefTU = nullptr;
    const Function *F = Usr.empty() ? nullptr : P.function(Usr, &TU, &DefTU);
    if (!F)
      return {};
    HandlerWalk W{P, {}, {}};
    Chain Via;
    W.walk(*DefTU, *F, Via);
    return std::move(W.Steps);
  }

  void atfork(const Program &P, const TranslationUnit &TU, const Event &At,
              std::vector<Finding> &Out) const {
    std::vector<ChildStep> Prepare = handler(P, TU, At.Refs[0]);
    std::vector<ChildStep> Child = handler(P, TU, At.Refs[2]);
    std::set<std::string> Taken; // the mutexes the prepare handler locks
    for (const ChildStep &S : Prepare)
      if (S.At->Kind == EventKind::Lock && !S.At->Var.empty())
        Taken.insert(S.At->Var);
    std::set<std::string> Relocked; // and the ones the child handler locks
    for (const ChildStep &S : Child)
      if (S.At->Kind == EventKind::Lock && !S.At->Var.empty())
        Relocked.insert(S.At->Var);

    for (const ChildStep &S : Child) {
      const Event &E = *S.At;
      const char *Message = "";
      switch (E.Kind) {
      case EventKind::Lock:
        Message = Taken.count(E.Var)
                      ? ": it locks a mutex the prepare handler already "
                        "holds, so the child deadlocks on itself; unlock it "
                        "instead"
                      : ": it locks a mutex the prepare handler did not "
                        "take; if another thread held it at the fork, the "
                        "child blocks forever";
        break;
      case EventKind::Unlock:
        // The pattern: release what prepare took. Releasing what the
        // handler itself locked is reported at the lock.
        if (Taken.count(E.Var) || Relocked.count(E.Var) ||
            llvm::StringRef(E.Api).starts_with("~"))
          continue;
        Message = ": it releases a mutex the prepare handler did not take, "
                  "which the child does not own";
        break;
      case EventKind::Call:
        if (!E.System && E.Api != "new" && E.Api != "throw")
          continue; // a program function without a body here
        if (isAsyncSignalSafe(E.Api) || endsChild(E.Api))
          continue;
        [[fallthrough]];
      case EventKind::ThreadStart:
      case EventKind::ThreadJoin:
        Message = ": not async-signal-safe, and the child of a "
                  "multithreaded process may call only those";
        break;
      case EventKind::Fork:
      case EventKind::Write:
        continue;
      }
      report(P, TU, At, S, "child", Severity::Warning, Message, Out);
    }

    for (const ChildStep &S : Prepare) {
      const Event &E = *S.At;
      if (E.Kind != EventKind::Call ||
          (!E.System && E.Api != "new" && E.Api != "throw") ||
          isAsyncSignalSafe(E.Api) || endsChild(E.Api))
        continue;
      report(P, TU, At, S, "prepare", Severity::Note,
             ": not async-signal-safe, so fork() is no longer safe to call "
             "from a signal handler; a prepare handler should only take "
             "the locks the child needs",
             Out);
    }
  }

  static std::string what(const Event &E) {
    if (E.Kind == EventKind::ThreadStart)
      return "starting a thread (`" + E.Api + "`)";
    return "`" + E.Api + "`";
  }

  void report(const Program &P, const TranslationUnit &TU, const Event &At,
              const ChildStep &S, const char *Which, Severity Level,
              const char *Predicate, std::vector<Finding> &Out) const {
    Finding F;
    if (!finding(P, S.siteTU(), S.site().Where,
                 (S.Via.empty() ? "" : "`" + S.site().Api + "` calls ") +
                     what(*S.At) + " in a pthread_atfork " + Which +
                     " handler" + Predicate,
                 F))
      return;
    F.Level = Level;
    P.addNote(TU, At.Where,
              std::string("registered as the ") + Which + " handler here",
              F.Related);
    addStepNotes(P, S, what(*S.At) + " called here", F.Related);
    Out.push_back(std::move(F));
  }
};

} // namespace

const cpp::CppRule &atforkHandlerUnsafeRule() {
  static const AtforkHandlerUnsafeRule R;
  return R;
}

} // namespace mpguard
