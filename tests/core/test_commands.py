import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command


def run_cli(*args, **env):
    return subprocess.run([sys.executable, "-m", "unmentoring", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


def test_help_lists_our_commands_and_djangos():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("serve", "demo", "tick", "migrate", "createsuperuser", "match"):
        assert f"    {command}\n" in result.stdout


@pytest.mark.django_db
def test_tick_runs_every_job_and_reports_counts(capsys):
    call_command("tick", "--now", "2027-01-08T09:00")
    out = capsys.readouterr().out
    assert out.strip() == (
        "memberships.resume_due=0 rounds.advance=0 link_requests.purge=0 signups.purge_unconfirmed=0 messages.deliver_due=0"
    )


@pytest.mark.parametrize(("args", "message"), [
    (["--now", "next tuesday"], "--now: 'next tuesday' is not a date and time like 2027-01-08T09:00"),
    (["--loop", "0"], "--loop must be at least 1 second"),
])
def test_tick_refuses_bad_flags(args, message):
    with pytest.raises(CommandError) as error:
        call_command("tick", *args)
    assert str(error.value) == message


def test_serve_refuses_a_database_that_is_not_migrated(tmp_path):
    result = run_cli("serve", "--port", "8099", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", DEMO_MODE="1")
    assert result.returncode == 2
    assert "run `unmentoring migrate` first" in result.stderr


def test_serve_refuses_bad_flags():
    result = run_cli("serve", "--workers", "0", DEMO_MODE="1")
    assert result.returncode == 2
    assert "--workers and --tick-every must be at least 1" in result.stderr


def test_the_published_demo_secret_key_is_refused_outside_the_demo():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEMO_MODE", "DEBUG"}}
    result = subprocess.run([sys.executable, "-m", "unmentoring", "check"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "unmentoring.E001" in result.stderr
    assert run_cli("check", SECRET_KEY="a-long-random-production-key", DEMO_MODE="0").returncode == 0
