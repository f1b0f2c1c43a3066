from datetime import datetime

from unmentoring.accounts.services import link_requests_purge, sessions_clear_expired
from unmentoring.core.jobs import periodic_job


@periodic_job("link_requests.purge")
def purge_link_requests(now: datetime) -> int:
    return link_requests_purge(now=now)


@periodic_job("sessions.clear_expired")
def clear_expired_sessions(now: datetime) -> int:
    return sessions_clear_expired()
