from datetime import datetime

from unmentoring.core.jobs import periodic_job
from unmentoring.rounds.services.lifecycle import rounds_advance


@periodic_job("rounds.advance", order=20)
def advance(now: datetime) -> int:
    return sum(rounds_advance(now=now).values())
