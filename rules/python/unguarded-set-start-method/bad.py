"""MPG002 bad: set_start_method() at import time raises in every spawn child."""
import multiprocessing

multiprocessing.set_start_method("spawn")


def square(x):
    return x * x


if __name__ == "__main__":
    print("squaring 0..4 in a pool of 2 workers")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(5)))
