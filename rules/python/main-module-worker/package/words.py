"""A module of the example package (app/words.py), used by fixed.py."""


def count_words(text):
    return len(text.split())
