# Positive and negative cases for MPG005 main-guard-global. Each expected
# finding is a CHECK line right under the offending line (with CHECK-NEXT
# for its notes); any other finding fails the test. Each case uses names of
# its own: the guarded block at the end assigns them all.
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG005 %s | FileCheck %s --implicit-check-not=MPG
# The defaults of the configured targets go into the message.
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG005 --platforms linux --target-python 3.9 %s | FileCheck %s --check-prefix=LINUX
# LINUX: :[[@LINE+24]]:12: warning: {{.*}}a child started with the default start method (forkserver on linux, Python 3.14) imports
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG005 --platforms macos,windows %s | FileCheck %s --check-prefix=MAC
# MAC: :[[@LINE+22]]:12: warning: {{.*}}a child started with the default start method (spawn on macos and windows) imports

import functools
import json
import multiprocessing
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool, Process, get_context

# --- positives ----------------------------------------------------------

SCALE = None
LIMIT = 100


def load_settings():
    return {"scale": 2}


def scale(x):
    # A module-level value that the guard re-assigns: the child sees None.
    return SCALE * x
    # CHECK: :[[@LINE-1]]:12: warning: `scale` runs in a worker process and reads `SCALE`, which is re-assigned under the main guard: a child started with the default start method (spawn on macos and windows; forkserver on linux, Python 3.14) imports this module again without running the guarded block, so it sees the module-level value instead [MPG005 main-guard-global]
    # CHECK-NEXT: :[[@LINE+157]]:5: note: `SCALE` is assigned here, under the main guard
    # CHECK-NEXT: :[[@LINE-13]]:1: note: the module-level value a child sees
    # CHECK-NEXT: :[[@LINE+172]]:24: note: `scale` is handed to `pool.map` here and runs in the child


def lookup(key):
    # No module-level binding at all: NameError in the child.
    return SETTINGS[key]
    # CHECK: :[[@LINE-1]]:12: warning: `lookup` runs in a worker process and reads `SETTINGS`, which is assigned only under the main guard: {{.*}}, so `SETTINGS` is not defined there (NameError) [MPG005 main-guard-global]
    # CHECK-NEXT: :[[@LINE+149]]:5: note: `SETTINGS` is assigned here, under the main guard
    # CHECK-NEXT: note: `lookup` is handed to `Process` here and runs in the child


def helper(x):
    return x + OFFSET
    # CHECK: :[[@LINE-1]]:16: warning: `helper` runs in a worker process and reads `OFFSET`, which is assigned only under the main guard{{.*}}(NameError) [MPG005 main-guard-global]
    # CHECK-NEXT: note: `OFFSET` is assigned here, under the main guard
    # CHECK-NEXT: note: `step` calls `helper`; `step` is handed to `pool.map` here and runs in the child


def step(x):
    # Reached through a call: reported in the callee.
    return helper(x)


def configure():
    global MODE
    MODE = os.environ.get("MODE", "fast")


def run_mode(x):
    # Assigned through `global` by a function only the guard calls.
    return (MODE, x)
    # CHECK: :[[@LINE-1]]:13: warning: `run_mode` runs in a worker process and reads `MODE`, which is assigned only by `configure` (through `global`), which only the main guard calls: {{.*}}(NameError) [MPG005 main-guard-global]
    # CHECK-NEXT: :[[@LINE-7]]:5: note: `MODE` is assigned here; only the main guard calls `configure`
    # CHECK-NEXT: note: `run_mode` is handed to `ex.submit` here and runs in the child


class Job:
    def run(self):
        return TABLE["x"]
        # CHECK: :[[@LINE-1]]:16: warning: `Job.run` runs in a worker process and reads `TABLE`{{.*}}(NameError) [MPG005 main-guard-global]
        # CHECK-NEXT: note: `TABLE` is assigned here, under the main guard
        # CHECK-NEXT: note: `Job.run` is handed to `Process` here and runs in the child


