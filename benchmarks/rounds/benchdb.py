"""A dedicated, throw-away benchmark database: create it, migrate it, drop it.

Never the developer's var/unmentoring.sqlite3, never the test-suite's
``test`` database. Import this before Django is set up: ``configure(url)``
points DATABASE_URL at the benchmark database and calls django.setup().
"""

from __future__ import annotations

import os
import resource
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN_PG = {"test", "test_test", "postgres", "template0", "template1"}


def _pg_parts(url: str) -> tuple[str, str]:
    """(database name, URL of the maintenance database on the same server)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return name, parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _check(url: str) -> None:
    if is_postgres(url):
        name, _ = _pg_parts(url)
        if not name or name in FORBIDDEN_PG or name.startswith("test_"):
            sys.exit(f"refusing to use database {name!r}: pick a dedicated benchmark database")
    elif url.startswith("sqlite:"):
        path = _sqlite_path(url).resolve()
        if path == (REPO / "var" / "unmentoring.sqlite3").resolve() or path.name == "unmentoring.sqlite3":
            sys.exit(f"refusing to use {path}: that is the developer's database")
    else:
        sys.exit(f"unsupported database URL {url!r}")


def _sqlite_path(url: str) -> Path:
    # As django-environ reads it: sqlite:////abs/path is absolute, sqlite:///rel/path relative.
    rest = url.split("sqlite:///", 1)[1]
    return Path(rest)


def create(url: str) -> None:
    """Create an empty database (dropping a previous benchmark run's)."""
    _check(url)
    if is_postgres(url):
        import psycopg

        name, admin = _pg_parts(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)


def finish(url: str, *, keep: bool, processes=()) -> None:
    """End a benchmark: kill the processes it started that still run, then drop its database unless kept."""
    for process in processes:
        if process is not None and process.poll() is None:
            process.kill()
    if not keep:
        drop(url)
        print(f"\ndropped the benchmark database ({url.rsplit('/', 1)[-1]})")


def drop(url: str) -> None:
    _check(url)
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    if is_postgres(url):
        import psycopg

        name, admin = _pg_parts(url)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def configure(url: str) -> None:
    """Point Django at the benchmark database and set it up (call once, before importing models)."""
    _check(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unmentoring.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Not the demo (which would deliver nothing), so settings want a key: any will do for a throwaway database.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def peak_rss_mib() -> float:
    """This process image's peak resident set (VmHWM; ru_maxrss would carry over the parent's across exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    cells = [tuple(str(c) for c in row) for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False))) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"
    return "\n".join([line(cells[0]), sep, *map(line, cells[1:])])
