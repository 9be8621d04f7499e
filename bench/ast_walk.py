"""Baseline (b): CPython ast.parse + ast.walk over every file.

What a pylint/flake8-style plugin pays at least: read the bytes, let CPython
parse them (it honours coding cookies), visit every node once. Nothing else.

    python3 ast_walk.py LISTFILE      (paths relative to the working directory)

Prints one JSON object; loop_seconds is time.perf_counter() around the whole
read + parse + walk loop (interpreter start-up and imports are outside it).
"""
import ast
import json
import sys
import time
import warnings


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: ast_walk.py LISTFILE", file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        paths = [line for line in f.read().split("\n") if line]
    warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes etc.
    nbytes = nodes = failures = 0
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        nbytes += len(data)
        try:
            tree = ast.parse(data, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            failures += 1
            continue
        for _ in ast.walk(tree):
            nodes += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"files": len(paths), "bytes": nbytes, "nodes": nodes,
                      "parse_failures": failures, "loop_seconds": elapsed}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
