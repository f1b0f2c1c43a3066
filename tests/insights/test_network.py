"""The network map: one node per member, one line per pair, its layout deterministic, its SVG valid."""

import random
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.insights.test_figures import ROWS, m
from tests.rounds.helpers import drawn_round
from unmentoring.insights.network import (
    MET,
    NOT_MET,
    OTHERS,
    UNKNOWN,
    layout,
    legend,
    network,
    network_svg,
    organisation_legend,
    organisation_links,
    organisation_network,
    organisations_svg,
)
from unmentoring.rounds.models import Seat
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record

SVG = "{http://www.w3.org/2000/svg}"


def test_one_edge_per_pair_with_its_rounds_and_outcome_by_hand():
    net = network(ROWS)
    edges = {(e.a, e.b): (e.rounds, e.status) for e in net.edges}
    assert edges[("A", "B")] == ((1,), MET)
    assert edges[("C", "D")] == edges[("C", "E")] == edges[("D", "E")] == ((1,), MET)  # a trio: three pairs
    assert edges[("F", "G")] == ((1,), NOT_MET)  # F said no; G did not answer, but nobody said yes
    assert edges[("A", "D")] == ((2,), UNKNOWN)  # "planned" and no answer
    assert edges[("B", "x1")] == ((3,), MET) and edges[("C", "F")] == ((3,), MET)
    assert len(net.edges) == 8 and set(net.people) == {"A", "B", "C", "D", "E", "F", "G", "x1"}


def test_a_pair_grouped_twice_is_one_edge_that_met_if_either_group_did():
    rows = [m(1, 1, "A", "X", "no"), m(1, 1, "B", "Y", "no"), m(4, 2, "A", "X", "yes"), m(4, 2, "B", "Y")]
    [edge] = network(rows).edges
    assert (edge.rounds, edge.status) == ((1, 4), MET)
    assert network(rows, round_number=1).edges[0].status == NOT_MET


def test_a_round_filter_keeps_only_that_rounds_people_and_pairs():
    net = network(ROWS, round_number=2)
    assert set(net.people) == {"A", "D"} and len(net.edges) == 1


def test_the_layout_is_deterministic_and_keeps_organisations_apart():
    people = {e: o for e, o in [("A", "Leeds"), ("B", "Hackney"), ("C", "leeds"), ("D", "GDS"), ("E", "GDS")]}
    first, clusters = layout(people)
    assert layout(dict(reversed(list(people.items())))) == (first, clusters)
    assert set(clusters) == {"leeds", "hackney", "gds"}  # spacing and case aside
    for (x1, y1, r1), (x2, y2, r2) in [(a, b) for a in clusters.values() for b in clusters.values() if a != b]:
        assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= r1 + r2  # clusters never overlap


