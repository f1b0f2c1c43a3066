from unmentoring.accounts.models import Block


def blocks_made(*, person) -> list[Block]:
    return list(Block.objects.filter(blocker=person).select_related("blocked").order_by("created_at", "pk"))
