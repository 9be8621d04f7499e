//===- CppFacts.h - What one C/C++ translation unit does --------*- C++ -*-===//
//
// The C/C++ frontend (mpguard-cxx, its own process: it links the shared
// clang-cpp and libLLVM, which must not meet the statically linked LLVM
// Support of mpguard) walks each translation unit once and writes these
// facts as one JSON line per TU; `mpguard check` reads them back and runs
// the C/C++ rules over them. Per function: its CFG reduced to the blocks'
// events (thread starts and joins, forks, calls of functions defined in
// the TU) and successor edges, so rules do path analysis without clang.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CPP_CPPFACTS_H
#define MPGUARD_CPP_CPPFACTS_H

#include <cstdint>
#include <string>
#include <vector>

namespace llvm {
namespace json {
class Value;
}
} // namespace llvm

namespace mpguard {
namespace cpp {

/// The version of the JSON the frontend writes; the reader refuses others.
constexpr int FactsFormat = 4;

enum class EventKind : uint8_t {
  ThreadStart, // std::thread/jthread with a callable, pthread_create,
               // std::async(std::launch::async, ...)
  ThreadJoin,  // t.join(), pthread_join(t), future.get()/wait(), a jthread
               // leaving scope, a loop that joins every element of Var
  Fork,        // fork(), vfork(), _Fork(), daemon()
  Call,        // any other call (Callee: the USR of a function the run
               // defines), `new` and `throw` (Api "new", "throw")
  Write,       // an assignment, ++ or -- (Var: the variable written, "" if
               // none is named); only in functions that call vfork()
  Lock,        // a mutex locked (Var: the mutex): pthread_mutex_lock,
               // m.lock(), std::lock_guard/unique_lock/scoped_lock
  Unlock,      // a mutex unlocked or re-initialized (Var: the mutex);
               // a guard's destructor has Api "~" + the guard's type
};
const char *eventKindName(EventKind K);

/// A byte range in one of the TU's files (Files[File]).
struct Range {
  uint32_t File = 0;
  uint32_t Begin = 0, End = 0;
};

/// Where a byte of an embedded source's Text comes from: Text[Offset] is
/// at Where.Begin in the C/C++ file, and the bytes after it follow in
/// step (to the next piece).
struct TextPiece {
  uint32_t Offset = 0;
  Range Where;
};

struct Event {
  EventKind Kind;
  Range Where;
  std::string Api;    // "std::thread", "pthread_create", "fork", callee name
  std::string Var;    // USR of the thread's variable ("" if none); Fork:
                      // of the variable its result is stored in
  std::string Callee; // Call: the callee's USR (a program function's,
                      // defined in this TU or another; "" for the C/C++
                      // libraries' and for indirect calls)
  /// A call through a function pointer: the function type it calls
  /// (canonical spelling); TranslationUnit::AddressTaken says which
  /// functions it may reach.
  std::string Signature;
  bool System = false; // Call: the callee is declared in a system header
  /// Fork: the block where the child's path starts (the branch taken when
  /// the result is 0), or -1 when no test of the result was found.
  int32_t Child = -1;
  /// Call: per argument, the USR of the program function it names (`f`,
  /// `&f`, a captureless lambda), "" for the others; empty when none does.
  std::vector<std::string> Refs;
  /// Call of PyRun_SimpleString/PyRun_String/py::exec/py::eval with a
  /// string literal (adjacent literals concatenated): the Python source,
  /// and where its bytes are in the file (a piece at each literal token
  /// and each line start).
  std::string Text;
  std::vector<TextPiece> Pieces;
};

struct Block {
  std::vector<Event> Events; // in execution order
  std::vector<uint32_t> Succs;
};

enum class FunctionRole : uint8_t {
  Plain,
  ModuleInit, // PyInit_<name>: a Python extension's module init (also what
              // PYBIND11_MODULE and NB_MODULE define)
  StaticInit, // the dynamic initializer of a variable with static storage
              // (one block: the initializer's events)
};

struct Function {
  std::string Name; // qualified, for messages (StaticInit: the variable)
  std::string Usr;
  FunctionRole Role = FunctionRole::Plain;
  Range Where; // the name
  uint32_t Entry = 0, Exit = 0;
  std::vector<Block> Blocks;
};

struct Diagnostic {
  std::string File;
  uint32_t Line = 0, Column = 0;
  std::string Message;
};

struct TranslationUnit {
  std::string MainFile;           // absolute
  std::vector<std::string> Files; // absolute; Range::File indexes this
  bool Compiled = true;           // false: Errors says why, no functions
  /// False when a compilation database exists but does not list the file
  /// (its command was inferred from a neighbour's).
  bool Listed = true;
  std::vector<Diagnostic> Errors;
  std::vector<Function> Functions;
  /// Program functions whose address the TU takes (a callback passed or
  /// stored: `aeCreateTimeEvent(el, 1, serverCron, ...)`, a table of
  /// handlers), with their function type: what an indirect call of that
  /// type may reach. USR, signature.
  std::vector<std::pair<std::string, std::string>> AddressTaken;
};

llvm::json::Value toJson(const TranslationUnit &TU);
/// Returns false with \p Error set for JSON that is not facts of this
/// format (wrong shape, indices out of range).
bool fromJson(const llvm::json::Value &V, TranslationUnit &TU,
              std::string &Error);

} // namespace cpp
} // namespace mpguard

#endif
