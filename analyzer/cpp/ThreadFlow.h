//===- ThreadFlow.h - Threads alive at each fork, and fork children -*- C++
//-*-===//
//
// The analyses the C/C++ rules share. ThreadFlow: which threads may be
// running when each fork (or call that forks) executes, over every
// function's CFG with call summaries to a fixpoint (MPG101, and MPG102's
// severity). walkChild: what a fork's child runs before exec*/_exit
// (MPG102, and MPG101's exemption of the safe fork-exec pattern).
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CPP_THREADFLOW_H
#define MPGUARD_CPP_THREADFLOW_H

#include "cpp/CppRule.h"

#include "llvm/ADT/StringRef.h"

#include <deque>
#include <map>
#include <memory>
#include <vector>

namespace mpguard {
namespace cpp {

/// Why something happens: the event, and, when that event is a call, the
/// same for the callee (the chain down to the thread start or the fork).
struct Witness {
  const TranslationUnit *TU = nullptr;
  const Function *In = nullptr; // the function holding At
  const Event *At = nullptr;
  const Witness *Inner = nullptr;

  const Witness &innermost() const {
    const Witness *I = this;
    while (I->Inner)
      I = I->Inner;
    return *I;
  }
};

/// The related notes of a witness chain: each call, then the event itself
/// (\p Last, with its API).
void addWitnessNotes(const Program &P, const Witness &W, const char *Last,
                     std::vector<Note> &Out);
/// "path:line" of the event a witness chain ends at ("" if unreadable).
std::string placeOf(const Program &P, const Witness &W);

class ThreadFlow {
public:
  /// What "running" means: threads (started, not yet joined), or an
  /// embedded Python interpreter (Py_Initialize*/pybind11's interpreter,
  /// until Py_Finalize*; PyOS_BeforeFork() prepares it for the fork that
  /// follows, PyOS_AfterFork_Parent/Child() resume it). The witnesses
  /// below then name the interpreter's initialization.
  enum class Tracked { Threads, Interpreter };
  explicit ThreadFlow(const Program &P, Tracked What = Tracked::Threads);
  ~ThreadFlow();

  struct ForkAfterThread {
    const TranslationUnit *TU;
    const Function *In;
    const Event *At;       // the fork, or the call that forks
    const Witness *Thread; // the running thread (first by key)
    const Witness *Fork;   // At, with the chain to the fork if a call
  };
  /// Every fork, and every call of a function that forks, reached while a
  /// thread may be running, in a deterministic order.
  const std::vector<ForkAfterThread> &forksAfterThreads() const {
    return Found;
  }
  /// The running thread at a fork event, or null.
  const Witness *threadAt(const Event *Fork) const;
  /// A thread \p F may leave running when it returns (its own, or one of
  /// its callees'), or null.
  const Witness *leftRunning(const Function *F) const;

  /// "`fork`", or "call to `helper` forks (`fork`)" for a fork through
  /// calls.
  static std::string describeFork(const ForkAfterThread &X);
  /// Whether the child of the fork \p X leads to makes only
  /// async-signal-safe calls and ends in exec/_exit on every path: the one
  /// safe way to fork in a threaded program.
  static bool forksSafely(const Program &P, const ForkAfterThread &X);

private:
  struct Impl;
  std::unique_ptr<Impl> I;
  std::vector<ForkAfterThread> Found;
};

/// POSIX signal-safety(7), plus _Fork and quick_exit, plus a labelled
/// allow-list of Linux extensions (prctl, dup3, close_range, syscall, ...).
bool isAsyncSignalSafe(llvm::StringRef Name);
/// exec*, _exit, _Exit, abort, a failed assert(): the child's path ends
/// there.
bool endsChild(llvm::StringRef Name);

struct ChildStep {
  const TranslationUnit *TU;
  const Event *At;
  /// The calls from the child's code into program functions that lead to
  /// At, outermost first (empty: At is in the child's code itself).
  std::vector<std::pair<const TranslationUnit *, const Event *>> Via;

  /// Where the code that reaches the step makes it: the outermost call
  /// (the step itself when it is in that code).
  const TranslationUnit &siteTU() const {
    return Via.empty() ? *TU : *Via.front().first;
  }
  const Event &site() const { return Via.empty() ? *At : *Via.front().second; }
};

/// The related notes of a child step reached through program functions:
/// each inner call site, then \p Last at the step itself (none for a step
/// in the child's own code, which the finding points at).
void addStepNotes(const Program &P, const ChildStep &S, const std::string &Last,
                  std::vector<Note> &Out);

struct ChildWalk {
  bool Known = false;             // the fork's child branch was found
  std::vector<ChildStep> Unsafe;  // not async-signal-safe
  std::vector<ChildStep> Unknown; // program functions with no body here
  /// exit() and throw: they end the child the wrong way (atexit handlers,
  /// static destructors, inherited stdio buffers flushed again).
  std::vector<ChildStep> Exits;
  /// A path leaves the function without exec/_exit, exit or throw.
  bool ReachesEnd = false;
  bool safe() const { return Known && Unsafe.empty() && Unknown.empty(); }
};

/// What the child of \p Fork (a Fork event of \p F) runs before exec*/_exit,
/// following program functions through the call graph.
ChildWalk walkChild(const Program &P, const TranslationUnit &TU,
                    const Function &F, const Event &Fork);

} // namespace cpp
} // namespace mpguard

#endif
