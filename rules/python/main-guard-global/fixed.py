"""MPG005 fixed: the worker gets the setting from the pool's initializer."""
import multiprocessing
import sys

SCALE = None


def set_scale(value):
    global SCALE
    SCALE = value


def scale(x):
    return SCALE * x


if __name__ == "__main__":
    factor = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with multiprocessing.Pool(2, initializer=set_scale, initargs=(factor,)) as pool:
        print(pool.map(scale, range(5)))
