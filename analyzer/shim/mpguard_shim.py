#!/usr/bin/env python3
"""mpguard runtime shim: run one Python script under one multiprocessing start
method (or, with --start-method native, one executable as it is), contained,
and print one JSON object describing what happened.

Usage:
  mpguard_shim.py --start-method {spawn,forkserver,fork,native}
                  --timeout SECONDS --max-procs N [--cwd DIR] -- SCRIPT [ARGS...]

Exit status: 0 when the JSON was printed (whatever the script did), 2 for
usage errors, 3 for internal errors. See README.md next to this file.

Self-contained, standard library only, Linux only (it reads /proc).
"""
import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

START_METHODS = ("spawn", "forkserver", "fork")
# Not a start method: SCRIPT is an executable (a compiled C/C++ example),
# run directly instead of through the Python bootstrap.
NATIVE = "native"

# How often the supervisor looks at the process table.
SCAN_INTERVAL_S = 0.05
# Cleanup: how long to keep killing and scanning before giving up, how long a
# multiprocessing resource tracker may take to exit on its own (it unlinks
# the semaphores and shared memory the killed processes leaked), and the pause
# between cleanup rounds.
CLEANUP_BOUND_S = 5.0
TRACKER_GRACE_S = 1.0
CLEANUP_PAUSE_S = 0.01

# Captured output: at most OUTPUT_LIMIT bytes are reported; beyond that the
# first and the last OUTPUT_HALF bytes, with a marker line between.
OUTPUT_LIMIT = 64 * 1024
OUTPUT_HALF = 32 * 1024

SYMPTOMS = (
    ("bootstrapping-phase",
     (b"An attempt has been made to start a new process before",)),
    ("context-already-set", (b"context has already been set",)),
    ("cannot-get-attribute", (b"Can't get attribute",)),
    ("cannot-pickle", (b"Can't pickle", b"cannot pickle")),
    ("broken-process-pool", (b"BrokenProcessPool",)),
    ("freeze-support", (b"freeze_support()",)),
)

# Runs inside the child as `python -c BOOTSTRAP METHOD PATH ARGV0 [ARGS...]`.
# It makes METHOD the *default* start method without setting it, so that the
# script's own set_start_method()/get_start_method() behave as on a platform
# whose default is METHOD, then runs the script the way `python SCRIPT` does:
# in a fresh module installed as sys.modules['__main__'] (so that spawn and
# forkserver children re-run the script as __mp_main__), with sys.argv[0] as
# given, an absolute __file__ and the script's directory first on sys.path.
# (runpy.run_path would force sys.argv[0] to the path and only swap __main__
# in for the duration of the run; it is used for directories and zip files.)
# With --frozen: the body of a stand-in for a frozen executable built from
# the script (PyInstaller on Linux), written to a temporary file that starts
# with `#!PYTHON` and run as the program itself. Like the real thing, it runs
# the script as __main__ with sys.frozen set, sys.executable naming the
# program and sys.argv = [program, ARGS...] on every start, children
# included: spawn starts `program --multiprocessing-fork KEY=VALUE...`, the
# resource tracker and the fork server `program -c "from multiprocessing...
# import main; main(...)"`. multiprocessing.freeze_support() behaves as
# PyInstaller's runtime hook makes it (on every platform): it turns those
# runs into the worker, tracker or server and exits; without it they run
# the script's main program again.
FROZEN_BOOTSTRAP = r"""
import sys


def _mpguard_frozen(method, path):
    import os
    sys.frozen = True
    sys.executable = os.path.realpath(__file__)
    # multiprocessing.spawn reads sys.executable when imported.
    import multiprocessing
    import multiprocessing.context as c
    import multiprocessing.spawn as spawn
    from subprocess import _args_from_interpreter_flags
    c._default_context._default_context = c._concrete_contexts[method]

    def freeze_support():
        argv = sys.argv
        helpers = ("from multiprocessing.resource_tracker import main",
                   "from multiprocessing.forkserver import main")
        if (len(argv) >= 3 and argv[-2] == "-c"
                and argv[-1].startswith(helpers)
                and set(argv[1:-2]) == set(_args_from_interpreter_flags())):
            exec(argv[-1])
            sys.exit()
        if spawn.is_forking(argv):
            kwds = {}
            for arg in argv[2:]:
                name, value = arg.split("=")
                kwds[name] = None if value == "None" else int(value)
            spawn.spawn_main(**kwds)
            sys.exit()

    multiprocessing.freeze_support = spawn.freeze_support = freeze_support
    c.BaseContext.freeze_support = lambda self: freeze_support()
    import builtins
    import types
    with open(path, "rb") as f:
        source = f.read()
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules["__main__"] = sys.modules["__mp_main__"] = main
    sys.argv[0] = sys.executable
    sys.path[0] = os.path.dirname(path)
    exec(compile(source, path, "exec"), main.__dict__)


_mpguard_frozen(%r, %r)
"""


