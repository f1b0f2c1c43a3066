"""The worker's part in a locked database, the busy page wherever the lock bites, and old task results."""

from datetime import timedelta

import pytest
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from unmentoring.core.jobs import tick
from unmentoring.core.management.commands.worker import ResilientWorker
from unmentoring.core.views import server_error
from unmentoring.notifications.tasks import deliver_due_messages

pytestmark = pytest.mark.django_db


def test_a_task_whose_result_could_not_be_recorded_goes_back_in_the_queue():
    deliver_due_messages.enqueue()
    result = DBTaskResult.objects.get()
    result.claim("w1")
    worker = ResilientWorker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                             max_tasks=None, worker_id="w1", excluded_queue_names=[])
    worker.current = result
    worker._requeue_current()
    assert DBTaskResult.objects.get().status == "READY"
    assert worker.current is None


def test_a_locked_database_anywhere_in_a_request_answers_busy_not_broken(rf):
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "Sorry, the service is busy" in response.content.decode()
    try:
        raise OperationalError("no such table: x")
    except OperationalError:
        assert server_error(rf.get("/")).status_code == 500


def test_finished_task_results_are_kept_a_day():
    for _ in range(2):
        deliver_due_messages.enqueue()
    old, recent = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=old.pk).update(status="SUCCESSFUL", finished_at=timezone.now() - timedelta(days=2))
    DBTaskResult.objects.filter(pk=recent.pk).update(status="SUCCESSFUL", finished_at=timezone.now())
    assert tick()["tasks.prune_finished"] == 1
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
