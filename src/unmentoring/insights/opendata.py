"""The open data a programme can publish: ``rounds.csv`` and ``meetings.csv`` (docs/design.md §7).

``meetings.csv`` has one row per seat, with a pseudonym for the person and no name, email or phone anywhere;
a learning only when its member published it. ``rounds.csv`` holds the figures that the definitions in
``figures.py`` give from exactly those rows (the confidence interval aside, which is a seeded resampling).
"""

from __future__ import annotations

from unmentoring.core.spreadsheets import csv_text
from unmentoring.insights.figures import Meeting, RoundFigures
from unmentoring.insights.selectors import programme_insights
from unmentoring.programmes.models import Programme

ROUNDS_HEADER = ["round", "drawn_on", "people", "groups", "met_groups", "checked_in", "published", "challenge_n",
                 "challenge_mean", "challenge_ci_low", "challenge_ci_high", "new_org_links"]
MEETINGS_HEADER = ["round", "group", "person", "organisation", "met", "not_met_reason", "challenge", "learning"]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def rounds_rows(figures: list[RoundFigures], drawn_on: dict) -> list[list]:
    rows = []
    for f in figures:
        interval = f.challenge_interval
        rows.append([f.round, drawn_on[f.round].isoformat() if f.round in drawn_on else "", f.people, f.groups,
                     f.met_groups, f.checked_in, f.published, len(f.challenge),
                     _number(interval.mean if interval else None), _number(interval.low if interval else None),
                     _number(interval.high if interval else None), f.new_org_links])
    return rows


def meetings_rows(meetings: list[Meeting]) -> list[list]:
    return [[m.round, m.group, m.person, m.organisation, m.met, m.not_met_reason,
             "" if m.challenge is None else m.challenge, m.learning] for m in meetings]


def open_data(programme: Programme, *, today) -> dict[str, str]:
    """The two files' text, by name."""
    insights = programme_insights(programme, today=today)
    return {"rounds.csv": csv_text(ROUNDS_HEADER, rounds_rows(insights.rounds, insights.drawn_on)),
            "meetings.csv": csv_text(MEETINGS_HEADER, meetings_rows(insights.meetings))}
