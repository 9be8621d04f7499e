#!/usr/bin/env python3
"""Fail if any process still carries TOKEN in its command line or environment.

Usage: leftovers.py TOKEN [GRACE_SECONDS]

Looks at /proc/*/cmdline and /proc/*/environ (this process and its ancestors
excepted: the test's shell has the token on its own command lines). Retries
for up to GRACE_SECONDS (default 3) to let processes that are already dying
disappear; zombies do not count (their cmdline and environ are empty). Exit
status 0 when none is left, 1 otherwise (the survivors are listed).
"""
import os
import sys
import time


def ancestors():
    pids = set()
    pid = os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                data = f.read()
            pid = int(data[data.rfind(b")") + 1:].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def survivors(token, skip):
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in skip:
            continue
        for what in ("cmdline", "environ"):
            try:
                with open(f"/proc/{name}/{what}", "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if token in data:
                found.append((int(name), data.replace(b"\0", b" ")[:200]))
                break
    return found


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    token = os.fsencode(argv[0])
    grace = float(argv[1]) if len(argv) > 1 else 3.0
    end = time.monotonic() + grace
    skip = ancestors()
    while True:
        found = survivors(token, skip)
        if not found or time.monotonic() > end:
            break
        time.sleep(0.1)
    for pid, text in found:
        print(f"leftovers: process {pid} still running: {text!r}",
              file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
