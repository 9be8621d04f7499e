#!/usr/bin/env python3
"""Run a script with the given start method as the platform default.

Usage: run_under.py METHOD SCRIPT [ARGS...]

The method is made the default without being "set", so the script's own
set_start_method() behaves as on a platform with that default. Spawned
children re-run SCRIPT as __mp_main__, as they do for `python SCRIPT`.
The runtime shim (analyzer/shim) adds containment; this is the bare form
the fix tests use on programs expected to run.
"""
import multiprocessing.context as context
import os
import runpy
import sys

method, script = sys.argv[1], sys.argv[2]
context._default_context._default_context = context._concrete_contexts[method]
sys.argv = sys.argv[2:]
sys.path[0] = os.path.dirname(os.path.abspath(script))
runpy.run_path(script, run_name="__main__")
