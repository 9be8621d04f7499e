//===- KnownApis.h - What the libraries' names mean ------------*- C++ -*-===//
//
// The one table of library knowledge: which qualified names start processes,
// which are threads, which packages are drop-ins for multiprocessing.
// Extending coverage to a new library is an edit here and a test.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_PYTHON_KNOWNAPIS_H
#define MPGUARD_PYTHON_KNOWNAPIS_H

#include <string>

namespace mpguard {
namespace python {

/// Maps drop-in packages onto multiprocessing: "torch.multiprocessing.Pool",
/// "billiard.Pool" and "multiprocess.Pool" all become "multiprocessing.Pool".
/// Other names are returned unchanged.
std::string canonicalName(const std::string &QualifiedName);

/// Calling it starts worker processes now (or, for executors, on first use):
/// Pool, ProcessPoolExecutor, Manager(), torch.multiprocessing.spawn, ...
/// Thread-based look-alikes (multiprocessing.pool.ThreadPool,
/// multiprocessing.dummy) are not. Takes the name as written (not canonical).
bool startsProcessesWhenCalled(const std::string &QualifiedName);

/// Calling \p Method on an object of this (canonical) class starts
/// processes: Process.start(), SyncManager.start(), and the first
/// submit()/map() of an executor (executors start workers on demand, so
/// constructing one starts nothing).
bool startsProcessesOnMethod(const std::string &CanonicalClass,
                             const std::string &Method);

/// Iterating objects of this class starts worker processes (DataLoader with
/// num_workers > 0).
bool startsProcessesWhenIterated(const std::string &CanonicalClass);

/// torch.multiprocessing.spawn / start_processes (as written, not
/// canonical): they use start_method="spawn" unless told otherwise.
bool isTorchLauncher(const std::string &QualifiedName);

/// Threads. The list is short on purpose: each entry starts a thread for
/// certain.
/// Calling \p Method on an object of this (canonical) class starts a
/// thread: Thread/Timer.start() (multiprocessing.dummy.Process is a
/// Thread), logging.handlers.QueueListener.start(), and the first
/// submit()/map() of a ThreadPoolExecutor.
bool startsThreadOnMethod(const std::string &CanonicalClass,
                          const std::string &Method);
/// Calling it starts a thread now: _thread.start_new_thread, and the
/// thread pools multiprocessing.pool.ThreadPool and
/// multiprocessing.dummy.Pool, whose workers start in the constructor.
bool startsThreadWhenCalled(const std::string &CanonicalName);
/// A class whose objects hold threads that `join()`, `shutdown()` or
/// `terminate()` wait for.
bool holdsThreads(const std::string &CanonicalClass);

/// Calling it forks the process: os.fork, os.forkpty, pty.fork.
bool forksWhenCalled(const std::string &CanonicalName);
/// A subprocess function whose preexec_fn= runs in a forked child before
/// exec: Popen, run, call, check_call, check_output.
bool takesPreexecFn(const std::string &CanonicalName);

/// A parameter whose value a call pickles.
struct PickledParameter {
  const char *Keyword; // "target"
  int Position;        // its position among positional arguments
  bool Elements;       // a sequence whose elements are pickled (args=)
};

/// What a call hands to pickle: Process(target=, args=) and the
/// initializer= and initargs= of Pool and ProcessPoolExecutor under spawn
/// and forkserver (a forked child inherits them); the function of a Pool's
/// map, imap, imap_unordered, starmap, apply and their _async forms, and of
/// an executor's submit and map, under every start method (tasks travel
/// through a pipe). Thread pools pickle nothing.
struct PickledCall {
  const PickledParameter *Params = nullptr; // none: pickles nothing modelled
  unsigned Count = 0;
  bool EveryMethod = false;
  const char *StartMethod = ""; // implied by the class: SpawnProcess, ...
};

/// For a call of (canonical) class \p CanonicalClass (\p Method empty), or
/// of method \p Method of an object of that class.
PickledCall pickledByCall(const std::string &CanonicalClass,
                          const std::string &Method);

/// The package serializes with dill or cloudpickle, which pickle lambdas,
/// nested functions and local classes by value: `multiprocess` (a drop-in
/// that canonicalName() maps onto multiprocessing), loky, joblib. Takes the
/// name as written (not canonical).
bool serializesByValue(const std::string &QualifiedName);

/// Heuristic: the last component is CamelCase, so calling it constructs.
bool looksLikeClass(const std::string &CanonicalName);

/// A name from a library mpguard models (multiprocessing, concurrent,
/// threading, ...): calls to it are not cross-module calls of project code.
bool isKnownLibraryName(const std::string &CanonicalName);

/// `from M import *` of a module whose exported names mpguard knows.
bool isKnownWildcardModule(const std::string &Module);
bool hasKnownMember(const std::string &Module, const std::string &Name);

} // namespace python
} // namespace mpguard

#endif
