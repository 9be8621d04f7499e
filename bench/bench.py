#!/usr/bin/python3
"""mpguard benchmark harness (stdlib only). Started by bench/run.sh.

Measures, in one run, on the same corpora and on this machine:
  mpguard cold (--no-cache) with --jobs 1 and with every core,
  mpguard warm (a primed facts cache) with --jobs 1 and with every core,
  (a) tree-sitter parse of every file, no analysis   (bench/ts_parse.cpp)
  (b) CPython ast.parse + ast.walk of every file      (bench/ast_walk.py)
  (c) ruff (npm @astral-sh/ruff-wasm-nodejs), 1 rule  (bench/ruff_check.cjs)
  (d) pylint, one checker, on a subset, extrapolated by bytes
over Debian's /usr/lib/python3.11, the pyenv standard library with its
site-packages, and Debian's standard library replicated 1x/4x/16x.

Every tool gets the same explicit, sorted file list and runs with the
corpus root as its working directory. Runs are interleaved in rounds; times
are medians of several runs and ratios are medians of per-round ratios;
peak RSS comes from wait4() on that one child. See bench/README.md for what
each number means.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
CLK_TCK = os.sysconf("SC_CLK_TCK")
NCPU = len(os.sched_getaffinity(0))

# The one rule the linters run: unused imports in both (ruff F401, pylint
# W0611), so (c) and (d) do comparable work.
RUFF_RULE = "F401"
PYLINT_CHECK = "unused-import"
# Node flags for (c): compile the whole .wasm with the optimizing compiler
# before the timed loop (instead of lazily, with Liftoff, inside it). This
# favours ruff; see README.md.
NODE_FLAGS = ["--no-liftoff", "--no-wasm-lazy-compilation"]

TARGET_PREFILTER = 3.0   # (a) / mpguard -j1 on a standard library
TARGET_RUFF = 10.0       # (c) / mpguard -j1
TARGET_PARALLEL = 1.7    # mpguard -j1 / mpguard -jN, on 2 cores
TARGET_RSS_MB = 150.0    # peak RSS across the scale series
RSS_FLAT_GROWTH = 1.20   # "flat": 16x peak <= 1.2 x the 1x peak
LINEAR_SLOPE_RATIO = 1.20  # "linear": s/MB for 4x->16x <= 1.2 x 1x->4x
TARGET_WARM = 0.10       # mpguard warm / mpguard cold, same --jobs
# The warm rows are only meaningful if the warm run really skips the files:
# on the untimed check run after the priming run, at most this share of the
# corpus may still be read (read = neither known from the stat index as
# rejected by the prefilter nor as a file no enabled rule can fire on).
WARM_MAX_READ = 0.02
# mpguard keeps a file out of its stat index while its mtime or ctime is
# less than 2 s old ("racily clean"); the priming run waits until every
# file of the corpus is at least this old.
RACY_AGE = 2.5


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# machine load: a run is only clean if nobody else used the CPUs meanwhile


def cpu_busy_seconds():
    """Busy CPU time of the whole machine (all CPUs), in seconds."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:]
    v = [int(x) for x in fields]
    # user nice system idle iowait irq softirq steal guest guest_nice
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    return busy / CLK_TCK


QUIET_BUDGET = [0.0]  # seconds left for waiting, over the whole run


def wait_for_quiet(limit, note):
    """Waits until the machine is idle (<7% of all CPUs busy for 3 s in a
    row), at most `limit` seconds and at most what is left of the run's
    waiting budget. Returns the seconds waited, or -1 if still busy."""
    limit = min(limit, QUIET_BUDGET[0])
    start = time.monotonic()
    try:
        return _wait_for_quiet(limit, note, start)
    finally:
        QUIET_BUDGET[0] = max(0.0, QUIET_BUDGET[0] -
                              (time.monotonic() - start))


def _wait_for_quiet(limit, note, start):
    quiet = 0
    announced = False
    while True:
        b0 = cpu_busy_seconds()
        time.sleep(1.0)
        busy = (cpu_busy_seconds() - b0) / NCPU
        quiet = quiet + 1 if busy < 0.07 else 0
        if quiet >= 3:
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            log(f"  !! machine still busy after {limit:.0f} s ({note}); "
                "measuring anyway, runs will be flagged")
            return -1
        if not announced and time.monotonic() - start > 5:
            log(f"  .. waiting for other processes to go quiet ({note})")
            announced = True


# --------------------------------------------------------------------------
# running one measured command


class RunResult:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def as_dict(self):
        d = dict(self.__dict__)
        d.pop("stdout", None)
        return d


def run_once(cmd, cwd, timeout, out_dir, tag):
    """Runs cmd; wall time, peak RSS (KiB) and CPU from wait4() on it."""
    out_path = os.path.join(out_dir, f"{tag}.stdout")
    err_path = os.path.join(out_dir, f"{tag}.stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        busy0 = cpu_busy_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = t0 + timeout
        timed_out = False
        try:
            while True:
                pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    break
                if time.perf_counter() > deadline:
                    os.killpg(proc.pid, signal.SIGKILL)
                    timed_out = True
                    pid, status, ru = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.002)
        except BaseException:
            # Interrupted: take the child (its own session) down with us.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            raise
        wall = time.perf_counter() - t0
        busy = cpu_busy_seconds() - busy0
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = ru.ru_utime + ru.ru_stime
    foreign = max(0.0, busy - cpu)
    with open(out_path, "rb") as f:
        stdout = f.read().decode("utf-8", "replace")
    return RunResult(wall=wall, user=ru.ru_utime, sys=ru.ru_stime,
                     rss_kb=ru.ru_maxrss, exit=proc.returncode,
                     timed_out=timed_out, foreign_cpu=foreign,
                     contaminated=foreign > 0.05 * wall * NCPU + 0.05,
                     stdout=stdout, stderr_file=err_path)


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON object in output")


# --------------------------------------------------------------------------
# tools


class Tool:
    """One row of the table. time_of() picks the number the ratios use."""

    def __init__(self, key, label, timed, cmd, check, time_of, ok_exits,
                 on_subset=False):
        self.key, self.label, self.timed = key, label, timed
        self.cmd, self.check, self.time_of = cmd, check, time_of
        self.ok_exits, self.on_subset = ok_exits, on_subset


