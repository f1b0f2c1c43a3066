import time

from django.db.utils import OperationalError
from django.tasks import task
from django_tasks_db.utils import is_locked_database_exception

LOCKED_RETRIES = 5


@task
def send_sign_in_link(*, email: str, next_url: str = "") -> None:
    """Look the address up and email a link; a locked database is retried (a lost sign-in email is not)."""
    from unmentoring.accounts.services import sign_in_link_send  # noqa: PLC0415  (services enqueue this task)

    for attempt in range(LOCKED_RETRIES):
        try:
            sign_in_link_send(email=email, next_url=next_url)
            return
        except OperationalError as error:
            if not is_locked_database_exception(error) or attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(2**attempt)
