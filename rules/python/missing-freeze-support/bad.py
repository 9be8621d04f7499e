# The entry script of a frozen app (bad.spec builds it with PyInstaller).
import multiprocessing


def checksum(block):
    return sum(block) % 251


if __name__ == "__main__":
    print("indexing 16 blocks", flush=True)
    blocks = [bytes(range(i, i + 16)) for i in range(16)]
    with multiprocessing.Pool(16) as pool:
        print(pool.map(checksum, blocks))
