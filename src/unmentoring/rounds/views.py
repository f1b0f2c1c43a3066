from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.core.errors import ApplicationError
from unmentoring.core.views import bad_link
from unmentoring.programmes.models import Membership
from unmentoring.rounds.calendar import calendar_file
from unmentoring.rounds.forms import CheckInForm
from unmentoring.rounds.links import CALENDAR, CHECKIN, REMATCH, SKIP
from unmentoring.rounds.models import Round, Seat
from unmentoring.rounds.selectors import round_get, seat_by_link, seats_of
from unmentoring.rounds.services.checkins import checkin_record
from unmentoring.rounds.services.lifecycle import round_skip
from unmentoring.rounds.services.rematch import seat_request_rematch


def detail(request, slug, number):
    rnd = round_get(slug=slug, number=number)
    groups = seats_of(person=request.user, rnd=rnd) if request.user.is_authenticated else []
    return render(request, "rounds/detail.html", {
        "round": rnd, "programme": rnd.programme, "my_groups": groups,
        "group_count": rnd.groups.filter(is_rematch=False).count() if rnd.seed_revealed else None,
    })


@require_http_methods(["GET", "POST"])
def checkin(request, token):
    found = seat_by_link(CHECKIN, token)
    if found is None:
        return bad_link(request, "This check-in link is not valid or has expired.")
    seat, others = found
    existing = getattr(seat, "checkin", None)
    form = CheckInForm(request.POST if request.method == "POST" else None, initial={"met": existing.met if existing else None})
    if request.method == "POST" and form.is_valid():
        try:
            checkin_record(seat_id=seat.pk, met=form.cleaned_data["met"])
        except ApplicationError as error:
            return bad_link(request, error)
        return render(request, "rounds/checkin_done.html", {"seat": seat, "met": form.cleaned_data["met"]})
    return render(request, "rounds/checkin.html", {"form": form, "seat": seat, "others": others})


@require_http_methods(["GET", "POST"])
def rematch(request, token):
    found = seat_by_link(REMATCH, token)
    if found is None:
        return bad_link(request, "This link is not valid or has expired.")
    seat, others = found
    if request.method == "POST":
        try:
            seat = seat_request_rematch(seat_id=seat.pk)
        except ApplicationError as error:
            return bad_link(request, error, status=409)
        return render(request, "rounds/rematch_done.html", {"seat": seat})
    return render(request, "rounds/rematch.html", {"seat": seat, "others": others, "token": token})


@login_required
@require_POST
def rematch_signed_in(request, slug, number):
    rnd = round_get(slug=slug, number=number)
    seat_id = request.POST.get("seat", "")
    seat = get_object_or_404(Seat, group__round=rnd, membership__person=request.user, pk=int(seat_id) if seat_id.isascii() and seat_id.isdigit() else 0)
    try:
        seat = seat_request_rematch(seat_id=seat.pk)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(rnd)
    return render(request, "rounds/rematch_done.html", {"seat": seat})


@require_http_methods(["GET", "POST"])
def skip(request, token):
    pair = SKIP.read_or_none(token)
    if pair is None:
        return bad_link(request, "This link is not valid or has expired.")
    round_id, membership_id = pair
    rnd = Round.objects.select_related("programme").filter(pk=round_id).first()
    membership = Membership.objects.filter(pk=membership_id).first()
    if rnd is None or membership is None:
        return bad_link(request, "This link is not valid or has expired.")
    if request.method == "POST":
        try:
            membership = round_skip(round_id=round_id, membership_id=membership_id)
        except ApplicationError as error:
            return bad_link(request, error, status=409)
        return render(request, "rounds/skip_done.html", {"round": rnd, "membership": membership})
    return render(request, "rounds/skip.html", {"round": rnd, "token": token})


def calendar(request, token):
    found = seat_by_link(CALENDAR, token)
    if found is None:
        return bad_link(request, "This calendar link is not valid or has expired.")
    seat, others = found
    response = HttpResponse(calendar_file(seat, others), content_type="text/calendar; method=PUBLISH; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{seat.group.round.number}.ics"'
    return response