BOOTSTRAP = r'''
import sys


def _mpguard_run():
    import os
    import multiprocessing.context as c
    method, path = sys.argv[1], sys.argv[2]
    c._default_context._default_context = c._concrete_contexts[method]
    sys.argv[:] = sys.argv[3:]
    if not getattr(sys.flags, "safe_path", False):
        sys.path[0] = os.path.dirname(os.path.realpath(path))
    try:
        if os.path.isfile(path) and not _is_zip(path):
            import builtins
            import importlib.machinery
            import io
            import types
            with io.open_code(path) as f:
                source = f.read()
            main = types.ModuleType("__main__")
            main.__file__ = path
            main.__cached__ = None
            main.__builtins__ = builtins
            main.__loader__ = importlib.machinery.SourceFileLoader(
                "__main__", path)
            sys.modules["__main__"] = main
            # multiprocessing, imported above, aliased __mp_main__ to the
            # bootstrap's module; alias the script's, as a real run would.
            sys.modules["__mp_main__"] = main
            exec(compile(source, path, "exec"), main.__dict__)
        else:
            import runpy
            runpy.run_path(path, run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:
        # Report like `python SCRIPT` does: without this bootstrap's (and
        # runpy's) frames in the traceback, exit status 1.
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != path:
            tb = tb.tb_next
        if tb is not None:
            e.__traceback__ = tb   # the default hook prints e.__traceback__
        sys.excepthook(type(e), e, e.__traceback__)
        sys.exit(1)


def _is_zip(path):
    # An end-of-central-directory record near the end, as zipfile looks for
    # (without importing zipfile and its dependencies into the child).
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 65557))
            return b"PK\x05\x06" in f.read()
    except OSError:
        return False


_mpguard_run()
'''


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer: {text!r}")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def parse_args(argv):
    parser = ArgumentParser(
        prog="mpguard_shim.py",
        usage="%(prog)s --start-method {spawn,forkserver,fork,native} "
              "--timeout SECONDS --max-procs N [--cwd DIR] -- SCRIPT [ARGS...]",
        description="Run one Python script under one multiprocessing start "
                    "method (or, with 'native', one executable), contained, "
                    "and print one JSON object.")
    parser.add_argument("--start-method", required=True,
                        choices=START_METHODS + (NATIVE,))
    parser.add_argument("--timeout", required=True, type=positive_float,
                        metavar="SECONDS")
    parser.add_argument("--max-procs", required=True, type=positive_int,
                        metavar="N")
    parser.add_argument("--cwd", metavar="DIR")
    parser.add_argument("--frozen", action="store_true")
    if "--" in argv:
        split = argv.index("--")
        options, command = argv[:split], argv[split + 1:]
    else:
        options, command = argv, []
    args, extra = parser.parse_known_args(options)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)} "
                     f"(the script goes after '--')")
    if not command:
        parser.error("missing '-- SCRIPT [ARGS...]'")
    args.script, args.script_args = command[0], command[1:]
    if args.cwd is not None and not os.path.isdir(args.cwd):
        parser.error(f"--cwd: not a directory: {args.cwd}")
    # SCRIPT is resolved against the shim's own working directory.
    args.script_path = os.path.abspath(args.script)
    if not os.path.exists(args.script_path):
        parser.error(f"no such script: {args.script}")
    if args.frozen and args.start_method == NATIVE:
        parser.error("--frozen: needs a start method, not native")
    if args.start_method == NATIVE and not (
            os.path.isfile(args.script_path)
            and os.access(args.script_path, os.X_OK)):
        parser.error(f"not an executable file: {args.script}")
    return args


