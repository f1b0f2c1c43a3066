"""Maximum-weight matching in a general graph (Edmonds' blossom algorithm).

This is the exact solver behind the engine's hard cases. It follows the
primal-dual method as described by Galil ("Efficient algorithms for finding
maximum matching in graphs", ACM Computing Surveys, 1986): grow alternating
trees from every exposed vertex over tight edges, shrink odd cycles into
blossoms, and when stuck change the dual variables by the largest amount that
keeps them feasible. It runs in O(n^3) time and uses only integer arithmetic
when the weights are integers (dual variables are kept doubled).

Two additions matter for the engine:

* ``initial`` — a warm start. Every vertex dual starts at the maximum edge
  weight, so any matching made only of maximum-weight edges is tight and can
  be adopted before the first stage. The engine passes the zero-cost pairs its
  fast path found, which leaves only a few exposed vertices to augment.
* The result is returned together with the final dual solution so callers (and
  tests) can check the optimality certificate on edges the solver never saw.

Vertices are ``0..n-1``; ``edges`` is a list of ``(i, j, weight)`` with
``i != j``. Edge ``k`` has two *endpoints*, ``2k`` (its ``i`` side) and
``2k + 1`` (its ``j`` side); ``p ^ 1`` is the other end of endpoint ``p``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

FREE, OUTER, INNER = 0, 1, 2
_BREADCRUMB = 4


@dataclass(frozen=True)
class MatchingResult:
    mate: list[int]  # mate[v] is v's partner, or -1
    vertex_dual: list[int]  # doubled vertex duals
    blossoms: list[tuple[int, list[int]]]  # (doubled dual, leaf vertices) for non-trivial blossoms


class _Solver:
    def __init__(self, n: int, edges: Sequence[tuple[int, int, int]]) -> None:
        self.n = n
        self.edges = edges
        self.endpoint = [v for (i, j, _w) in edges for v in (i, j)]
        self.incident: list[list[int]] = [[] for _ in range(n)]
        for k, (i, j, _w) in enumerate(edges):
            # store the *remote* endpoint of each incident edge
            self.incident[i].append(2 * k + 1)
            self.incident[j].append(2 * k)
        max_w = max((w for (_i, _j, w) in edges), default=0)
        two_n = 2 * n
        self.mate = [-1] * n  # remote endpoint of the matched edge, or -1
        self.label = [FREE] * two_n
        self.label_end = [-1] * two_n
        self.top = list(range(n))  # top-level blossom containing each vertex
        self.parent = [-1] * two_n
        self.children: list[list[int] | None] = [None] * two_n
        self.base = list(range(n)) + [-1] * n
        self.child_ends: list[list[int] | None] = [None] * two_n
        self.best_edge = [-1] * two_n
        self.best_edges_of: list[list[int] | None] = [None] * two_n
        self.spare = list(range(n, two_n))
        self.dual = [max_w] * n + [0] * n
        self.allowed = [False] * len(edges)
        self.queue: list[int] = []

    # -- helpers -------------------------------------------------------------
    def slack(self, k: int) -> int:
        i, j, w = self.edges[k]
        return self.dual[i] + self.dual[j] - 2 * w

    def leaves(self, b: int) -> list[int]:
        if b < self.n:
            return [b]
        out: list[int] = []
        stack = [b]
        while stack:
            t = stack.pop()
            if t < self.n:
                out.append(t)
            else:
                stack.extend(self.children[t])  # type: ignore[arg-type]
        return out

    def assign_label(self, w: int, t: int, p: int) -> None:
        while True:
            b = self.top[w]
            self.label[w] = self.label[b] = t
            self.label_end[w] = self.label_end[b] = p
            self.best_edge[w] = self.best_edge[b] = -1
            if t == OUTER:
                self.queue.extend(self.leaves(b))
                return
            # an inner blossom: its base's mate becomes outer
            base = self.base[b]
            m = self.mate[base]
            w, t, p = self.endpoint[m], OUTER, m ^ 1

    def scan_blossom(self, v: int, w: int) -> int:
        """Trace back from v and w; return the base of a new blossom or -1."""
        path: list[int] = []
        found = -1
        while v != -1 or w != -1:
            b = self.top[v]
            if self.label[b] & _BREADCRUMB:
                found = self.base[b]
                break
            path.append(b)
            self.label[b] = OUTER | _BREADCRUMB
            if self.label_end[b] == -1:
                v = -1  # reached a root
            else:
                v = self.endpoint[self.label_end[b]]
                b = self.top[v]
                v = self.endpoint[self.label_end[b]]
            if w != -1:
                v, w = w, v
        for b in path:
            self.label[b] = OUTER
        return found

    def add_blossom(self, base: int, k: int) -> None:
        v, w, _ = self.edges[k]
        top = self.top
        bb, bv, bw = top[base], top[v], top[w]
        b = self.spare.pop()
        self.base[b] = base
        self.parent[b] = -1
        self.parent[bb] = b
        kids: list[int] = []
        ends: list[int] = []
        while bv != bb:
            self.parent[bv] = b
            kids.append(bv)
            ends.append(self.label_end[bv])
            v = self.endpoint[self.label_end[bv]]
            bv = top[v]
        kids.append(bb)
        kids.reverse()
        ends.reverse()
        ends.append(2 * k)
        while bw != bb:
            self.parent[bw] = b
            kids.append(bw)
            ends.append(self.label_end[bw] ^ 1)
            w = self.endpoint[self.label_end[bw]]
            bw = top[w]
        self.children[b] = kids
        self.child_ends[b] = ends
        self.label[b] = OUTER
        self.label_end[b] = self.label_end[bb]
        self.dual[b] = 0
        for u in self.leaves(b):
            if self.label[top[u]] == INNER:
                self.queue.append(u)
            top[u] = b
        # least-slack edges from the new blossom to each other outer blossom
        best_to: dict[int, int] = {}
        for kid in kids:
            if self.best_edges_of[kid] is None:
                cand = [p >> 1 for u in self.leaves(kid) for p in self.incident[u]]
            else:
                cand = self.best_edges_of[kid]  # type: ignore[assignment]
            for e in cand:
                i, j, _ = self.edges[e]
                if top[j] == b:
                    i, j = j, i
                bj = top[j]
                if bj != b and self.label[bj] == OUTER:
                    cur = best_to.get(bj, -1)
                    if cur == -1 or self.slack(e) < self.slack(cur):
                        best_to[bj] = e
            self.best_edges_of[kid] = None
            self.best_edge[kid] = -1
        self.best_edges_of[b] = list(best_to.values())  # insertion order: deterministic
        best = -1
        for e in self.best_edges_of[b]:  # type: ignore[union-attr]
            if best == -1 or self.slack(e) < self.slack(best):
                best = e
        self.best_edge[b] = best

    def _walk(self, b: int, start: int) -> tuple[int, int, int]:
        """Index and direction for walking blossom b's cycle from child `start` to its base."""
        kids = self.children[b]
        j = kids.index(start)  # type: ignore[union-attr]
        if j & 1:
            return j - len(kids), 1, 0  # type: ignore[arg-type]
        return j, -1, 1

    def expand_blossom(self, b: int, end_of_stage: bool) -> None:
        n = self.n
        for s in self.children[b]:  # type: ignore[union-attr]
            self.parent[s] = -1
            if s < n:
                self.top[s] = s
            elif end_of_stage and self.dual[s] == 0:
                self.expand_blossom(s, end_of_stage)
            else:
                for u in self.leaves(s):
                    self.top[u] = s
        if not end_of_stage and self.label[b] == INNER:
            # relabel the children on the even-length path from the entry to the base
            kids = self.children[b]
            ends = self.child_ends[b]
            entry = self.top[self.endpoint[self.label_end[b] ^ 1]]
            j, step, trick = self._walk(b, entry)
            p = self.label_end[b]
            while j != 0:
                self.label[self.endpoint[p ^ 1]] = FREE
                self.label[self.endpoint[ends[j - trick] ^ trick ^ 1]] = FREE  # type: ignore[index]
                self.assign_label(self.endpoint[p ^ 1], INNER, p)
                self.allowed[ends[j - trick] >> 1] = True  # type: ignore[index]
                j += step
                p = ends[j - trick] ^ trick  # type: ignore[index]
                self.allowed[p >> 1] = True
                j += step
            bv = kids[j]  # type: ignore[index]
            self.label[self.endpoint[p ^ 1]] = self.label[bv] = INNER
            self.label_end[self.endpoint[p ^ 1]] = self.label_end[bv] = p
            self.best_edge[bv] = -1
            j += step
            while kids[j] != entry:  # type: ignore[index]
                bv = kids[j]  # type: ignore[index]
                if self.label[bv] == OUTER:
                    j += step
                    continue
                labelled = -1
                for u in self.leaves(bv):
                    if self.label[u] != FREE:
                        labelled = u
                        break
                if labelled != -1:
                    self.label[labelled] = FREE
                    self.label[self.endpoint[self.mate[self.base[bv]]]] = FREE
                    self.assign_label(labelled, INNER, self.label_end[labelled])
                j += step
        self.label[b] = self.label_end[b] = -1
        self.children[b] = self.child_ends[b] = None
        self.base[b] = -1
        self.best_edges_of[b] = None
        self.best_edge[b] = -1
        self.spare.append(b)

    def augment_blossom(self, b: int, v: int) -> None:
        """Rotate blossom b so that v's child becomes the base, flipping matched edges on the way."""
        t = v
        while self.parent[t] != b:
            t = self.parent[t]
        if t >= self.n:
            self.augment_blossom(t, v)
        kids = self.children[b]
        ends = self.child_ends[b]
        i = kids.index(t)  # type: ignore[union-attr]
        j, step, trick = self._walk(b, t)
        while j != 0:
            j += step
            t = kids[j]  # type: ignore[index]
            p = ends[j - trick] ^ trick  # type: ignore[index]
            if t >= self.n:
                self.augment_blossom(t, self.endpoint[p])
            j += step
            t = kids[j]  # type: ignore[index]
            if t >= self.n:
                self.augment_blossom(t, self.endpoint[p ^ 1])
            self.mate[self.endpoint[p]] = p ^ 1
            self.mate[self.endpoint[p ^ 1]] = p
        self.children[b] = kids[i:] + kids[:i]  # type: ignore[index,operator]
        self.child_ends[b] = ends[i:] + ends[:i]  # type: ignore[index,operator]
        self.base[b] = self.base[kids[i]]  # type: ignore[index]

    def augment_matching(self, k: int) -> None:
        v, w, _ = self.edges[k]
        for s, p in ((v, 2 * k + 1), (w, 2 * k)):
            while True:
                bs = self.top[s]
                if bs >= self.n:
                    self.augment_blossom(bs, s)
                self.mate[s] = p
                if self.label_end[bs] == -1:
                    break  # reached the root
                t = self.endpoint[self.label_end[bs]]
                bt = self.top[t]
                s = self.endpoint[self.label_end[bt]]
                j = self.endpoint[self.label_end[bt] ^ 1]
                if bt >= self.n:
                    self.augment_blossom(bt, j)
                self.mate[j] = self.label_end[bt]
                p = self.label_end[bt] ^ 1

    # -- main loop -----------------------------------------------------------
    def run(self, initial: Sequence[int]) -> None:
        n = self.n
        for k in initial:
            i, j, _ = self.edges[k]
            if self.slack(k) != 0 or self.mate[i] != -1 or self.mate[j] != -1:
                raise ValueError("warm start must be a matching of maximum-weight edges")
            self.mate[i] = 2 * k + 1
            self.mate[j] = 2 * k
        top, label = self.top, self.label
        for _stage in range(n):
            for x in range(2 * n):
                label[x] = FREE
                self.best_edge[x] = -1
            for x in range(n, 2 * n):
                self.best_edges_of[x] = None
            self.allowed = [False] * len(self.edges)
            self.queue = []
            for v in range(n):
                if self.mate[v] == -1 and label[top[v]] == FREE:
                    self.assign_label(v, OUTER, -1)
            augmented = False
            while True:
                while self.queue and not augmented:
                    v = self.queue.pop()
                    for p in self.incident[v]:
                        k = p >> 1
                        w = self.endpoint[p]
                        if top[v] == top[w]:
                            continue
                        kslack = 0
                        if not self.allowed[k]:
                            kslack = self.slack(k)
                            if kslack <= 0:
                                self.allowed[k] = True
                        if self.allowed[k]:
                            lw = label[top[w]]
                            if lw == FREE:
                                self.assign_label(w, INNER, p ^ 1)
                            elif lw == OUTER:
                                base = self.scan_blossom(v, w)
                                if base >= 0:
                                    self.add_blossom(base, k)
                                else:
                                    self.augment_matching(k)
                                    augmented = True
                                    break
                            elif label[w] == FREE:
                                label[w] = INNER
                                self.label_end[w] = p ^ 1
                        elif label[top[w]] == OUTER:
                            b = top[v]
                            if self.best_edge[b] == -1 or kslack < self.slack(self.best_edge[b]):
                                self.best_edge[b] = k
                        elif label[w] == FREE:
                            if self.best_edge[w] == -1 or kslack < self.slack(self.best_edge[w]):
                                self.best_edge[w] = k
                if augmented:
                    break
                # no augmenting path over tight edges: change the duals
                kind = 1
                delta = min(self.dual[:n])
                target = -1
                for v in range(n):
                    if label[top[v]] == FREE and self.best_edge[v] != -1:
                        d = self.slack(self.best_edge[v])
                        if d < delta:
                            kind, delta, target = 2, d, self.best_edge[v]
                for b in range(2 * n):
                    if self.parent[b] == -1 and label[b] == OUTER and self.best_edge[b] != -1:
                        d = self.slack(self.best_edge[b]) // 2
                        if d < delta:
                            kind, delta, target = 3, d, self.best_edge[b]
                for b in range(n, 2 * n):
                    if (
                        self.base[b] >= 0
                        and self.parent[b] == -1
                        and label[b] == INNER
                        and self.dual[b] < delta
                    ):
                        kind, delta, target = 4, self.dual[b], b
                for v in range(n):
                    lv = label[top[v]]
                    if lv == OUTER:
                        self.dual[v] -= delta
                    elif lv == INNER:
                        self.dual[v] += delta
                for b in range(n, 2 * n):
                    if self.base[b] >= 0 and self.parent[b] == -1:
                        if label[b] == OUTER:
                            self.dual[b] += delta
                        elif label[b] == INNER:
                            self.dual[b] -= delta
                if kind == 1:
                    break
                if kind in (2, 3):
                    self.allowed[target] = True
                    i, j, _ = self.edges[target]
                    if kind == 2 and label[top[i]] == FREE:
                        i, j = j, i
                    self.queue.append(i)
                else:
                    self.expand_blossom(target, False)
            if not augmented:
                break
            for b in range(n, 2 * n):
                if (
                    self.parent[b] == -1
                    and self.base[b] >= 0
                    and label[b] == OUTER
                    and self.dual[b] == 0
                ):
                    self.expand_blossom(b, True)


def max_weight_matching(
    n: int,
    edges: Sequence[tuple[int, int, int]],
    initial: Sequence[int] = (),
) -> MatchingResult:
    """A maximum-weight matching of the graph; ``initial`` lists edge indices of a warm start.

    Every edge in ``initial`` must have the maximum weight in ``edges`` and
    they must form a matching.
    """
    for i, j, _w in edges:
        if i == j or not (0 <= i < n and 0 <= j < n):
            raise ValueError(f"bad edge ({i}, {j})")
    if not edges:
        return MatchingResult([-1] * n, [0] * n, [])
    solver = _Solver(n, edges)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 4 * n + 1000))
    try:
        solver.run(initial)
    finally:
        sys.setrecursionlimit(old_limit)
    mate = [-1 if p == -1 else solver.endpoint[p] for p in solver.mate]
    blossoms = [
        (solver.dual[b], sorted(solver.leaves(b)))
        for b in range(n, 2 * n)
        if solver.base[b] >= 0 and solver.dual[b] != 0
    ]
    return MatchingResult(mate, solver.dual[:n], blossoms)
