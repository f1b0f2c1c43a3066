"""The settings the test suite runs with: the project's own, from an environment a production site would have.

Tests never read the `make run` demo's var/demo.env, so a local demo cannot change what they see.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-" + "k" * 40)
os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
os.environ["UNMENTORING_IGNORE_DEMO_ENV"] = "1"
# A page read twice in a test is rendered twice; the microcache has tests of its own.
os.environ.setdefault("PUBLIC_PAGE_CACHE_SECONDS", "0")

from unmentoring.settings import *  # noqa: E402, F403