# --- the process table ------------------------------------------------------

class Proc:
    __slots__ = ("pid", "state", "ppid", "sid", "starttime")

    def __init__(self, pid, state, ppid, sid, starttime):
        self.pid, self.state, self.ppid = pid, state, ppid
        self.sid, self.starttime = sid, starttime

    @property
    def zombie(self):
        return self.state in ("Z", "X", "x")


def read_stat(pid):
    """Parse /proc/PID/stat; None if the process is gone or unreadable.

    Field 2 (comm) is in parentheses and may itself contain spaces and ')',
    so the fixed fields are those after the LAST ')'.
    """
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    close = data.rfind(b")")
    if close < 0:
        return None
    fields = data[close + 1:].split()
    # fields[0] is field 3 (state), [1] ppid, [2] pgrp, [3] session,
    # [19] is field 22 (starttime).
    try:
        return Proc(pid, fields[0].decode("ascii", "replace"), int(fields[1]),
                    int(fields[3]), int(fields[19]))
    except (IndexError, ValueError):
        return None


def scan_all():
    procs = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return procs
    for name in names:
        if name.isdigit():
            p = read_stat(int(name))
            if p is not None:
                procs.append(p)
    return procs


def read_cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


# --- the supervisor -----------------------------------------------------------

_pending_signal = None


def _on_signal(signum, frame):
    global _pending_signal
    if _pending_signal is None:
        _pending_signal = signum


