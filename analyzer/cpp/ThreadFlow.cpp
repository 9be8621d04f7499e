//===- ThreadFlow.cpp - Threads alive at each fork, and fork children -----===//
#include "cpp/ThreadFlow.h"

#include <algorithm>
#include <set>

namespace mpguard {
namespace cpp {

namespace {

/// The live threads at a point, by the variable each is held in (a start
/// without one has its own key and is never joined).
using State = std::map<std::string, const Witness *>;

} // namespace

/// The embedded interpreter's life: what starts (or resumes) it, and what
/// ends it or prepares it for a fork.
static bool startsInterpreter(llvm::StringRef Api) {
  return Api == "Py_Initialize" || Api == "Py_InitializeEx" ||
         Api == "Py_InitializeFromConfig" ||
         Api == "pybind11::initialize_interpreter" ||
         Api == "pybind11::scoped_interpreter::scoped_interpreter" ||
         Api == "PyOS_AfterFork_Parent" || Api == "PyOS_AfterFork_Child";
}
static bool stopsInterpreter(llvm::StringRef Api) {
  return Api == "Py_Finalize" || Api == "Py_FinalizeEx" ||
         Api == "pybind11::finalize_interpreter" || Api == "PyOS_BeforeFork";
}

struct ThreadFlow::Impl {
  const Program &P;
  Tracked What = Tracked::Threads;
  std::map<const Function *, const Witness *> Leaves, Forks;
  std::deque<Witness> Witnesses; // stable addresses
  std::map<std::pair<const Event *, const Witness *>, const Witness *> Of;
  std::map<const Function *, std::vector<bool>> Reached;
  std::map<const Event *, const Witness *> ThreadAtFork;

  explicit Impl(const Program &P) : P(P) {}

  const Witness *witness(const TranslationUnit *TU, const Function *F,
                         const Event *At, const Witness *Inner) {
    auto [It, New] = Of.emplace(std::make_pair(At, Inner), nullptr);
    if (New) {
      Witnesses.push_back({TU, F, At, Inner});
      It->second = &Witnesses.back();
    }
    return It->second;
  }

  /// The witness \p Of (Leaves or Forks) has for what a call may run:
  /// its callee, or for a call through a function pointer the first
  /// address-taken function of its type that has one.
  const Witness *through(const std::map<const Function *, const Witness *> &Of,
                         const TranslationUnit *TU, const Event &E) {
    if (E.Kind != EventKind::Call)
      return nullptr;
    if (!E.Callee.empty()) {
      auto It = Of.find(P.function(E.Callee, TU));
      return It == Of.end() ? nullptr : It->second;
    }
    if (!E.Signature.empty())
      for (auto [TargetTU, Target] : P.indirectTargets(E.Signature))
        if (auto It = Of.find(Target); It != Of.end())
          return It->second;
    return nullptr;
  }

  void transfer(const TranslationUnit *TU, const Function *F, const Event &E,
                State &S) {
    if (What == Tracked::Interpreter) {
      if (E.Kind != EventKind::Call)
        return;
      if (startsInterpreter(E.Api))
        S.emplace("python", witness(TU, F, &E, nullptr));
      else if (stopsInterpreter(E.Api))
        S.erase("python");
      else if (const Witness *W = through(Leaves, TU, E))
        S.emplace("python", witness(TU, F, &E, W));
      return;
    }
    switch (E.Kind) {
    case EventKind::ThreadStart:
      S.emplace(E.Var.empty() ? "@" + std::to_string(E.Where.File) + ":" +
                                    std::to_string(E.Where.Begin)
                              : E.Var,
                witness(TU, F, &E, nullptr));
      break;
    case EventKind::ThreadJoin:
      if (!E.Var.empty())
        S.erase(E.Var);
      break;
    case EventKind::Call:
      if (const Witness *W = through(Leaves, TU, E))
        S.emplace("@call:" + E.Callee + E.Signature, witness(TU, F, &E, W));
      break;
    case EventKind::Fork:
    case EventKind::Write:
    case EventKind::Lock:
    case EventKind::Unlock:
      break;
    }
  }

