from datetime import datetime

from unmentoring.core.jobs import periodic_job
from unmentoring.programmes.services import invitations_purge_expired, memberships_resume_due, signups_purge_unconfirmed


# Before the rounds: a pause that ends today lets the member into today's draw.
@periodic_job("memberships.resume_due", order=10)
def resume_due(now: datetime) -> int:
    return memberships_resume_due(now=now)


@periodic_job("signups.purge_unconfirmed")
def purge_unconfirmed_signups(now: datetime) -> int:
    return signups_purge_unconfirmed(now=now)


@periodic_job("invitations.purge_expired")
def purge_expired_invitations(now: datetime) -> int:
    return invitations_purge_expired(now=now)
