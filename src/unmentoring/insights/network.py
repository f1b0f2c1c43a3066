"""The network map: who has been grouped with whom, across rounds, and whether they met.

A node per member, an edge per pair of members who shared a group (however many times), drawn solid when a
group of theirs met, dashed when they did not, dotted when nobody has said. The layout needs no graph
library (decision 0011): each organisation is a cluster, its members on a sunflower spiral round the
cluster's centre, and the clusters on a spiral of their own, biggest first, so the lines *between* clusters
are the bridges the programme exists to build. It is deterministic (the same rows give the same picture)
and linear in the members. Above ``MOST_PEOPLE_DRAWN`` members the map shows organisations instead.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from unmentoring.insights.figures import ERASED, Meeting, groups_that_met, organisation_key

MOST_PEOPLE_DRAWN = 2000
MOST_CLUSTERS_LABELLED = 40
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
# Colour and shape together: an organisation is never told apart by colour alone (and its name is on every
# node's title and in the legend and table).
COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#d4351c", "#505a5f", "#d53880", "#b58840", "#28a197", "#0b0c0c",
           "#912b88")
SHAPES = ("circle", "square", "triangle", "diamond")
MET, NOT_MET, UNKNOWN = "met", "did not meet", "not known"
STROKES = {MET: "", NOT_MET: ' stroke-dasharray="8 5"', UNKNOWN: ' stroke-dasharray="2 4"'}


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    rounds: tuple[int, ...]
    status: str  # MET, NOT_MET or UNKNOWN


@dataclass(frozen=True)
class Network:
    people: dict[str, str]  # person → organisation (as first written)
    edges: list[Edge]


def network(meetings: list[Meeting], *, round_number: int | None = None) -> Network:
    """The pairs who shared a group (in one round, or all): met if any of their groups met, did not meet if
    one of the two said no each time (and nobody said yes), else not known. An erased member's seats are left
    out: they cannot be linked to a person."""
    rows = [m for m in meetings if (round_number is None or m.round == round_number) and not m.person.startswith(ERASED)]
    met = groups_that_met([m for m in meetings if round_number is None or m.round == round_number])
    said_no = {(m.round, m.group, m.person) for m in rows if m.met == "no"}
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    people: dict[str, str] = {}
    for m in rows:
        groups[(m.round, m.group)].append(m.person)
        people.setdefault(m.person, m.organisation)
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for key, members in groups.items():
        for a, b in combinations(sorted(set(members)), 2):
            pairs[(a, b)].append(key)
    edges = []
    for (a, b), keys in sorted(pairs.items()):
        if any(k in met for k in keys):
            status = MET
        elif all((*k, a) in said_no or (*k, b) in said_no for k in keys):  # one of the two said so, each time
            status = NOT_MET
        else:
            status = UNKNOWN
        edges.append(Edge(a, b, tuple(sorted({k[0] for k in keys})), status))
    return Network(people=people, edges=edges)


def _organisations(people: dict[str, str]) -> list[tuple[str, str, list[str]]]:
    """(key, name as first written, members), biggest first, then by name."""
    clusters: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for person, organisation in sorted(people.items()):
        key = organisation_key(organisation)
        clusters[key].append(person)
        names.setdefault(key, organisation.strip() or "No organisation")
    return sorted(((k, names[k], v) for k, v in clusters.items()), key=lambda o: (-len(o[2]), o[0]))


def layout(people: dict[str, str], *, spacing: float = 10.0) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float, float]]]:
    """Each person's (x, y), and each organisation's (x, y, radius), from 0,0 outwards."""
    positions: dict[str, tuple[float, float]] = {}
    clusters: dict[str, tuple[float, float, float]] = {}
    placed: list[tuple[float, float, float]] = []
    for index, (key, _name, members) in enumerate(_organisations(people)):
        radius = spacing * math.sqrt(len(members)) + spacing
        # The next cluster centre along a spiral, pushed out until it overlaps none placed so far.
        angle, distance = index * GOLDEN_ANGLE, 0.0
        while True:
            cx, cy = distance * math.cos(angle), distance * math.sin(angle)
            if all(math.hypot(cx - x, cy - y) >= r + radius + spacing for x, y, r in placed):
                break
            distance += spacing
        placed.append((cx, cy, radius))
        clusters[key] = (cx, cy, radius)
        for i, person in enumerate(members):
            r, theta = spacing * math.sqrt(i + 0.5), i * GOLDEN_ANGLE
            positions[person] = (cx + r * math.cos(theta), cy + r * math.sin(theta))
    return positions, clusters


def _marker(shape: str, x: float, y: float, size: float, colour: str, title: str) -> str:
    inner = f"<title>{title}</title>"
    if shape == "square":
        return f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" height="{2 * size:.1f}" fill="{colour}">{inner}</rect>'
    if shape == "triangle":
        points = f"{x:.1f},{y - size * 1.2:.1f} {x - size * 1.1:.1f},{y + size * 0.8:.1f} {x + size * 1.1:.1f},{y + size * 0.8:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{inner}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - size * 1.3:.1f} {x + size * 1.3:.1f},{y:.1f} {x:.1f},{y + size * 1.3:.1f} {x - size * 1.3:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{inner}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}">{inner}</circle>'


@dataclass(frozen=True)
class Legend:
    organisation: str
    colour: str
    shape: str
    members: int


def styles(everyone: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each organisation's (colour, shape), by its place among all the programme's (``everyone``), so that an
    organisation looks the same whichever round is shown."""
    return {key: (COLOURS[i % len(COLOURS)], SHAPES[i % len(SHAPES)])
            for i, (key, _name, _members) in enumerate(_organisations(everyone))}


