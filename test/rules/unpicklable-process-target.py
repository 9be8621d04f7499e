# Positive and negative cases for MPG004 unpicklable-process-target. Each
# expected finding is a CHECK line right under the offending line (with
# CHECK-NEXT for its notes); any other finding fails the test.
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG004 %s | FileCheck %s --implicit-check-not=MPG

import concurrent.futures
import functools
import multiprocessing
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool, Process, get_context
from multiprocessing.pool import ThreadPool

import multiprocess
import multiprocess as dill_mp
from loky import get_reusable_executor


def work(x):
    return x * x


def init():
    pass


class Job:
    def run(self):
        return 1


square = lambda x: x * x  # noqa: E731


def main():
    def nested(x):
        return x + 1

    class Local:
        def run(self):
            return 2

        @staticmethod
        def helper():
            return 3

    # --- Process target and args: pickled under spawn and forkserver ------
    Process(target=nested).start()
    # CHECK: :[[@LINE-1]]:20: error: nested function `main.<locals>.nested` passed to `Process` cannot be pickled; the default start method pickles it in the parent (spawn on macOS and Windows, forkserver on Linux from Python 3.14) [MPG004 unpicklable-process-target]
    # CHECK-NEXT: :[[@LINE-14]]:9: note: `nested` is defined inside `main`
    mp.Process(target=lambda: print("hi")).start()
    # CHECK: :[[@LINE-1]]:23: error: lambda passed to `mp.Process` cannot be pickled; the default start method pickles it{{.*}}[MPG004 unpicklable-process-target]
    p = multiprocessing.Process(target=work, args=(1, nested, square)); p.start()
    # CHECK: :[[@LINE-1]]:55: error: nested function `main.<locals>.nested` passed to `multiprocessing.Process`{{.*}}[MPG004 unpicklable-process-target]
    # CHECK-NEXT: :[[@LINE-19]]:9: note: `nested` is defined inside `main`
    # CHECK: :[[@LINE-3]]:63: error: lambda passed to `multiprocessing.Process`{{.*}}[MPG004 unpicklable-process-target]
    # CHECK-NEXT: :[[@LINE-25]]:10: note: the lambda is defined here
    Process(None, nested).start()
    # CHECK: :[[@LINE-1]]:19: error: nested function `main.<locals>.nested` passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    Process(target=Local).start()
    # CHECK: :[[@LINE-1]]:20: error: local class `main.<locals>.Local` passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    Process(target=Local().run).start()
    # CHECK: :[[@LINE-1]]:20: error: method `main.<locals>.Local.run` bound to an instance of a local class passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    # CHECK-NEXT: :[[@LINE-25]]:11: note: `Local` is defined inside `main`
    job = Local()
    Process(target=job.helper).start()
    # CHECK: :[[@LINE-1]]:20: error: method `main.<locals>.Local.helper` of a local class passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    Process(target=work, args=[job]).start()
    # CHECK: :[[@LINE-1]]:32: error: instance of local class `main.<locals>.Local` passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    Process(target=functools.partial(nested, 1)).start()
    # CHECK: :[[@LINE-1]]:38: error: nested function `main.<locals>.nested` passed to `Process`{{.*}}[MPG004 unpicklable-process-target]

    # Explicit spawn and forkserver contexts, named in the message.
    get_context("spawn").Process(target=nested).start()
    # CHECK: :[[@LINE-1]]:41: error: nested function `main.<locals>.nested` passed to `get_context("spawn").Process` cannot be pickled; the spawn start method pickles it in the parent [MPG004 unpicklable-process-target]
    ctx = mp.get_context("forkserver")
    ctx.Process(target=nested).start()
    # CHECK: :[[@LINE-1]]:24: error: {{.*}} `ctx.Process` cannot be pickled; the forkserver start method pickles it in the parent [MPG004 unpicklable-process-target]
    mp.context.SpawnProcess(target=nested).start()
    # CHECK: :[[@LINE-1]]:36: error: {{.*}} the spawn start method pickles it in the parent [MPG004 unpicklable-process-target]

    # An explicit fork context inherits the target: nothing is pickled.
    fork = mp.get_context("fork")
    fork.Process(target=nested).start()
    fork.Process(target=lambda: None, args=(nested,)).start()
    mp.context.ForkProcess(target=nested).start()
    fork.Pool(2, initializer=nested)
    ProcessPoolExecutor(initializer=nested, mp_context=fork)

    # --- initializers: pickled under spawn and forkserver -----------------
    Pool(2, initializer=nested)
    # CHECK: :[[@LINE-1]]:25: error: nested function `main.<locals>.nested` passed to `Pool`{{.*}}default start method{{.*}}[MPG004 unpicklable-process-target]
    Pool(2, nested, (square,))
    # CHECK: :[[@LINE-1]]:13: error: nested function {{.*}} passed to `Pool`{{.*}}[MPG004 unpicklable-process-target]
    # CHECK: :[[@LINE-2]]:22: error: lambda passed to `Pool`{{.*}}[MPG004 unpicklable-process-target]
    ProcessPoolExecutor(2, initializer=lambda: None)
    # CHECK: :[[@LINE-1]]:40: error: lambda passed to `ProcessPoolExecutor`{{.*}}[MPG004 unpicklable-process-target]

    # --- pool and executor tasks: pickled under every start method --------
    with Pool(2) as pool:
        pool.map(lambda x: x * x, range(3))
        # CHECK: :[[@LINE-1]]:18: error: lambda passed to `pool.map` cannot be pickled; a pool or an executor pickles its tasks whatever the start method, so this fails under every start method [MPG004 unpicklable-process-target]
        pool.imap_unordered(nested, range(3))
        # CHECK: :[[@LINE-1]]:29: error: nested function `main.<locals>.nested` passed to `pool.imap_unordered`{{.*}}every start method{{.*}}[MPG004 unpicklable-process-target]
        pool.starmap(func=square, iterable=[(1,)])
        # CHECK: :[[@LINE-1]]:27: error: lambda passed to `pool.starmap`{{.*}}[MPG004 unpicklable-process-target]
        pool.apply_async(Local().run)
        # CHECK: :[[@LINE-1]]:26: error: method `main.<locals>.Local.run` bound to an instance of a local class passed to `pool.apply_async`{{.*}}[MPG004 unpicklable-process-target]
        pool.map(work, range(3))  # module level: picklable
        pool.apply(Job().run)  # a module-level class: picklable
    # Even a fork pool pickles its tasks.
    with mp.get_context("fork").Pool(2) as fork_pool:
        fork_pool.map(nested, range(3))
        # CHECK: :[[@LINE-1]]:23: error: nested function `main.<locals>.nested` passed to `fork_pool.map`{{.*}}fails under every start method [MPG004 unpicklable-process-target]
    with ProcessPoolExecutor(mp_context=fork) as ex:
        ex.submit(lambda: 1)
        # CHECK: :[[@LINE-1]]:19: error: lambda passed to `ex.submit`{{.*}}fails under every start method [MPG004 unpicklable-process-target]
        list(ex.map(nested, range(3)))
        # CHECK: :[[@LINE-1]]:21: error: nested function {{.*}} `ex.map`{{.*}}[MPG004 unpicklable-process-target]
    executor = concurrent.futures.ProcessPoolExecutor()
    executor.submit(nested, 1)
    # CHECK: :[[@LINE-1]]:21: error: nested function {{.*}} `executor.submit`{{.*}}[MPG004 unpicklable-process-target]
    executor.submit(work, nested)  # task arguments are not looked into

    # --- not reported ------------------------------------------------------
    # Module-level functions, classes and methods pickle by reference.
    Process(target=work, args=(1, Job(), Job().run, init)).start()
    Pool(2, initializer=init)
    # Thread pools pickle nothing.
    with ThreadPool(2) as threads:
        threads.map(lambda x: x, range(3))
    with concurrent.futures.ThreadPoolExecutor() as tex:
        tex.submit(nested)
    mp.dummy.Pool(2).map(nested, range(3))
    # dill-based drop-ins serialize lambdas and closures by value.
    multiprocess.Process(target=nested).start()
    dill_mp.Pool(2).map(lambda x: x, range(3))
    dill_mp.get_context("spawn").Process(target=lambda: None).start()
    with dill_mp.Pool(2, initializer=nested) as dpool:
        dpool.imap(nested, range(3))
    get_reusable_executor().submit(lambda: 1)
    # A parameter is unknown.
    def run_with(fn):
        Process(target=fn).start()


class Service:
    def start(self):
        # Bound methods of instances of module-level classes are picklable.
        Process(target=self.loop).start()

    def loop(self):
        def step():
            pass

        Process(target=step).start()
        # CHECK: :[[@LINE-1]]:24: error: nested function `Service.loop.<locals>.step` passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
        # CHECK-NEXT: :[[@LINE-5]]:13: note: `step` is defined inside `Service.loop`



def never_started():
    # Built and configured, never started (as CPython's own tests do): the
    # target is pickled only by start().
    p = Process(target=lambda: 1)
    p.daemon = True


def returned_to_the_caller():
    p = Process(target=lambda: 3)
    # CHECK: :[[@LINE-1]]:24: error: lambda passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    return p


def kept_in_a_list(procs):
    p = Process(target=lambda: 4)
    # CHECK: :[[@LINE-1]]:24: error: lambda passed to `Process`{{.*}}[MPG004 unpicklable-process-target]
    procs.append(p)


if __name__ == "__main__":
    main()
