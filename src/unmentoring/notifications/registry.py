"""How a queued message's stored JSON context becomes a template context.

Most messages store everything their templates need as plain values. A
message whose content comes from the database at sending time (an intro with
its group's contact details and calendar file) registers a loader here, from
the app that owns it, and may register a batch loader that reads what a whole
batch of such messages needs in a few queries.
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
# Given every stored context of a batch, returns the loader for each of them (reading from what it fetched).
BatchLoader = Callable[[list[dict]], Loader]
_loaders: dict[str, Loader] = {}
_batch_loaders: dict[str, BatchLoader] = {}


class MessageNoLongerApplies(Exception):
    """Raised by a loader when what the message was about is gone (e.g. the person was erased)."""


def email_loader(template: str) -> Callable[[Loader], Loader]:
    def register(loader: Loader) -> Loader:
        _loaders[template] = loader
        return loader

    return register


def email_batch_loader(template: str) -> Callable[[BatchLoader], BatchLoader]:
    def register(loader: BatchLoader) -> BatchLoader:
        _batch_loaders[template] = loader
        return loader

    return register


def prepare(template: str, stored: dict) -> Prepared:
    loader = _loaders.get(template)
    return loader(stored) if loader else Prepared(context=dict(stored))


def prepare_many(template: str, stored: list[dict]) -> list[Prepared | Exception]:
    """Each message's context, or the exception its loader raised (so one bad message spoils only itself)."""
    batch = _batch_loaders.get(template)
    load = batch(stored) if batch else (lambda one: prepare(template, one))
    results: list[Prepared | Exception] = []
    for one in stored:
        try:
            results.append(load(one))
        except Exception as error:  # noqa: BLE001 (handed back to the deliverer, which records it per message)
            results.append(error)
    return results