def test_the_svg_is_valid_with_a_node_per_member_and_a_line_per_pair_each_titled():
    net = network(ROWS)
    root = ET.fromstring(network_svg(net, names={"A": "Amira Ahmed"}, title="Map", description="Who met whom"))
    nodes = [el for el in root.iter() if el.tag in (f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon")
             and el.find(f"{SVG}title") is not None]
    lines = list(root.iter(f"{SVG}line"))
    assert len(nodes) == len(net.people) == 8 and len(lines) == len(net.edges) == 8
    titles = [n.find(f"{SVG}title").text for n in nodes]
    assert "Amira Ahmed, Leeds" in titles  # the organisation is in words, not only in a colour
    assert {line.get("data-status") for line in lines} == {MET, NOT_MET, UNKNOWN}
    assert [line.get("stroke-dasharray") for line in lines if line.get("data-status") == MET] == [None] * 6


def test_organisations_instead_of_people_sum_the_pairs_between_them():
    net = network(ROWS)
    links = {(link.a, link.b): (link.met, link.not_met, link.unknown) for link in organisation_links(net)}
    # A–B, C–D and C–E are Leeds pairs; G's " leeds " is Leeds; x1's "leeds" too.
    assert links[("Hackney", "Leeds")] == (2, 0, 0)  # A–B (round 1) and B–x1 (round 3)
    assert links[("GDS", "Leeds")] == (2, 1, 0)  # C–E, C–F met; F–G did not
    root = ET.fromstring(organisations_svg(net, title="Organisations", description="d"))
    assert len(list(root.iter(f"{SVG}line"))) == len(links)


def test_two_thousand_members_over_twelve_rounds_make_a_valid_map():  # timings: benchmarks/insights/
    rows = []
    for r in range(1, 13):
        people = list(range(2000))
        random.Random(r).shuffle(people)
        rows += [m(r, i // 2, f"P{p:04d}", f"Org {p % 40}", "yes" if i % 3 else "") for i, p in enumerate(people)]
    net = network(rows)
    root = ET.fromstring(network_svg(net, title="Map", description="d"))
    assert len(net.people) == 2000 and len(list(root.iter(f"{SVG}line"))) == len(net.edges) > 11000


@pytest.mark.django_db
def test_the_organisers_network_page_filters_by_round_and_pages_its_table(client, weekly, members, organiser):
    rnd = drawn_round(weekly)
    seat = Seat.objects.filter(group__round=rnd).order_by("pk").first()
    checkin_record(seat_id=seat.pk, answer=CheckInAnswer(met="yes", challenge=4))
    path = reverse("console:network", args=[weekly.slug])
    page = client.get(path).content.decode()
    assert 'data-testid="network-counts">8 members, 4 pairs grouped together, of whom 1 met.' in page
    assert seat.membership.person.full_name in page  # the organisers see names
    assert client.get(path, {"round": "1"}).status_code == 200
    bad = client.get(path, {"round": "7"})
    assert "Choose a round from the list" in bad.content.decode() and "8 members" in bad.content.decode()
    for bad_page in ("0", "2", "x"):
        assert client.get(path, {"page": bad_page}).status_code == 404


def test_too_many_people_to_draw_sums_the_pairings_per_pair_of_organisations_by_hand():
    net, links = organisation_network(ROWS)
    assert {(link.a, link.b): (link.met, link.not_met, link.unknown) for link in links} == {
        ("GDS", "Leeds"): (2, 1, 0), ("GDS", "NHS Digital"): (1, 0, 0), ("Hackney", "Leeds"): (2, 0, 0),
        ("Leeds", "NHS Digital"): (1, 0, 1)}
    assert len(net.people) == 8
    root = ET.fromstring(organisations_svg(net, links=links, title="t", description="d"))
    assert len(list(root.iter(f"{SVG}line"))) == 4


def test_past_forty_organisations_the_smallest_are_drawn_as_one():
    rows = [m(1, i, f"P{i}a", f"Org {i:02d}", "yes") for i in range(60)] + \
           [m(1, i, f"P{i}b", "Big", "yes") for i in range(60)]
    net, links = organisation_network(rows)
    names = {name for link in links for name in (link.a, link.b)}
    assert len(names) == 40 and OTHERS in names and "Big" in names
    assert sum(link.met for link in links) == 60


@pytest.mark.django_db
def test_past_the_most_people_drawn_the_page_shows_organisations(client, weekly, members, organiser, monkeypatch):
    from unmentoring.console import views  # noqa: PLC0415  (only this test lowers the limit)

    monkeypatch.setattr(views, "MOST_PEOPLE_DRAWN", 3)
    drawn_round(weekly)
    page = client.get(reverse("console:network", args=[weekly.slug])).content.decode()
    assert "the map shows organisations, not people" in page and "Organisations connected in every round" in page
    assert "Pairs who met" in page and members[0].person.full_name not in page


def test_in_a_trio_a_silent_pair_is_not_known_though_the_third_said_no():
    rows = [m(1, 1, "A", "X", "no"), m(1, 1, "B", "Y"), m(1, 1, "C", "Z")]
    edges = {(e.a, e.b): e.status for e in network(rows).edges}
    assert edges == {("A", "B"): NOT_MET, ("A", "C"): NOT_MET, ("B", "C"): UNKNOWN}


def test_an_erased_members_seats_are_not_nodes():
    rows = [m(1, 1, "P0001", "X", "yes"), m(1, 1, "X0001", "Y"), m(1, 2, "P0002", "X"), m(1, 2, "P0003", "Y")]
    net = network(rows)
    assert set(net.people) == {"P0001", "P0002", "P0003"} and len(net.edges) == 1


def test_the_organisations_key_matches_what_the_map_draws():
    rows = [m(1, i, f"P{i}a", f"Org {i:02d}", "yes") for i in range(60)] + \
           [m(1, i, f"P{i}b", "Big", "yes") for i in range(60)]
    net, _links = organisation_network(rows)
    key = organisation_legend(net)
    assert len(key) == 40 and key[0].organisation == "Big" and any(e.organisation == OTHERS for e in key)
    root = ET.fromstring(organisations_svg(net, title="t", description="d"))
    drawn = {t.text.split(":")[0]: el.get("fill") for el in root.iter() if (t := el.find(f"{SVG}title")) is not None
             and el.tag != f"{SVG}line" and el.get("fill")}
    assert {e.organisation: e.colour for e in key} == drawn


@pytest.mark.django_db
def test_the_network_csv_lists_every_pair_for_the_organisers(client, weekly, members, organiser):
    import csv  # noqa: PLC0415  (only this test reads a CSV)
    import io  # noqa: PLC0415

    drawn_round(weekly)
    path = reverse("console:network-csv", args=[weekly.slug])
    rows = list(csv.reader(io.StringIO(client.get(path).content.decode().lstrip("\ufeff"))))
    assert rows[0] == ["member", "organisation", "member", "organisation", "rounds", "outcome"] and len(rows) == 5
    assert {r[5] for r in rows[1:]} == {"not known"}
    assert client.get(path, {"round": "1"}).status_code == 200 and client.get(path, {"round": "9"}).status_code == 404
    client.logout()
    assert client.get(path).status_code == 302


@pytest.mark.django_db
def test_the_network_page_takes_the_same_queries_for_few_pairs_or_many(client, weekly, members, organiser):
    from django.db import connection  # noqa: PLC0415  (only this test counts queries)
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tests.factories import MembershipFactory  # noqa: PLC0415
    from unmentoring.rounds.services.lifecycle import rounds_advance  # noqa: PLC0415

    rnd = drawn_round(weekly)
    path = reverse("console:network", args=[weekly.slug])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = queries()
    for n in range(30):
        MembershipFactory(programme=weekly, organisation=f"Org {n % 7}")
    rounds_advance(now=rnd.close_at)
    rounds_advance(now=weekly.rounds.get(number=2).draw_at)
    assert queries() == before


def test_an_organisation_keeps_its_colour_and_shape_whichever_round_is_shown():
    everyone = network(ROWS).people
    whole = {e.organisation: (e.colour, e.shape) for e in legend(everyone)}
    one_round = {e.organisation: (e.colour, e.shape) for e in legend(network(ROWS, round_number=2).people,
                                                                     everyone=everyone)}
    assert one_round and all(whole[name] == style for name, style in one_round.items())
