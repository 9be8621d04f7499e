#!/usr/bin/env python3
"""Run mpguard over the rule test corpus and check its SARIF thoroughly.

Usage: validate_sarif.py --mpguard BIN --schema SCHEMA --multitool TOOL
                         --source-root DIR --workdir DIR
       validate_sarif.py --file LOG --schema SCHEMA --multitool TOOL
                         --workdir DIR     (steps 3 and 4 on LOG only)

Steps (each prints one "ok:" line; any failure prints "FAIL:" lines and the
script exits 1):

  1. Copies every .py file under SOURCE_ROOT/test/rules and SOURCE_ROOT/rules
     (whatever exists) into WORKDIR/repo, adds files whose columns are hard
     (tabs, BMP and astral characters before the process start) and a path
     with spaces, non-ASCII characters and URI-reserved characters, and makes
     WORKDIR/repo a source root (an empty .git), so URIs are relative to it.
  2. Runs `mpguard check --format sarif` twice over it; the bytes must match.
  3. Validates the log against the SARIF 2.1.0 JSON schema (jsonschema).
  4. Runs Microsoft's validator (`Sarif.Multitool validate`, which exits 0
     even when the log is invalid) and fails on any result of level "error".
  5. Checks what GitHub code scanning relies on: ruleIndex/ruleId agreement,
     partialFingerprints.primaryLocationLineHash (recomputed here with
     codeql-action's algorithm), %SRCROOT%-relative percent-encoded URIs
     declared in originalUriBaseIds, columnKind utf16CodeUnits, the driver
     and rule metadata, snippets matching the file.
  6. Checks the exact UTF-16 columns on the lines with tabs and astral
     characters (expected values computed here from the line text).
  7. Runs again with files mpguard cannot analyze (binary, invalid UTF-8,
     NUL, syntax error, deep nesting, a missing path) next to a good one:
     the log must still pass 3-5, say executionSuccessful: false and carry
     a toolExecutionNotification for each bad file.

Works on whatever .py files the corpus holds (none is fine: the special
files alone have findings).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse

FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("FAIL: " + message, file=sys.stderr)


def ok(message):
    print("ok: " + message)


# --- inputs ----------------------------------------------------------------

# Each special line holds one module-level process start after characters
# whose UTF-8, code point and UTF-16 lengths all differ: tab (1/1/1),
# "é" (2/1/1), "—" (3/1/1), "😀" and "𝄞" (4/1/2).
HARD_COLUMNS = (
    "import multiprocessing\n"
    "\n"
    "if True:\n"
    "\tx = \"\U0001F600\t\U0001D11E\"; pool = multiprocessing.Pool(2)\n"
    "s = \"na\u00efve \u2014 \U0001F600\U0001F600\"; p2 = multiprocessing.Pool(3)\n"
    "t = '\t\t\U0001F40D'\t;\tp3 = multiprocessing.Pool(4)\n"
    "# \U0001F600 a comment with an emoji, then a start at column 1:\n"
    "multiprocessing.Pool(5)\n"
)
HARD_COLUMNS_NAME = "special/hard_columns.py"
# A path with spaces, non-ASCII characters and characters that must be
# percent-encoded in a URI ('%', '#', '?', '[', ']').
ODD_PATH_NAME = "special/dir with spaces/\u00fcn\u00efc\u00f6d\u00e9 \U0001F600/m\u00f6dule 100% #1 [x]?.py"
ODD_PATH = "import multiprocessing\npool = multiprocessing.Pool(2)\n"
# CRLF line endings with an astral character.
CRLF_NAME = "special/crlf.py"
CRLF = b"import multiprocessing\r\nx = '\xf0\x9f\x98\x80'; pool = multiprocessing.Pool(2)\r\n"

CALL = "multiprocessing.Pool("


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def prepare(source_root, repo):
    if os.path.exists(repo):
        shutil.rmtree(repo)
    os.makedirs(os.path.join(repo, ".git"))
    corpus = []
    for sub in ("test/rules", "rules"):
        top = os.path.join(source_root, sub)
        if not os.path.isdir(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith((".py", ".pyw")):
                    continue
                src = os.path.join(dirpath, name)
                rel = os.path.join("corpus", sub, os.path.relpath(src, top))
                dst = os.path.join(repo, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)
                corpus.append(rel)
    for name, text in ((HARD_COLUMNS_NAME, HARD_COLUMNS), (ODD_PATH_NAME, ODD_PATH)):
        path = os.path.join(repo, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    with open(os.path.join(repo, CRLF_NAME), "wb") as f:
        f.write(CRLF)
    return corpus


def prepare_broken(repo):
    """Files mpguard must report as not analyzable, in their own folder."""
    broken = os.path.join(repo, "broken")
    os.makedirs(broken)
    with open("/bin/true", "rb") as f:
        binary = f.read()
    files = {
        "binary.py": binary,
        "invalid utf8 \u00e9.py": b"import multiprocessing\nx = '\xf0\x9f\x98\x80\xff'\n",
        "nul.py": b"import multiprocessing\nx = 1\x00\n",
        "syntax.py": b"import multiprocessing\ndef broken(:\n    pass\n",
        "deep.py": b"import multiprocessing\nx = " + b"(" * 10000 + b")" * 10000 + b"\n",
    }
    for name, data in files.items():
        with open(os.path.join(broken, name), "wb") as f:
            f.write(data)
    return ["broken", "broken/does not exist.py", HARD_COLUMNS_NAME]


def run_mpguard(mpguard, repo, paths=("corpus", "special")):
    cmd = [mpguard, "check", "--format", "sarif"] + list(paths)
    proc = subprocess.run(cmd, cwd=repo, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


# --- GitHub's line hash (codeql-action src/fingerprints.ts) ---------------

def line_hashes(text):
    """primaryLocationLineHash for every line, as codeql-action computes it
    from the file read as UTF-8 (UTF-16 code units, 64-bit wrapping)."""
    mask = (1 << 64) - 1
    block = 100
    first_mod = pow(37, block, 1 << 64)
    window = [0] * block
    line_numbers = [-1] * block
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True,
             "prev_cr": False}
    counts = {}
    out = {}

    def output_hash():
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        out[line_numbers[state["index"]]] = "%s:%d" % (value, counts[value])
        line_numbers[state["index"]] = -1

    def update(current):
        i = state["index"]
        begin = window[i]
        window[i] = current
        state["hash"] = (37 * state["hash"] + current - first_mod * begin) & mask
        state["index"] = (i + 1) % block

    def process(current):
        if current in (0x20, 0x09) or (state["prev_cr"] and current == 0x0A):
            state["prev_cr"] = False
            return
        if current == 0x0D:
            current = 0x0A
            state["prev_cr"] = True
        else:
            state["prev_cr"] = False
        if line_numbers[state["index"]] != -1:
            output_hash()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            line_numbers[state["index"]] = state["line"]
        if current == 0x0A:
            state["line_start"] = True
        update(current)

    units = text.encode("utf-16-le")
    for k in range(0, len(units), 2):
        process(units[k] | (units[k + 1] << 8))
    process(0xFFFF)
    for _ in range(block):
        if line_numbers[state["index"]] != -1:
            output_hash()
        update(0)
    return out


# Test vectors from codeql-action's src/fingerprints.test.ts: the reference
# implementation above is checked before it judges mpguard.
HASH_VECTORS = (
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1",
                             "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1",
      "c6805c5e1288b612:1", "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
     ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
      "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
      "c129715d7a2bc9a3:1"]),
)


def self_test_line_hashes():
    for text, want in HASH_VECTORS:
        got = line_hashes(text)
        got = [got.get(i + 1) for i in range(len(got))]
        if got != want:
            fail("line hash reference implementation: %r gives %r, "
                 "codeql-action gives %r" % (text, got, want))
            return False
    return True


# --- checks ----------------------------------------------------------------

def check_schema(log, schema_path):
    import jsonschema
    from jsonschema import validators
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = validators.validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    for e in errors[:20]:
        fail("schema: %s at /%s" % (e.message,
                                    "/".join(str(p) for p in e.absolute_path)))
    if not errors:
        ok("schema validation (%s)" % cls.__name__)


def check_multitool(multitool, sarif_path, workdir):
    out = os.path.join(workdir, "multitool-validation.sarif")
    if os.path.exists(out):
        os.remove(out)
    proc = subprocess.run([multitool, "validate", sarif_path, "-o", out,
                           "--log", "ForceOverwrite"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not os.path.exists(out):
        fail("multitool wrote no output (exit %d): %s"
             % (proc.returncode, proc.stdout.decode("utf-8", "replace")))
        return
    with open(out, encoding="utf-8-sig") as f:
        report = json.load(f)
    errors = 0
    for run in report.get("runs", []):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        for r in run.get("results", []) or []:
            level = r.get("level", "warning")
            msg = r.get("message", {})
            text = msg.get("text")
            if text is None:
                idx = r.get("ruleIndex", -1)
                templates = rules[idx].get("messageStrings", {}) if 0 <= idx < len(rules) else {}
                text = templates.get(msg.get("id"), {}).get("text", msg.get("id", ""))
                for i, a in enumerate(msg.get("arguments", [])):
                    text = text.replace("{%d}" % i, a)
            line = "%s %s: %s" % (level, r.get("ruleId"), text)
            if level == "error":
                errors += 1
                fail("multitool: " + line)
            else:
                print("note: multitool " + line)
        for n in (run.get("invocations") or [{}])[0].get("toolExecutionNotifications", []) or []:
            if n.get("level", "warning") == "error":
                errors += 1
                fail("multitool could not validate: %s" % n.get("message", {}).get("text"))
    if not errors:
        ok("multitool validate: no errors")


URI_SAFE = re.compile(r"^[A-Za-z0-9\-._~/%!$&'()*+,;=:@]*$")


def iter_physical_locations(result):
    for loc in result.get("locations", []):
        yield "locations", loc.get("physicalLocation")
    for loc in result.get("relatedLocations", []):
        yield "relatedLocations", loc.get("physicalLocation")
    for flow in result.get("codeFlows", []):
        for tf in flow.get("threadFlows", []):
            for tfl in tf.get("locations", []):
                yield "codeFlows", tfl.get("location", {}).get("physicalLocation")


def split_lines(text):
    """Lines with their terminators, as SARIF counts them (CRLF, CR, LF);
    the empty line after a final terminator is kept."""
    return re.split(r"(?<=\r\n)|(?<=\n)|(?<=\r)(?!\n)", text)


def check_github(log, repo, mpguard_exit):
    failures_before = len(FAILURES)
    if log.get("version") != "2.1.0" or "$schema" not in log:
        fail("version/$schema missing: %r" % {k: log.get(k) for k in ("version", "$schema")})
    runs = log.get("runs", [])
    if len(runs) != 1:
        fail("expected one run, got %d" % len(runs))
        return {}
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    for key in ("name", "version", "semanticVersion", "informationUri"):
        if not driver.get(key):
            fail("tool.driver.%s missing" % key)
    rules = driver.get("rules", [])
    if not rules:
        fail("tool.driver.rules is empty")
    ids = [r.get("id") for r in rules]
    if len(set(ids)) != len(ids):
        fail("duplicate rule ids: %r" % ids)
    for r in rules:
        rid = r.get("id")
        for path in (("name",), ("shortDescription", "text"),
                     ("fullDescription", "text"), ("help", "text"),
                     ("help", "markdown"), ("helpUri",),
                     ("defaultConfiguration", "level"),
                     ("properties", "tags"), ("properties", "precision"),
                     ("properties", "problem.severity")):
            value = r
            for p in path:
                value = value.get(p) if isinstance(value, dict) else None
            if not value:
                fail("rule %s: %s missing or empty" % (rid, ".".join(path)))
        if r.get("defaultConfiguration", {}).get("level") not in ("error", "warning", "note"):
            fail("rule %s: bad defaultConfiguration.level" % rid)
    if run.get("columnKind") != "utf16CodeUnits":
        fail("columnKind is %r, not utf16CodeUnits" % run.get("columnKind"))
    if not run.get("automationDetails", {}).get("id"):
        fail("automationDetails.id missing")

    bases = run.get("originalUriBaseIds", {})
    srcroot = bases.get("%SRCROOT%", {}).get("uri", "")
    expected_root = "file://" + urllib.parse.quote(os.path.realpath(repo) + "/")
    if srcroot not in (expected_root,
                       "file://" + urllib.parse.quote(os.path.abspath(repo) + "/")):
        fail("originalUriBaseIds %%SRCROOT%% is %r, expected %r"
             % (srcroot, expected_root))

    def check_artifact(where, art, must_exist=True):
        uri = art.get("uri", "")
        if art.get("uriBaseId") != "%SRCROOT%":
            fail("%s: uriBaseId is %r, not %%SRCROOT%% (uri %r)"
                 % (where, art.get("uriBaseId"), uri))
        elif "%SRCROOT%" not in bases:
            fail("%s: %%SRCROOT%% is not declared in originalUriBaseIds" % where)
        if not URI_SAFE.match(uri) or re.search(r"%(?![0-9A-Fa-f]{2})", uri):
            fail("%s: uri %r is not percent-encoded" % (where, uri))
        if uri.startswith("/") or "://" in uri or uri.startswith("./"):
            fail("%s: uri %r is not a relative reference" % (where, uri))
        rel = urllib.parse.unquote(uri, errors="strict")
        if must_exist and not os.path.lexists(os.path.join(repo, rel)):
            fail("%s: uri %r decodes to %r, which does not exist under the "
                 "source root" % (where, uri, rel))
        return rel

    texts = {}

    def text_of(rel):
        if rel not in texts:
            with open(os.path.join(repo, rel), "rb") as f:
                raw = f.read()
            try:
                texts[rel] = raw.decode("utf-8") if not raw.startswith(b"\xef\xbb\xbf") else None
            except UnicodeDecodeError:
                texts[rel] = None  # other encodings: not checked here
        return texts[rel]

    hashes = {}
    results = run.get("results")
    if not isinstance(results, list):
        fail("run.results missing")
        results = []
    by_file = {}
    for n, res in enumerate(results):
        where = "results[%d]" % n
        rid, idx = res.get("ruleId"), res.get("ruleIndex")
        if not isinstance(idx, int) or not 0 <= idx < len(rules):
            fail("%s: ruleIndex %r out of range" % (where, idx))
        elif rules[idx].get("id") != rid:
            fail("%s: ruleIndex %d is rule %r, ruleId is %r"
                 % (where, idx, rules[idx].get("id"), rid))
        if res.get("level") not in ("error", "warning", "note"):
            fail("%s: level %r" % (where, res.get("level")))
        if not res.get("message", {}).get("text"):
            fail("%s: message.text missing" % where)
        if "fixes" in res and not res["fixes"]:
            fail("%s: empty fixes array" % where)
        if len(res.get("locations", [])) != 1:
            fail("%s: expected exactly one location" % where)
        primary = None
        for kind, phys in iter_physical_locations(res):
            if not phys:
                fail("%s.%s: no physicalLocation" % (where, kind))
                continue
            rel = check_artifact("%s.%s" % (where, kind), phys.get("artifactLocation", {}))
            if primary is None:
                primary = (rel, phys)
            region = phys.get("region", {})
            for key in ("startLine", "startColumn", "endLine", "endColumn"):
                if not isinstance(region.get(key), int) or region[key] < 1:
                    fail("%s.%s: region.%s is %r" % (where, kind, key, region.get(key)))
            text = text_of(rel) if os.path.isfile(os.path.join(repo, rel)) else None
            if text is None or not all(isinstance(region.get(k), int) for k in ("startLine", "startColumn", "endLine", "endColumn")):
                continue
            lines = split_lines(text)
            if region["endLine"] > len(lines) or region["startLine"] > region["endLine"]:
                fail("%s.%s: region lines %d-%d outside the file (%d lines)"
                     % (where, kind, region["startLine"], region["endLine"], len(lines)))
                continue
            first = lines[region["startLine"] - 1].rstrip("\r\n")
            last = lines[region["endLine"] - 1].rstrip("\r\n")
            if region["startColumn"] > utf16_len(first) + 1 or region["endColumn"] > utf16_len(last) + 1:
                fail("%s.%s: columns %d/%d beyond the line ends"
                     % (where, kind, region["startColumn"], region["endColumn"]))
            snippet = region.get("snippet", {}).get("text")
            if snippet is not None and snippet != first:
                fail("%s.%s: snippet %r is not line %d %r"
                     % (where, kind, snippet, region["startLine"], first))
            ctx = phys.get("contextRegion")
            if ctx:
                cs, ce = ctx.get("startLine"), ctx.get("endLine")
                if not (isinstance(cs, int) and isinstance(ce, int)
                        and 1 <= cs <= region["startLine"]
                        and region["endLine"] <= ce <= len(lines)):
                    fail("%s.%s: contextRegion %r does not contain the region"
                         % (where, kind, (cs, ce)))
                elif "snippet" in ctx:
                    # With or without the last line's terminator.
                    whole = "".join(lines[cs - 1:ce])
                    bare = "".join(lines[cs - 1:ce - 1]) + lines[ce - 1].rstrip("\r\n")
                    got = ctx["snippet"].get("text")
                    if got not in (whole, bare):
                        fail("%s.%s: contextRegion snippet %r is not lines %d-%d %r"
                             % (where, kind, got, cs, ce, bare))
        fp = res.get("partialFingerprints", {}).get("primaryLocationLineHash")
        if not fp or not re.match(r"^[0-9a-f]{1,16}:[0-9]+$", fp):
            fail("%s: partialFingerprints.primaryLocationLineHash is %r" % (where, fp))
        elif primary:
            rel, phys = primary
            text = text_of(rel) if os.path.isfile(os.path.join(repo, rel)) else None
            if text is not None:
                if rel not in hashes:
                    hashes[rel] = line_hashes(text)
                line = phys.get("region", {}).get("startLine")
                want = hashes[rel].get(line)
                if fp != want:
                    fail("%s: primaryLocationLineHash %s, codeql-action computes %s "
                         "for %s:%s" % (where, fp, want, rel, line))
        if primary:
            by_file.setdefault(primary[0], []).append(res)

    inv = (run.get("invocations") or [{}])[0]
    notes = inv.get("toolExecutionNotifications", [])
    if not isinstance(inv.get("executionSuccessful"), bool):
        fail("invocations[0].executionSuccessful missing")
    elif inv["executionSuccessful"] != (not notes):
        fail("executionSuccessful is %r with %d notifications"
             % (inv["executionSuccessful"], len(notes)))
    for n, note in enumerate(notes):
        for loc in note.get("locations", []):
            # A notification may be about a path that does not exist.
            check_artifact("toolExecutionNotifications[%d]" % n,
                           loc.get("physicalLocation", {}).get("artifactLocation", {}),
                           must_exist=False)
        print("note: mpguard could not analyze: %s"
              % note.get("message", {}).get("text"))
    want_exit = 2 if notes else 1
    if mpguard_exit != want_exit:
        fail("mpguard exited %d, expected %d" % (mpguard_exit, want_exit))
    if len(FAILURES) == failures_before:
        ok("GitHub requirements: %d results in %d files, %d rules"
           % (len(results), len(by_file), len(rules)))
    return by_file


def check_columns(by_file, repo):
    before = len(FAILURES)
    for name in (HARD_COLUMNS_NAME, ODD_PATH_NAME, CRLF_NAME):
        with open(os.path.join(repo, name), "rb") as f:
            text = f.read().decode("utf-8")
        lines = split_lines(text)
        expected = []
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            at = line.find(CALL)
            if at < 0:
                continue
            end = line.index(")", at) + 1
            expected.append((number, utf16_len(line[:at]) + 1, number,
                             utf16_len(line[:end]) + 1))
        got = []
        for res in by_file.get(name, []):
            if res.get("ruleId") != "MPG001":
                continue
            reg = res["locations"][0]["physicalLocation"]["region"]
            got.append((reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"]))
        if sorted(got) != expected:
            fail("%s: MPG001 regions (line, col, end line, end col) are %r, "
                 "expected %r in UTF-16 code units" % (name, sorted(got), expected))
    if len(FAILURES) == before:
        ok("UTF-16 columns after tabs, BMP and astral characters, CRLF, odd paths")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpguard")
    ap.add_argument("--schema", required=True)
    ap.add_argument("--multitool", required=True)
    ap.add_argument("--source-root")
    ap.add_argument("--workdir", required=True)
    # Only steps 3 and 4 on a log written elsewhere (the C/C++ tests).
    ap.add_argument("--file")
    args = ap.parse_args()
    for what, path in (("schema", args.schema), ("multitool", args.multitool)):
        if not path or not os.path.exists(path):
            print("FAIL: the SARIF %s is not available at %r (lit parameter "
                  "sarif_%s)" % (what, path, what), file=sys.stderr)
            return 1
    if args.file:
        os.makedirs(args.workdir, exist_ok=True)
        with open(args.file, encoding="utf-8") as f:
            check_schema(json.load(f), args.schema)
        check_multitool(args.multitool, args.file, args.workdir)
        return 1 if FAILURES else 0
    if not args.mpguard or not args.source_root:
        ap.error("--mpguard and --source-root are required without --file")

    if not self_test_line_hashes():
        return 1
    os.makedirs(args.workdir, exist_ok=True)
    repo = os.path.join(args.workdir, "repo")
    corpus = prepare(args.source_root, repo)
    ok("corpus: %d Python files from test/rules and rules, plus 3 special files"
       % len(corpus))

    status, first, stderr = run_mpguard(args.mpguard, repo)
    if status not in (1, 2):
        fail("mpguard exited %d (expected 1, or 2 with notifications):\n%s"
             % (status, stderr))
        return 1
    sarif_path = os.path.join(args.workdir, "corpus.sarif")
    with open(sarif_path, "wb") as f:
        f.write(first)
    status2, second, _ = run_mpguard(args.mpguard, repo)
    if first != second or status != status2:
        fail("two runs over the same files gave different output")
    else:
        ok("two runs are byte-identical")
    try:
        log = json.loads(first.decode("utf-8"))
    except ValueError as e:
        fail("output is not JSON: %s" % e)
        return 1

    check_schema(log, args.schema)
    check_multitool(args.multitool, sarif_path, args.workdir)
    by_file = check_github(log, repo, status)
    check_columns(by_file, repo)

    # A run with files that cannot be analyzed: still a valid log, with a
    # notification per bad file and executionSuccessful false.
    before = len(FAILURES)
    paths = prepare_broken(repo)
    status, out, stderr = run_mpguard(args.mpguard, repo, paths)
    broken_path = os.path.join(args.workdir, "broken.sarif")
    with open(broken_path, "wb") as f:
        f.write(out)
    try:
        broken_log = json.loads(out.decode("utf-8"))
    except ValueError as e:
        fail("output with bad inputs is not JSON (exit %d): %s\n%s"
             % (status, e, stderr))
        return 1
    check_schema(broken_log, args.schema)
    check_multitool(args.multitool, broken_path, args.workdir)
    check_github(broken_log, repo, status)
    inv = broken_log["runs"][0].get("invocations", [{}])[0]
    uris = sorted(urllib.parse.unquote(n["locations"][0]["physicalLocation"]
                                       ["artifactLocation"].get("uri", ""))
                  for n in inv.get("toolExecutionNotifications", [])
                  if n.get("locations"))
    want = sorted(["broken/binary.py", "broken/invalid utf8 \u00e9.py",
                   "broken/nul.py", "broken/syntax.py", "broken/deep.py",
                   "broken/does not exist.py"])
    if uris != want:
        fail("notifications for %r, expected one for each of %r" % (uris, want))
    if inv.get("executionSuccessful") is not False:
        fail("executionSuccessful is %r with bad inputs"
             % inv.get("executionSuccessful"))
    if not any(r.get("ruleId") == "MPG001" for r in broken_log["runs"][0].get("results", [])):
        fail("the good file next to the bad ones was not reported")
    if len(FAILURES) == before:
        ok("a run with bad inputs: valid, one notification per bad file")
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
