"""The spreadsheet era's pairs, imported so that the engine avoids repeating them."""

from __future__ import annotations

from django.db import transaction

from unmentoring.core.services import audit_record
from unmentoring.rounds.models import PastPairing


@transaction.atomic
def past_pairings_import(*, programme, pairs: list[tuple[str, int, int, int]], actor=None) -> int:
    """Record the spreadsheet era's pairs (label, round, membership a, membership b); a pair already recorded
    for the same round is left as it is. Returns how many are new."""
    existing = set(PastPairing.objects.filter(programme=programme).values_list("label", "a_id", "b_id"))
    new = [PastPairing(programme=programme, label=label, round=number, a_id=a, b_id=b)
           for label, number, a, b in pairs if (label, a, b) not in existing]
    PastPairing.objects.bulk_create(new, ignore_conflicts=True)  # another import of the same file at once
    audit_record(actor=actor, action="import.history", subject=f"programme:{programme.pk}",
                 detail={"pairs": len(new)}, programme=programme)
    return len(new)
