"""MPG005 bad: the worker reads a setting that only the main guard assigns."""
import multiprocessing
import sys

SCALE = None


def scale(x):
    return SCALE * x


if __name__ == "__main__":
    SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with multiprocessing.Pool(2) as pool:
        print(pool.map(scale, range(5)))
