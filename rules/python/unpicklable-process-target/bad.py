"""MPG004 bad: the Process target is a nested function, which spawn pickles."""
import multiprocessing


def main():
    results = multiprocessing.Queue()

    def count_words(text):
        results.put(len(text.split()))

    texts = ["the quick brown fox", "jumps over", "the lazy dog"]
    workers = [
        multiprocessing.Process(target=count_words, args=(text,))
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
