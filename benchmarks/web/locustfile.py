"""The users of the load test (benchmarks/web/load.py starts Locust with this file and the fixtures).

Tags pick a scenario: "public" is what anyone reads (the Visitor's page reads), "member" is what members
do (the Member's pages and check-in, and the Visitor's sign-in form and POST).

Public visitors read the programme page, the learning feed and its Atom
feed. Members, signed in with a session prepared for them, read their round
page and account page, open their check-in link and send it, and now and
then ask for a sign-in link. Each simulated user comes from its own address
(X-Forwarded-For, with the server trusting one proxy), as through a reverse
proxy, so the per-address sign-in limit sees many people, not one.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from http.cookiejar import Cookie

from locust import FastHttpUser, between, tag, task

FIXTURES = json.loads(open(os.environ["LOAD_FIXTURES"], encoding="utf-8").read())  # noqa: SIM115, PTH123
SLUG = FIXTURES["slug"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Seconds each simulated user waits between requests: LOAD_WAIT="low,high" (default 0.05,0.15).
WAIT = between(*(float(x) for x in os.environ.get("LOAD_WAIT", "0.05,0.15").split(",")))
_lock = threading.Lock()
_next = {"member": 0, "address": 0}


def _take(kind: str) -> int:
    with _lock:
        _next[kind] += 1
        return _next[kind]


def _session_cookie(value: str, host: str) -> Cookie:
    return Cookie(0, "sessionid", value, None, False, host, False, False, "/", True, False, None, False, None, None, {})


def post_then_follow(user, path, headers, name, then, data):
    """POST, then ask for the page it redirects to, as a browser does: two requests, each timed as itself."""
    with user.client.post(path, headers=headers, name=name, data=data, allow_redirects=False,
                          catch_response=True) as sent:
        if sent.status_code != 302:
            sent.failure(f"{name} answered {sent.status_code}, not a redirect")
            return
        location = sent.headers.get("Location", "")
    user.client.get(location, headers=headers, name=then)


class Visitor(FastHttpUser):
    """Someone reading what a programme publishes, and now and then asking for a sign-in link."""

    weight = int(os.environ.get("LOAD_VISITOR_WEIGHT", "1"))
    wait_time = WAIT

    def on_start(self):
        n = _take("address")
        self.headers = {"X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"}

    @task(6)
    @tag("public")
    def programme(self):
        self.client.get(f"/programmes/{SLUG}/", headers=self.headers, name="public: programme page")

    @task(4)
    @tag("public")
    def learning(self):
        self.client.get(f"/programmes/{SLUG}/learning/", headers=self.headers, name="public: learning feed")

    @task(2)
    @tag("public")
    def atom(self):
        self.client.get(f"/programmes/{SLUG}/learning.atom", headers=self.headers, name="public: Atom feed")

    @task(1)
    @tag("member")
    def sign_in(self):
        # From an address of its own each time (the per-address limit is 30 in 15 minutes), for a member
        # picked at random (5 a member in 15 minutes): the form for its CSRF token, then the POST.
        headers = {"X-Forwarded-For": f"10.3.{random.randrange(250)}.{random.randrange(1, 251)}"}
        with self.client.get("/sign-in/", headers=headers, name="sign-in: GET form", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            if not token:
                page.failure("no CSRF token on the sign-in page")
                return
        post_then_follow(self, "/sign-in/", headers, "sign-in: POST", "sign-in: check your email", {
            "csrfmiddlewaretoken": token[1], "email": f"member{random.randrange(FIXTURES['people'])}@big.example.org"})


class Member(FastHttpUser):
    """A member of the round, signed in (a session prepared for them): their round page, their account
    page, and their check-in (the emailed link, then the form sent)."""

    weight = int(os.environ.get("LOAD_MEMBER_WEIGHT", "1"))
    wait_time = WAIT

    def on_start(self):
        n = _take("member")
        self.member = FIXTURES["members"][n % len(FIXTURES["members"])]
        self.headers = {"X-Forwarded-For": f"10.2.{n // 250}.{n % 250 + 1}"}
        self.client.cookiejar.set_cookie(_session_cookie(self.member["session"], FIXTURES["host"]))

    @task(3)
    @tag("member")
    def round_page(self):
        self.client.get(f"/programmes/{SLUG}/rounds/{FIXTURES['round']}/", headers=self.headers,
                        name="signed in: round page")

    @task(3)
    @tag("member")
    def account(self):
        self.client.get("/account/", headers=self.headers, name="signed in: account page")

    @task(2)
    @tag("member")
    def check_in(self):
        path = self.member["checkin"]
        with self.client.get(path, headers=self.headers, name="check-in: GET", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            if not token:
                page.failure("no CSRF token on the check-in page")
                return
        post_then_follow(self, path, self.headers, "check-in: POST", "check-in: sent", {
            "csrfmiddlewaretoken": token[1], "met": "yes", "minutes": "30", "challenge": str(random.randint(1, 5)),
            "learned": "Load test: a short learning.", "shared_url": "", "publish": "private"})
