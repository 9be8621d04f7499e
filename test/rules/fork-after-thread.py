# Positive and negative cases for MPG003 fork-after-thread. Each expected
# finding is a CHECK line right under the offending line (with CHECK-NEXT
# for its notes); any other finding fails the test. With platforms =
# windows the default start method is spawn: only explicit forks remain.
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG003 %s | FileCheck %s --implicit-check-not=MPG
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG003 --platforms windows %s | FileCheck %s --check-prefix=WIN --implicit-check-not=MPG
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG003 --platforms linux --target-python 3.14 %s | FileCheck %s --check-prefix=WIN --implicit-check-not=MPG

import _thread
import multiprocessing
import multiprocessing as mp
import os
import pty
import subprocess
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from logging.handlers import QueueListener
from multiprocessing.pool import ThreadPool


def work(*args):
    pass


class Poller(threading.Thread):
    def run(self):
        pass


# --- positive ---------------------------------------------------------------


def direct():
    t = threading.Thread(target=work)
    t.start()
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `t.start` on line [[#@LINE-2]] may still be running: the child gets only the forking thread{{.*}}join the thread before forking{{.*}} [MPG003 fork-after-thread]
    # CHECK-NEXT: :[[@LINE-3]]:5: note: thread started here, not joined before the fork
    # WIN: :[[@LINE-3]]:5: warning: `os.fork` forks while{{.*}}[MPG003 fork-after-thread]


def inline_daemon_then_forkpty():
    threading.Thread(target=work, daemon=True).start()
    pid, fd = os.forkpty()
    # CHECK: :[[@LINE-1]]:15: warning: `os.forkpty` forks while a thread started by `threading.Thread(target=work, daemon=True).start` on line [[#@LINE-2]]{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:15: warning:{{.*}}[MPG003 fork-after-thread]


def subclass_timer_and_pty():
    Poller().start()
    pty.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `pty.fork` forks while a thread started by `Poller().start`{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]
    timer = threading.Timer(5.0, work)
    timer.start()
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `Poller().start`{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def start_background():
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    return worker


def via_helper():
    start_background()
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread that `start_background` (line [[#@LINE-2]]) leaves running (started by `worker.start`) may still be running{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: :[[@LINE-3]]:5: note: `start_background` leaves a thread running
    # CHECK-NEXT: :[[@LINE-9]]:5: note: thread started here (`worker.start`), not joined before the function returns
    # WIN: :[[@LINE-4]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def fork_child():
    return os.fork()


def via_local_function():
    t = threading.Thread(target=work)
    t.start()
    fork_child()
    # CHECK: :[[@LINE-1]]:5: warning: call to `fork_child` leads to a fork (`os.fork` forks) while a thread started by `t.start` on line [[#@LINE-2]]{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: :[[@LINE-3]]:5: note: thread started here, not joined before the fork
    # CHECK-NEXT: :[[@LINE-9]]:12: note: `os.fork` forks here
    # WIN: :[[@LINE-4]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def default_pool():
    t = threading.Thread(target=work)
    t.start()
    with mp.Pool(2) as pool:
        # CHECK: :[[@LINE-1]]:10: warning: `mp.Pool` starts processes with the default start method (fork on linux, Python 3.9-3.13) while a thread started by `t.start`{{.*}}join the thread first, or use the spawn or forkserver start method [MPG003 fork-after-thread]
        # CHECK-NEXT: note: thread started here
        pool.map(work, [1])


def fork_context_and_executor():
    t = threading.Thread(target=work)
    t.start()
    ctx = mp.get_context("fork")
    ctx.Process(target=work).start()
    # CHECK: :[[@LINE-1]]:5: warning: `ctx.Process(target=work).start` starts processes with the fork start method while{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}fork start method{{.*}}[MPG003 fork-after-thread]
    ex = ProcessPoolExecutor(mp_context=mp.get_context("fork"))
    ex.submit(work)
    # CHECK: :[[@LINE-1]]:5: warning: `ex.submit` starts processes with the fork start method{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def preexec():
    t = threading.Thread(target=work)
    t.start()
    subprocess.Popen(["true"], preexec_fn=os.setsid)
    # CHECK: :[[@LINE-1]]:5: warning: `subprocess.Popen` runs preexec_fn in a forked child while{{.*}}drop preexec_fn{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def executor_submit():
    ex = ThreadPoolExecutor(max_workers=2)
    ex.submit(work)
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `ex.submit`{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def executor_fork_inside_with():
    with ThreadPoolExecutor() as ex:
        ex.submit(work)
        os.fork()
        # CHECK: :[[@LINE-1]]:9: warning: `os.fork` forks while a thread started by `ex.submit`{{.*}}[MPG003 fork-after-thread]
        # CHECK-NEXT: note: thread started here
        # WIN: :[[@LINE-3]]:9: warning:{{.*}}[MPG003 fork-after-thread]


def thread_pool_and_others():
    tp = ThreadPool(2)
    _thread.start_new_thread(work, ())
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `ThreadPool` on line [[#@LINE-3]]{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]
    tp.close()
    tp.join()


def joined_in_one_arm_only(flag):
    t = threading.Thread(target=work)
    t.start()
    if flag:
        t.join()
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `t.start`{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def queue_listener(q, handler):
    listener = QueueListener(q, handler)
    listener.start()
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `listener.start`{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


# --- negative ---------------------------------------------------------------


def joined_before_fork():
    t = threading.Thread(target=work)
    t.start()
    t.join()
    os.fork()


def joined_in_both_branches(flag):
    t = threading.Thread(target=work)
    t.start()
    if flag:
        t.join()
    elif flag is None:
        t.join(5)
    else:
        t.join(timeout=1.0)
    os.fork()


def joined_in_a_loop():
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for worker in threads:
        worker.join()
    os.fork()


def started_in_another_arm(flag):
    if flag:
        t = threading.Thread(target=work)
        t.start()
    else:
        os.fork()


def thread_started_after_fork():
    os.fork()
    threading.Thread(target=work).start()


def spawn_context():
    t = threading.Thread(target=work)
    t.start()
    ctx = multiprocessing.get_context("spawn")
    ctx.Process(target=work).start()
    with ctx.Pool(2) as pool:
        pool.map(work, [1])
    ProcessPoolExecutor(mp_context=ctx).submit(work)
    subprocess.run(["true"])
    subprocess.run(["true"], preexec_fn=None)


def executor_finished_before_fork():
    with ThreadPoolExecutor() as ex:
        ex.submit(work)
        list(ex.map(work, [1, 2]))
    os.fork()


def executor_shut_down():
    ex = ThreadPoolExecutor()
    ex.submit(work)
    ex.shutdown()
    os.fork()


def executor_not_waited():
    ex = ThreadPoolExecutor()
    ex.submit(work)
    ex.shutdown(wait=False)
    os.fork()
    # CHECK: :[[@LINE-1]]:5: warning: `os.fork` forks while a thread started by `ex.submit`{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: note: thread started here
    # WIN: :[[@LINE-3]]:5: warning:{{.*}}[MPG003 fork-after-thread]


def thread_pool_in_with():
    with ThreadPool(2) as tp:
        tp.map(work, [1])
    os.fork()


def helper_result_joined():
    w = start_background()
    w.join()
    os.fork()


def start_and_join():
    t = threading.Thread(target=work)
    t.start()
    t.join()


def helper_joins_itself():
    start_and_join()
    os.fork()


def thread_in_other_function():
    threading.Thread(target=work).start()


def fork_in_other_function():
    os.fork()


def strings_are_not_threads(parts):
    sep = ", "
    return sep.join(parts) + os.path.join("a", "b")


# A module-level thread, then a guarded main() that forks.
background = threading.Thread(target=work, daemon=True)
background.start()


def main():
    fork_child()


if __name__ == "__main__":
    main()
    # CHECK: :[[@LINE-1]]:5: warning: call to `main` leads to a fork (`os.fork` forks) while a thread started by `background.start` on line [[#@LINE-9]]{{.*}}[MPG003 fork-after-thread]
    # CHECK-NEXT: :[[@LINE-10]]:1: note: thread started here, not joined before the fork
    # CHECK-NEXT: :[[@LINE-7]]:5: note: which calls `fork_child`
    # CHECK-NEXT: note: `os.fork` forks here
    # WIN: :[[@LINE-5]]:5: warning:{{.*}}[MPG003 fork-after-thread]
