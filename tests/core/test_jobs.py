"""Periodic jobs are declared by the apps that own them and found at start-up; tick names no app."""

from datetime import datetime

import pytest
from django.core.management import call_command

from unmentoring.core import jobs
from unmentoring.core.jobs import periodic_job, periodic_jobs, tick

pytestmark = pytest.mark.django_db


def test_tick_finds_every_apps_jobs_and_runs_delivery_last():
    assert [job.name for job in periodic_jobs()] == [
        "memberships.resume_due", "rounds.advance", "tasks.prune_finished", "messages.blank_old", "link_requests.purge", "sessions.clear_expired",
        "signups.purge_unconfirmed", "invitations.purge_expired", "messages.deliver_due",
    ]


def test_a_failing_job_is_reported_and_does_not_stop_the_others(capsys):
    @periodic_job("test.broken", order=0)
    def broken(now: datetime) -> int:
        raise RuntimeError("boom")

    try:
        results = tick()
        assert results["test.broken"] == -1
        assert results["messages.deliver_due"] == 0
        call_command("tick")
        assert "test.broken=-1" in capsys.readouterr().out
    finally:
        del jobs._jobs["test.broken"]


def test_two_jobs_cannot_share_a_name():
    with pytest.raises(ValueError, match="registered twice"):
        periodic_job("rounds.advance")(lambda now: 0)
