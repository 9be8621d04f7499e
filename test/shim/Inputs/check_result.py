#!/usr/bin/env python3
"""Check the JSON object printed by mpguard_shim.py.

Usage: check_result.py RESULT.json [ASSERTION...] [--print KEY]

Assertions (all must hold):
  KEY=V1|V2|...  the value equals one of the alternatives; each alternative is
                 read as JSON when it parses (true, null, 3, "x") and as a
                 plain string otherwise.
  KEY~TEXT       TEXT is a substring of the (string) value, or an element of
                 the (list) value.
  KEY!~TEXT      the opposite.
  KEY<NUMBER     the (numeric) value is below NUMBER.
  KEY<=NUMBER    the (numeric) value is at most NUMBER.
  KEY>NUMBER     the (numeric) value is above NUMBER.

--print KEY prints the value of KEY (strings raw, anything else as JSON) once
every assertion held. Exit status 0 when all hold, 1 otherwise (each failed
assertion and the whole object are printed on stderr).
"""
import json
import re
import sys

KEYS = ["start_method", "script", "exit_code", "signal", "timed_out",
        "cap_exceeded", "max_processes", "leftover_processes", "duration_s",
        "stdout", "stderr", "symptoms", "outcome"]

ASSERTION = re.compile(r"^(\w+)(!~|<=|=|~|<|>)(.*)$", re.S)


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def check(result, assertion):
    m = ASSERTION.match(assertion)
    if not m:
        return f"bad assertion: {assertion!r}"
    key, op, arg = m.groups()
    if key not in result:
        return f"missing key {key!r}"
    value = result[key]
    if op == "=":
        alternatives = [parse_value(a) for a in arg.split("|")]
        ok = any(type(value) is type(a) and value == a for a in alternatives)
    elif op in ("~", "!~"):
        if isinstance(value, list):
            ok = arg in value
        elif isinstance(value, str):
            ok = arg in value
        else:
            return f"{key} is neither a string nor a list: {value!r}"
        if op == "!~":
            ok = not ok
    else:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return f"{key} is not a number: {value!r}"
        limit = float(arg)
        ok = {"<": value < limit, "<=": value <= limit,
              ">": value > limit}[op]
    if not ok:
        shown = value if not isinstance(value, str) or len(value) < 400 \
            else value[:200] + " ... " + value[-200:]
        return f"{assertion!r} does not hold: {key} = {shown!r}"
    return None


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    path, rest = argv[0], argv[1:]
    to_print = None
    if "--print" in rest:
        i = rest.index("--print")
        to_print = rest[i + 1]
        rest = rest[:i] + rest[i + 2:]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        result = json.loads(text)
    except ValueError as e:
        print(f"check_result: {path}: not JSON ({e}):\n{text}", file=sys.stderr)
        return 1
    problems = []
    if not isinstance(result, dict) or sorted(result) != sorted(KEYS):
        problems.append(f"keys are {sorted(result)}, expected {sorted(KEYS)}")
    else:
        problems += [p for p in (check(result, a) for a in rest) if p]
    if problems:
        for p in problems:
            print(f"check_result: {path}: {p}", file=sys.stderr)
        print(json.dumps(result, indent=1), file=sys.stderr)
        return 1
    if to_print is not None:
        value = result[to_print]
        sys.stdout.write(value if isinstance(value, str)
                         else json.dumps(value) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
