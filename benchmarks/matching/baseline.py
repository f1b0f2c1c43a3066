"""The bare baseline the CLI is measured against: read CSV, numpy-shuffle, write pairs.

    python baseline.py P.csv G.csv SEED

No validation, no history, no organisations: the least any tool must do.
"""

import csv
import sys

import numpy as np


def main() -> None:
    participants, out, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(participants, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        ids = [row[0] for row in reader]
    perm = np.random.default_rng(seed).permutation(len(ids))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        fh.write("group,id\n")
        fh.writelines(f"{i // 2 + 1},{ids[j]}\n" for i, j in enumerate(perm.tolist()))


if __name__ == "__main__":
    main()
