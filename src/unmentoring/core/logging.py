"""Tokens never reach a log: the signed links in URL paths (/join/confirm/<token>/, /r/check-in/<token>/ …)
and sign-in tokens in query strings are replaced by "[token]" in every log line, Django's and gunicorn's."""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornBaseLogger

REDACTED = "[token]"
_PATH_TOKEN = re.compile(r"(/(?:join/confirm|r/[a-z-]+)/)([^/?#\s\"']+?)(\.ics)?(?=[/?#\s\"']|$)")
_QUERY_TOKEN = re.compile(r"([?&](?:token|next)=)[^&\s\"']+")


def redact(text: str) -> str:
    text = _PATH_TOKEN.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3) or ''}", text)
    return _QUERY_TOKEN.sub(lambda m: f"{m.group(1)}{REDACTED}", text)


class RedactTokens(logging.Filter):
    """A logging filter (on our handlers) that redacts tokens from the formatted message and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's access and error logs, with tokens redacted (the same filter as Django's)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(RedactTokens())