  /// The state at the start of each block, to a fixpoint.
  std::vector<State> flow(const TranslationUnit &TU, const Function &F) {
    std::vector<State> In(F.Blocks.size());
    std::vector<bool> Seen(F.Blocks.size(), false);
    std::deque<size_t> Work{F.Entry};
    Seen[F.Entry] = true;
    while (!Work.empty()) {
      size_t B = Work.front();
      Work.pop_front();
      State S = In[B];
      for (const Event &E : F.Blocks[B].Events)
        transfer(&TU, &F, E, S);
      for (uint32_t Succ : F.Blocks[B].Succs) {
        size_t Before = In[Succ].size();
        for (auto &[K, W] : S)
          In[Succ].emplace(K, W);
        if (!Seen[Succ] || In[Succ].size() != Before) {
          Seen[Succ] = true;
          Work.push_back(Succ);
        }
      }
    }
    Reached[&F] = Seen;
    return In;
  }

  /// A fork this function runs (itself or through a call), if any.
  const Witness *forkIn(const TranslationUnit &TU, const Function &F) {
    const std::vector<bool> &Seen = Reached[&F];
    for (size_t B = 0; B < F.Blocks.size(); ++B) {
      if (!Seen[B])
        continue;
      for (const Event &E : F.Blocks[B].Events) {
        if (E.Kind == EventKind::Fork)
          return witness(&TU, &F, &E, nullptr);
        if (const Witness *W = through(Forks, &TU, E))
          return witness(&TU, &F, &E, W);
      }
    }
    return nullptr;
  }

  void summarize() {
    for (bool Changed = true; Changed;) {
      Changed = false;
      for (auto [TU, F] : P.functions()) {
        std::vector<State> In = flow(*TU, *F);
        if (!In[F->Exit].empty() && !Leaves.count(F)) {
          Leaves[F] = In[F->Exit].begin()->second;
          Changed = true;
        }
        if (!Forks.count(F))
          if (const Witness *W = forkIn(*TU, *F)) {
            Forks[F] = W;
            Changed = true;
          }
      }
    }
  }

