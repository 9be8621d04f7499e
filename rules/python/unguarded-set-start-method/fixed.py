"""MPG002 fixed: the start method is set once, in the main process only."""
import multiprocessing


def square(x):
    return x * x


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print("squaring 0..4 in a pool of 2 workers")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(5)))
