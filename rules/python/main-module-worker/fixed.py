"""MPG006 fixed: the worker lives in app/words.py, a module of the package
that the workers can import; app/__main__.py only starts the pool."""
import multiprocessing

from app.words import count_words


def main():
    texts = ["the quick brown fox", "jumps over", "the lazy dog"]
    with multiprocessing.Pool(2) as pool:
        print("words:", sum(pool.map(count_words, texts)))


if __name__ == "__main__":
    main()
