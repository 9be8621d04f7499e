#!/usr/bin/env python3
"""Property test for `mpguard check --fix` safety.

Usage: fix_property.py [--mutants N] [--unparseable K] [--seed S]
                       MPGUARD WORKDIR INPUT.py...

Every INPUT is checked as it is and as deterministic line-level mutants
(random.Random with a fixed seed; N mutants in all, spread round-robin over
the inputs). Mutants that CPython's ast.parse rejects are dropped, except K
of them, kept to check that --fix leaves a file it cannot parse alone. Each
case gets a directory of its own under WORKDIR (WORKDIR/NNNN/<name>, with the
case's text also saved as WORKDIR/NNNN.orig to reproduce a failure), and:

  1. `check --fix --unsafe-fixes` exits 0, 1 or 2 (no crash, no signal);
     if the case parsed, the result still parses (and if it also compiled,
     the result still compiles: compile() adds CPython's symbol-table
     checks); if it did not parse, the file is byte-identical to before;
  2. a second `--fix --unsafe-fixes` changes nothing, and
     `--diff --unsafe-fixes` prints no diff (stdout is empty: the summary
     goes to stderr);
  3. the file's permission mode is unchanged and no stray (temporary) file
     is left in its directory.

Then, for every input whose fix rewrites it:

  4. the write of the fixed file fails (RLIMIT_FSIZE of 16 bytes, SIGXFSZ
     ignored, so write() fails with EFBIG): exit status 2, an error on
     stderr naming the file, the file byte-identical, mode unchanged, no
     temporary file left; and with SIGXFSZ at its default (the process is
     killed mid-write) the file is still byte-identical.

Failures print the case's text, the property violated and mpguard's output;
the run goes on. The last line is `N passed, M failed` (cases); the exit
status is 1 if any case failed or if no mutant was changed by --fix (a test
that never exercises a rewrite proves nothing).
"""
import argparse
import ast
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import warnings

TIMEOUT = 60  # seconds per mpguard run; a hang is a failure

# Statements inserted by the "insert" mutation: things the rules look at.
SNIPPETS = [
    ["pool = multiprocessing.Pool(2)"],
    ['multiprocessing.set_start_method("spawn")'],
    ['if __name__ == "__main__":', "    pass"],
    ["import multiprocessing as mp"],
    ["p = mp.Process(target=print); p.start()"],
    ["import multiprocessing"],
    ["with multiprocessing.Pool(2) as pool:", "    pool.map(abs, [1, 2])"],
    ['mp.set_start_method("forkserver", force=True)'],
    ["def main():", "    mp.Pool(1)"],
    ["print(mp.Pool(1))"],
    ["total = 0"],
    ["global total"],
    ['if __name__ != "__main__":', "    raise SystemExit"],
]
COMMENTS = ["# a comment", '"""A docstring line."""', "# type: ignore",
            "'''x'''", "#"]


# --- mutations --------------------------------------------------------------
# A text is handled as a list of lines without their ends; the file is
# joined with "\n" (or "\r\n" after the rare CRLF mutation).

def indent_of(line):
    return line[:len(line) - len(line.lstrip(" \t"))]


def m_delete(rng, lines):
    if lines:
        del lines[rng.randrange(len(lines))]


def m_duplicate(rng, lines):
    if lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])


def m_swap(rng, lines):
    if len(lines) >= 2:
        i = rng.randrange(len(lines) - 1)
        lines[i], lines[i + 1] = lines[i + 1], lines[i]


def m_indent(rng, lines):
    if lines:
        i = rng.randrange(len(lines))
        lines[i] = "    " + lines[i]


def m_dedent(rng, lines):
    indented = [i for i, l in enumerate(lines) if l.startswith("    ")]
    if indented:
        i = rng.choice(indented)
        lines[i] = lines[i][4:]


