//===- KnownApis.cpp ------------------------------------------------------===//
#include "python/KnownApis.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace mpguard {
namespace python {

static bool hasPrefix(const std::string &S, const char *Prefix) {
  size_t N = std::strlen(Prefix);
  return S.compare(0, N, Prefix) == 0 && (S.size() == N || S[N] == '.');
}

std::string canonicalName(const std::string &Q) {
  static const char *const DropIns[] = {"torch.multiprocessing", "billiard",
                                        "multiprocess"};
  for (const char *P : DropIns)
    if (hasPrefix(Q, P))
      return "multiprocessing" + Q.substr(std::strlen(P));
  return Q;
}

static bool isThreadBased(const std::string &Canon) {
  return hasPrefix(Canon, "multiprocessing.dummy") ||
         Canon == "multiprocessing.pool.ThreadPool" ||
         Canon == "multiprocessing.ThreadPool";
}

bool startsProcessesWhenCalled(const std::string &Q) {
  // torch-specific launchers, before the drop-in mapping erases "torch".
  if (isTorchLauncher(Q))
    return true;
  std::string C = canonicalName(Q);
  if (isThreadBased(C))
    return false;
  static const char *const Starters[] = {
      "multiprocessing.Pool",
      "multiprocessing.pool.Pool",
      "multiprocessing.context.BaseContext.Pool",
      "multiprocessing.Manager",
  };
  for (const char *S : Starters)
    if (C == S)
      return true;
  return false;
}

bool startsProcessesOnMethod(const std::string &C, const std::string &Method) {
  if (isThreadBased(C))
    return false;
  static const char *const Startable[] = {
      "multiprocessing.Process",
      "multiprocessing.process.BaseProcess",
      "multiprocessing.context.Process",
      "multiprocessing.context.SpawnProcess",
      "multiprocessing.context.ForkServerProcess",
      "multiprocessing.context.ForkProcess",
      "multiprocessing.managers.BaseManager",
      "multiprocessing.managers.SyncManager",
      "multiprocessing.managers.SharedMemoryManager",
  };
  static const char *const Executors[] = {
      "concurrent.futures.ProcessPoolExecutor",
      "concurrent.futures.process.ProcessPoolExecutor",
      "pebble.ProcessPool",
      "pebble.pool.ProcessPool",
  };
  if (Method == "start")
    for (const char *S : Startable)
      if (C == S)
        return true;
  if (Method == "submit" || Method == "map" || Method == "schedule")
    for (const char *S : Executors)
      if (C == S)
        return true;
  return false;
}

bool isTorchLauncher(const std::string &Q) {
  return Q == "torch.multiprocessing.spawn" ||
         Q == "torch.multiprocessing.start_processes" ||
         Q == "torch.multiprocessing.spawn.spawn" ||
         Q == "torch.multiprocessing.spawn.start_processes";
}

static bool isThreadClass(const std::string &C) {
  static const char *const Threads[] = {
      "threading.Thread",
      "threading.Timer",
      "multiprocessing.dummy.Process",
      "multiprocessing.dummy.DummyProcess",
      "logging.handlers.QueueListener",
  };
  for (const char *T : Threads)
    if (C == T)
      return true;
  return false;
}

static bool isThreadExecutor(const std::string &C) {
  return C == "concurrent.futures.ThreadPoolExecutor" ||
         C == "concurrent.futures.thread.ThreadPoolExecutor";
}

static bool isThreadPool(const std::string &C) {
  return C == "multiprocessing.pool.ThreadPool" ||
         C == "multiprocessing.dummy.Pool";
}

bool startsThreadOnMethod(const std::string &C, const std::string &Method) {
  if (Method == "start")
    return isThreadClass(C);
  if (Method == "submit" || Method == "map")
    return isThreadExecutor(C);
  return false;
}

bool startsThreadWhenCalled(const std::string &C) {
  return C == "_thread.start_new_thread" || C == "_thread.start_new" ||
         isThreadPool(C);
}

bool holdsThreads(const std::string &C) {
  return isThreadClass(C) || isThreadExecutor(C) || isThreadPool(C);
}

bool forksWhenCalled(const std::string &C) {
  return C == "os.fork" || C == "os.forkpty" || C == "pty.fork";
}

bool takesPreexecFn(const std::string &C) {
  return C == "subprocess.Popen" || C == "subprocess.run" ||
         C == "subprocess.call" || C == "subprocess.check_call" ||
         C == "subprocess.check_output";
}

bool startsProcessesWhenIterated(const std::string &C) {
  return C == "torch.utils.data.DataLoader" ||
         C == "torch.utils.data.dataloader.DataLoader";
}

PickledCall pickledByCall(const std::string &C, const std::string &Method) {
  static const PickledParameter ProcessParams[] = {{"target", 1, false},
                                                   {"args", 3, true}};
  static const PickledParameter PoolParams[] = {{"initializer", 1, false},
                                                {"initargs", 2, true}};
  static const PickledParameter ExecutorParams[] = {{"initializer", 2, false},
                                                    {"initargs", 3, true}};
  static const PickledParameter PoolTask[] = {{"func", 0, false}};
  static const PickledParameter ExecutorTask[] = {{"fn", 0, false}};
  static const struct {
    const char *Class, *StartMethod;
  } Processes[] = {
      {"multiprocessing.Process", ""},
      {"multiprocessing.context.Process", ""},
      {"multiprocessing.context.SpawnProcess", "spawn"},
      {"multiprocessing.context.ForkServerProcess", "forkserver"},
      {"multiprocessing.context.ForkProcess", "fork"},
  };
  static const char *const Pools[] = {"multiprocessing.Pool",
                                      "multiprocessing.pool.Pool"};
  static const char *const Executors[] = {
      "concurrent.futures.ProcessPoolExecutor",
      "concurrent.futures.process.ProcessPoolExecutor"};
  static const char *const PoolMethods[] = {
      "map",   "imap",        "imap_unordered", "starmap",
      "apply", "apply_async", "map_async",      "starmap_async"};

  PickledCall P;
  auto Set = [&](const PickledParameter *Params, unsigned Count, bool Every) {
    P.Params = Params;
    P.Count = Count;
    P.EveryMethod = Every;
  };
  if (Method.empty()) {
    for (const auto &Proc : Processes)
      if (C == Proc.Class) {
        Set(ProcessParams, 2, false);
        P.StartMethod = Proc.StartMethod;
      }
    for (const char *Pool : Pools)
      if (C == Pool)
        Set(PoolParams, 2, false);
    for (const char *Ex : Executors)
      if (C == Ex)
        Set(ExecutorParams, 2, false);
    return P;
  }
  for (const char *Pool : Pools)
    if (C == Pool)
      for (const char *M : PoolMethods)
        if (Method == M)
          Set(PoolTask, 1, true);
  for (const char *Ex : Executors)
    if (C == Ex && (Method == "submit" || Method == "map"))
      Set(ExecutorTask, 1, true);
  return P;
}

bool serializesByValue(const std::string &Q) {
  return hasPrefix(Q, "multiprocess") || hasPrefix(Q, "loky") ||
         hasPrefix(Q, "joblib");
}

bool looksLikeClass(const std::string &C) {
  size_t Dot = C.rfind('.');
  std::string Last = Dot == std::string::npos ? C : C.substr(Dot + 1);
  return !Last.empty() && std::isupper((unsigned char)Last[0]) &&
         std::any_of(Last.begin(), Last.end(),
                     [](char Ch) { return std::islower((unsigned char)Ch); });
}

bool isKnownLibraryName(const std::string &C) {
  static const char *const Libraries[] = {
      "multiprocessing", "concurrent", "threading", "os",     "sys",
      "subprocess",      "torch",      "joblib",    "pebble", "loky",
      "builtins",        "asyncio",    "signal",    "time",   "functools"};
  for (const char *L : Libraries)
    if (hasPrefix(C, L))
      return true;
  return false;
}

bool isKnownWildcardModule(const std::string &Module) {
  std::string C = canonicalName(Module);
  return C == "multiprocessing" || C == "multiprocessing.pool" ||
         C == "concurrent.futures" || C == "joblib" || C == "pebble";
}

bool hasKnownMember(const std::string &Module, const std::string &Name) {
  std::string C = canonicalName(Module + "." + Name);
  return startsProcessesWhenCalled(Module + "." + Name) ||
         startsProcessesOnMethod(C, "start") ||
         startsProcessesOnMethod(C, "submit") ||
         C == "multiprocessing.set_start_method" ||
         C == "multiprocessing.get_context" ||
         C == "multiprocessing.freeze_support" || C == "joblib.Parallel" ||
         C == "joblib.parallel_backend" || C == "joblib.parallel_config";
}

} // namespace python
} // namespace mpguard
