# The canonical unguarded script: module-level work, an unguarded
# set_start_method() and an unguarded Pool. Copied by the tests to a file with
# a unique name before it is run.
import multiprocessing


def square(x):
    return x * x


print("starting")
multiprocessing.set_start_method("spawn")
pool = multiprocessing.Pool(processes=2)
print(pool.map(square, range(5)))
