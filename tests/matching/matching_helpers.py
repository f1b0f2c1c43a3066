"""Helpers shared by the matching engine tests (plain functions, no database)."""

from __future__ import annotations

import itertools

from unmentoring.matching import Grouping, PastMeeting


def rounds_of_pairs(ids: list[str], rounds: int, rng) -> list[PastMeeting]:
    """History of `rounds` random pairings (a trio when the count is odd)."""
    history = []
    for r in range(1, rounds + 1):
        order = list(ids)
        rng.shuffle(order)
        pairs = [order[i : i + 2] for i in range(0, len(order) - len(order) % 2, 2)]
        if len(order) % 2:
            pairs[-1] = pairs[-1] + [order[-1]]
        for group in pairs:
            for a, b in itertools.combinations(group, 2):
                history.append(PastMeeting(r, a, b))
    return history


def partner_sets(grouping: Grouping) -> set[frozenset[str]]:
    return {frozenset(p) for g in grouping.groups for p in itertools.combinations(g.members, 2)}