  void collect(std::vector<ForkAfterThread> &Out) {
    for (auto [TU, F] : P.functions()) {
      std::vector<State> In = flow(*TU, *F);
      const std::vector<bool> &Seen = Reached[F];
      for (size_t B = 0; B < F->Blocks.size(); ++B) {
        if (!Seen[B])
          continue;
        State S = In[B];
        for (const Event &E : F->Blocks[B].Events) {
          if (!S.empty()) {
            const Witness *Fork = nullptr;
            if (E.Kind == EventKind::Fork)
              Fork = witness(TU, F, &E, nullptr);
            else if (const Witness *W = through(Forks, TU, E))
              Fork = witness(TU, F, &E, W);
            if (Fork) {
              Out.push_back({TU, F, &E, S.begin()->second, Fork});
              if (E.Kind == EventKind::Fork)
                ThreadAtFork[&E] = S.begin()->second;
            }
          }
          transfer(TU, F, E, S);
        }
      }
    }
  }
};

ThreadFlow::ThreadFlow(const Program &P, Tracked What)
    : I(std::make_unique<Impl>(P)) {
  I->What = What;
  I->summarize();
  I->collect(Found);
}

ThreadFlow::~ThreadFlow() = default;

const Witness *ThreadFlow::threadAt(const Event *Fork) const {
  auto It = I->ThreadAtFork.find(Fork);
  return It == I->ThreadAtFork.end() ? nullptr : It->second;
}

void addWitnessNotes(const Program &P, const Witness &W, const char *Last,
                     std::vector<Note> &Out) {
  for (const Witness *I = &W; I; I = I->Inner)
    P.addNote(*I->TU, I->At->Where,
              I->Inner ? "`" + I->At->Api + "` called here"
                       : std::string(Last) + " (`" + I->At->Api + "`)",
              Out);
}

std::string placeOf(const Program &P, const Witness &W) {
  const Witness &I = W.innermost();
  Location L = P.location(*I.TU, I.At->Where);
  return L.File ? L.File->path() + ":" + std::to_string(L.line()) : "";
}

std::string ThreadFlow::describeFork(const ForkAfterThread &X) {
  return X.Fork->Inner ? "call to `" + X.At->Api + "` forks (`" +
                             X.Fork->innermost().At->Api + "`)"
                       : "`" + X.At->Api + "`";
}

bool ThreadFlow::forksSafely(const Program &P, const ForkAfterThread &X) {
  const Witness &Forked = X.Fork->innermost();
  ChildWalk W = walkChild(P, *Forked.TU, *Forked.In, *Forked.At);
  return W.safe() && !W.ReachesEnd;
}

const Witness *ThreadFlow::leftRunning(const Function *F) const {
  auto It = I->Leaves.find(F);
  return It == I->Leaves.end() ? nullptr : It->second;
}

bool isAsyncSignalSafe(llvm::StringRef Name) {
  // POSIX.1-2017 signal-safety(7), in full.
  static const std::set<llvm::StringRef> Posix = {
      "_Exit",
      "_exit",
      "abort",
      "accept",
      "access",
      "aio_error",
      "aio_return",
      "aio_suspend",
      "alarm",
      "bind",
      "cfgetispeed",
      "cfgetospeed",
      "cfsetispeed",
      "cfsetospeed",
      "chdir",
      "chmod",
      "chown",
      "clock_gettime",
      "close",
      "connect",
      "creat",
      "dup",
      "dup2",
      "execl",
      "execle",
      "execv",
      "execve",
      "faccessat",
      "fchdir",
      "fchmod",
      "fchmodat",
      "fchown",
      "fchownat",
      "fcntl",
      "fdatasync",
      "fexecve",
      "ffs",
      "fork",
      "fstat",
      "fstatat",
      "fsync",
      "ftruncate",
      "futimens",
      "getegid",
      "geteuid",
      "getgid",
      "getgroups",
      "getpeername",
      "getpgrp",
      "getpid",
      "getppid",
      "getsockname",
      "getsockopt",
      "getuid",
      "htonl",
      "htons",
      "kill",
      "link",
      "linkat",
      "listen",
      "longjmp",
      "lseek",
      "lstat",
      "memccpy",
      "memchr",
      "memcmp",
      "memcpy",
      "memmove",
      "memset",
      "mkdir",
      "mkdirat",
      "mkfifo",
      "mkfifoat",
      "mknod",
      "mknodat",
      "ntohl",
      "ntohs",
      "open",
      "openat",
      "pause",
      "pipe",
      "poll",
      "posix_trace_event",
      "pselect",
      "pthread_kill",
      "pthread_self",
      "pthread_sigmask",
      "raise",
      "read",
      "readlink",
      "readlinkat",
      "recv",
      "recvfrom",
      "recvmsg",
      "rename",
      "renameat",
      "rmdir",
      "select",
      "sem_post",
      "send",
      "sendmsg",
      "sendto",
      "setgid",
      "setpgid",
      "setsid",
      "setsockopt",
      "setuid",
      "shutdown",
      "sigaction",
      "sigaddset",
      "sigdelset",
      "sigemptyset",
      "sigfillset",
      "sigismember",
      "siglongjmp",
      "signal",
      "sigpause",
      "sigpending",
      "sigprocmask",
      "sigqueue",
      "sigset",
      "sigsuspend",
      "sleep",
      "sockatmark",
      "socket",
      "socketpair",
      "stat",
      "stpcpy",
      "stpncpy",
      "strcat",
      "strchr",
      "strcmp",
      "strcpy",
      "strcspn",
      "strlen",
      "strncat",
      "strncmp",
      "strncpy",
      "strnlen",
      "strpbrk",
      "strrchr",
      "strspn",
      "strstr",
      "strtok_r",
      "symlink",
      "symlinkat",
      "tcdrain",
      "tcflow",
      "tcflush",
      "tcgetattr",
      "tcgetpgrp",
      "tcsendbreak",
      "tcsetattr",
      "tcsetpgrp",
      "time",
      "timer_getoverrun",
      "timer_gettime",
      "timer_settime",
      "times",
      "umask",
      "uname",
      "unlink",
      "unlinkat",
      "utime",
      "utimensat",
      "utimes",
      "wait",
      "wait3",
      "wait4",
      "waitid",
      "waitpid",
      "wcpcpy",
      "wcpncpy",
      "wcscat",
      "wcschr",
      "wcscmp",
      "wcscpy",
      "wcscspn",
      "wcslen",
      "wcsncat",
      "wcsncmp",
      "wcsncpy",
      "wcsnlen",
      "wcspbrk",
      "wcsrchr",
      "wcsspn",
      "wcsstr",
      "wcstok",
      "wmemchr",
      "wmemcmp",
      "wmemcpy",
      "wmemmove",
      "wmemset",
      "write",
      // POSIX.1-2024 additions.
      "_Fork",
      "quick_exit",
  };
  // Linux system-call wrappers with no library state, which the fork child
  // of a multithreaded program commonly needs before exec. Not POSIX: an
  // explicit allow-list, so they are not reported.
  static const std::set<llvm::StringRef> LinuxExtensions = {
      "accept4",
      "close_range",
      "dup3",
      "execveat",
      "getrlimit",
      "pipe2",
      "prctl",
      "setrlimit",
      "prlimit",
      "setresgid",
      "setresuid",
      "setgroups",
      "sched_setaffinity",
      "syscall",
      "ioctl",
      "personality",
      "chroot",
      "unshare",
      "setns",
      "mount",
      "umount2",
      "pivot_root",
  };
  // How the C libraries implement `errno` (glibc and musl, the BSDs and
  // macOS, Solaris): reading or setting errno is allowed.
  static const std::set<llvm::StringRef> ErrnoAccessors = {
      "__errno_location", "__error", "___errno", "__errno"};
  return Posix.count(Name) || LinuxExtensions.count(Name) ||
         ErrnoAccessors.count(Name);
}

bool endsChild(llvm::StringRef Name) {
  // A failed assert() (glibc's __assert_fail, the BSDs' and macOS's
  // __assert/__assert_rtn) ends the process like abort(): an invariant is
  // broken already, and it is not what these rules are about.
  return Name.starts_with("exec") || Name == "fexecve" || Name == "_exit" ||
         Name == "_Exit" || Name == "abort" || Name == "__assert_fail" ||
         Name == "__assert_perror_fail" || Name == "__assert" ||
         Name == "__assert_rtn" || Name == "_assert";
}

namespace {

struct Walker {
  const Program &P;
  ChildWalk &Out;
  std::set<const Event *> Reported;
  std::set<const Function *> Active; // helpers on the current chain

