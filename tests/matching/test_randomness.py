"""Without constraints every partner is equally likely, and draws are independent."""

from __future__ import annotations

import numpy as np
from scipy.stats import chisquare

from unmentoring.matching import Participant, match

SEEDS = range(3000)  # fixed: the test is deterministic, and honest at this sample size


def test_each_possible_partner_is_chosen_about_equally_often():
    people = [Participant(f"p{i}", f"org{i}") for i in range(10)]
    counts = {f"p{i}": 0 for i in range(1, 10)}
    for seed in SEEDS:
        for g in match(people, seed=seed).groups:
            if "p0" in g.members:
                (partner,) = [m for m in g.members if m != "p0"]
                counts[partner] += 1
    observed = list(counts.values())
    assert chisquare(observed).pvalue > 0.001
    # file order must not matter either: the first and last ids are not favoured
    assert abs(counts["p1"] - counts["p9"]) < 0.25 * len(SEEDS) / 9


def test_each_possible_partner_is_chosen_about_equally_often_within_organisations_avoided():
    # two organisations of 4 and 4: under "avoid", p0's partner is one of the other 4
    people = [Participant(f"p{i}", "A" if i < 4 else "B") for i in range(8)]
    counts = dict.fromkeys(["p4", "p5", "p6", "p7"], 0)
    for seed in range(2000):
        for g in match(people, seed=seed).groups:
            if "p0" in g.members:
                (partner,) = [m for m in g.members if m != "p0"]
                counts[partner] += 1
    assert chisquare(list(counts.values())).pvalue > 0.001


def test_odd_one_out_is_anyone_with_equal_chance():
    people = [Participant(f"p{i}", f"org{i}") for i in range(7)]
    counts = dict.fromkeys((p.id for p in people), 0)
    for seed in range(1400):
        for g in match(people, seed=seed).groups:
            if len(g.members) == 3:
                for m in g.members:
                    counts[m] += 1
    assert chisquare(list(counts.values())).pvalue > 0.001


def test_two_draws_share_about_as_many_pairs_as_two_uniform_random_matchings():
    n = 1000
    people = [Participant(f"p{i:04d}", f"org{i % 97}") for i in range(n)]
    shared = []
    for seed in range(0, 60, 2):
        first = {frozenset(g.members) for g in match(people, seed=seed).groups}
        second = {frozenset(g.members) for g in match(people, seed=seed + 1).groups}
        shared.append(len(first & second))
    # two uniform perfect matchings of n people share n / 2 / (n - 1) ≈ 0.5 pairs on average
    assert 0.2 <= np.mean(shared) <= 0.9


def test_different_seeds_give_different_draws():
    people = [Participant(f"p{i}", "") for i in range(40)]
    draws = {tuple(g.members for g in match(people, seed=s).groups) for s in range(20)}
    assert len(draws) == 20


def test_groups_of_three_mix_people_evenly():
    people = [Participant(f"p{i}", f"org{i}") for i in range(9)]
    together = dict.fromkeys((f"p{i}" for i in range(1, 9)), 0)
    for seed in range(1500):
        for g in match(people, seed=seed, group_size=3).groups:
            if "p0" in g.members:
                for m in g.members:
                    if m != "p0":
                        together[m] += 1
    assert chisquare(list(together.values())).pvalue > 0.001
    assert sum(together.values()) == 2 * 1500
