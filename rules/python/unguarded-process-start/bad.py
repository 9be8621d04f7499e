"""MPG001 bad: the pool starts at import time, so spawn children start it again."""
import multiprocessing


def square(x):
    return x * x


print("squaring 0..4 in a pool of 2 workers")
with multiprocessing.Pool(2) as pool:
    print(pool.map(square, range(5)))