  /// Checks every call a program function makes (any path): the child
  /// runs whichever it takes.
  void
  helper(const TranslationUnit &TU, const Function &F,
         std::vector<std::pair<const TranslationUnit *, const Event *>> &Via) {
    if (!Active.insert(&F).second || Via.size() > 8)
      return;
    for (const Block &B : F.Blocks)
      for (const Event &E : B.Events)
        event(TU, E, Via);
    Active.erase(&F);
  }

  /// Returns true when the event ends the child's path.
  bool
  event(const TranslationUnit &TU, const Event &E,
        std::vector<std::pair<const TranslationUnit *, const Event *>> &Via) {
    auto Report = [&](std::vector<ChildStep> &To) {
      if (Reported.insert(&E).second)
        To.push_back({&TU, &E, Via});
    };
    switch (E.Kind) {
    case EventKind::ThreadStart:
    case EventKind::ThreadJoin:
    case EventKind::Lock:
      Report(Out.Unsafe);
      return false;
    case EventKind::Unlock:
      // A guard's release is reported at its lock.
      if (!llvm::StringRef(E.Api).starts_with("~"))
        Report(Out.Unsafe);
      return false;
    case EventKind::Write:
      return false;
    case EventKind::Fork:
      return false; // a fork in the child: its own child is checked apart
    case EventKind::Call:
      break;
    }
    if (E.System || E.Api == "new" || E.Api == "throw") {
      if (endsChild(E.Api))
        return true;
      if (!isAsyncSignalSafe(E.Api))
        Report(Out.Unsafe);
      // exit() ends the child too, the wrong way (MPG103); so does an
      // exception leaving the code.
      bool Exits = E.Api == "exit" || E.Api == "std::exit" || E.Api == "throw";
      if (Exits && (Out.Exits.empty() || Out.Exits.back().At != &E))
        Out.Exits.push_back({&TU, &E, Via});
      return Exits || E.Api == "quick_exit" || E.Api == "std::quick_exit";
    }
    const TranslationUnit *CalleeTU = nullptr;
    const Function *Callee =
        E.Callee.empty() ? nullptr : P.function(E.Callee, &TU, &CalleeTU);
    if (!Callee) {
      Report(Out.Unknown);
      return false;
    }
    Via.push_back({&TU, &E});
    helper(*CalleeTU, *Callee, Via);
    Via.pop_back();
    return false;
  }
};

} // namespace

void addStepNotes(const Program &P, const ChildStep &S, const std::string &Last,
                  std::vector<Note> &Out) {
  for (size_t I = 1; I < S.Via.size(); ++I)
    P.addNote(*S.Via[I].first, S.Via[I].second->Where,
              "`" + S.Via[I].second->Api + "` called here", Out);
  if (!S.Via.empty())
    P.addNote(*S.TU, S.At->Where, Last, Out);
}

ChildWalk walkChild(const Program &P, const TranslationUnit &TU,
                    const Function &F, const Event &Fork) {
  ChildWalk Out;
  if (Fork.Child < 0 || size_t(Fork.Child) >= F.Blocks.size())
    return Out;
  Out.Known = true;
  Walker W{P, Out, {}, {}};
  std::vector<bool> Seen(F.Blocks.size(), false);
  std::deque<uint32_t> Work{uint32_t(Fork.Child)};
  Seen[Fork.Child] = true;
  std::vector<std::pair<const TranslationUnit *, const Event *>> Via;
  while (!Work.empty()) {
    uint32_t B = Work.front();
    Work.pop_front();
    bool Ended = false;
    for (const Event &E : F.Blocks[B].Events)
      if ((Ended = W.event(TU, E, Via)))
        break;
    if (Ended)
      continue;
    if (B == F.Exit)
      Out.ReachesEnd = true;
    for (uint32_t S : F.Blocks[B].Succs)
      if (!Seen[S]) {
        Seen[S] = true;
        Work.push_back(S);
      }
  }
  auto ByPlace = [](const ChildStep &A, const ChildStep &B) {
    return std::make_pair(A.At->Where.File, A.At->Where.Begin) <
           std::make_pair(B.At->Where.File, B.At->Where.Begin);
  };
  std::stable_sort(Out.Unsafe.begin(), Out.Unsafe.end(), ByPlace);
  std::stable_sort(Out.Unknown.begin(), Out.Unknown.end(), ByPlace);
  std::stable_sort(Out.Exits.begin(), Out.Exits.end(), ByPlace);
  return Out;
}

} // namespace cpp
} // namespace mpguard
