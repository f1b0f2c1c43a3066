from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.accounts.services import Throttled
from unmentoring.core import tokens
from unmentoring.programmes.models import PendingSignUp
from unmentoring.core.views import client_ip, too_many_requests
from unmentoring.programmes import services
from unmentoring.programmes.forms import MembershipDetailsForm, PauseForm, SignUpForm
from unmentoring.programmes.selectors import membership_of, programme_get

DETAIL_FIELDS = ["organisation", "role", "phone", "video_kind", "video_handle", "happy_to_talk_about", "rhythm"]


def _details(data: dict) -> services.MembershipDetails:
    return services.MembershipDetails(
        **{name: data[name] for name in DETAIL_FIELDS}, text_reminders=data.get("text_reminders", False)
    )


def detail(request, slug):
    from unmentoring.rounds.selectors import rounds_of

    programme = programme_get(slug=slug)
    return render(request, "programmes/detail.html", {"programme": programme, **rounds_of(programme)})


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
def confirm(request, token):
    """Confirm a sign-up from its emailed link; the GET only shows it (mail scanners follow links)."""
    try:
        pending_id = tokens.read("signup", token)
    except tokens.BadToken:
        pending_id = None
    pending = PendingSignUp.objects.select_related("programme").filter(pk=pending_id).first() if pending_id else None
    if pending is None:
        return render(request, "programmes/confirm.html", {"pending": None}, status=400)
    if request.method == "GET":
        return render(request, "programmes/confirm.html", {"pending": pending})
    membership = services.sign_up_confirm(pending_id=pending.pk)
    login(request, membership.person, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Email address confirmed. You are signed up to {membership.programme.name}.")
    return redirect("accounts:home")


def check_email(request, slug):
    programme = programme_get(slug=slug)
    return render(
        request, "programmes/check_email.html", {"programme": programme, "email": request.session.get("signed_up_email", "")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_details(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    initial = {name: getattr(membership, name) for name in DETAIL_FIELDS} | {"text_reminders": membership.sms_agreed_at is not None}
    form = MembershipDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.membership_update(membership=membership, details=_details(form.cleaned_data))
        messages.success(request, f"Your details for {membership.programme.name} have been saved.")
        return redirect("accounts:home")
    return render(request, "programmes/membership_details.html", {"membership": membership, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def membership_pause(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_pause(membership=membership, until=form.cleaned_data["paused_until"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"You are paused from {membership.programme.name} until {membership.paused_until:%-d %B %Y}.",
            )
            return redirect("accounts:home")
    return render(request, "programmes/membership_pause.html", {"membership": membership, "form": form})


@login_required
@require_POST
def membership_resume(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    try:
        services.membership_resume(membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Welcome back. You will be matched in the next round of {membership.programme.name}.")
    return redirect("accounts:home")


@login_required
@require_http_methods(["GET", "POST"])
def membership_leave(request, slug):
    membership = membership_of(person=request.user, slug=slug)
    if request.method == "POST":
        try:
            services.membership_leave(membership=membership)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"You have left {membership.programme.name}.")
        return redirect("accounts:home")
    return render(request, "programmes/membership_leave.html", {"membership": membership})
