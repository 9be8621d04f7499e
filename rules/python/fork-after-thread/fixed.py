"""MPG003 fixed: the background thread is joined before the worker starts."""
import multiprocessing
import queue
import sys
import threading

prices_lock = threading.Lock()  # guards `prices`
prices = {"apple": 3, "pear": 5, "plum": 2}
holding = threading.Event()  # the refresher holds prices_lock


def price(item):
    with prices_lock:
        return prices[item]


def refresh_prices():
    # The same background thread, holding the lock while it reloads the
    # table; it releases the lock when it finishes.
    with prices_lock:
        holding.set()
        prices.update(apple=3, pear=5, plum=2)


def order_total(order, results):
    # Whatever the start method, prices_lock is free in the child: no other
    # thread existed when it was forked.
    results.put(sum(n * price(item) for item, n in order))


if __name__ == "__main__":
    refresher = threading.Thread(target=refresh_prices)
    refresher.start()
    holding.wait()
    # Join every thread before the process forks: nothing can hold a lock.
    refresher.join()

    results = multiprocessing.Queue()
    order = [("apple", 2), ("pear", 1), ("plum", 4)]
    worker = multiprocessing.Process(target=order_total, args=(order, results))
    worker.start()

    try:
        total = results.get(timeout=1)
    except queue.Empty:
        print(
            f"parent: no result from worker {worker.pid} after 1 s; waiting",
            file=sys.stderr,
            flush=True,
        )
        total = results.get()
    worker.join()
    print("order total:", total)
