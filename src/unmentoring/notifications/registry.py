"""How a queued message's stored JSON context becomes a template context.

Most messages store everything their templates need as plain values. A
message whose content comes from the database at sending time (an intro with
its group's contact details and calendar file) registers a loader here, from
the app that owns it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Prepared:
    context: dict
    # [{"filename": ..., "content_type": ..., "content": str}]
    attachments: list[dict] = field(default_factory=list)


Loader = Callable[[dict], Prepared]
_loaders: dict[str, Loader] = {}


class MessageNoLongerApplies(Exception):
    """Raised by a loader when what the message was about is gone (e.g. the person was erased)."""


def email_loader(template: str) -> Callable[[Loader], Loader]:
    def register(loader: Loader) -> Loader:
        _loaders[template] = loader
        return loader

    return register


def prepare(template: str, stored: dict) -> Prepared:
    loader = _loaders.get(template)
    return loader(stored) if loader else Prepared(context=dict(stored))
