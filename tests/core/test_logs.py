"""Tokens in URL paths and query strings never reach a log line: gunicorn's access log or Django's error log."""

import urllib.error
import urllib.request

import pytest

from tests.core.processes import Stack, wait_until
from unmentoring.core.logging import redact


@pytest.mark.parametrize(("line", "expected"), [
    ('"GET /join/confirm/MQ:1tYx2a:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/" 200', '"GET /join/confirm/[token]/" 200'),
    ("Bad Request: /r/check-in/NDI:1tYx2a:abcdefghijklmnopqrstuvwxyz_-0123/", "Bad Request: /r/check-in/[token]/"),
    ("GET /r/calendar/Mw:1tYx:sig_sig-sig.ics", "GET /r/calendar/[token].ics"),
    ("GET /sign-in/link/?token=AAAAAAAA.bbbb&next=/admin/ 200", "GET /sign-in/link/?token=[token]&next=[token] 200"),
    ("GET /programmes/coffee/rounds/3/ 200", "GET /programmes/coffee/rounds/3/ 200"),
])
def test_tokens_are_redacted_and_other_paths_are_kept(line, expected):
    assert redact(line) == expected


def test_the_running_service_logs_no_token(tmp_path):
    stack = Stack(tmp_path)
    log = tmp_path / "serve.log"
    serve = stack.start("serve", "--port", str(stack.port), "--workers", "1", "--tick-every", "3600", log=log)
    token = "MQ:1tYx2a:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    try:
        stack.wait_for_web()
        for path in (f"/join/confirm/{token}/", f"/r/check-in/{token}/", f"/r/calendar/{token}.ics",
                     f"/sign-in/link/?token={token}"):
            try:
                urllib.request.urlopen(stack.url(path), timeout=10)
            except urllib.error.HTTPError as refused:
                assert refused.code == 400  # a bad link: logged by Django as a warning, with the path
        wait_until(lambda: log.read_text().count("/r/calendar/[token].ics") >= 1, 20, "the access log")
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    text = log.read_text()
    assert "Bad Request: /r/check-in/[token]/" in text  # Django's error log
    assert '"GET /join/confirm/[token]/" 400' in text  # gunicorn's access log
    assert token not in text and "1tYx2a" not in text
