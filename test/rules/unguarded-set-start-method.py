# Positive and negative cases for MPG002 unguarded-set-start-method.
# RUN: %expect-exit 1 %mpguard check --format concise %s | FileCheck %s --implicit-check-not=MPG
# The rule alone: MPG001 stays quiet when not selected.
# RUN: %expect-exit 1 %mpguard check --format concise --select MPG002 %s | FileCheck %s --implicit-check-not=MPG

import multiprocessing
import multiprocessing as mp
import torch.multiprocessing as tmp
from multiprocessing import set_start_method as ssm

# --- at import time -------------------------------------------------------
mp.set_start_method("spawn")
# CHECK: :[[#FIRST:@LINE-1]]:1: error: `mp.set_start_method` runs at import time; spawn and forkserver children re-run this module and raise 'context has already been set' [MPG002 unguarded-set-start-method]
ssm("forkserver")
# CHECK: :[[@LINE-1]]:1: error: `ssm` runs at import time{{.*}}[MPG002 unguarded-set-start-method]
tmp.set_start_method("spawn")
# CHECK: :[[@LINE-1]]:1: error: `tmp.set_start_method` runs at import time{{.*}}[MPG002 unguarded-set-start-method]

# force=True does not raise, and neither does a call whose RuntimeError is
# caught.
mp.set_start_method("spawn", force=True)
multiprocessing.set_start_method("spawn", True)
try:
    mp.set_start_method("spawn")
except RuntimeError:
    pass
try:
    mp.set_start_method("spawn")
except (ValueError, RuntimeError):
    pass


class MyException(Exception):
    pass


try:
    mp.set_start_method("spawn")
    # CHECK: :[[@LINE-1]]:5: error: `mp.set_start_method` runs at import time{{.*}}[MPG002 unguarded-set-start-method]
except MyException:
    pass


def configure():
    mp.set_start_method("spawn")


configure()
# CHECK: :[[@LINE-1]]:1: error: call to `configure` sets the start method at import time{{.*}}[MPG002 unguarded-set-start-method]
# CHECK-NEXT: :[[@LINE-5]]:5: note: start method set here


def configure_safely():
    try:
        mp.set_start_method("spawn")
    except RuntimeError:
        pass


configure_safely()


def only_from_main():
    mp.set_start_method("spawn")


# Every later call in the main run is a second call: see
# unguarded-set-start-method-modules.test for those.
if __name__ == "__main__":
    only_from_main()
    # CHECK: :[[@LINE-1]]:5: error: `only_from_main` sets the start method a second time without force=True{{.*}}[MPG002 unguarded-set-start-method]
    # CHECK-NEXT: :[[#FIRST]]:1: note: start method first set here
    # CHECK-NEXT: :[[@LINE-9]]:5: note: start method set here
    mp.set_start_method("spawn", force=True)
