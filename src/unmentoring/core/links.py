import functools
import re
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Marks where each argument goes in a kept path. Only the `str` and `path` converters take a colon, so a
# path made with these marks is one whose arguments may be any text without a slash.
_MARK = "::{}::"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse leaves unquoted, with letters, digits and "_.-"
_NEEDS_NO_QUOTING = re.compile(r"[A-Za-z0-9_.\-~:@!$&'()*+,;=]+")


def absolute_url(viewname: str, *, kwargs: dict | None = None, query: str = "") -> str:
    """A full link for emails: SITE_URL plus the reversed path (and an optional query string).

    A round's emails carry half a million signed links, and ``reverse`` takes about 50 µs each, matching
    the patterns afresh every time. So a path whose arguments are free text is reversed once, with marks
    where the arguments go, and kept; each link fills the marks in, quoted as ``reverse`` quotes them.
    Anything else (a slash or a mark in a value, a number or slug in the path) goes through ``reverse``.
    """
    return settings.SITE_URL + _path(viewname, kwargs or {}) + (f"?{query}" if query else "")


def _path(viewname: str, kwargs: dict) -> str:
    names = tuple(sorted(kwargs))
    kept = _kept_path(viewname, names, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF) if names else None
    if kept is None:
        return reverse(viewname, kwargs=kwargs)
    for index, name in enumerate(names):
        text = str(kwargs[name])
        if not text or "/" in text or "::" in text:
            return reverse(viewname, kwargs=kwargs)
        # As reverse quotes it; a signed token has nothing to quote, and is checked in one step.
        kept = kept.replace(_MARK.format(index), text if _NEEDS_NO_QUOTING.fullmatch(text) else quote(text, safe=_SAFE))
    return kept


@functools.lru_cache(maxsize=256)
def _kept_path(viewname: str, names: tuple[str, ...], script_prefix: str, urlconf) -> str | None:
    """The view's path with a mark for each argument, if every argument takes any text without a slash."""
    marks = {name: _MARK.format(index) for index, name in enumerate(names)}
    try:
        path = reverse(viewname, kwargs=marks, urlconf=urlconf)
        if not all(path.count(mark) == 1 for mark in marks.values()):
            return None
        # Kept only if reverse fills the marks in as _path would, for a number and for mixed text: so not a
        # converter that changes or refuses text, nor a second pattern of the same name taking numbers.
        for probe in ("12345", "Ab c%é:~"):
            filled = path
            for mark in marks.values():
                filled = filled.replace(mark, quote(probe, safe=_SAFE))
            if reverse(viewname, kwargs=dict.fromkeys(names, probe), urlconf=urlconf) != filled:
                return None
    except NoReverseMatch:
        return None
    return path


@receiver(setting_changed)
def _forget_kept_paths(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _kept_path.cache_clear()
