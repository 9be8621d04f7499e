# Positive and negative cases for MPG001 unguarded-process-start. Each
# expected finding is a CHECK line right under the offending line; any other
# finding fails the test. MPG003 is left out: the module-level ThreadPool
# below is still running when the pools start.
# RUN: %expect-exit 1 %mpguard check --format concise --ignore MPG003 %s | FileCheck %s --implicit-check-not=MPG

import concurrent.futures
import multiprocessing
import multiprocessing as mp
import multiprocessing.pool
from concurrent.futures import ProcessPoolExecutor as PPE
from multiprocessing import Pool as P
from multiprocessing import Process, get_context
from multiprocessing.dummy import Pool as DummyPool
from multiprocessing.pool import ThreadPool


def work(x):
    return x * x


# --- direct process starts at import time ----------------------------------
pool = multiprocessing.Pool(2)
# CHECK: :[[@LINE-1]]:8: error: `multiprocessing.Pool` starts processes at import time; spawn and forkserver children re-run this module and fail to bootstrap [MPG001 unguarded-process-start]
mp.Pool()
# CHECK: :[[@LINE-1]]:1: error: `mp.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]
P(processes=2)
# CHECK: :[[@LINE-1]]:1: error: `P` starts processes{{.*}}[MPG001 unguarded-process-start]
multiprocessing.pool.Pool(2)
# CHECK: :[[@LINE-1]]:1: error: `multiprocessing.pool.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]
# Executors start their workers on first use, not when constructed.
executor = PPE(max_workers=2)
executor.submit(work, 1)
# CHECK: :[[@LINE-1]]:1: error: `executor.submit` starts processes{{.*}}[MPG001 unguarded-process-start]
with concurrent.futures.ProcessPoolExecutor() as ex:
    list(ex.map(work, range(3)))
    # CHECK: :[[@LINE-1]]:10: error: `ex.map` starts processes{{.*}}[MPG001 unguarded-process-start]
idle = concurrent.futures.ProcessPoolExecutor(mp_context=get_context("spawn"))
manager = mp.Manager()
# CHECK: :[[@LINE-1]]:11: error: `mp.Manager` starts processes{{.*}}[MPG001 unguarded-process-start]

proc = Process(target=work, args=(1,))
proc.start()
# CHECK: :[[@LINE-1]]:1: error: `proc.start` starts processes{{.*}}[MPG001 unguarded-process-start]
Process(target=work).start()
# CHECK: :[[@LINE-1]]:1: error: `Process(target=work).start` starts processes{{.*}}[MPG001 unguarded-process-start]
procs = [mp.Process(target=work, args=(i,)) for i in range(3)]
for p in procs:
    p.start()
    # CHECK: :[[@LINE-1]]:5: error: `p.start` starts processes{{.*}}[MPG001 unguarded-process-start]

# Contexts: spawn and forkserver contexts re-run the module; fork does not.
ctx = get_context("spawn")
ctx.Pool(2)
# CHECK: :[[@LINE-1]]:1: error: `ctx.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]
mp.get_context("forkserver").Process(target=work).start()
# CHECK: :[[@LINE-1]]:1: error: `mp.get_context("forkserver").Process(target=work).start` starts processes{{.*}}[MPG001 unguarded-process-start]
fork_ctx = mp.get_context("fork")
# CHECK: :[[@LINE-1]]:12: note: `mp.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
fork_ctx.Pool(2)
concurrent.futures.ProcessPoolExecutor(mp_context=fork_ctx).submit(work, 1)
mp.Pool(2, context=fork_ctx)
mp.managers.SyncManager(ctx=fork_ctx).start()
mp.managers.SyncManager().start()
# CHECK: :[[@LINE-1]]:1: error: `mp.managers.SyncManager().start` starts processes{{.*}}[MPG001 unguarded-process-start]


# A Process subclass is a Process.
class Worker(mp.Process):
    def run(self):
        pass


Worker().start()
# CHECK: :[[@LINE-1]]:1: error: `Worker().start` starts processes{{.*}}[MPG001 unguarded-process-start]


# Class bodies run at import time.
class Holder:
    shared = mp.Pool(1)
    # CHECK: :[[@LINE-1]]:14: error: `mp.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]

    def method(self):
        return mp.Pool(1)  # only when called: not at import


# Decorators and default arguments run at definition time.
def make_pool(n=mp.Pool(1)):
    # CHECK: :[[@LINE-1]]:17: error: `mp.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]
    return n


# --- threads, not processes: never reported -------------------------------
ThreadPool(4)
DummyPool(4)
multiprocessing.pool.ThreadPool(2)
concurrent.futures.ThreadPoolExecutor(2)


# --- interprocedural within the file --------------------------------------
def start_all():
    return inner()


def inner():
    with mp.Pool(2) as pool:
        return pool.map(work, range(3))


start_all()
# CHECK: :[[@LINE-1]]:1: error: call to `start_all` starts processes at import time (via `mp.Pool`){{.*}}[MPG001 unguarded-process-start]
# CHECK-NEXT: :[[@LINE-10]]:12: note: which calls `inner`
# CHECK-NEXT: :[[@LINE-7]]:10: note: `mp.Pool` starts processes here


class Service:
    def __init__(self):
        self.pool = mp.Pool(2)


svc = Service()
# CHECK: :[[@LINE-1]]:7: error: call to `Service` starts processes at import time (via `mp.Pool`){{.*}}[MPG001 unguarded-process-start]
# CHECK-NEXT: :[[@LINE-5]]:21: note: `mp.Pool` starts processes here


def recursive(n):
    # recursion terminates in the summary computation
    if n:
        return recursive(n - 1)
    return mp.Pool(1)


recursive(3)
# CHECK: :[[@LINE-1]]:1: error: call to `recursive` starts processes{{.*}}[MPG001 unguarded-process-start]


# Only called from the guard: never reported.
def main():
    with mp.Pool(2) as pool:
        print(pool.map(work, range(3)))
    start_all()


def never_called():
    mp.Pool(2)


# Shadowing: a local name that is not multiprocessing.
def shadowed(mp):
    return mp.Pool(2)


shadowed(object())


# --- guard variants: nothing below is reported ----------------------------
if __name__ == "__main__":
    main()
    mp.Pool(2)

if "__main__" == __name__:
    mp.Pool(2)

if __name__ in ("__main__",):
    mp.Pool(2)

if __name__ != "__main__":
    pass
else:
    mp.Pool(2)

if not __name__ == "__main__":
    pass
else:
    mp.Pool(2)

if __name__ == "__main__" and len(sys_argv := [1]) > 0:
    mp.Pool(2)

if mp.current_process().name == "MainProcess":
    mp.Pool(2)

if multiprocessing.parent_process() is None:
    mp.Pool(2)

match __name__:
    case "__main__":
        mp.Pool(2)
    case _:
        pass

# ...but the other arms of a guard are not guarded.
if __name__ == "__main__":
    pass
else:
    mp.Pool(2)
    # CHECK: :[[@LINE-1]]:5: error: `mp.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]

if __name__ == "__main__" or len([]) == 0:
    mp.Pool(2)
    # CHECK: :[[@LINE-1]]:5: error: `mp.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]

match __name__:
    case "__main__":
        pass
    case _:
        mp.Pool(2)
        # CHECK: :[[@LINE-1]]:9: error: `mp.Pool` starts processes{{.*}}[MPG001 unguarded-process-start]
