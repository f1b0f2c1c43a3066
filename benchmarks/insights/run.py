"""How long the insights' arithmetic and the network map take, on synthetic rows (no database).

    .venv/bin/python benchmarks/insights/run.py            # 2,000 members x 12 rounds, and 100,000 x 12
    .venv/bin/python benchmarks/insights/run.py --members 5000 --rounds 6

Each round pairs every member with a random partner (seeded), in organisations of Zipf-like sizes, two in
three groups meeting and answering 1-5. Times: the figures (every round's, with its bootstrap interval),
the network (pairs and their outcome), and the map's SVG: people up to 2,000 members, organisations above.
The pages add the read of the rows from the database (one query) to these.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unmentoring.settings")
os.environ.setdefault("DEMO_MODE", "1")

import django  # noqa: E402

django.setup()

from unmentoring.insights.figures import Meeting, round_figures  # noqa: E402
from unmentoring.insights.network import (  # noqa: E402
    MOST_PEOPLE_DRAWN,
    network,
    network_svg,
    organisation_network,
    organisations_svg,
)


def rows(members: int, rounds: int, *, seed: int = 1) -> list[Meeting]:
    rng = random.Random(seed)
    organisations = max(members // 50, 2)
    weights = [1 / (k + 1) for k in range(organisations)]
    org_of = rng.choices(range(organisations), weights=weights, k=members)
    out = []
    for number in range(1, rounds + 1):
        people = list(range(members))
        rng.shuffle(people)
        for i, person in enumerate(people):
            group = i // 2
            met = rng.random() < 0.66 if i % 2 == 0 else True
            out.append(Meeting(round=number, group=group, person=f"P{person:06d}", organisation=f"Org {org_of[person]}",
                               met="yes" if met and rng.random() < 0.8 else rng.choice(["", "no", "planned"]),
                               challenge=rng.randint(1, 5) if met else None))
    return out


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"  {label:<34} {time.perf_counter() - started:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, action="append")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    for members in args.members or [2000, 100_000]:
        data = rows(members, args.rounds)
        print(f"{members:,} members x {args.rounds} rounds ({len(data):,} seats), load {os.getloadavg()[0]:.1f}")
        timed("figures (every round)", lambda data=data: round_figures(data, seed=1))
        if members > MOST_PEOPLE_DRAWN:
            net, links = timed("organisations (pairings summed)", lambda data=data: organisation_network(data))
            svg = timed("map SVG (organisations)",
                        lambda net=net, links=links: organisations_svg(net, links=links, title="t", description="d"))
            print(f"  {len(links):,} pairs of organisations; SVG {len(svg) / 1e6:.1f} MB")
        else:
            net = timed("network (pairs and outcomes)", lambda data=data: network(data))
            svg = timed("map SVG (people)", lambda net=net: network_svg(net, title="t", description="d"))
            print(f"  {len(net.edges):,} pairs; SVG {len(svg) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
