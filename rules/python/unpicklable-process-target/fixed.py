"""MPG004 fixed: the target is a module-level function; the queue is an arg."""
import multiprocessing


def count_words(text, results):
    results.put(len(text.split()))


def main():
    results = multiprocessing.Queue()
    texts = ["the quick brown fox", "jumps over", "the lazy dog"]
    workers = [
        multiprocessing.Process(target=count_words, args=(text, results))
        for text in texts
    ]
    for worker in workers:
        worker.start()
    total = sum(results.get() for _ in texts)
    for worker in workers:
        worker.join()
    print("words:", total)


if __name__ == "__main__":
    main()
