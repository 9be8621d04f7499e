"""MPG001 fixed: the pool starts only in the main process, under the guard."""
import multiprocessing


def square(x):
    return x * x


if __name__ == "__main__":
    print("squaring 0..4 in a pool of 2 workers")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(5)))
