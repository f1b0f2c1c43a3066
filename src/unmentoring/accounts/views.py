import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from sesame.utils import get_user

from unmentoring.accounts import backends, services
from unmentoring.accounts.forms import DeleteAccountForm, PersonDetailsForm, SignInForm
from unmentoring.core.errors import ApplicationError
from unmentoring.core.views import client_ip, too_many_requests


@require_http_methods(["GET", "POST"])
def sign_in(request):
    # Where to go once signed in (the admin sends people here with ?next=/admin/): only paths on this site.
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = SignInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_request(email=form.cleaned_data["email"], ip=client_ip(request), next_url=next_url)
        except services.Throttled as throttled:
            return too_many_requests(request, retry_after_minutes=throttled.retry_after_minutes)
        return redirect("accounts:check-email")
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


def check_email(request):
    return render(request, "accounts/check_email.html")


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


@require_http_methods(["GET", "POST"])
def sign_in_link(request):
    """GET shows a button; only the POST uses the link, so mail scanners that follow links cannot spend it."""
    token = request.POST.get(settings.SESAME_TOKEN_NAME) or request.GET.get(settings.SESAME_TOKEN_NAME, "")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "GET":
        valid = get_user(token, update_last_login=False) is not None if token else False
        return render(
            request, "accounts/sign_in_link.html", {"token": token, "next": next_url, "valid": valid}, status=200 if valid else 400
        )
    person = get_user(token, update_last_login=False) if token else None
    # Spending the link is a compare-and-set on last_login: of two requests with one link, one wins. In one
    # transaction with the new session, so that a failure (a locked database) leaves the link unspent.
    with transaction.atomic():
        if person is None or not services.person_spend_sign_in_link(person=person):
            return render(request, "accounts/sign_in_link.html", {"valid": False}, status=400)
        services.person_confirm_email(person=person)
        login(request, person, backend=backends.PATH)
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)


@require_POST
def sign_out(request):
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("site:home")


@login_required
@require_http_methods(["GET", "POST"])
def details(request):
    form = PersonDetailsForm(request.POST if request.method == "POST" else None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        services.person_update(person=request.user, details=services.PersonDetails(**form.cleaned_data))
        messages.success(request, "Your name has been updated.")
        return redirect("site:account")
    return render(request, "accounts/details.html", {"form": form})


@login_required
def download_data(request):
    data = services.person_export(person=request.user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmentoring-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = request.user
        logout(request)
        services.person_erase(person=person)
        messages.success(request, "Your account has been deleted.")
        return redirect("site:home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_POST
def block_remove(request, pk):
    try:
        services.block_remove(blocker=request.user, block_id=pk)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Block removed. You may be matched with them again.")
    return redirect(reverse("site:account") + "#blocks")