def partial_target(factor, x):
    return factor * x * FACTOR2
    # CHECK: :[[@LINE-1]]:25: warning: `partial_target` runs in a worker process and reads `FACTOR2`{{.*}}(NameError) [MPG005 main-guard-global]
    # CHECK-NEXT: note
    # CHECK-NEXT: note: `partial_target` is handed to `pool.map`


def spawned(x):
    # Named start method: spawn.
    return x * SPAWN_ONLY
    # CHECK: :[[@LINE-1]]:16: warning: {{.*}}a child started with spawn imports this module again{{.*}}[MPG005 main-guard-global]
    # CHECK-NEXT: note
    # CHECK-NEXT: note


def guarded_helper_user(x):
    # A function defined under the guard.
    return guarded_helper(x)
    # CHECK: :[[@LINE-1]]:12: warning: `guarded_helper_user` runs in a worker process and reads `guarded_helper`{{.*}}(NameError) [MPG005 main-guard-global]
    # CHECK-NEXT: note
    # CHECK-NEXT: note


# --- negatives ----------------------------------------------------------


def uses_params(SCALE, x):
    # A parameter shadows the global.
    return SCALE * x


def uses_local(x):
    SETTINGS = {"a": 1}
    return SETTINGS["a"] + x


def uses_builtins_and_imports(x):
    # Builtins, unguarded imports, unguarded-only globals.
    return len(json.dumps([x])) + LIMIT + os.getpid() * 0


STATE = None


def init_state(value):
    global STATE
    STATE = value


def uses_initializer_state(x):
    # The documented pattern: the initializer sets the global in the child.
    return STATE + x


CACHE = None


def lazy(x):
    # The worker assigns the global itself (lazy initialization).
    global CACHE
    if CACHE is None:
        CACHE = {}
    return CACHE.setdefault(x, x)


def setup_at_import():
    global IMPORTED
    IMPORTED = 1


setup_at_import()  # runs in the child too


def uses_imported(x):
    return IMPORTED + x


def forked(x):
    # An explicit fork context: the child inherits the globals.
    return x * FORK_ONLY


def closure_outer():
    CLOSED = 1

    def inner(x):
        return CLOSED + x

    return inner


def not_a_worker(x):
    # Reads a guarded global but never runs in a child.
    return x * SETTINGS["a"]


def except_alias(x):
    # `err` is the handler's own name; the annotation is never evaluated.
    hint: GuardedType = x
    try:
        return hint
    except ValueError as err:
        return err


def attribute_only(x):
    # `obj.SCALE` is an attribute, not the global.
    return json.SCALE if False else x


if __name__ == "__main__":
    SCALE = load_settings()["scale"]
    SETTINGS = {"a": 1}
    OFFSET = 3
    TABLE = {"x": 1}
    FACTOR2 = 2
    SPAWN_ONLY = 5
    FORK_ONLY = 7
    GuardedType = int
    for err in range(2):
        pass

    def guarded_helper(x):
        return x

    configure()
    not_a_worker(1)
    with Pool(2) as pool:
        print(pool.map(scale, range(3)))
        print(pool.map(step, range(3)))
        print(pool.map(functools.partial(partial_target, 2), range(3)))
        print(pool.map(uses_params, range(3)))
        print(pool.map(uses_local, range(3)))
        print(pool.map(uses_builtins_and_imports, range(3)))
        print(pool.map(lazy, range(3)))
        print(pool.map(uses_imported, range(3)))
        print(pool.map(attribute_only, range(3)))
        print(pool.map(except_alias, range(3)))
        print(pool.map(guarded_helper_user, range(3)))
    Process(target=lookup, args=("a",)).start()
    Process(target=Job().run).start()
    with ProcessPoolExecutor() as ex:
        ex.submit(run_mode, 1)
    with Pool(2, initializer=init_state, initargs=(1,)) as pool:
        pool.map(uses_initializer_state, range(3))
    with get_context("spawn").Pool(2) as pool:
        pool.map(spawned, range(3))
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(forked, range(3))
    get_context("fork").Process(target=forked, args=(1,)).start()
    pool = multiprocessing.Pool(2)
    pool.map(closure_outer(), range(3))
