#!/usr/bin/env python3
"""Run a command and fail unless it exits with the expected status.

Usage: expect_exit.py STATUS CMD [ARG...]

stdout and stderr pass through unchanged, so the result can be piped into
FileCheck; lit's pipefail then sees this script's status, which is 0 exactly
when the command's status was STATUS.
"""
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: expect_exit.py STATUS CMD [ARG...]", file=sys.stderr)
        return 2
    expected = int(sys.argv[1])
    sys.stdout.flush()
    status = subprocess.call(sys.argv[2:])
    if status != expected:
        print(f"expect_exit: '{sys.argv[2]}' exited {status}, expected {expected}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
