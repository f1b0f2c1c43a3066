"""Benchmark the matching engine end to end through `unmentoring match`.

    .venv/bin/python benchmarks/matching/run.py [--quick]

Generates instances under benchmarks/matching/out/ (git-ignored), runs the
CLI on each in a child process (wall time and the child's peak RSS from
wait4), runs the bare baseline (read CSV, numpy shuffle, write pairs) on the
largest instance in the same run, and checks quality: blocked pairs, repeats
and same-organisation pairs against the lower bound, and for k = 2 and
even n <= 400 against networkx's exact maximum-weight matching on
lexicographic weights (repeats, then their recency, then same organisation). Prints a Markdown
table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import instances  # noqa: E402


def run_child(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stderr of a child process (measured by GNU time)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    stats = OUT / "time.txt"
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-o", str(stats), "-f", "%e %M", *cmd],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    _elapsed, rss_kib = stats.read_text().split()[-2:]
    return wall, int(rss_kib) / 1024, proc.stderr


def cli(paths: dict[str, Path], out: Path, k: int, seed: int = 1) -> list[str]:
    return [
        sys.executable, "-m", "unmentoring", "match",
        "--participants", str(paths["P"]), "--history", str(paths["H"]), "--blocked", str(paths["B"]),
        "--out", str(out), "--group-size", str(k), "--seed", str(seed),
    ]


def read_groups(path: Path, n: int) -> np.ndarray:
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=str)
    gid = np.empty(n, dtype=np.int64)
    gid[np.char.lstrip(data[:, 1], "p").astype(np.int64)] = data[:, 0].astype(np.int64) - 1
    return gid


def quality(inst: instances.Instance, gid: np.ndarray) -> dict[str, int]:
    """Independent count of blocked, repeat and same-organisation pairs."""
    n = inst.n
    order = np.argsort(gid, kind="stable")
    gs = gid[order]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    sizes = np.diff(np.r_[starts, n])
    a_list, b_list = [], []
    for s in np.unique(sizes):
        st = starts[sizes == s]
        for i, j in itertools.combinations(range(s), 2):
            a_list.append(order[st + i])
            b_list.append(order[st + j])
    a, b = np.concatenate(a_list), np.concatenate(b_list)
    key = np.minimum(a, b) * n + np.maximum(a, b)
    h = inst.hist
    met = np.isin(key, np.minimum(h[:, 1], h[:, 2]) * n + np.maximum(h[:, 1], h[:, 2]))
    bl = inst.blocked
    blocked = np.isin(key, np.minimum(bl[:, 0], bl[:, 1]) * n + np.maximum(bl[:, 0], bl[:, 1])) if len(bl) else met & False
    return {"blocked": int(blocked.sum()), "repeats": int(met.sum()), "same": int((inst.org[a] == inst.org[b]).sum())}


def org_bound(inst: instances.Instance, groups: int) -> int:
    counts = np.bincount(inst.org)
    counts = counts[counts > 0]
    if inst.group_size == 2:
        return max(0, -(-(2 * int(counts.max()) - inst.n) // 2))
    q, r = np.divmod(counts, groups)
    return int((r * (q + 1) * q // 2 + (groups - r) * q * (q - 1) // 2).sum())


def recency(inst: instances.Instance) -> dict[frozenset, int]:
    """Latest meeting of each pair as a recency rank: 1 = oldest round in the history."""
    rounds = sorted({int(r) for r in inst.hist[:, 0]})
    rank = {r: i + 1 for i, r in enumerate(rounds)}
    last: dict[frozenset, int] = {}
    for r, a, b in inst.hist.tolist():
        key = frozenset((a, b))
        last[key] = max(last.get(key, 0), rank[r])
    return last


def score(inst: instances.Instance, pairs) -> tuple[int, int, int]:
    met = recency(inst)
    rep = sum(frozenset(p) in met for p in pairs)
    rec = sum(met.get(frozenset(p), 0) for p in pairs)
    same = sum(int(inst.org[a] == inst.org[b]) for a, b in pairs)
    return rep, rec, same


def networkx_reference(inst: instances.Instance) -> tuple[int, int, int]:
    """(repeats, recency, same-organisation pairs) of an exact lexicographic maximum-weight matching."""
    import networkx as nx

    n = inst.n
    met = recency(inst)
    banned = {frozenset((int(a), int(b))) for a, b in inst.blocked}
    rmax = max(met.values(), default=0)
    rank_unit = n + 1
    met_unit = rank_unit * (rmax * n + 1)
    top = (met_unit + rank_unit * rmax + 1) * n + 1
    g = nx.Graph()
    for a, b in itertools.combinations(range(n), 2):
        key = frozenset((a, b))
        if key not in banned:
            cost = (met_unit + rank_unit * met[key] if key in met else 0) + int(inst.org[a] == inst.org[b])
            g.add_edge(a, b, weight=top - cost)
    return score(inst, nx.max_weight_matching(g, maxcardinality=True))


def our_pairs(gid: np.ndarray) -> list[tuple[int, int]]:
    order = np.argsort(gid, kind="stable")
    return [tuple(order[i : i + 2].tolist()) for i in range(0, len(order), 2)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-person instance")
    parser.add_argument("--only", help="run only the instances whose name contains this")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of CLI and baseline, alternately")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rows = []
    suite = [
        # name, n, rounds, k, orgs, blocks
        ("zipf-1M", 1_000_000, 12, 2, "zipf", 10_000),
        ("zipf-100k", 100_000, 12, 2, "zipf", 1_000),
        ("zipf-100k-r3", 100_000, 3, 2, "zipf", 1_000),
        ("zipf-100k-r24", 100_000, 24, 2, "zipf", 1_000),
        ("zipf-10k", 10_000, 12, 2, "zipf", 100),
        ("dominant60-100k", 100_000, 12, 2, "dominant:0.6", 1_000),
        ("zipf-2000", 2_000, 12, 2, "zipf", 40),
        ("zipf-2001-odd", 2_001, 12, 2, "zipf", 40),
        ("dominant55-2000", 2_000, 12, 2, "dominant:0.55", 40),
        ("dominant80-1000", 1_000, 30, 2, "dominant:0.8", 20),
        # round-robin histories: after n - 2 rounds exactly one repeat-free pairing is left;
        # after n - 1 everyone has met everyone and repeats are unavoidable
        ("rr-exhausted-20", 20, -19, 2, "zipf", 0),
        ("rr-nearly-20", 20, -18, 2, "zipf", 0),
        ("rr-nearly-40-dominant", 40, -38, 2, "dominant:0.6", 0),
        ("rr-exhausted-41-odd", 41, -41, 2, "zipf", 0),
        ("rr-nearly-100", 100, -98, 2, "zipf", 0),
        ("rr-exhausted-100+5", 100, -104, 2, "zipf", 5),
        ("rr-nearly-300", 300, -298, 2, "dominant:0.5", 0),
        ("rr-half-2000", 2_000, -1000, 2, "zipf", 40),
        ("random-exhausted-30", 30, 40, 2, "zipf", 3),
        ("k3-zipf-100k", 100_000, 12, 3, "zipf", 1_000),
        ("k4-zipf-10k", 10_000, 12, 4, "zipf", 100),
        ("k5-zipf-10k", 10_000, 12, 5, "zipf", 100),
        ("k3-dominant60-10k", 10_000, 12, 3, "dominant:0.6", 100),
        ("k5-dominant60-2000", 2_000, 12, 5, "dominant:0.6", 40),
        ("k3-exhausted-30", 30, 14, 3, "zipf", 3),
        ("k3-rr-nearly-30", 30, -28, 3, "zipf", 0),
    ]
    if args.quick:
        suite = [s for s in suite if s[1] < 1_000_000]
    if args.only:
        suite = [s for s in suite if args.only in s[0]]
    for name, n, rounds, k, orgs, blocks in suite:
        inst = instances.make(name, n, rounds=rounds, k=k, orgs=orgs, blocks=blocks, seed=sum(map(ord, name)))
        paths = instances.write(inst, OUT)
        out = OUT / f"{name}-G.csv"
        os.sync()  # do not time the write-back of the files just generated
        base = ""
        if n >= 100_000 and k == 2:
            # CLI and baseline alternately, --repeat times each: medians, same run, same machine state
            walls, bases, rsses = [], [], []
            for _ in range(args.repeat):
                wall, rss, err = run_child(cli(paths, out, k))
                walls.append(wall)
                rsses.append(rss)
                bwall, _brss, _ = run_child([sys.executable, str(HERE / "baseline.py"), str(paths["P"]), str(OUT / "base.csv"), "1"])
                bases.append(bwall)
            wall, bwall, rss = float(np.median(walls)), float(np.median(bases)), max(rsses)
            base = f"{bwall:.2f} s ({wall / bwall:.1f}×)"
        else:
            wall, rss, err = run_child(cli(paths, out, k))
        gid = read_groups(out, n)
        q = quality(inst, gid)
        groups = int(gid.max()) + 1
        bound = org_bound(inst, groups)
        ref = ""
        if k == 2 and n <= 400 and n % 2 == 0:
            reference = networkx_reference(inst)
            ours = score(inst, our_pairs(gid))
            ref = "equal" if ours == reference else f"DIFFERENT: ours {ours}, exact {reference}"
        elif k == 2 and q["repeats"] == 0 and q["same"] == bound:
            ref = "equal (at lower bound)"
        proved = "optimal" in err.split(";")[-1] and "not proved" not in err
        rows.append(
            f"| {name} | {n:,} | {len(inst.hist):,} | {k} | {wall:.2f} s | {rss:,.0f} MiB | {base} | "
            f"{q['blocked']} | {q['repeats']} | {q['same']:,} / {bound:,} | {ref} | {'yes' if proved else 'no'} |"
        )
        print(rows[-1], flush=True)
    print()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.machine()}")
    print("| instance | n | history rows | k | CLI wall | CLI peak RSS | baseline (CLI ÷ baseline) | blocked | repeats | same-org / bound | vs exact (k=2) | proved |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
