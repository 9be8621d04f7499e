"""MPG003 bad: a worker process started while a background thread holds a lock."""
import multiprocessing
import queue
import sys
import threading

prices_lock = threading.Lock()  # guards `prices`
prices = {"apple": 3, "pear": 5, "plum": 2}
holding = threading.Event()  # the refresher holds prices_lock
started = threading.Event()  # the parent has started the worker


def price(item):
    with prices_lock:
        return prices[item]


def refresh_prices():
    # A background thread that holds the lock while it reloads the table. The
    # handshake makes it hold the lock while the worker starts, every time:
    # it says so, and keeps it until the parent has started the worker.
    with prices_lock:
        holding.set()
        started.wait()
        prices.update(apple=3, pear=5, plum=2)


def order_total(order, results):
    # A forked child has prices_lock locked, but not the thread that would
    # release it: price() blocks forever. A spawned child imported this
    # module afresh: its lock is free.
    results.put(sum(n * price(item) for item, n in order))


if __name__ == "__main__":
    refresher = threading.Thread(target=refresh_prices)
    refresher.start()
    holding.wait()

    results = multiprocessing.Queue()
    order = [("apple", 2), ("pear", 1), ("plum", 4)]
    # The default start method: fork on Linux before Python 3.14.
    worker = multiprocessing.Process(target=order_total, args=(order, results))
    worker.start()
    started.set()
    refresher.join()

    # Wait for the result with a bound, to say what happened; then keep
    # waiting, as a program that waits for its worker would.
    try:
        total = results.get(timeout=1)
    except queue.Empty:
        print(
            f"parent: worker {worker.pid} still blocked after 1 s: deadlocked "
            "on prices_lock, which a thread held at fork time and which no "
            "thread of the child will ever release; waiting for it forever "
            "(Ctrl-C to stop)",
            file=sys.stderr,
            flush=True,
        )
        total = results.get()
    worker.join()
    print("order total:", total)