def m_insert(rng, lines):
    i = rng.randrange(len(lines) + 1)
    # Mostly at the indentation of the line it goes before (so it parses).
    ind = indent_of(lines[i]) if i < len(lines) and rng.random() < 0.7 else ""
    lines[i:i] = [ind + s for s in rng.choice(SNIPPETS)]


def m_wrap(rng, lines):
    if not lines:
        return
    i = rng.randrange(len(lines))
    j = min(len(lines), i + 1 + rng.randrange(6))
    ind = indent_of(lines[i])
    lines[i:j] = [ind + "if True:"] + ["    " + l if l.strip() else l
                                       for l in lines[i:j]]


def m_comment(rng, lines):
    i = rng.randrange(len(lines) + 1)
    ind = indent_of(lines[i]) if i < len(lines) else ""
    lines.insert(i, ind + rng.choice(COMMENTS))


MUTATIONS = [m_delete, m_duplicate, m_swap, m_indent, m_dedent, m_insert,
             m_insert, m_wrap, m_comment]


def mutate(rng, data):
    """One mutant of DATA (bytes): 1 to 3 line-level mutations."""
    text = data.decode("utf-8", errors="surrogateescape")
    lines = text.replace("\r\n", "\n").split("\n")
    final_newline = lines and lines[-1] == ""
    if final_newline:
        lines.pop()
    for _ in range(rng.randint(1, 3)):
        rng.choice(MUTATIONS)(rng, lines)
    eol = "\r\n" if rng.random() < 0.03 else "\n"
    out = eol.join(lines) + (eol if final_newline or rng.random() < 0.1 else "")
    return out.encode("utf-8", errors="surrogateescape")


