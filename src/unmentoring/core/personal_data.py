"""Each app exports and erases the personal data it holds (docs/design.md §6).

An app registers one :class:`PersonalData` for each kind of personal data it
keeps, in its ``personal_data.py`` (found at start-up like ``jobs.py``)::

    register(PersonalData(
        key="memberships",
        export=lambda person: [...],      # plain, JSON-serialisable data
        erase=lambda person: None,        # delete or anonymise; runs before the person is deleted
    ))

``person_export`` in ``accounts`` puts every ``export`` under its key;
``person_erase`` runs every ``erase`` (in ``order``), then deletes the person.
An ``erase`` runs inside the erasure's transaction with the person still
there, so it can find what is theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalData:
    key: str
    export: Callable[[Any], Any] | None = None
    erase: Callable[[Any], None] | None = None
    order: int = 50


_registry: dict[str, PersonalData] = {}


def register(data: PersonalData) -> PersonalData:
    if data.key in _registry and _registry[data.key] != data:
        raise ValueError(f"Personal data {data.key!r} is registered twice")
    _registry[data.key] = data
    return data


def personal_data() -> list[PersonalData]:
    return sorted(_registry.values(), key=lambda item: item.order)


def when(value) -> str | None:
    """A date or datetime for an export: ISO 8601, or None."""
    return value.isoformat() if value else None
