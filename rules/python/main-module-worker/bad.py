"""MPG006 bad: `python -m app` runs this app/__main__.py; the workers cannot
import `count_words` from it under spawn or forkserver."""
import multiprocessing


def count_words(text):
    return len(text.split())


def main():
    texts = ["the quick brown fox", "jumps over", "the lazy dog"]
    with multiprocessing.Pool(2) as pool:
        print("words:", sum(pool.map(count_words, texts)))


if __name__ == "__main__":
    main()