def set_child_subreaper():
    """Become a child subreaper so that orphaned descendants (including those
    that left the session with setsid) are reparented to us and stay in the
    tree we scan. Best effort."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


class Supervisor:
    def __init__(self, args):
        self.args = args
        self.me = os.getpid()
        self.child = None          # subprocess.Popen of the main child
        self.pid = None            # its pid == its session id == its pgid
        self.main_exited = False   # exited but deliberately not yet reaped
        self.main_status = None    # raw wait status once reaped
        self.main_reaped = False
        self.max_count = 0
        self.cap_exceeded = False
        self.timed_out = False
        self.pidfd_ok = hasattr(os, "pidfd_open") and hasattr(
            signal, "pidfd_send_signal")
        self._cmdline_cache = {}

    # The processes we are responsible for: the main child's session (it is
    # the session leader) plus every descendant of this supervisor, whatever
    # session it moved to. The supervisor itself is not counted.
    def tracked(self):
        procs = scan_all()
        children = {}
        for p in procs:
            children.setdefault(p.ppid, []).append(p)
        seen = {}
        stack = [self.me]
        while stack:
            for c in children.get(stack.pop(), ()):
                if c.pid not in seen and c.pid != self.me:
                    seen[c.pid] = c
                    stack.append(c.pid)
        for p in procs:
            if p.sid == self.pid and p.pid != self.me:
                seen.setdefault(p.pid, p)
        result = list(seen.values())
        if len(result) > self.max_count:
            self.max_count = len(result)
        return result

    def start(self, out, err):
        a = self.args
        argv0 = a.script if (a.cwd is None or os.path.isabs(a.script)) \
            else a.script_path
        if a.start_method == NATIVE:
            executable = a.script_path
            cmd = [argv0, *a.script_args]
        elif a.frozen:
            self.frozen_dir = tempfile.mkdtemp(prefix="mpguard-frozen-")
            executable = os.path.join(self.frozen_dir, "program")
            with open(executable, "w") as f:
                f.write("#!" + sys.executable + "\n" + FROZEN_BOOTSTRAP % (
                    a.start_method, a.script_path))
            os.chmod(executable, 0o700)
            cmd = [executable, *a.script_args]
        else:
            executable = sys.executable
            cmd = [sys.executable, "-c", BOOTSTRAP, a.start_method,
                   a.script_path, argv0, *a.script_args]
        self.child = subprocess.Popen(
            cmd, executable=executable, stdin=subprocess.DEVNULL, stdout=out,
            stderr=err, cwd=a.cwd, start_new_session=True, close_fds=True)
        self.pid = self.child.pid

    def poll_main(self):
        """Has the main child exited? Does not reap it: while it is an
        unreaped zombie its pid (= session id = process group id) cannot be
        reused, so scanning by session id and killpg stay safe."""
        if self.main_exited or self.main_reaped:
            return True
        try:
            info = os.waitid(os.P_PID, self.pid,
                             os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            info = True
        if info is not None:
            self.main_exited = True
        return self.main_exited

    def reap_orphans(self, procs):
        """Reap zombies that are our children (orphans reparented to us as
        subreaper), except the main child."""
        for p in procs:
            if p.zombie and p.ppid == self.me and p.pid != self.pid:
                try:
                    os.waitpid(p.pid, os.WNOHANG)
                except ChildProcessError:
                    pass

    def kill(self, p):
        if self.pidfd_ok:
            try:
                fd = os.pidfd_open(p.pid)
            except ProcessLookupError:
                return
            except OSError:
                self.pidfd_ok = False
            else:
                try:
                    # The pidfd pins the process; check it is the one we
                    # scanned, not a newcomer that reused the pid.
                    now = read_stat(p.pid)
                    if now is not None and now.starttime == p.starttime:
                        signal.pidfd_send_signal(fd, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                finally:
                    os.close(fd)
                return
        try:
            os.kill(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def is_tracker(self, p):
        key = (p.pid, p.starttime)
        if key not in self._cmdline_cache:
            self._cmdline_cache[key] = \
                b"multiprocessing.resource_tracker" in read_cmdline(p.pid)
        return self._cmdline_cache[key]

    def run(self):
        a = self.args
        start = time.monotonic()
        deadline = start + a.timeout
        pidfd = None
        if self.pidfd_ok:
            try:
                pidfd = os.pidfd_open(self.pid)
            except OSError:
                pidfd = None
        try:
            while True:
                procs = self.tracked()
                if self.poll_main():
                    break
                if len(procs) > a.max_procs:
                    self.cap_exceeded = True
                    break
                now = time.monotonic()
                if now >= deadline:
                    self.timed_out = True
                    break
                if _pending_signal is not None:
                    break
                self.reap_orphans(procs)
                wait = min(SCAN_INTERVAL_S, deadline - now)
                if pidfd is not None:
                    select.select([pidfd], [], [], wait)
                else:
                    time.sleep(wait)
        finally:
            if pidfd is not None:
                os.close(pidfd)
        self.duration = time.monotonic() - start
        leftover = self.cleanup()
        # A count above the cap also counts when the main child had exited
        # by then (e.g. it left a bomb behind) or during the cleanup.
        if self.max_count > a.max_procs and not self.timed_out:
            self.cap_exceeded = True
        return leftover

    def cleanup(self):
        """SIGKILL everything tracked until nothing is left (bounded), then
        reap the main child. Returns the number of processes left alive."""
        begin = time.monotonic()
        left = []
        while True:
            procs = self.tracked()
            self.reap_orphans(procs)
            live = [p for p in procs if not p.zombie]
            orphan_zombies = [p for p in procs if p.zombie
                              and p.ppid == self.me and p.pid != self.pid]
            if not live and not orphan_zombies:
                left = []
                break
            elapsed = time.monotonic() - begin
            if elapsed > CLEANUP_BOUND_S:
                left = live
                break
            spare = [p for p in live if elapsed < TRACKER_GRACE_S
                     and self.is_tracker(p)]
            if not spare and not self.main_reaped:
                # Atomic for the process group; safe because the main child
                # (the group leader) is not reaped yet.
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            spare_pids = {p.pid for p in spare}
            for p in live:
                if p.pid not in spare_pids:
                    self.kill(p)
            time.sleep(CLEANUP_PAUSE_S)
        self.reap_main()
        return len(left)

    def reap_main(self):
        if self.main_reaped:
            return
        end = time.monotonic() + CLEANUP_BOUND_S
        while True:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:   # reaped elsewhere: status unknown
                self.main_reaped = True
                break
            if pid == self.pid:
                self.main_status = status
                self.main_reaped = True
                break
            if time.monotonic() > end:
                break
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            time.sleep(CLEANUP_PAUSE_S)
        if self.main_status is not None:
            # Keep subprocess from trying to reap it again.
            self.child.returncode = os.waitstatus_to_exitcode(self.main_status)

    def emergency_cleanup(self):
        if self.pid is None or self.main_reaped:
            return
        try:
            self.cleanup()
        except Exception:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass


# --- the report --------------------------------------------------------------

def _utf8_head(data):
    """Drop an incomplete UTF-8 sequence at the end of data."""
    for back in range(1, min(4, len(data)) + 1):
        b = data[-back]
        if b < 0x80:
            return data
        if b >= 0xC0:
            need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
            return data if back >= need else data[:-back]
    return data


def _utf8_tail(data):
    """Drop UTF-8 continuation bytes at the start of data."""
    i = 0
    while i < min(3, len(data)) and 0x80 <= data[i] < 0xC0:
        i += 1
    return data[i:]


def read_output(f):
    f.flush()
    size = os.fstat(f.fileno()).st_size
    if size <= OUTPUT_LIMIT:
        f.seek(0)
        return f.read(size).decode("utf-8", "replace")
    f.seek(0)
    head = _utf8_head(f.read(OUTPUT_HALF))
    f.seek(size - OUTPUT_HALF)
    tail = _utf8_tail(f.read(OUTPUT_HALF))
    omitted = size - len(head) - len(tail)
    text = head.decode("utf-8", "replace")
    if not text.endswith("\n"):
        text += "\n"
    text += f"[mpguard-shim: {omitted} bytes omitted]\n"
    return text + tail.decode("utf-8", "replace")


def find_symptoms(f):
    """Names of the symptoms whose pattern occurs anywhere in the file (the
    whole capture, not only the truncated excerpt)."""
    longest = max(len(p) for _, pats in SYMPTOMS for p in pats)
    found = set()
    f.seek(0)
    carry = b""
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            break
        window = carry + chunk
        for name, pats in SYMPTOMS:
            if name not in found and any(p in window for p in pats):
                found.add(name)
        carry = window[-(longest - 1):]
    return sorted(found)


def main(argv):
    args = parse_args(argv)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    set_child_subreaper()
    sup = Supervisor(args)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            sup.start(out, err)
            leftover = sup.run()
        except BaseException:
            sup.emergency_cleanup()
            raise
        if _pending_signal is not None:
            signal.signal(_pending_signal, signal.SIG_DFL)
            os.kill(os.getpid(), _pending_signal)
            sys.exit(128 + _pending_signal)

        status = sup.main_status
        exit_code = sig = None
        if status is not None:
            code = os.waitstatus_to_exitcode(status)
            if code >= 0:
                exit_code = code
            else:
                sig = -code
        if sup.timed_out:
            outcome = "hang"
        elif sup.cap_exceeded:
            outcome = "fork-bomb"
        elif exit_code == 0:
            outcome = "runs"
        else:
            outcome = "fails"
        result = {
            "start_method": args.start_method,
            "script": args.script,
            "exit_code": exit_code,
            "signal": sig,
            "timed_out": sup.timed_out,
            "cap_exceeded": sup.cap_exceeded,
            "max_processes": sup.max_count,
            "leftover_processes": leftover,
            "duration_s": round(sup.duration, 3),
            "stdout": read_output(out),
            "stderr": read_output(err),
            "symptoms": find_symptoms(err),
            "outcome": outcome,
        }
    if getattr(sup, "frozen_dir", None):
        shutil.rmtree(sup.frozen_dir, ignore_errors=True)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit:
        raise
    except KeyboardInterrupt:   # before the handlers were installed
        sys.exit(128 + signal.SIGINT)
    except BaseException as e:  # noqa: BLE001 - report, exit 3
        sys.stderr.write(f"mpguard_shim.py: internal error: "
                         f"{type(e).__name__}: {e}\n")
        sys.exit(3)
