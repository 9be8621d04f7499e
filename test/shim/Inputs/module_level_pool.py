# An unguarded module-level Pool without set_start_method(): fine under fork,
# "bootstrapping phase" under spawn and forkserver.
import multiprocessing


def square(x):
    return x * x


pool = multiprocessing.Pool(processes=2)
print(pool.map(square, range(5)))
pool.close()
pool.join()
