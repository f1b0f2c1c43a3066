"""Views every app shares: error pages, the "this link is not valid" page, throttling responses."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template


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
    return HttpResponseServerError(get_template("500.html").render())


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
