import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command


def run_cli(*args, **env):
    """The command as a person runs it: the project's settings, this test run's SECRET_KEY and SITE_URL."""
    return subprocess.run([sys.executable, "-m", "unmentoring", *args], capture_output=True, text=True,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "unmentoring.settings", **env}, timeout=120)


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
        "memberships.resume_due=0 rounds.advance=0 tasks.prune_finished=0 messages.blank_old=0 link_requests.purge=0 sessions.clear_expired=0 "
        "signups.purge_unconfirmed=0 invitations.purge_expired=0 messages.deliver_due=0"
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
    assert "--workers, --task-workers and --tick-every must be at least 1" in result.stderr
    result = run_cli("serve", "--task-workers", "0", DEMO_MODE="1")
    assert result.returncode == 2 and "--task-workers" in result.stderr


PRODUCTION = {"SECRET_KEY": "a-long-random-production-key-" + "x" * 30, "SITE_URL": "https://coffee.example.org"}


def wsgi_starts(**env) -> subprocess.CompletedProcess:
    """Load the WSGI application, as gunicorn does, in a clean environment with only these variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEMO_MODE", "DEBUG", "SITE_URL"}}
    return subprocess.run([sys.executable, "-c", "import unmentoring.wsgi"], capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "unmentoring.settings",
                               "UNMENTORING_IGNORE_DEMO_ENV": "1", **env}, timeout=60)


@pytest.mark.parametrize(("env", "refusal"), [
    ({}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "demo-only-insecure-key-set-SECRET_KEY-in-production", "SITE_URL": "https://c.example.org"},
     "is the published demo key"),
    ({"SECRET_KEY": "demo-only-insecure-key-set-SECRET_KEY-in-production", "DEBUG": "1", "SITE_URL": "https://c.example.org"},
     "is the published demo key"),
    ({"SECRET_KEY": PRODUCTION["SECRET_KEY"]}, "SITE_URL is not set"),
])
def test_the_web_app_refuses_to_start_without_a_secret_key_or_a_site_address_outside_the_demo(env, refusal):
    result = wsgi_starts(**env)
    assert result.returncode == 1
    assert refusal in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_the_web_app_starts_in_production_and_in_the_demo():
    assert wsgi_starts(**PRODUCTION).returncode == 0
    assert wsgi_starts(DEMO_MODE="1").returncode == 0


def test_commands_run_after_make_run_agree_with_the_demo_and_the_real_environment_wins(tmp_path):
    home = tmp_path / "checkout"
    (home / "var").mkdir(parents=True)
    (home / "var" / "demo.env").write_text("DEMO_MODE=1\nPORT=8123\nSITE_URL=http://127.0.0.1:8123\n")
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEMO_MODE", "DEBUG", "SITE_URL", "PORT",
                                                               "UNMENTORING_IGNORE_DEMO_ENV"}}
    show = "from django.conf import settings; print(settings.SITE_URL, settings.DEMO_MODE)"
    def run(**env):
        return subprocess.run([sys.executable, "-m", "unmentoring", "shell", "--no-imports", "-c", show], capture_output=True, text=True,
                              env={**clean, "DJANGO_SETTINGS_MODULE": "unmentoring.settings", "UNMENTORING_HOME": str(home),
                                   **env}, timeout=60)
    assert run().stdout.split() == ["http://127.0.0.1:8123", "True"]
    assert run(SITE_URL="https://coffee.example.org").stdout.split() == ["https://coffee.example.org", "True"]
