from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.accounts import backends
from unmentoring.accounts.services import Throttled
from unmentoring.core.errors import ApplicationError
from unmentoring.core.views import bad_link, client_ip, too_many_requests
from unmentoring.programmes import services
from unmentoring.programmes.enums import PauseReason
from unmentoring.programmes.forms import InvitationForm, MembershipDetailsForm, PauseForm, SignUpForm
from unmentoring.programmes.links import DIGESTS_OFF, INVITE, RESUME, SIGN_UP, UNSUBSCRIBE
from unmentoring.programmes.models import Invitation, Membership, PendingSignUp
from unmentoring.programmes.selectors import membership_of, programme_get

DETAIL_FIELDS = ["organisation", "role", "phone", "video_kind", "video_handle", "happy_to_talk_about", "rhythm"]


def _details(data: dict) -> services.MembershipDetails:
    return services.MembershipDetails(
        **{name: data[name] for name in DETAIL_FIELDS}, text_reminders=data.get("text_reminders", False)
    )


@require_http_methods(["GET", "POST"])
def join(request, slug):
    programme = programme_get(slug=slug)
    if not programme.is_open:
        return render(request, "programmes/invite_only.html", {"programme": programme}, status=403)
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sign_up = services.SignUp(
            full_name=data["full_name"],
            email=data["email"],
            details=_details(data),
        )
        try:
            services.membership_sign_up(programme=programme, sign_up=sign_up, ip=client_ip(request))
        except Throttled as throttled:
            return too_many_requests(request, retry_after_minutes=throttled.retry_after_minutes)
        request.session["signed_up_email"] = data["email"]
        return redirect("programmes:check-email", slug=programme.slug)
    return render(request, "programmes/join.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """Join from an invitation (invite-only programmes too): the details pre-filled from what the organisers
    had, the consents given here, by the person."""
    invitation_id = INVITE.read_or_none(token)
    found = Invitation.objects.select_related("programme").filter(pk=invitation_id).first() if invitation_id else None
    if found is None or found.accepted_at is not None:
        return bad_link(request, "This invitation is not valid, has expired or has been used. Ask the organisers "
                                 "for a new one, or sign in if you joined.")
    initial = {"full_name": found.full_name, "organisation": found.organisation, "role": found.role, "phone": found.phone}
    form = InvitationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(invitation_id=found.pk, full_name=form.cleaned_data["full_name"],
                                                    details=_details(form.cleaned_data))
        except ApplicationError as error:
            return bad_link(request, error, status=409)
        login(request, membership.person, backend=backends.PATH)
        messages.success(request, f"You have joined {membership.programme.name}.")
        return redirect("site:account")
    return render(request, "programmes/invitation.html", {"invitation": found, "programme": found.programme, "form": form})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """Confirm a sign-up from its emailed link; the GET only shows it (mail scanners follow links)."""
    pending_id = SIGN_UP.read_or_none(token)
    pending = PendingSignUp.objects.select_related("programme").filter(pk=pending_id).first() if pending_id else None
    if pending is None:
        return render(request, "programmes/confirm.html", {"pending": None}, status=400)
    if request.method == "GET":
        return render(request, "programmes/confirm.html", {"pending": pending})
    try:
        membership = services.sign_up_confirm(pending_id=pending.pk)
    except ApplicationError:  # the same link, posted twice at once: the other request confirmed it
        return render(request, "programmes/confirm.html", {"pending": None}, status=409)
    login(request, membership.person, backend=backends.PATH)
    messages.success(request, f"Email address confirmed. You are signed up to {membership.programme.name}.")
    return redirect("site:account")


def check_email(request, slug):
    programme = programme_get(slug=slug)
    # Shown once, then forgotten: the session does not keep the address for its 30 days.
    email = request.session.pop("signed_up_email", "")
    return render(request, "programmes/check_email.html", {"programme": programme, "email": email})


@login_required
@require_http_methods(["GET", "POST"])
def membership_details(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    initial = {name: getattr(membership, name) for name in DETAIL_FIELDS} | {"text_reminders": membership.sms_agreed_at is not None}
    form = MembershipDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.membership_update(membership=membership, details=_details(form.cleaned_data))
        messages.success(request, f"Your details for {membership.programme.name} have been saved.")
        return redirect("site:account")
    return render(request, "programmes/membership_details.html", {"membership": membership, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def membership_pause(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_pause(
                membership=membership, until=form.cleaned_data["paused_until"], reason=PauseReason.ASKED
            )
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"You are paused from {membership.programme.name} until {membership.paused_until:%-d %B %Y}.",
            )
            return redirect("site:account")
    return render(request, "programmes/membership_pause.html", {"membership": membership, "form": form})


@login_required
@require_POST
def membership_resume(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    try:
        services.membership_resume(membership=membership)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Welcome back. You will be matched in the next round of {membership.programme.name}.")
    return redirect("site:account")


@login_required
@require_http_methods(["GET", "POST"])
def membership_leave(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    if request.method == "POST":
        services.membership_leave(membership=membership)
        messages.success(request, f"You have left {membership.programme.name}.")
        return redirect("site:account")
    return render(request, "programmes/membership_leave.html", {"membership": membership})


def _membership_from(link, token: str) -> Membership | None:
    membership_id = link.read_or_none(token)
    return Membership.objects.select_related("programme").filter(pk=membership_id).first() if membership_id else None


def _one_click(request, token, *, link, act, done: str, page: str, said: str):
    """An RFC 8058 one-click link (unsubscribe, no more round-ups): a page with a button on GET; the change
    on POST, from that button or from a mail client's POST of "List-Unsubscribe=One-Click" (no cookie, no
    CSRF token: the views are csrf_exempt), which gets ``said`` as plain text."""
    membership = _membership_from(link, token)
    if membership is None:
        return bad_link(request, "This link is not valid.")
    if request.method == "POST":
        membership = act(membership)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(said, content_type="text/plain")
        return render(request, done, {"membership": membership})
    return render(request, page, {"membership": membership, "token": token})


@csrf_exempt  # RFC 8058 (see _one_click)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    return _one_click(request, token, link=UNSUBSCRIBE, act=lambda m: services.membership_leave(membership=m),
                      done="programmes/unsubscribe_done.html", page="programmes/unsubscribe.html", said="Unsubscribed.")


@require_http_methods(["GET", "POST"])
def resume(request, token):
    """The one-click "resume" link in the email that says a member was paused."""
    membership = _membership_from(RESUME, token)
    if membership is None:
        return bad_link(request, "This link is not valid or has expired.")
    if request.method == "POST":
        try:
            membership = services.membership_resume(membership=membership)
        except ApplicationError as error:
            return bad_link(request, error, status=409)
        return render(request, "programmes/resume_done.html", {"membership": membership})
    return render(request, "programmes/resume.html", {"membership": membership, "token": token})


@login_required
@require_POST
def membership_digests(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    if request.POST.get("digests") not in ("on", "off"):
        return HttpResponseBadRequest("Choose on or off.")
    wanted = request.POST["digests"] == "on"
    services.membership_set_digests(membership=membership, wanted=wanted)
    messages.success(request, f"You will {'get' if wanted else 'no longer get'} a round-up email after each round of "
                              f"{membership.programme.name}.")
    return redirect("site:account")


@csrf_exempt  # the round-up's RFC 8058 List-Unsubscribe (see _one_click)
@require_http_methods(["GET", "POST"])
def digests_off(request, token):
    """The "no more round-up emails" link in a round-up."""
    return _one_click(request, token, link=DIGESTS_OFF,
                      act=lambda m: services.membership_set_digests(membership=m, wanted=False),
                      done="programmes/digests_off_done.html", page="programmes/digests_off.html",
                      said="No more round-up emails.")