def legend(people: dict[str, str], *, everyone: dict[str, str] | None = None) -> list[Legend]:
    style = styles(everyone or people)
    return [Legend(name, *style[key], len(members)) for key, name, members in _organisations(people)]


def network_svg(net: Network, *, names: dict[str, str] | None = None, title: str, description: str,
                everyone: dict[str, str] | None = None) -> SafeString:
    """The map as SVG: one node per person, one line per pair. ``names`` (person → their name, for the
    organisers) goes in each node's title; without it the title has the pseudonym. ``everyone`` (all the
    programme's people, when the map shows one round) keeps each organisation's colour and shape."""
    names = names or {}
    positions, clusters = layout(net.people)
    style = styles(everyone or net.people)
    if positions:
        xs = [x for x, _, r in clusters.values() for x in (x - r, x + r)]
        ys = [y for _, y, r in clusters.values() for y in (y - r, y + r)]
        left, top, right, bottom = min(xs) - 20, min(ys) - 20, max(xs) + 20, max(ys) + 20
    else:
        left, top, right, bottom = 0, 0, 100, 100
    body = []
    labelled = len(clusters) <= MOST_CLUSTERS_LABELLED
    for (_key, name, _members), (x, y, r) in zip(_organisations(net.people), clusters.values(), strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="none" stroke="#b1b4b6" stroke-width="1"/>')
        if labelled:
            top = min(top, y - r - 18)
            body.append(f'<text x="{x:.1f}" y="{y - r - 4:.1f}" text-anchor="middle" font-size="11" '
                        f'font-family="Arial, sans-serif" fill="#0b0c0c">{escape(name)}</text>')
    for edge in net.edges:
        (x1, y1), (x2, y2) = positions[edge.a], positions[edge.b]
        rounds = ", ".join(str(n) for n in edge.rounds)
        label = escape(f"{names.get(edge.a, edge.a)} and {names.get(edge.b, edge.b)}: {edge.status} (round {rounds})")
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#505a5f" stroke-width="1.2"'
                    f'{STROKES[edge.status]} data-status="{edge.status}"><title>{label}</title></line>')
    for person, organisation in net.people.items():
        colour, shape = style[organisation_key(organisation)]
        x, y = positions[person]
        title = escape(f"{names.get(person, person)}, {organisation}")
        body.append(_marker(shape, x, y, 4, colour, title))
    return mark_safe(  # every piece of text in it is escaped as it is built
        f'<svg class="app-map" role="img" aria-labelledby="map-title map-desc" '
        f'viewBox="{left:.0f} {top:.0f} {right - left:.0f} {bottom - top:.0f}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>")


# --- Above MOST_PEOPLE_DRAWN: organisations, not people -----------------------------------------------


@dataclass(frozen=True)
class OrganisationLink:
    a: str
    b: str
    met: int
    not_met: int
    unknown: int


MOST_ORGANISATIONS_DRAWN = 40
OTHERS = "Other organisations"


def _organisation_of(net: Network) -> dict[str, str]:
    """Each person's organisation as the organisations' map names it: the biggest by name, the rest (past
    ``MOST_ORGANISATIONS_DRAWN``) together as one."""
    clusters = _organisations(net.people)
    name_of = {key: name for key, name, _ in clusters[:MOST_ORGANISATIONS_DRAWN - 1]}
    if len(clusters) <= MOST_ORGANISATIONS_DRAWN:
        name_of.update({key: name for key, name, _ in clusters})
    return {person: name_of.get(organisation_key(org), OTHERS) for person, org in net.people.items()}


def organisation_links(net: Network) -> list[OrganisationLink]:
    """The edges summed per pair of organisations (pairs within one organisation left out)."""
    organisation = _organisation_of(net)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    column = {MET: 0, NOT_MET: 1, UNKNOWN: 2}
    for edge in net.edges:
        a, b = organisation[edge.a], organisation[edge.b]
        if a != b:
            counts[(a, b) if a < b else (b, a)][column[edge.status]] += 1
    return [OrganisationLink(a, b, *c) for (a, b), c in sorted(counts.items())]


def organisation_legend(net: Network) -> list[Legend]:
    """The organisations' map's key: one entry per organisation drawn ("Other organisations" among them)."""
    sizes: dict[str, int] = defaultdict(int)
    for name in _organisation_of(net).values():
        sizes[name] += 1
    return [Legend(name, COLOURS[i % len(COLOURS)], SHAPES[i % len(SHAPES)], members)
            for i, (name, members) in enumerate(sorted(sizes.items(), key=lambda item: (-item[1], item[0])))]


def organisation_network(meetings: list[Meeting], *, round_number: int | None = None) -> tuple[Network, list[OrganisationLink]]:
    """For a programme too big to draw person by person: its members (for the key) and the pairings summed
    per pair of organisations, without building every pair of people. A pairing is two members in one group
    of one round: met if the group met, did not meet if someone in it said no and nobody yes, else not known."""
    rows = [m for m in meetings if (round_number is None or m.round == round_number) and not m.person.startswith(ERASED)]
    people: dict[str, str] = {}
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    status_of: dict[tuple[int, int], int] = {}
    for m in rows:
        people.setdefault(m.person, m.organisation)
        groups[(m.round, m.group)].append(m.person)
        if m.met == "yes":
            status_of[(m.round, m.group)] = 0
        elif m.met == "no":
            status_of.setdefault((m.round, m.group), 1)
    net = Network(people=people, edges=[])
    organisation = _organisation_of(net)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for key, members in groups.items():
        status = status_of.get(key, 2)
        for a, b in combinations(members, 2):
            oa, ob = organisation[a], organisation[b]
            if oa != ob:
                counts[(oa, ob) if oa < ob else (ob, oa)][status] += 1
    return net, [OrganisationLink(a, b, *c) for (a, b), c in sorted(counts.items())]


def organisations_svg(net: Network, *, title: str, description: str,
                      links: list[OrganisationLink] | None = None) -> SafeString:
    """A node per organisation (its area by its members), a line per pair of organisations whose members
    were grouped: solid and wider the more pairs met, dashed when none did."""
    entries = organisation_legend(net)
    count = max(len(entries), 1)
    radius = 300
    centre = {e.organisation: (radius * math.cos(2 * math.pi * i / count), radius * math.sin(2 * math.pi * i / count))
              for i, e in enumerate(entries)}
    biggest = max([e.members for e in entries] or [1])
    body = []
    for link in organisation_links(net) if links is None else links:
        (x1, y1), (x2, y2) = centre[link.a], centre[link.b]
        width = 1 + 4 * math.log1p(link.met) / math.log1p(max(biggest, 2))
        dash = "" if link.met else ' stroke-dasharray="8 5"'
        label = escape(f"{link.a} and {link.b}: {link.met} pairs met, {link.not_met} did not, {link.unknown} not known")
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#505a5f" '
                    f'stroke-width="{width:.1f}"{dash}><title>{label}</title></line>')
    for e in entries:
        x, y = centre[e.organisation]
        size = 6 + 24 * math.sqrt(e.members / biggest)
        body.append(_marker(e.shape, x, y, size, e.colour, escape(f"{e.organisation}: {e.members} members")))
        body.append(f'<text x="{x:.1f}" y="{y + size + 16:.1f}" text-anchor="middle" font-size="14" '
                    f'font-family="Arial, sans-serif" fill="#0b0c0c">{escape(e.organisation)}</text>')
    return mark_safe(  # every piece of text in it is escaped as it is built
        f'<svg class="app-map" role="img" aria-labelledby="map-title map-desc" viewBox="-420 -380 840 780" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(description)}</desc>'
        + "".join(body) + "</svg>")
