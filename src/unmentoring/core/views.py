"""Views every app shares: error pages (500, and 503 for a locked database), the "this link is not valid" page,
throttling responses."""

import hashlib
import sys
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db.utils import OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django_tasks_db.utils import is_locked_database_exception

BUSY_RETRY_AFTER_SECONDS = 30


def page_asked(request, items, per_page: int):
    """The page ?page= asks for: ASCII digits naming a page that exists, or a 404 (never a quiet last page)."""
    asked = request.GET.get("page", "1")
    if not (asked.isascii() and asked.isdigit()):
        raise Http404("No such page.")
    try:
        return Paginator(items, per_page).page(int(asked))
    except InvalidPage as error:
        raise Http404("No such page.") from error


def whole_number(value: str) -> int:
    """A posted id as a number, or 0 (no row has it) for anything but ASCII digits."""
    return int(value) if value.isascii() and value.isdigit() else 0


def client_ip(request) -> str | None:
    """The caller's address; behind TRUSTED_PROXY_COUNT proxies, taken from X-Forwarded-For."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


def too_many_requests(request, *, retry_after_minutes: int):
    response = render(request, "429.html", {"retry_after_minutes": retry_after_minutes}, status=429)
    response["Retry-After"] = str(retry_after_minutes * 60)
    return response


def bad_link(request, error, *, status: int = 400):
    """A page saying why an emailed link or a request cannot be acted on (an ApplicationError's message)."""
    return render(request, "core/bad_link.html", {"error": str(error)}, status=status)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """An unexpected error, or a write that waited too long for a lock (SQLite's busy timeout, PostgreSQL's
    lock_timeout): then 503, "busy, try again".

    Django calls this inside its exception handling for an exception raised anywhere in the request,
    the middleware's own work (saving the session) included, so the lock is recognised wherever it bites.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError) and (is_locked_database_exception(error) or _gave_up_waiting_for_a_lock(error)):
        response = render(request, "503.html", {"retry_after_seconds": BUSY_RETRY_AFTER_SECONDS}, status=503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(get_template("500.html").render())


def _gave_up_waiting_for_a_lock(error: OperationalError) -> bool:
    """PostgreSQL's lock_timeout ran out (SQLSTATE 55P03, lock_not_available): the row is busy, not broken."""
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


# Headers a cached public page is served with again (the rest the middleware adds to every response).
_KEPT_HEADERS = ("Content-Type", "Link", "Content-Language")


def public_page_cache(view):
    """Keep a copy of a public page, rendered for a visitor who is not signed in, for at most
    PUBLIC_PAGE_CACHE_SECONDS (a microcache: under load each process renders the page once in that time, not
    once a visit). ``PublicPageCacheMiddleware`` serves the copies.

    Never kept: a signed-in visitor's page (it names them), anything but a GET answered 200, a response
    that sets a cookie, carries a form's CSRF token or a one-off message for this visitor. So a learning
    unpublished or hidden leaves the public pages within that many seconds (docs/design.md).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        if (seconds > 0 and request.method == "GET" and not request.user.is_authenticated
                and response.status_code == 200 and not response.streaming and not response.cookies
                and b"csrfmiddlewaretoken" not in response.content and not _showed_messages(request)):
            cache.set(_cache_key(request), (response.content, {h: response[h] for h in _KEPT_HEADERS if h in response}),
                      seconds)
        return response

    return wrapper


def _showed_messages(request) -> bool:
    """Whether the page shows this visitor a one-off message (its template read them), without reading them."""
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.used)


def _cache_key(request) -> str:
    """The page's address as asked for: host (checked against ALLOWED_HOSTS, as a view's request would be),
    scheme and path, since a feed's links are built from the host it was asked on."""
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "public-page:" + hashlib.sha256(address.encode()).hexdigest()


def _cached_response(found) -> HttpResponse:
    content, headers = found
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    # A signed-in visitor's page differs: a shared cache between here and the browser must not mix them.
    patch_vary_headers(response, ["Cookie"])
    return response


class PublicPageCacheMiddleware:
    """Serve the copy ``public_page_cache`` kept, before sessions, authentication, CSRF and messages run, to
    a GET that carries no session cookie (such a visitor cannot be signed in) and no messages cookie. Placed
    after the middleware that adds security headers, so every copy served still carries them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session (so not signed in) and no one-off messages waiting in their cookie.
        if (request.method == "GET" and settings.PUBLIC_PAGE_CACHE_SECONDS > 0
                and settings.SESSION_COOKIE_NAME not in request.COOKIES
                and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES):
            if (found := cache.get(_cache_key(request))) is not None:
                return _cached_response(found)
        return self.get_response(request)
