from datetime import datetime

from unmentoring.core.jobs import periodic_job
from unmentoring.notifications.services import messages_blank_old, messages_deliver_due


# Last: whatever the other jobs queued in this tick goes out in it.
@periodic_job("messages.deliver_due", order=100)
def deliver_due(now: datetime) -> int:
    return messages_deliver_due(now=now)


@periodic_job("messages.blank_old")
def blank_old_messages(now: datetime) -> int:
    return messages_blank_old(now=now)
