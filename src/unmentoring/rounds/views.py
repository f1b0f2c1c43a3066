from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.outcomes.services import report_submit
from unmentoring.programmes.models import Membership
from unmentoring.core import tokens
from unmentoring.rounds import services
from unmentoring.rounds.emails import calendar_file, load_seat
from unmentoring.rounds.forms import CheckInForm, ReportForm
from unmentoring.rounds.models import GroupMember, Round
from unmentoring.rounds.selectors import round_get, seats_of


def _bad_link(request, error: str, status: int = 400):
    return render(request, "rounds/bad_link.html", {"error": error}, status=status)


def _token_or_none(kind: str, token: str) -> int | None:
    try:
        return tokens.read(kind, token)
    except tokens.BadToken:
        return None


def _seat_id(kind: str, token: str) -> int | None:
    """The seat a signed link is for, if the link is good and its member is still there."""
    seat_id = _token_or_none(kind, token)
    if seat_id is None or not GroupMember.objects.filter(pk=seat_id, membership__isnull=False).exists():
        return None
    return seat_id


def _membership(kind: str, token: str) -> Membership | None:
    membership_id = _token_or_none(kind, token)
    return Membership.objects.select_related("programme").filter(pk=membership_id).first() if membership_id else None


def detail(request, slug, number):
    rnd = round_get(slug=slug, number=number)
    groups = seats_of(person=request.user, rnd=rnd) if request.user.is_authenticated else []
    return render(request, "rounds/detail.html", {
        "round": rnd, "programme": rnd.programme, "my_groups": groups,
        "group_count": rnd.groups.filter(is_rematch=False).count() if rnd.seed_revealed else None,
    })


@require_http_methods(["GET", "POST"])
def checkin(request, token):
    seat_id = _seat_id("checkin", token)
    if seat_id is None:
        return _bad_link(request, "This check-in link is not valid or has expired.")
    seat, others = load_seat(seat_id)
    existing = getattr(seat, "checkin", None)
    form = CheckInForm(request.POST if request.method == "POST" else None, initial={"met": existing.met if existing else None})
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(seat_id=seat_id, met=form.cleaned_data["met"])
        except services.RoundError as error:
            return _bad_link(request, str(error))
        return render(request, "rounds/checkin_done.html", {"seat": seat, "met": form.cleaned_data["met"]})
    return render(request, "rounds/checkin.html", {"form": form, "seat": seat, "others": others})


@require_http_methods(["GET", "POST"])
def rematch(request, token):
    seat_id = _seat_id("rematch", token)
    if seat_id is None:
        return _bad_link(request, "This link is not valid or has expired.")
    seat, others = load_seat(seat_id)
    if request.method == "POST":
        try:
            seat = services.seat_request_rematch(seat_id=seat_id)
        except services.RoundError as error:
            return _bad_link(request, str(error), status=409)
        return render(request, "rounds/rematch_done.html", {"seat": seat})
    return render(request, "rounds/rematch.html", {"seat": seat, "others": others, "token": token})


@login_required
@require_POST
def rematch_signed_in(request, slug, number):
    rnd = round_get(slug=slug, number=number)
    seat_id = request.POST.get("seat", "")
    seat = get_object_or_404(GroupMember, group__round=rnd, membership__person=request.user, pk=int(seat_id) if seat_id.isdigit() else 0)
    try:
        seat = services.seat_request_rematch(seat_id=seat.pk)
    except services.RoundError as error:
        messages.error(request, str(error))
        return redirect(rnd)
    return render(request, "rounds/rematch_done.html", {"seat": seat})


@require_http_methods(["GET", "POST"])
def skip(request, token):
    try:
        round_id, membership_id = tokens.read_pair("skip", token)
    except tokens.BadToken:
        return _bad_link(request, "This link is not valid or has expired.")
    rnd = Round.objects.select_related("programme").filter(pk=round_id).first()
    membership = Membership.objects.filter(pk=membership_id).first()
    if rnd is None or membership is None:
        return _bad_link(request, "This link is not valid or has expired.")
    if request.method == "POST":
        try:
            membership = services.membership_skip_round(round_id=round_id, membership_id=membership_id)
        except (services.RoundError, ValidationError) as error:
            return _bad_link(request, error.messages[0] if isinstance(error, ValidationError) else str(error), status=409)
        return render(request, "rounds/skip_done.html", {"round": rnd, "membership": membership})
    return render(request, "rounds/skip.html", {"round": rnd, "token": token})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookies or token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    membership = _membership("unsubscribe", token)
    if membership is None:
        return _bad_link(request, "This unsubscribe link is not valid.")
    if request.method == "POST":
        services.membership_unsubscribe(membership_id=membership.pk)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse("Unsubscribed.", content_type="text/plain")
        return render(request, "rounds/unsubscribe_done.html", {"membership": membership})
    return render(request, "rounds/unsubscribe.html", {"membership": membership, "token": token})


@require_http_methods(["GET", "POST"])
def resume(request, token):
    membership = _membership("resume", token)
    if membership is None:
        return _bad_link(request, "This link is not valid or has expired.")
    if request.method == "POST":
        try:
            membership = services.membership_resume_by_link(membership_id=membership.pk)
        except services.RoundError as error:
            return _bad_link(request, str(error), status=409)
        return render(request, "rounds/resume_done.html", {"membership": membership})
    return render(request, "rounds/resume.html", {"membership": membership, "token": token})


@require_http_methods(["GET", "POST"])
def report(request, token):
    seat_id = _seat_id("report", token)
    if seat_id is None:
        return _bad_link(request, "This link is not valid or has expired.")
    seat, others = load_seat(seat_id)
    form = ReportForm(request.POST if request.method == "POST" else None, others=others)
    if request.method == "POST" and form.is_valid():
        about = next(o for o in others if o.pk == form.cleaned_data["about"])
        report_submit(seat=seat, about=about, what_happened=form.cleaned_data["what_happened"], block=form.cleaned_data["block"])
        return render(request, "rounds/report_done.html", {"blocked": form.cleaned_data["block"]})
    return render(request, "rounds/report.html", {"form": form, "seat": seat})


def calendar(request, token):
    seat_id = _seat_id("calendar", token)
    if seat_id is None:
        return _bad_link(request, "This calendar link is not valid or has expired.")
    seat, others = load_seat(seat_id)
    response = HttpResponse(calendar_file(seat, others), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{seat.group.round.number}.ics"'
    return response
