"""The insights pages' sections: for each figure, its chart, the table beside it (also its CSV download), and
the definition it uses. The console shows every number. The public page applies statistical disclosure
control, saying "too few answers to show" for what it hides:

- a round of fewer than five people shows nothing but its number;
- a count of people from one to four is hidden;
- the spread of "challenged my thinking" answers is shown only if every point's count is 0 or at least five
  (one hidden point could be found by subtraction from the total), and a mean needs five answers;
- growth shows only the members at each month's end (joined and left could be worked out from the change).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString

from unmentoring.insights.charts import HIDDEN_MARK, Series, bar_chart, interval_chart
from unmentoring.insights.figures import SCALE, ArmComparison, RoundFigures
from unmentoring.insights.selectors import ProgrammeInsights

FEWEST_SHOWN = 5
HIDDEN = "too few answers to show"
REASONS = {"no_time": "Could not find a time", "no_reply": "Match did not reply", "cancelled": "Arranged but cancelled",
           "other": "Something else", "unsaid": "No reason given"}

DEFINITIONS = {
    "met": "A group met if at least one of its members answered that they met.",
    "challenge": "“Did it challenge your thinking?” uses the answers of members whose group met, from 1 (not at "
                 "all) to 5 (completely). The interval is a 95% percentile bootstrap (2,000 resamples, seeded, so the "
                 "page is the same each time); it needs at least two answers.",
    "links": "A new organisation link in a round is an unordered pair of different organisations found together in a "
             "group that met in that round and in no group that met in an earlier round.",
}


@dataclass(frozen=True)
class Section:
    slug: str  # its id on the page and its CSV's name
    title: str
    definition: str
    chart: SafeString | None
    head: list[str]
    rows: list[list]
    summary: str = ""
    empty: str = "Nothing to show yet: no round has been drawn."


def _count(value: int, *, public: bool):
    return HIDDEN if public and 0 < value < FEWEST_SHOWN else value


def _chartable(value):
    return HIDDEN_MARK if value == HIDDEN else (None if isinstance(value, str) else value)


def sections(insights: ProgrammeInsights, *, public: bool) -> list[Section]:
    rounds = insights.rounds
    labels = [f"Round {f.round}" for f in rounds]
    found = [_growth(insights, public=public), _funnel(rounds, labels, public=public),
             _challenge(rounds, labels, public=public), _reasons(rounds, labels, public=public),
             _bridging(insights, labels, public=public)]
    if insights.experiment is not None:
        found.append(_experiment(insights.experiment, public=public))
    return found


ARMS = {"random": "Matched at random", "similar": "Matched by what they have in common"}


def _experiment(comparison: ArmComparison, *, public: bool) -> Section:
    rows, points = [], []
    for arm in (comparison.random, comparison.similar):
        n, interval = len(arm.challenge), arm.interval
        hidden = public and 0 < n < FEWEST_SHOWN
        mean = HIDDEN if hidden else (f"{interval.mean:.2f}" if interval else "")
        span = HIDDEN if hidden else (f"{interval.low:.2f} to {interval.high:.2f}" if interval and interval.low is not None
                                      else "")
        rate = f"{100 * arm.met_groups / arm.groups:.0f}%" if arm.groups else ""
        rows.append([ARMS[arm.arm], _count(n, public=public), mean, span, _count(arm.groups, public=public),
                     _count(arm.met_groups, public=public), HIDDEN if public and 0 < arm.groups < FEWEST_SHOWN else rate])
        points.append(None if hidden or interval is None else (interval.mean, interval.low, interval.high))
    small = public and min(len(comparison.random.challenge), len(comparison.similar.challenge)) < FEWEST_SHOWN
    chart = interval_chart(chart_id="experiment", title="Did it challenge your thinking? Random against similar",
                           description="For each half of the experiment, the mean answer from 1 to 5 of members "
                                       "whose group met, with its 95% interval.",
                           labels=list(ARMS.values()), points=points)
    return Section("experiment", "The experiment: at random, or by what people have in common",
                   "At each draw half the members, chosen at random by the round's seed, are matched at random and "
                   "half with the people they have most in common with (the same kind of role, shared words in what "
                   "they are happy to talk about), under the same rules. The difference is similar minus random, "
                   "with a 95% bootstrap interval; a group met as above.",
                   chart, ["Half", "Answers", "Mean", "95% interval", "Groups", "Groups that met", "Met"],
                   rows, summary=f"Too few answers in each half to compare: {HIDDEN}." if small else comparison.reading)


def _growth(insights: ProgrammeInsights, *, public: bool) -> Section:
    months = insights.months
    if public:
        rows = [[f"{m.month:%B %Y}", _count(m.members, public=True)] for m in months]
        names = ["Members at the end"]
    else:
        rows = [[f"{m.month:%B %Y}", m.joined, m.left, m.members, m.active, m.paused] for m in months]
        names = ["Joined", "Left", "Members at the end", "Active", "Paused"]
    shown = rows[-12:]
    chart = bar_chart(chart_id="growth", title="Members each month",
                      description="Bars per month (the last twelve): " + ", ".join(n.lower() for n in names) + ".",
                      labels=[f"{m.month:%b %y}" for m in months[-12:]],
                      series=[Series(name, [_chartable(r[i + 1]) for r in shown]) for i, name in enumerate(names)]
                      ) if rows else None
    return Section("growth", "Growth", "Members are people who have confirmed and not left, at the end of each "
                   "month; active members are those not paused then. The chart shows the last twelve months.",
                   chart, ["Month", *names], rows, empty="Nobody has joined yet.")


def _small(f: RoundFigures, *, public: bool) -> bool:
    """A round too small to say anything about in public."""
    return public and f.people < FEWEST_SHOWN


def _funnel(rounds: list[RoundFigures], labels, *, public: bool) -> Section:
    rows = [[f"Round {f.round}", *([HIDDEN] * 5 if _small(f, public=public) else
                                   (f.people, f.groups, f.met_groups, _count(f.checked_in, public=public),
                                    _count(f.published, public=public)))]
            for f in rounds]
    names = ["People matched", "Groups", "Groups that met", "People who checked in", "Learnings published"]
    chart = bar_chart(chart_id="funnel", title="From matches to learnings, per round",
                      description="Per round: people matched, groups, groups that met, people who checked in and "
                                  "learnings published.",
                      labels=labels, series=[Series(n, [_chartable(r[i + 1]) for r in rows])
                                             for i, n in enumerate(names)]) if rows else None
    return Section("funnel", "Each round, from matches to learnings", DEFINITIONS["met"], chart, ["Round", *names], rows)


def _challenge(rounds: list[RoundFigures], labels, *, public: bool) -> Section:
    rows, points = [], []
    for f in rounds:
        n, interval = len(f.challenge), f.challenge_interval
        if _small(f, public=public) or (public and 0 < n < FEWEST_SHOWN):
            rows.append([f"Round {f.round}", *([HIDDEN] * (len(SCALE) + 3))])
            points.append(None)
        elif not n:
            rows.append([f"Round {f.round}", 0, *([0] * len(SCALE)), "", ""])
            points.append(None)
        else:
            counts = [sum(1 for a in f.challenge if a == point) for point in SCALE]
            span = f"{interval.low:.2f} to {interval.high:.2f}" if interval.low is not None else "needs two answers"
            spread = ([HIDDEN] * len(SCALE) if public and any(0 < c < FEWEST_SHOWN for c in counts) else counts)
            rows.append([f"Round {f.round}", n, *spread, f"{interval.mean:.2f}", span])
            points.append((interval.mean, interval.low, interval.high))
    chart = interval_chart(chart_id="challenge", title="Did it challenge your thinking? Mean per round",
                           description="Per round, the mean answer from 1 (not at all) to 5 (completely) of members "
                                       "whose group met, with its 95% interval.",
                           labels=labels, points=points) if rows else None
    return Section("challenge", "Did it challenge your thinking?", DEFINITIONS["challenge"], chart,
                   ["Round", "Answers", *(f"Answered {p}" for p in SCALE), "Mean", "95% interval"], rows)


def _reasons(rounds: list[RoundFigures], labels, *, public: bool) -> Section:
    keys = [k for k in REASONS if any(f.not_met_reasons.get(k) for f in rounds)]
    rows = [[f"Round {f.round}", *([HIDDEN] * len(keys) if _small(f, public=public) else
                                   (_count(f.not_met_reasons.get(k, 0), public=public) for k in keys))]
            for f in rounds]
    chart = bar_chart(chart_id="reasons", title="Why people did not meet, per round",
                      description="Per round, how many members who did not meet gave each reason.",
                      labels=labels, series=[Series(REASONS[k], [_chartable(r[i + 1]) for r in rows])
                                             for i, k in enumerate(keys)]) if rows and keys else None
    return Section("reasons", "Why people did not meet", "The reason each member who answered “no, we did not "
                   "meet” gave.", chart, ["Round", *(REASONS[k] for k in keys)], rows)


def _bridging(insights: ProgrammeInsights, labels, *, public: bool) -> Section:
    # Links join organisations, not people; a small round still shows nothing in public.
    rows = [[f"Round {f.round}", *([HIDDEN, HIDDEN] if _small(f, public=public) else (f.new_org_links, f.org_links_so_far))]
            for f in insights.rounds]
    chart = bar_chart(chart_id="links", title="Organisation links made, per round",
                      description="Per round, new links between organisations, and links made so far.",
                      labels=labels, series=[Series("New links", [_chartable(r[1]) for r in rows]),
                                             Series("Links so far", [_chartable(r[2]) for r in rows])]) if rows else None
    bridged, everyone = insights.bridged
    if not everyone:
        summary = "Nobody has been matched yet."
    elif public and (everyone < FEWEST_SHOWN or bridged < FEWEST_SHOWN):
        summary = f"Members who have met someone from another organisation: {HIDDEN}."
    elif public:
        # No counts: "59 of 60" would say that exactly one has not. A share, to the 5% below it, says enough.
        share = 5 * int(100 * bridged / everyone // 5)
        summary = (f"At least {share}% of the members matched so far have met someone from another organisation."
                   if bridged < everyone else
                   "Every member matched so far has met someone from another organisation.")
    else:
        summary = (f"{bridged} of the {everyone} members matched so far ({100 * bridged / everyone:.0f}%) have met "
                   "someone from another organisation.")
    return Section("links", "Bridging organisations", DEFINITIONS["links"], chart,
                   ["Round", "New organisation links", "Links so far"], rows, summary=summary)