def make_tools(paths):
    mp, ts, node, pylint = (paths["mpguard"], paths["ts_parse"],
                            paths["node"], paths["pylint"])

    def mpguard_cmd(jobs):
        # Cold: --no-cache, or every run after the first would be warm (and
        # would write to ~/.cache/mpguard).
        return lambda c: [mp, "check", "--format", "json", "--no-cache",
                          "-j", str(jobs), *c.files]

    def mpguard_warm_cmd(jobs):
        # Warm: the corpus's own cache directory, primed by prime_cache().
        return lambda c: [mp, "check", "--format", "json", "--cache-dir",
                          c.cache_dir, "-j", str(jobs), *c.files]

    def mpguard_check(c, r):
        s = json.loads(r.stdout)["summary"]
        if s["files_checked"] != len(c.files):
            raise RuntimeError(f"mpguard checked {s['files_checked']} files, "
                               f"list has {len(c.files)}")
        r.summary = s

    def loop_check(c, r):
        s = last_json_line(r.stdout)
        if s["files"] != len(c.files) or s["bytes"] != c.bytes:
            raise RuntimeError(f"{s['files']} files / {s['bytes']} bytes, "
                               f"expected {len(c.files)} / {c.bytes}")
        r.summary = s
        r.loop = s["loop_seconds"]

    def pylint_check(c, r):
        r.summary = {"messages": len(re.findall(r": W0611: ", r.stdout))}

    tools = [
        Tool("mpguard_j1", "mpguard cold, --jobs 1",
             "whole process (wall)", mpguard_cmd(1), mpguard_check,
             lambda r: r.wall, {0, 1, 2}),
        Tool("mpguard_jN", f"mpguard cold, --jobs {NCPU} (all cores)",
             "whole process (wall)", mpguard_cmd(NCPU), mpguard_check,
             lambda r: r.wall, {0, 1, 2}),
        Tool("mpguard_warm_j1", "mpguard warm (cache present), --jobs 1",
             "whole process (wall)", mpguard_warm_cmd(1), mpguard_check,
             lambda r: r.wall, {0, 1, 2}),
        Tool("mpguard_warm_jN",
             f"mpguard warm (cache present), --jobs {NCPU} (all cores)",
             "whole process (wall)", mpguard_warm_cmd(NCPU), mpguard_check,
             lambda r: r.wall, {0, 1, 2}),
        Tool("ts_parse", "(a) tree-sitter parse only, 1 thread",
             "read+parse loop", lambda c: [ts, c.list_path], loop_check,
             lambda r: r.loop, {0}),
        Tool("ast_walk", "(b) CPython ast.parse + ast.walk",
             "read+parse+walk loop",
             lambda c: [sys.executable, os.path.join(BENCH, "ast_walk.py"),
                        c.list_path], loop_check, lambda r: r.loop, {0}),
        Tool("ruff", f"(c) ruff {paths['ruff_version']} wasm, {RUFF_RULE} only",
             "read+check loop",
             lambda c: [node, *NODE_FLAGS,
                        os.path.join(BENCH, "ruff_check.cjs"), c.list_path,
                        RUFF_RULE], loop_check, lambda r: r.loop, {0}),
    ]
    if pylint:
        tools.append(Tool(
            "pylint", f"(d) pylint {paths['pylint_version']}, "
            f"{PYLINT_CHECK} only, --jobs=1",
            "whole process (wall), EXTRAPOLATED by bytes from a subset",
            lambda c: [pylint, "--rcfile=/dev/null", "--disable=all",
                       f"--enable={PYLINT_CHECK}", "--jobs=1",
                       "--persistent=n", "--score=n", "--reports=n",
                       *c.subset],
            pylint_check, lambda r: r.wall, set(range(0, 64)),
            on_subset=True))
    return tools


# --------------------------------------------------------------------------
# corpora


