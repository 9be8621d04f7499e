# Positive and negative cases for MPG007 explicit-fork-method.
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG007 %s | FileCheck %s --implicit-check-not=MPG
# A note: --fail-on warning keeps it in the report without failing the run.
# RUN: %expect-exit 0 %mpguard check --format concise --select MPG007 --fail-on warning %s | FileCheck %s --implicit-check-not=MPG

import concurrent.futures
import multiprocessing
import multiprocessing as mp
import os

import billiard
import multiprocess
import mylib
import torch.multiprocessing as tmp
from multiprocessing import get_context, set_start_method
from multiprocessing import set_start_method as ssm

# --- set_start_method("fork") ---------------------------------------------
mp.set_start_method("fork")
# CHECK: :[[@LINE-1]]:1: note: `mp.set_start_method` asks for the fork start method: fork is unavailable on Windows, unsafe on macOS (where the default is spawn since Python 3.8, because system libraries may crash in a forked child), and forking a process that has threads can deadlock the child (Python 3.12+ warns with a DeprecationWarning); prefer spawn or forkserver, or document why fork is needed [MPG007 explicit-fork-method]
set_start_method(method="fork", force=True)
# CHECK: :[[@LINE-1]]:1: note: `set_start_method` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
ssm('fork', True)
# CHECK: :[[@LINE-1]]:1: note: `ssm` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
tmp.set_start_method("fork", force=True)
# CHECK: :[[@LINE-1]]:1: note: `tmp.set_start_method` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]

# --- get_context("fork"), wherever the context goes ------------------------
ctx = mp.get_context("fork")
# CHECK: :[[@LINE-1]]:7: note: `mp.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
fork_ctx = get_context(method="fork")
# CHECK: :[[@LINE-1]]:12: note: `get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
dill_ctx = multiprocess.get_context("fork")
# CHECK: :[[@LINE-1]]:12: note: `multiprocess.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
celery_ctx = billiard.get_context("fork")
# CHECK: :[[@LINE-1]]:14: note: `billiard.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
torch_ctx = tmp.get_context("fork")
# CHECK: :[[@LINE-1]]:13: note: `tmp.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
# get_context on another context object.
spawn_ctx = mp.get_context("spawn")
again = spawn_ctx.get_context("fork")
# CHECK: :[[@LINE-1]]:9: note: `spawn_ctx.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
# Module rebinding: the call is reported, the later uses are not.
multiprocessing = multiprocessing.get_context("fork")
# CHECK: :[[@LINE-1]]:19: note: `multiprocessing.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]


def square(x):
    return x * x


def start_pool():
    # Reported once, at the call, not at the callers of start_pool().
    with mp.get_context("fork").Pool(2) as pool:
        # CHECK: :[[@LINE-1]]:10: note: `mp.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
        return pool.map(square, range(3))


if __name__ == "__main__":
    start_pool()
    start_pool()
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=2, mp_context=mp.get_context("fork")
        # CHECK: :[[@LINE-1]]:35: note: `mp.get_context` asks for the fork start method{{.*}}[MPG007 explicit-fork-method]
    ) as ex:
        print(list(ex.map(square, range(3))))
    ctx.Process(target=square, args=(2,)).start()
    multiprocessing.Pool(2)

# --- not reported ----------------------------------------------------------
mp.set_start_method("spawn", force=True)
mp.set_start_method("forkserver", force=True)
set_start_method(method="spawn", force=True)
mp.get_context("spawn")
mp.get_context("forkserver")
mp.get_context()
mp.get_context(None)
METHOD = "fork"
mp.get_context(METHOD)  # not a literal
mp.get_start_method()
os.fork()
mylib.get_context("fork")  # not multiprocessing
print("fork")


def get_context(method):  # a local function of the same name
    return method


get_context("fork")

# Suppressed, with the reason in the comment.
keep = mp.get_context("fork")  # noqa: MPG007 (workers share a 2 GB read-only index)
