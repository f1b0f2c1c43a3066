from unmentoring.accounts.models import Block
from unmentoring.core.kept import kept_query


def blocks_made(*, person) -> list[Block]:
    return _blocks_made(person_id=person.pk)


@kept_query
def _blocks_made(*, person_id: int):
    return Block.objects.filter(blocker_id=person_id).select_related("blocked").order_by("created_at", "pk")
