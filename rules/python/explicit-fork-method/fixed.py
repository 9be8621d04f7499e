"""MPG007 fixed: a spawn context; the worker gets what it needs as arguments."""
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
    # The same background thread, holding the lock while the worker starts:
    # a spawned child is a fresh interpreter and inherits neither the lock
    # nor the thread.
    with prices_lock:
        holding.set()
        started.wait()
        prices.update(apple=3, pear=5, plum=2)


def order_total(priced, results):
    # Touches nothing of the parent's: the prices come with the order.
    results.put(sum(n * unit for n, unit in priced))


if __name__ == "__main__":
    order = [("apple", 2), ("pear", 1), ("plum", 4)]
    priced = [(n, price(item)) for item, n in order]
    refresher = threading.Thread(target=refresh_prices)
    refresher.start()
    holding.wait()

    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    worker = ctx.Process(target=order_total, args=(priced, results))
    worker.start()
    started.set()
    refresher.join()

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
