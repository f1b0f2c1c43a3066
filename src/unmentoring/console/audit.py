"""The audit log in words a volunteer reads: each action, and the details it recorded."""

from __future__ import annotations

import string

# Each action's words; {names} are filled from the event's detail (a missing one falls back to the bare words).
WORDS = {
    "announcement.send": ("Sent an announcement", "Sent an announcement to {recipients} members"),
    "block.remove": ("Removed a block", None),
    "checkin.hide": ("Took a learning off the feed", None),
    "checkin.unhide": ("Put a learning back on the feed", None),
    "export.download": ("Downloaded an export", "Downloaded the {table} table as {format}"),
    "export.open_data": ("Downloaded open data", "Downloaded the open data's {file}"),
    "import.history": ("Imported past pairings", "Imported {pairs} past pairs"),
    "import.people.send": ("Invited people from a spreadsheet", "Invited {invited} people from a spreadsheet"),
    "invite.send": ("Invited people", "Invited {invited} people"),
    "intro.resend": ("Sent an intro again", None),
    "member.move": ("Moved to another group", "Moved from group {from_group} to group {to_group} in round {round}"),
    "membership.pause": ("Paused", "Paused until {until}"),
    "membership.remove": ("Removed from the programme", None),
    "organiser.add": ("Made an organiser", None),
    "organiser.remove": ("No longer an organiser", None),
    "person.erase": ("Deleted their account", None),
    "person.export": ("Downloaded their data", None),
    "programme.create": ("Set the programme up", None),
    "programme.update": ("Changed the settings", None),
    "report.reopen": ("Reopened a report", None),
    "report.resolve": ("Dealt with a report", None),
    "report.submit": ("Reported a concern", None),
    "round.cancel": ("Cancelled the round", None),
    "round.draw_now": ("Drew the round before its time", None),
    "round.latecomer_added": ("Added to a group", "Added to group {to_group} in round {round}"),
    "round.latecomer_drawn": ("Drawn as a latecomer", "Drawn as a latecomer into group {group} in round {round}"),
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def event_words(action: str, detail: dict) -> str:
    """"Moved from group 1 to group 3 in round 2. Why: …", or the action itself if it has no words here."""
    plain, detailed = WORDS.get(action, (action, None))
    detail = detail if isinstance(detail, dict) else {}
    words = plain
    if detailed and all(detail.get(name) not in (None, "") for name in _fields(detailed)):
        words = detailed.format(**{name: detail[name] for name in _fields(detailed)})
    reason = detail.get("reason")
    return f"{words}. Why: {reason}" if isinstance(reason, str) and reason else words