class Corpus:
    def __init__(self, key, label, root, files, tools, runs, subset_n=0):
        self.key, self.label, self.root = key, label, root
        self.files = files
        self.bytes = sum(os.path.getsize(os.path.join(root, f)) for f in files)
        self.tools, self.runs = tools, runs
        self.subset = []
        self.subset_bytes = 0
        if subset_n:
            # subset_n files spread evenly over the sorted list.
            n = min(subset_n, len(files))
            self.subset = [files[i * len(files) // n] for i in range(n)]
            self.subset_bytes = sum(os.path.getsize(os.path.join(root, f))
                                    for f in self.subset)
        self.list_path = None


def python_files(root, prune=()):
    """Sorted relative paths of *.py/*.pyw (regular files and symlinks to
    regular files) under root, not following symlinked directories."""
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = sorted(x for x in dirs
                         if os.path.normpath(os.path.join(rel, x)) not in prune)
        for f in files:
            if f.endswith((".py", ".pyw")):
                p = os.path.join(d, f)
                if os.path.isfile(p):
                    out.append(os.path.normpath(os.path.join(rel, f)))
    return sorted(out)


def warm_up(corpus):
    """One untimed pass reading every file, so every tool then reads from
    the page cache (dropping it is not possible here)."""
    t0 = time.perf_counter()
    for f in corpus.files:
        with open(os.path.join(corpus.root, f), "rb") as fh:
            while fh.read(1 << 20):
                pass
    return time.perf_counter() - t0


WARM_KEYS = ("mpguard_warm_j1", "mpguard_warm_jN")

# `mpguard check -v` (stderr): what was read, parsed or taken from the cache.
VERBOSE_RE = re.compile(
    r"mpguard: (?P<files>\d+) files in [\d.]+ s with \d+ threads?: "
    r"(?P<rejected>\d+) rejected by the prefilter \((?P<known>\d+) of them "
    r"known from the cache, not read\), (?P<analyzed>\d+) analyzed "
    r"\((?P<parsed>\d+) parsed, (?P<loaded>\d+) facts from the cache, "
    r"(?P<quiet>\d+) not read: no enabled rule can fire\), "
    r"(?P<unreadable>\d+) unreadable")
CACHE_RE = re.compile(r"mpguard: cache (?P<dir>.*): (?P<corrupt>\d+) "
                      r"corrupt entr(?:y|ies) ignored")


def parse_verbose(r, tag):
    """The counts of mpguard's -v line in run r's stderr."""
    with open(r.stderr_file, encoding="utf-8", errors="replace") as f:
        err = f.read()
    m, mc = VERBOSE_RE.search(err), CACHE_RE.search(err)
    if not m or not mc:
        raise RuntimeError(f"{tag}: no mpguard -v summary with a cache line "
                           f"in {r.stderr_file} (did the -v format change, "
                           "or did mpguard run without a cache?)")
    v = {k: int(x) for k, x in m.groupdict().items()}
    v["corrupt"] = int(mc["corrupt"])
    v["cache"] = mc["dir"]
    v["not_read"] = v["known"] + v["quiet"]
    # Read: rejected after reading, parsed, facts loaded, or unreadable.
    v["read"] = v["files"] - v["not_read"]
    return v


def wait_until_racily_clean(corpus):
    """Sleeps until every file of the corpus (mtime and ctime, of the file
    and of a symlink to it) is at least RACY_AGE s old, so the priming run
    puts every file into mpguard's stat index. Returns the seconds slept."""
    newest = 0.0
    for f in corpus.files:
        p = os.path.join(corpus.root, f)
        for st in (os.lstat(p), os.stat(p)):
            newest = max(newest, st.st_mtime, st.st_ctime)
    delay = newest + RACY_AGE - time.time()
    if delay <= 0:
        return 0.0
    log(f"   waiting {delay:.1f} s until every file is {RACY_AGE:g} s old "
        "(mpguard does not index racily clean files)")
    time.sleep(delay)
    return delay


def prime_cache(c, tools, args, out_dir):
    """Fresh cache directory for corpus c, one untimed priming run, then one
    untimed warm run, both with -v: the warm run must read almost nothing
    (at most WARM_MAX_READ of the files). Returns what -v reported."""
    c.cache_dir = os.path.join(args.cache_root, c.key)
    shutil.rmtree(c.cache_dir, ignore_errors=True)
    os.makedirs(c.cache_dir)
    slept = wait_until_racily_clean(c)
    tool = tools["mpguard_warm_jN"]
    seen = {}
    for step in ("prime", "check"):
        tag = f"{c.key}.mpguard_warm.{step}"
        cmd = tool.cmd(c)
        cmd.insert(2, "-v")
        r = run_once(cmd, c.root, args.timeout, out_dir, tag)
        if r.timed_out or r.exit not in tool.ok_exits:
            raise RuntimeError(f"{tag}: exit {r.exit}; see {r.stderr_file}")
        tool.check(c, r)
        seen[step] = parse_verbose(r, tag)
        seen[step]["wall"] = r.wall
        seen[step]["findings"] = r.summary["findings"]
    p, w = seen["prime"], seen["check"]
    ok = (w["read"] <= WARM_MAX_READ * w["files"] and w["corrupt"] == 0
          and w["findings"] == p["findings"])
    log(f"   cache primed in {c.cache_dir} ({fmt_s(p['wall'])} s, "
        f"{p['parsed']} parsed, {p['not_read']} not read); then "
        f"{w['not_read']:,} of {w['files']:,} files not read "
        f"({fmt_s(w['wall'])} s, {w['read']} read: {w['loaded']} facts "
        f"loaded, {w['parsed']} parsed, {w['unreadable']} unreadable, "
        f"{w['rejected'] - w['known']} rejected after reading; "
        f"{w['corrupt']} corrupt entries)"
        + ("" if ok else "  !! WARM CHECK FAILED"))
    if w["findings"] != p["findings"]:
        log(f"  !! the warm run reported {w['findings']} findings, the "
            f"priming run {p['findings']}")
    return {"priming": p, "warm": w, "ok": ok, "slept": round(slept, 2)}


# --------------------------------------------------------------------------
# machine description


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=60).stdout.strip()
    except Exception as e:  # noqa: BLE001 - description only
        return f"({e})"


def describe_machine(paths):
    cpuinfo = open("/proc/cpuinfo").read()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    mhz = re.search(r"cpu MHz\s*:\s*(.*)", cpuinfo)
    cache = re.search(r"cache size\s*:\s*(.*)", cpuinfo)
    lock = json.load(open(os.path.join(REPO, "package-lock.json")))
    pk = lock.get("packages", {})

    def npmv(name):
        return pk.get(f"node_modules/{name}", {}).get("version", "?")

    return {
        "date": datetime.datetime.now().astimezone().isoformat(
            timespec="seconds"),
        "cpu_model": model.group(1) if model else "?",
        "cpu_mhz": mhz.group(1) if mhz else "?",
        "cpu_cache": cache.group(1) if cache else "?",
        "nproc": sh("nproc"),
        "free_g": sh("free -g"),
        "kernel": platform.release(),
        "os": sh(". /etc/os-release && echo \"$PRETTY_NAME\"")
        + " (debian_version " + sh("cat /etc/debian_version") + ")",
        "systemd_detect_virt": sh("systemd-detect-virt 2>/dev/null || true")
        or "?",
        "mpguard": sh(f"'{paths['mpguard']}' version"),
        "mpguard_binary": paths["mpguard"],
        "mpguard_git": sh(f"git -C '{REPO}' rev-parse --short HEAD")
        + (" (work tree has changes)"
           if sh(f"git -C '{REPO}' status --porcelain --untracked-files=no")
           else ""),
        "mpguard_linked": sh(f"ldd '{paths['mpguard']}' | "
                             "grep -o 'libLLVM[^ ]*' | head -1"),
        "tree_sitter": f"runtime npm tree-sitter@{npmv('tree-sitter')}, "
        f"grammar tree-sitter-python@{npmv('tree-sitter-python')}",
        "gxx": sh("g++ --version | head -1"),
        "python_harness": f"{sys.executable} {platform.python_version()}",
        "node": sh(f"'{paths['node']}' --version"),
        "ruff": f"@astral-sh/ruff-wasm-nodejs {paths['ruff_version']}",
        "pylint": sh(f"'{paths['pylint']}' --version | tr '\\n' ' '")
        if paths["pylint"] else "not available",
        "loadavg_start": open("/proc/loadavg").read().strip(),
    }


# --------------------------------------------------------------------------
# measuring


HARNESS_START = [0.0]


def within_budget(args):
    return time.monotonic() - HARNESS_START[0] < args.time_budget


def probe(args, out_dir, tag):
    """Host speed probe: (a) on a fixed ~1 MB set of files. Noise from other
    tenants of the host is invisible in /proc/stat (no steal time is
    reported here), so the probe's spread is printed with each corpus."""
    r = run_once([args.ts_parse, PROBE["list"]], PROBE["root"], 60, out_dir,
                 tag)
    return last_json_line(r.stdout)["loop_seconds"]


PROBE = {}


def measure_corpus(c, tools, args, out_dir):
    """Runs every tool of corpus `c` in interleaved rounds: each round runs
    each tool that still needs a run once, back to back, in an order that
    rotates from round to round. A slow period of the machine then hits
    both sides of a ratio, which is computed per round (paired_ratio).
    A run during which other processes were busy is discarded and made up
    in a later round (at most args.retries extra runs per tool, and none
    once the run is over its time budget)."""
    keys = [k for k in c.tools if not (tools[k].on_subset and not c.subset)]
    want = {}
    for k in keys:
        want[k] = getattr(c, "runs_override", {}).get(
            k, args.pylint_runs if k == "pylint"
            else args.mpguard_runs if k.startswith("mpguard") else c.runs)
    runs = {k: [] for k in keys}
    attempts = {k: 0 for k in keys}
    probes = []
    rnd = 0
    while True:
        todo = [k for k in keys
                if sum(not r.contaminated for r in runs[k]) < want[k]
                and attempts[k] < want[k] + (args.retries
                                             if within_budget(args) else 0)]
        if not todo:
            break
        rnd += 1
        shift = (rnd - 1) % len(todo)
        todo = todo[shift:] + todo[:shift]
        probes.append(probe(args, out_dir, f"{c.key}.probe{rnd}"))
        disturbed = False
        for k in todo:
            tool = tools[k]
            attempts[k] += 1
            tag = f"{c.key}.{k}.{attempts[k]}"
            r = run_once(tool.cmd(c), c.root, args.timeout, out_dir, tag)
            if r.timed_out:
                raise RuntimeError(f"{tag}: timed out after {args.timeout} s")
            if r.exit not in tool.ok_exits:
                raise RuntimeError(f"{tag}: exit {r.exit}; see "
                                   f"{r.stderr_file}")
            tool.check(c, r)
            r.time = tool.time_of(r)
            r.round = rnd
            flag = (" (other processes were busy: discarded)"
                    if r.contaminated else "")
            log(f"    round {rnd} {k:<15} {r.time:8.3f} s "
                f"(wall {r.wall:.3f}), peak RSS {r.rss_kb / 1024:6.1f} MB"
                f"{flag}")
            runs[k].append(r)
            disturbed |= r.contaminated
        if disturbed:
            wait_for_quiet(30, c.key)
    out = {}
    for k in keys:
        tool = tools[k]
        results = runs[k]
        clean = [r for r in results if not r.contaminated] or results
        out[k] = {
            "tool": k, "label": tool.label, "timed": tool.timed,
            "runs": [r.as_dict() for r in results],
            "n_clean": sum(not r.contaminated for r in results),
            "n_contaminated": sum(r.contaminated for r in results),
            "time": statistics.median(r.time for r in clean),
            "wall": statistics.median(r.wall for r in clean),
            "rss_mb": max(r.rss_kb for r in clean) / 1024,
            "cpu": statistics.median(r.user + r.sys for r in clean),
            "summary": clean[-1].summary,
            "_clean": clean,
        }
    return out, probes


def paired_ratio(res, a, b):
    """Median over rounds of time(a) / time(b), using the rounds in which
    both ran cleanly; falls back to the ratio of medians."""
    ra = {r.round: r.time for r in res[a]["_clean"]}
    rb = {r.round: r.time for r in res[b]["_clean"]}
    common = sorted(set(ra) & set(rb))
    if common:
        return statistics.median(ra[i] / rb[i] for i in common)
    return res[a]["time"] / res[b]["time"]


def measure_startup(tool, corpus, args, out_dir):
    """Median wall time of `tool` on one empty file (its fixed start-up)."""
    d = tempfile.mkdtemp(prefix="mpguard-bench-empty-")
    try:
        open(os.path.join(d, "empty.py"), "w").close()
        c = Corpus(corpus.key + "-empty", "", d, ["empty.py"], [], 1)
        c.subset = ["empty.py"]
        c.list_path = os.path.join(d, "list")
        with open(c.list_path, "w") as f:
            f.write("empty.py\n")
        walls = [run_once(tool.cmd(c), d, args.timeout, out_dir,
                          f"{corpus.key}.{tool.key}.startup{i}").wall
                 for i in range(3)]
        return statistics.median(walls)
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --------------------------------------------------------------------------
# reporting


def fmt_s(x):
    return f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def fmt_ratio(x):
    return f"{x:.1f}x" if x >= 10 else f"{x:.2f}x"


def corpus_table(c, res):
    mb = c.bytes / 1e6
    m1 = res["mpguard_j1"]
    mN = res.get("mpguard_jN")
    lines = [
        f"### {c.label}",
        "",
        f"{len(c.files):,} files, {mb:.1f} MB; root `{c.root_display}`. "
        "Times are medians of the clean runs the Runs column counts; ratios "
        "are medians of per-round ratios (every tool runs once per round, "
        "back to back). Host speed probe (tree-sitter parse of a fixed "
        f"{PROBE['bytes'] / 1e6:.1f} MB, once per round): "
        f"{' / '.join(f'{p:.3f}' for p in c.probes)} s.",
        "",
        "| Tool | What is timed | Runs | Median time (s) | MB/s "
        "| Time / mpguard -j1 | Peak RSS (MB) | Notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, r in res.items():
        t = r["time"]
        ratio = paired_ratio(res, key, "mpguard_j1")
        if r["n_clean"] == 0:
            runs = (f"{r['n_contaminated']} (**all disturbed by other "
                    "processes**)")
        else:
            runs = f"{r['n_clean']}"
            if r["n_contaminated"]:
                runs += (f" (+{r['n_contaminated']} discarded: other "
                         "processes were busy)")
        notes = []
        s = r["summary"]
        if key in WARM_KEYS:
            w = r["warm_check"]["warm"]
            cold = res["mpguard_jN" if key.endswith("jN") else "mpguard_j1"]
            check = (f"{w['not_read']:,} of {w['files']:,} files not read"
                     f" ({w['read']} read: {w['loaded']} facts loaded, "
                     f"{w['parsed']} parsed, {w['unreadable']} unreadable, "
                     f"{w['rejected'] - w['known']} rejected after reading)")
            if not r["warm_check"]["ok"]:
                check = (f"**warm check failed** (more than "
                         f"{WARM_MAX_READ:.0%} read, corrupt entries or "
                         f"findings differ from the priming run): {check}")
            notes.append(check + ", checked with -v on the run after the "
                         "untimed priming run")
            notes.append(f"{s['findings']} findings, {s['errors']} errors"
                         + ("" if (s["findings"], s["errors"])
                            == (cold["summary"]["findings"],
                                cold["summary"]["errors"])
                            else " (**cold: "
                            f"{cold['summary']['findings']} findings, "
                            f"{cold['summary']['errors']} errors**)"))
            notes.append(f"CPU {r['cpu']:.2f} s")
            ratio_txt = (f"{paired_ratio(res, key, cold['tool']):.1%} of "
                         f"cold --jobs {1 if key.endswith('j1') else NCPU}")
        elif key.startswith("mpguard"):
            notes.append(f"{s['files_analyzed']} of {s['files_checked']} "
                         f"files parsed after the prefilter; "
                         f"{s['findings']} findings, {s['errors']} errors")
            notes.append(f"CPU {r['cpu']:.2f} s")
            if key == "mpguard_jN":
                ratio_txt = (f"{fmt_ratio(paired_ratio(res, 'mpguard_j1', key))}"
                             " faster than -j1")
            else:
                ratio_txt = "1.00x"
        else:
            ratio_txt = f"{fmt_ratio(ratio)}"
            if mN:
                ratio_txt += (f" (vs -j{NCPU}: "
                              f"{fmt_ratio(paired_ratio(res, key, 'mpguard_jN'))})")
        if key == "ts_parse":
            notes.append(f"{s['error_trees']} trees with ERROR nodes")
        if key == "ast_walk":
            notes.append(f"{s['nodes']:,} nodes; {s['parse_failures']} "
                         "files CPython cannot parse")
        if key == "ruff":
            notes.append(f"loop only; process wall {fmt_s(r['wall'])} s "
                         f"incl. {r['summary']['setup_seconds']:.2f} s "
                         f"node+wasm setup; {s['diagnostics']} {RUFF_RULE}, "
                         f"{s['invalid_syntax']} invalid-syntax"
                         + (f"; {s['check_failures']} files where check() "
                            "threw" if s["check_failures"] else ""))
        if key == "pylint":
            sub_mb = c.subset_bytes / 1e6
            notes.append(f"**extrapolated**: measured {fmt_s(r['measured'])} s "
                         f"on {len(c.subset)} files ({sub_mb:.2f} MB); "
                         f"start-up {r['startup']:.2f} s + the rest "
                         f"x {c.bytes / c.subset_bytes:.1f} (bytes ratio); "
                         f"RSS is the subset's; {s['messages']} W0611")
        mbs = mb / t if t > 0 else float("inf")
        lines.append(f"| {r['label']} | {r['timed']} | {runs} | {fmt_s(t)} "
                     f"| {mbs:.{1 if mbs >= 1 else 3}f} | {ratio_txt} | {r['rss_mb']:.0f} "
                     f"| {'; '.join(notes)} |")
    return "\n".join(lines)


def verdict(ok):
    return "PASS" if ok else "MISS"


def evaluate_targets(corpora, results, scale):
    out = []
    for c in corpora:
        if c.key not in ("debian", "pyenv"):
            continue
        res = results[c.key]
        if "ts_parse" in res:
            r = paired_ratio(res, "ts_parse", "mpguard_j1")
            out.append({
                "target": f"mpguard -j1 >= {TARGET_PREFILTER:g}x faster than "
                          f"(a) tree-sitter parse ({c.short})",
                "measured": r, "goal": TARGET_PREFILTER,
                "pass": r >= TARGET_PREFILTER})
        if "ruff" in res:
            r = paired_ratio(res, "ruff", "mpguard_j1")
            out.append({
                "target": f"mpguard -j1 >= {TARGET_RUFF:g}x faster than "
                          f"(c) ruff wasm ({c.short})",
                "measured": r, "goal": TARGET_RUFF, "pass": r >= TARGET_RUFF})
    for c in corpora:
        res = results[c.key]
        if "mpguard_jN" in res:
            r = paired_ratio(res, "mpguard_j1", "mpguard_jN")
            out.append({
                "target": f"--jobs {NCPU} >= {TARGET_PARALLEL:g}x faster than "
                          f"--jobs 1 ({c.short})",
                "measured": r, "goal": TARGET_PARALLEL,
                "pass": r >= TARGET_PARALLEL if NCPU == 2 else None})
    for c in corpora:
        # Judged on `mpguard check`'s default, every core; --jobs 1 is
        # printed alongside.
        res = results[c.key]
        if "mpguard_warm_jN" in res:
            r = paired_ratio(res, "mpguard_warm_jN", "mpguard_jN")
            w = res["mpguard_warm_jN"]["warm_check"]
            detail = (f"warm {fmt_s(res['mpguard_warm_jN']['time'])} s, "
                      f"cold {fmt_s(res['mpguard_jN']['time'])} s")
            if "mpguard_warm_j1" in res:
                detail += (f"; --jobs 1: "
                           f"{paired_ratio(res, 'mpguard_warm_j1', 'mpguard_j1'):.1%}"
                           f" ({fmt_s(res['mpguard_warm_j1']['time'])} s / "
                           f"{fmt_s(res['mpguard_j1']['time'])} s)")
            detail += (f"; {w['warm']['not_read']:,} of "
                       f"{w['warm']['files']:,} files not read"
                       + ("" if w["ok"] else ", **warm check failed**"))
            out.append({
                "target": f"mpguard warm run <= {TARGET_WARM:.0%} of cold, "
                          f"--jobs {NCPU} ({c.short})",
                "measured": r, "goal": TARGET_WARM, "unit": "%",
                "pass": r <= TARGET_WARM and w["ok"],
                "lower_is_better": True, "detail": detail})
    if scale:
        for key in ("mpguard_j1", "mpguard_jN"):
            rss = [results[c.key][key]["rss_mb"] for c in scale]
            peak = max(rss)
            growth = rss[-1] / rss[0]
            out.append({
                "target": f"{key.replace('_', ' -').replace('jN', f'j{NCPU}')}"
                          f" peak RSS <= {TARGET_RSS_MB:g} MB across the "
                          "scale series",
                "measured": peak, "goal": TARGET_RSS_MB, "unit": "MB",
                "pass": peak <= TARGET_RSS_MB,
                "detail": " / ".join(f"{x:.0f}" for x in rss) + " MB"})
            out.append({
                "target": f"{key.replace('_', ' -').replace('jN', f'j{NCPU}')}"
                          f" peak RSS flat (16x <= {RSS_FLAT_GROWTH:g} x 1x)",
                "measured": growth, "goal": RSS_FLAT_GROWTH, "unit": "x",
                "pass": growth <= RSS_FLAT_GROWTH, "lower_is_better": True,
                "detail": f"grows {growth:.2f}x from 1x to 16x"})
            t = [results[c.key][key]["time"] for c in scale]
            b = [c.bytes / 1e6 for c in scale]
            s1 = (t[1] - t[0]) / (b[1] - b[0])
            s2 = (t[2] - t[1]) / (b[2] - b[1])
            ratio = s2 / s1 if s1 > 0 else float("inf")
            out.append({
                "target": f"{key.replace('_', ' -').replace('jN', f'j{NCPU}')}"
                          " time linear across the scale series",
                "measured": ratio, "goal": LINEAR_SLOPE_RATIO, "unit": "x",
                "pass": ratio <= LINEAR_SLOPE_RATIO, "lower_is_better": True,
                "detail": f"{' / '.join(fmt_s(x) for x in t)} s; marginal "
                          f"{s1 * 1000:.1f} ms/MB (1x->4x), "
                          f"{s2 * 1000:.1f} ms/MB (4x->16x)"})
    return out


def targets_table(targets):
    lines = ["| Target | Measured | Result |", "|---|---|---|"]
    for t in targets:
        unit = t.get("unit", "x")
        meas = (f"{t['measured']:.0f} {unit}" if unit == "MB"
                else f"{t['measured']:.1%} of cold" if unit == "%"
                else f"{t['measured']:.2f}{unit}")
        if t.get("detail"):
            meas += f" ({t['detail']})"
        if t["pass"] is None:
            res = f"not judged ({NCPU} cores, target is for 2)"
        elif t["pass"]:
            res = "PASS"
        elif unit == "%":
            over = t["measured"] / t["goal"]
            res = (f"MISS by {(over - 1) * 100:.0f}% ({t['measured']:.1%} "
                   f"of cold, limit {t['goal']:.0%})" if over > 1 else
                   "MISS: the warm check failed (see the warm row's "
                   "Notes)")
        elif t.get("lower_is_better") or unit == "MB":
            res = (f"MISS by {(t['measured'] / t['goal'] - 1) * 100:.0f}% "
                   f"(limit {t['goal']:g}{'' if unit == 'x' else ' ' + unit}"
                   f"{'x' if unit == 'x' else ''})")
        else:
            res = (f"MISS: {t['measured']:.2f}x of {t['goal']:g}x "
                   f"({(1 - t['measured'] / t['goal']) * 100:.0f}% short)")
        lines.append(f"| {t['target']} | {meas} | {res} |")
    return "\n".join(lines)


def scale_table(scale, results):
    lines = ["| Copies | Files | MB | mpguard -j1 (s) | RSS (MB) "
             f"| mpguard -j{NCPU} (s) | RSS (MB) | (a) tree-sitter (s) "
             "| RSS (MB) | files parsed by mpguard | mpguard -j1 ms/MB "
             f"| mpguard warm -j{NCPU} (s) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in scale:
        r = results[c.key]
        m1, mN, a = r["mpguard_j1"], r["mpguard_jN"], r["ts_parse"]
        mb = c.bytes / 1e6
        lines.append(
            f"| {c.copies}x | {len(c.files):,} | {mb:.1f} "
            f"| {fmt_s(m1['time'])} | {m1['rss_mb']:.0f} "
            f"| {fmt_s(mN['time'])} | {mN['rss_mb']:.0f} "
            f"| {fmt_s(a['time'])} ({len(a['runs'])} run"
            f"{'s' if len(a['runs']) != 1 else ''}) | {a['rss_mb']:.0f} "
            f"| {m1['summary']['files_analyzed']:,} "
            f"| {m1['time'] / mb * 1000:.1f} "
            f"| {fmt_s(r['mpguard_warm_jN']['time']) if 'mpguard_warm_jN' in r else 'n/a'} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------


def _terminate(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# --- C/C++: mpguard-cxx against clang -fsyntax-only, per translation unit ---

def cxx_units(args):
    """The TUs to time, as (label, cwd, mpguard-cxx argv, clang argv).

    The built-in corpus: the C/C++ rule tests and bundled examples, with
    one set of flags. With --cxx-db DIR: every TU of DIR's
    compile_commands.json, each with its own command (clang gets it with
    -c/-o removed and -fsyntax-only -w added; mpguard-cxx reads the same
    database with -p)."""
    units = []
    if args.cxx_db:
        db = json.load(open(os.path.join(args.cxx_db,
                                         "compile_commands.json")))
        seen = set()
        for e in db:
            src = os.path.normpath(os.path.join(e["directory"], e["file"]))
            if src in seen or not src.endswith((".c", ".cc", ".cpp", ".cxx")):
                continue
            seen.add(src)
            argv = e.get("arguments") or shlex.split(e["command"])
            clang, skip = [args.clang], False
            for a in argv[1:]:
                if skip:
                    skip = False
                    continue
                if a == "-o":
                    skip = True
                    continue
                if a == "-c":
                    continue
                clang.append(a)
            clang += ["-fsyntax-only", "-w", "-Wno-unknown-warning-option"]
            units.append((os.path.relpath(src, args.cxx_db), e["directory"],
                          [args.mpguard_cxx, "-p", args.cxx_db, src], clang))
        return units
    flags = ["-std=c++20", "-fopenmp"] + sh(
        "python3-config --includes").split()
    files = sorted(
        [os.path.join(REPO, "test", "rules", f)
         for f in os.listdir(os.path.join(REPO, "test", "rules"))
         if f.endswith(".cpp")] +
        [os.path.join(REPO, "rules", "cpp", d, f)
         for d in os.listdir(os.path.join(REPO, "rules", "cpp"))
         for f in ("bad.cpp", "fixed.cpp")
         if os.path.exists(os.path.join(REPO, "rules", "cpp", d, f))])
    for f in files:
        units.append((os.path.relpath(f, REPO), REPO,
                      [args.mpguard_cxx, f, "--", *flags],
                      [args.clang, "-fsyntax-only", "-w", *flags, f]))
    return units


def cxx_section(args):
    """Times each TU with mpguard-cxx (parse, CFGs, facts, JSON) and with
    clang -fsyntax-only, interleaved, best of --runs each (process start-up
    included for both); returns the markdown lines and the data."""
    units = cxx_units(args)
    rows, data = [], []
    tot_cxx = tot_clang = 0.0
    for label, cwd, mine, theirs in units:
        t_mine, t_clang, ok = [], [], True
        for _ in range(max(1, args.runs)):
            for argv, into in ((theirs, t_clang), (mine, t_mine)):
                t0 = time.monotonic()
                p = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
                into.append(time.monotonic() - t0)
                if p.returncode != 0 and argv is theirs:
                    ok = False
        if not ok:
            rows.append(f"| {label} | clang failed: not compared | | |")
            continue
        a, b = min(t_clang), min(t_mine)
        tot_clang += a
        tot_cxx += b
        data.append({"tu": label, "clang_s": a, "mpguard_cxx_s": b})
        rows.append(f"| {label} | {a * 1000:.0f} | {b * 1000:.0f} | "
                    f"{b / a:.2f} |")
    corpus = (f"compile_commands.json in {args.cxx_db}" if args.cxx_db
              else "the C/C++ rule tests and bundled examples")
    md = ["### C/C++", "",
          f"Per translation unit of {corpus}: `{os.path.basename(args.clang)}"
          " -fsyntax-only -w` and `mpguard-cxx` (the parse, the CFG of every "
          "function, the facts as JSON) with the same flags, best of "
          f"{max(1, args.runs)} runs each, process start-up included.", "",
          "| TU | clang -fsyntax-only (ms) | mpguard-cxx (ms) | ratio |",
          "|---|---|---|---|", *rows]
    if tot_clang:
        md.append(f"| **all {len(data)} TUs** | {tot_clang * 1000:.0f} | "
                  f"{tot_cxx * 1000:.0f} | {tot_cxx / tot_clang:.2f} |")
    md.append("")
    return md, {"units": data, "clang_total_s": tot_clang,
                "mpguard_cxx_total_s": tot_cxx}


def main():
    signal.signal(signal.SIGTERM, _terminate)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs per baseline and corpus (median)")
    ap.add_argument("--mpguard-runs", type=int, default=5,
                    help="timed runs of each mpguard row (cheap, so more)")
    ap.add_argument("--runs-16x", type=int, default=1,
                    help="timed runs of (a) on the 16x scale corpus")
    ap.add_argument("--pylint-runs", type=int, default=1)
    ap.add_argument("--pylint-files", type=int, default=100)
    ap.add_argument("--retries", type=int, default=5,
                    help="extra runs allowed to replace runs that another "
                    "process disturbed")
    ap.add_argument("--quiet-wait", type=float, default=120,
                    help="seconds to wait for an idle machine before a corpus")
    ap.add_argument("--quiet-budget", type=float, default=600,
                    help="seconds of waiting for an idle machine, in total")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--time-budget", type=float, default=780,
                    help="seconds after which discarded runs are no longer "
                    "made up")
    ap.add_argument("--corpora", default="debian,pyenv,scale,cxx")
    ap.add_argument("--scale", default="1,4,16")
    ap.add_argument("--debian-root", default="/usr/lib/python3.11")
    ap.add_argument("--pyenv-root", default=None,
                    help="default: sysconfig stdlib of the pyenv python3")
    ap.add_argument("--out", default=os.path.join(BENCH, "out"))
    ap.add_argument("--mpguard", required=True)
    ap.add_argument("--ts-parse", required=True)
    ap.add_argument("--node", default=shutil.which("node"))
    ap.add_argument("--pylint", default="")
    ap.add_argument("--mpguard-cxx", default="",
                    help="the C/C++ frontend to time (the C/C++ table)")
    ap.add_argument("--clang", default=shutil.which("clang-19") or "",
                    help="the clang for the C/C++ baseline")
    ap.add_argument("--cxx-db", default="",
                    help="time the TUs of DIR/compile_commands.json instead "
                    "of the built-in C/C++ corpus")
    ap.add_argument("--keep-temp", action="store_true",
                    help="keep the scale-series copies and the warm rows' "
                    "cache directories (OUT/cache/CORPUS)")
    args = ap.parse_args()

    QUIET_BUDGET[0] = args.quiet_budget
    HARNESS_START[0] = time.monotonic()
    os.makedirs(args.out, exist_ok=True)
    runs_dir = os.path.join(args.out, "runs")
    shutil.rmtree(runs_dir, ignore_errors=True)
    os.makedirs(runs_dir)
    # The warm rows' caches: one fresh directory per corpus (prime_cache).
    args.cache_root = os.path.join(args.out, "cache")
    shutil.rmtree(args.cache_root, ignore_errors=True)

    ruff_pkg = os.path.join(REPO, "node_modules", "@astral-sh",
                            "ruff-wasm-nodejs", "package.json")
    paths = {
        "mpguard": args.mpguard, "ts_parse": args.ts_parse,
        "node": args.node, "pylint": args.pylint or None,
        "ruff_version": json.load(open(ruff_pkg))["version"],
        "pylint_version": sh(f"'{args.pylint}' --version | head -1 | "
                             "awk '{print $2}'") if args.pylint else "",
    }
    machine = describe_machine(paths)
    tools = {t.key: t for t in make_tools(paths)}
    # The host speed probe: ~1 MB of Debian's standard library, spread
    # evenly, parsed by (a).
    pfiles = python_files(args.debian_root, prune={"dist-packages"})
    plist, pbytes = [], 0
    for f in pfiles[::max(1, len(pfiles) // 60)]:
        plist.append(os.path.join(args.debian_root, f))
        pbytes += os.path.getsize(plist[-1])
        if pbytes > 1_000_000:
            break
    PROBE["root"] = "/"
    PROBE["list"] = os.path.join(args.out, "probe.files")
    PROBE["bytes"] = pbytes
    with open(PROBE["list"], "w") as f:
        f.write("\n".join(plist) + "\n")
    wanted = args.corpora.split(",")
    t_start = time.monotonic()

    corpora = []
    if "debian" in wanted:
        root = args.debian_root
        files = python_files(root, prune={"dist-packages"})
        c = Corpus("debian", f"Debian CPython standard library ({root}, "
                   "without dist-packages)", root, files,
                   list(tools), args.runs, args.pylint_files)
        c.short, c.root_display = "Debian stdlib", root
        corpora.append(c)
    if "pyenv" in wanted:
        root = args.pyenv_root or sh(
            "python3 -c 'import sysconfig;"
            "print(sysconfig.get_paths()[\"stdlib\"])'")
        files = python_files(root)
        c = Corpus("pyenv", f"pyenv standard library with site-packages "
                   f"({root})", root, files, list(tools), args.runs,
                   args.pylint_files)
        c.short, c.root_display = "pyenv stdlib + site-packages", root
        corpora.append(c)

    scale = []
    tmp = None
    if "scale" in wanted:
        copies = [int(x) for x in args.scale.split(",")]
        src = args.debian_root
        src_files = python_files(src, prune={"dist-packages"})
        tmp = tempfile.mkdtemp(prefix="mpguard-bench-")
        log(f"== building the scale series in {tmp}: {max(copies)} copies "
            f"of {len(src_files)} files from {src}")
        for i in range(max(copies)):
            for f in src_files:
                dst = os.path.join(tmp, f"copy{i:02d}", f)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(os.path.join(src, f), dst)
        for n in copies:
            files = sorted(os.path.join(f"copy{i:02d}", f)
                           for i in range(n) for f in src_files)
            keys = ["mpguard_j1", "mpguard_jN", *WARM_KEYS, "ts_parse"]
            c = Corpus(f"scale{n}x", f"Scale series: Debian stdlib x{n}",
                       tmp, files, keys, args.runs)
            c.short, c.copies = f"scale {n}x", n
            c.root_display = f"{tmp} ({n} copies of {src})"
            c.runs_override = {"ts_parse": args.runs_16x} if n >= 16 else {}
            scale.append(c)
        corpora.extend(scale)

    results = {}
    try:
        for c in corpora:
            c.list_path = os.path.join(args.out, f"{c.key}.files")
            with open(c.list_path, "w") as f:
                f.write("\n".join(c.files) + "\n")
            log(f"== {c.label}: {len(c.files):,} files, "
                f"{c.bytes / 1e6:.1f} MB")
            w = warm_up(c)
            log(f"   untimed warm-up read of every file: {w:.2f} s")
            # Untimed warm-up of each tool on the first file (loads the
            # binaries, libLLVM, node and the .wasm into the page cache).
            one = RunResult()
            one_c = Corpus(c.key + "-warm", "", c.root, c.files[:1], [], 1)
            one_c.list_path = os.path.join(args.out, f"{c.key}.warm.files")
            one_c.subset = c.files[:1]
            with open(one_c.list_path, "w") as f:
                f.write(c.files[0] + "\n")
            for key in c.tools:
                # ruff's start-up and .wasm compile are outside its timed
                # loop; a warm-up would only cost time.
                # The warm rows are warmed up by prime_cache below.
                if (key == "ruff" or key in WARM_KEYS
                        or (key == "pylint" and not c.subset)):
                    continue
                run_once(tools[key].cmd(one_c), c.root, args.timeout,
                         runs_dir, f"{c.key}.{key}.warmup")
            del one
            c.warm_check = (prime_cache(c, tools, args, runs_dir)
                            if any(k in WARM_KEYS for k in c.tools) else None)
            waited = wait_for_quiet(args.quiet_wait, c.key)
            res, probes = measure_corpus(c, tools, args, runs_dir)
            c.probes = probes
            for key, r in res.items():
                if tools[key].on_subset:
                    # Extrapolate the per-byte work, not the start-up:
                    # start-up + (subset - start-up) x bytes ratio.
                    st = measure_startup(tools[key], c, args, runs_dir)
                    r["measured"] = r["time"]
                    r["startup"] = st
                    for run in r["_clean"]:
                        run.time = st + max(0.0, run.time - st) * (
                            c.bytes / c.subset_bytes)
                    r["time"] = statistics.median(
                        run.time for run in r["_clean"])
                r["quiet_wait"] = waited
                if key in WARM_KEYS:
                    r["warm_check"] = c.warm_check
            results[c.key] = res
    finally:
        if tmp and not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)
        if not args.keep_temp:
            shutil.rmtree(args.cache_root, ignore_errors=True)

    machine["loadavg_end"] = open("/proc/loadavg").read().strip()
    machine["harness_seconds"] = round(time.monotonic() - t_start, 1)

    targets = evaluate_targets(corpora, results, scale if len(scale) == 3
                               else [])
    md = ["# mpguard benchmark: latest run", "",
          f"Generated by bench/run.sh on {machine['date']} "
          f"in {machine['harness_seconds']:.0f} s.", "", "## Machine", ""]
    for k in ("cpu_model", "cpu_mhz", "cpu_cache", "nproc",
              "systemd_detect_virt",
              "os", "kernel", "mpguard", "mpguard_git", "mpguard_linked",
              "tree_sitter", "gxx", "python_harness", "node", "ruff",
              "pylint", "loadavg_start", "loadavg_end"):
        md.append(f"- {k}: {machine[k]}")
    md += ["- memory (`free -g`):", "", "```", machine["free_g"], "```", ""]
    md += ["## Targets", "", targets_table(targets), ""]
    md += ["## Results", ""]
    for c in corpora:
        if c in scale:
            continue
        md += [corpus_table(c, results[c.key]), ""]
    if scale:
        md += ["### Scale series (Debian stdlib replicated into a temp dir)",
               "", scale_table(scale, results), ""]
        for c in scale:
            md += [corpus_table(c, results[c.key]), ""]
    cxx = None
    if "cxx" in wanted and args.mpguard_cxx and args.clang:
        log("== C/C++: mpguard-cxx and clang -fsyntax-only per TU")
        cxx_md, cxx = cxx_section(args)
        md += cxx_md
    else:
        md += ["### C/C++", "", "SKIP: " + (
            "not asked for (--corpora without cxx)" if "cxx" not in wanted
            else "no mpguard-cxx or clang-19 given"), ""]
    text = "\n".join(md)
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "latest.json"), "w") as f:
        json.dump({"machine": machine, "targets": targets,
                   "corpora": {c.key: {"label": c.label, "files": len(c.files),
                                       "bytes": c.bytes,
                                       "subset_files": len(c.subset),
                                       "subset_bytes": c.subset_bytes,
                                       "host_probe_seconds": c.probes,
                                       "results": {
                                           k: {x: y for x, y in v.items()
                                               if x != "_clean"}
                                           for k, v in results[c.key].items()}}
                               for c in corpora},
                   "cxx": cxx}, f, indent=1)
    print(text)
    log(f"\nwritten: {os.path.join(args.out, 'latest.md')} and latest.json")


if __name__ == "__main__":
    main()
