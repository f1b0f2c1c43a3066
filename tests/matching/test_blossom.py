"""The exact solver agrees with networkx on random graphs, cold and warm-started."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from unmentoring.matching.blossom import max_weight_matching


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 16))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    top = draw(st.sampled_from([1, 3, 10, 1000]))
    return n, [(i, j, draw(st.integers(1, top))) for i, j in chosen]


def weight(edges, mate):
    w = {(min(i, j), max(i, j)): wt for i, j, wt in edges}
    return sum(w[(v, m)] for v, m in enumerate(mate) if m > v)


@settings(max_examples=300, deadline=None)
@given(graphs(), st.data())
def test_blossom_finds_a_maximum_weight_matching(graph, data):
    n, edges = graph
    top = max((w for *_, w in edges), default=0)
    heavy = [k for k, (_i, _j, w) in enumerate(edges) if w == top]
    warm, used = [], set()
    for k in data.draw(st.permutations(heavy)) if heavy else []:
        i, j, _ = edges[k]
        if i not in used and j not in used and data.draw(st.booleans()):
            warm.append(k)
            used |= {i, j}
    result = max_weight_matching(n, edges, warm)
    for v, m in enumerate(result.mate):
        assert m == -1 or result.mate[m] == v
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(edges)
    expected = sum(g[a][b]["weight"] for a, b in nx.max_weight_matching(g))
    assert weight(edges, result.mate) == expected


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_blossom_duals_certify_the_matching(graph):
    n, edges = graph
    result = max_weight_matching(n, edges)
    z = {}
    for dual, leaves in result.blossoms:
        for a in leaves:
            for b in leaves:
                z[(a, b)] = z.get((a, b), 0) + dual
    for i, j, w in edges:
        slack = result.vertex_dual[i] + result.vertex_dual[j] - 2 * w + 2 * z.get((i, j), 0)
        assert slack >= 0
        if result.mate[i] == j:
            assert slack == 0
    assert all(d >= 0 for d in result.vertex_dual)
