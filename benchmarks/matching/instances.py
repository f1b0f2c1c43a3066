"""Instance generators for the matching benchmark (written as the CLI's CSV files)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Instance:
    name: str
    n: int
    org: np.ndarray  # organisation code per person
    hist: np.ndarray  # (rows, 3): round, a, b
    blocked: np.ndarray  # (rows, 2)
    group_size: int


def zipf_orgs(n: int, orgs: int, s: float, rng: np.random.Generator) -> np.ndarray:
    """Organisation per person, organisation sizes following Zipf's law with exponent s."""
    weights = 1.0 / np.arange(1, orgs + 1) ** s
    return rng.choice(orgs, size=n, p=weights / weights.sum())


def dominant_orgs(n: int, share: float, orgs: int, rng: np.random.Generator) -> np.ndarray:
    """One organisation holds `share` of the people, the rest spread over `orgs - 1`."""
    org = rng.integers(1, orgs, size=n)
    org[rng.random(n) < share] = 0
    return org


def past_rounds(n: int, rounds: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """History of `rounds` uniformly random rounds of groups of k (pairs, with a trio when odd)."""
    out = []
    for r in range(1, rounds + 1):
        perm = rng.permutation(n)
        g = max(1, n // k)
        gid = np.arange(n) % g
        order = np.argsort(gid, kind="stable")
        members = perm[order]
        gs = gid[order]
        starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
        sizes = np.diff(np.r_[starts, n])
        for s in np.unique(sizes):
            st = starts[sizes == s]
            for i in range(s):
                for j in range(i + 1, s):
                    out.append(np.stack([np.full(len(st), r), members[st + i], members[st + j]], 1))
    return np.concatenate(out) if out else np.zeros((0, 3), dtype=np.int64)


def round_robin(n: int, rounds: int, rng: np.random.Generator) -> np.ndarray:
    """The first `rounds` rounds of a round-robin schedule (circle method) on shuffled people.

    n - 1 rounds (n even) make everyone meet everyone exactly once; for odd n a
    sitting-out person each round is folded into a pair as a trio.
    """
    m = n + (n % 2)
    label = rng.permutation(n)
    out = []
    ring = list(range(1, m))
    for r in range(rounds):
        r_mod = r % (m - 1)
        order = [0] + ring[r_mod:] + ring[:r_mod]
        pairs = [(order[i], order[m - 1 - i]) for i in range(m // 2)]
        if n % 2:
            ghost = [p for p in pairs if n in p][0]
            pairs.remove(ghost)
            lone = ghost[0] if ghost[1] == n else ghost[1]
            a, b = pairs[0]
            pairs += [(a, lone), (b, lone)]
        for a, b in pairs:
            out.append((r + 1, label[a], label[b]))
    return np.asarray(out, dtype=np.int64).reshape(-1, 3)


def random_blocks(n: int, count: int, rng: np.random.Generator) -> np.ndarray:
    a = rng.integers(0, n, size=count)
    b = rng.integers(0, n, size=count)
    keep = a != b
    return np.stack([a[keep], b[keep]], 1)


def make(name: str, n: int, *, rounds: int, k: int = 2, orgs: str = "zipf", blocks: int = 0, seed: int = 0) -> Instance:
    rng = np.random.default_rng(seed)
    if orgs == "zipf":
        org = zipf_orgs(n, max(2, min(5000, n // 20)), 1.1, rng)
    elif orgs.startswith("dominant"):
        org = dominant_orgs(n, float(orgs.split(":")[1]), max(3, min(200, n // 10)), rng)
    else:
        org = np.arange(n)
    # rounds < 0: that many rounds of a round-robin schedule
    hist = round_robin(n, -rounds, rng) if rounds < 0 else past_rounds(n, rounds, k, rng)
    return Instance(name, n, org, hist, random_blocks(n, blocks, rng), k)


def ids(n: int) -> list[bytes]:
    return [b"p%07d" % i for i in range(n)]


def write(inst: Instance, directory: Path) -> dict[str, Path]:
    """Write P.csv, H.csv, B.csv for the instance (ids p0000000..)."""
    directory.mkdir(parents=True, exist_ok=True)
    names = np.array(ids(inst.n))
    paths = {k: directory / f"{inst.name}-{k}.csv" for k in ("P", "H", "B")}
    org_names = np.char.add(b"Org ", np.char.mod(b"%d", inst.org).astype("S")) if inst.n else []
    with open(paths["P"], "wb") as fh:
        fh.write(b"id,organisation\n")
        fh.write(b"".join(b"%s,%s\n" % (i, o) for i, o in zip(names.tolist(), org_names.tolist(), strict=False)))
    with open(paths["H"], "wb") as fh:
        fh.write(b"round,a,b\n")
        h = inst.hist
        fh.write(b"".join(b"%d,%s,%s\n" % (r, names[a], names[b]) for r, a, b in h.tolist()))
    with open(paths["B"], "wb") as fh:
        fh.write(b"a,b\n")
        fh.write(b"".join(b"%s,%s\n" % (names[a], names[b]) for a, b in inst.blocked.tolist()))
    return paths