def syntax_error(data, full=False):
    """None if DATA parses (ast.parse) or, with FULL, compiles; else why not.

    compile() also runs CPython's symbol-table checks, which ast.parse does
    not: `import *` outside the module level, `global` after a use, ...
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if full:
                compile(data, "<case>", "exec", dont_inherit=True)
            else:
                ast.parse(data)
        return None
    except (SyntaxError, ValueError) as e:
        return f"{type(e).__name__}: {getattr(e, 'msg', e)} (line {getattr(e, 'lineno', '?')})"


def parses(data):
    return syntax_error(data) is None


# --- running mpguard -------------------------------------------------------

class Run:
    def __init__(self, argv, cwd, preexec_fn=None):
        self.argv = argv
        try:
            p = subprocess.run(argv, cwd=cwd, capture_output=True,
                               timeout=TIMEOUT, preexec_fn=preexec_fn)
            self.status, self.out, self.err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            self.status, self.out, self.err = "timeout", e.stdout or b"", e.stderr or b""

    def ok_status(self):
        # 0 no findings, 1 findings, 2 usage/input error; anything else
        # (a negative status is a signal) or a timeout is a crash.
        return self.status in (0, 1, 2)

    def describe(self):
        st = self.status
        if isinstance(st, int) and st < 0:
            st = f"killed by {signal.Signals(-st).name}"
        return (f"$ {' '.join(self.argv)}\n[exit status: {st}]\n"
                f"[stdout]\n{self.out.decode(errors='replace')}"
                f"[stderr]\n{self.err.decode(errors='replace')}")


class Case:
    def __init__(self, label, name, data, mode):
        self.label, self.name, self.data, self.mode = label, name, data, mode
        self.parsed = parses(data)
        self.problems = []   # (property, detail)
        self.runs = []
        self.changed = False
        self.fixed_text = None

    def fail(self, prop, detail=""):
        self.problems.append((prop, detail))


def listing(d):
    return sorted(os.listdir(d))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check_case(mpguard, workdir, idx, case):
    d = os.path.join(workdir, f"{idx:04d}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(os.path.join(workdir, f"{idx:04d}.orig"), "wb") as f:
        f.write(case.data)
    path = os.path.join(d, case.name)
    with open(path, "wb") as f:
        f.write(case.data)
    os.chmod(path, case.mode)
    before = listing(d)

    def run(*args):
        r = Run([mpguard, "check", *args, case.name], d)
        case.runs.append(r)
        if not r.ok_status():
            case.fail("exit status 0, 1 or 2", f"got {r.status}")
        return r

    run("--fix", "--unsafe-fixes")
    if not os.path.isfile(path):
        case.fail("1: the file is still there after --fix")
        return
    fixed = read(path)
    case.changed = fixed != case.data
    case.fixed_text = fixed
    # Property 1.
    if case.parsed:
        err = syntax_error(fixed)
        if err:
            case.fail("1: the fixed file still parses", f"ast.parse: {err}")
        elif case.changed and syntax_error(case.data, full=True) is None:
            err = syntax_error(fixed, full=True)
            if err:
                case.fail("1: the fixed file still compiles", f"compile: {err}")
    elif case.changed:
        case.fail("1: a file that does not parse is left byte-identical")
    # Property 3.
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != case.mode:
        case.fail("3: permission mode unchanged", f"{case.mode:o} -> {mode:o}")
    after = listing(d)
    if after != before:
        case.fail("3: no stray files left", f"{before} -> {after}")
    # Property 2.
    run("--fix", "--unsafe-fixes")
    if not os.path.isfile(path):
        case.fail("2: the file is still there after a second --fix")
        return
    again = read(path)
    if again != fixed:
        case.fail("2: a second --fix changes nothing")
        case.fixed_text = fixed + b"\n--- after the second --fix ---\n" + again
    r = run("--diff", "--unsafe-fixes")
    if r.out:
        case.fail("2: --diff after --fix prints no diff")
    if read(path) != again:
        case.fail("2: --diff changes nothing")
    if listing(d) != before:
        case.fail("3: no stray files left (second round)", f"{before} -> {listing(d)}")


def limit_fsize(ignore_sigxfsz):
    def preexec():
        resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))
        signal.signal(signal.SIGXFSZ,
                      signal.SIG_IGN if ignore_sigxfsz else signal.SIG_DFL)
    return preexec


def check_failing_write(mpguard, workdir, idx, case, ignore_sigxfsz):
    d = os.path.join(workdir, f"{idx:04d}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    path = os.path.join(d, case.name)
    with open(path, "wb") as f:
        f.write(case.data)
    os.chmod(path, case.mode)
    before = listing(d)
    r = Run([mpguard, "check", "--fix", "--unsafe-fixes", case.name], d,
            preexec_fn=limit_fsize(ignore_sigxfsz))
    case.runs.append(r)
    if not os.path.isfile(path):
        case.fail("4: a failed write leaves the file in place")
        return
    if read(path) != case.data:
        case.fail("4: a failed write leaves the file byte-identical")
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != case.mode:
        case.fail("4: a failed write leaves the mode unchanged",
                  f"{case.mode:o} -> {mode:o}")
    if ignore_sigxfsz:
        if r.status != 2:
            case.fail("4: a failed write exits with status 2", f"got {r.status}")
        err = r.err.decode(errors="replace")
        if case.name not in err or "error" not in err:
            case.fail("4: a failed write reports an error naming the file")
        if listing(d) != before:
            case.fail("4: a failed write leaves no temporary file",
                      f"{before} -> {listing(d)}")
        # The summary must not claim a fix that was never written.
        if "Fixed 0 findings" not in err and "Fixed " in err:
            case.fail("4: a failed write is not counted as fixed",
                      [l for l in err.splitlines() if 'Fixed' in l][0])
    else:
        # SIGXFSZ at its default kills mpguard in the middle of writing the
        # temporary file. The original must survive (the rename never
        # happened); the half-written temporary file is left behind, which
        # is acceptable here only: no process can clean up after SIGKILL-like
        # termination, so property 3's "no stray files" is not checked.
        # The leftover must not be readable by more users than the original
        # (mpguard creates it owner-only and sets the mode just before the
        # rename).
        for n in set(listing(d)) - set(before):
            m = stat.S_IMODE(os.stat(os.path.join(d, n)).st_mode)
            if m & ~case.mode:
                case.fail("4: a temporary file is never wider than the original",
                          f"{n} left with mode {m:o}, original {case.mode:o}")
        if r.status != -signal.SIGXFSZ:
            case.fail("4: the write hits the file size limit (killed by SIGXFSZ)",
                      f"got {r.status}")


def report(case):
    print(f"FAIL: {case.label} ({case.name}, mode {case.mode:o}, "
          f"{'parses' if case.parsed else 'does not parse'})")
    for prop, detail in case.problems:
        print(f"  property violated: {prop}" + (f": {detail}" if detail else ""))
    print("  --- case text ---")
    print(case.data.decode(errors="replace"))
    if case.fixed_text is not None and case.fixed_text != case.data:
        print("  --- file after --fix ---")
        print(case.fixed_text.decode(errors="replace"))
    print("  --- mpguard output ---")
    for r in case.runs:
        print(r.describe())
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mutants", type=int, default=200)
    ap.add_argument("--unparseable", type=int, default=12,
                    help="how many of the mutants do not parse")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("mpguard")
    ap.add_argument("workdir")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()
    mpguard = os.path.abspath(args.mpguard)
    os.makedirs(args.workdir, exist_ok=True)
    rng = random.Random(args.seed)
    modes = [0o644, 0o600, 0o640, 0o755, 0o664]

    originals = []
    for i, p in enumerate(args.inputs):
        data = read(p)
        name = os.path.basename(p)
        originals.append(Case(f"input {p}", name, data, modes[i % len(modes)]))

    # Mutants, round-robin over the inputs; only a few that do not parse.
    mutants, unparseable = [], 0
    attempts = 0
    while len(mutants) < args.mutants and attempts < 50 * args.mutants:
        attempts += 1
        src = originals[len(mutants) % len(originals)]
        data = mutate(rng, src.data)
        if data == src.data:
            continue
        case = Case(f"mutant {len(mutants)} of {src.label}", src.name, data,
                    rng.choice(modes))
        if not case.parsed:
            if unparseable >= args.unparseable:
                continue
            unparseable += 1
        mutants.append(case)

    cases = originals + mutants
    for idx, case in enumerate(cases):
        check_case(mpguard, args.workdir, idx, case)

    # Property 4: failing writes, for the inputs whose fix writes the file.
    write_cases = []
    idx = len(cases)
    for orig in originals:
        if not orig.changed:
            continue
        for ignore in (True, False):
            c = Case(f"failing write ({'SIGXFSZ ignored' if ignore else 'SIGXFSZ default'})"
                     f" of {orig.label}", orig.name, orig.data, orig.mode)
            check_failing_write(mpguard, args.workdir, idx, c, ignore)
            write_cases.append(c)
            idx += 1

    everything = cases + write_cases
    failed = [c for c in everything if c.problems]
    for c in failed:
        report(c)

    fixed = sum(1 for c in mutants if c.changed)
    parseable = sum(1 for c in mutants if c.parsed)
    print(f"inputs: {len(originals)} ({sum(c.changed for c in originals)} changed by --fix); "
          f"mutants: {len(mutants)} ({parseable} parse, {len(mutants) - parseable} do not); "
          f"failing-write cases: {len(write_cases)}")
    print(f"{fixed} of {len(mutants)} mutants fixed (file changed by --fix)")
    ok = True
    if fixed == 0:
        print("error: no mutant was changed by --fix: the test exercises nothing")
        ok = False
    if not write_cases:
        print("error: no input is rewritten by --fix: property 4 was not checked")
        ok = False
    if len(mutants) < args.mutants:
        print(f"error: only {len(mutants)} mutants generated")
        ok = False
    print(f"{len(everything) - len(failed)} passed, {len(failed)} failed")
    return 0 if ok and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
