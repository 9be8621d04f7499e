# The entry script of a frozen app (bad.spec builds bad.py with PyInstaller;
# this is bad.py fixed).
import multiprocessing


def checksum(block):
    return sum(block) % 251


if __name__ == "__main__":
    multiprocessing.freeze_support()
    print("indexing 16 blocks", flush=True)
    blocks = [bytes(range(i, i + 16)) for i in range(16)]
    with multiprocessing.Pool(16) as pool:
        print(pool.map(checksum, blocks))
