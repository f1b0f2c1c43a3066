from datetime import datetime

from unmentoring.accounts.services import link_requests_purge
from unmentoring.core.jobs import periodic_job


@periodic_job("link_requests.purge")
def purge_link_requests(now: datetime) -> int:
    return link_requests_purge(now=now)
