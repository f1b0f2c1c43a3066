from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.core.errors import ApplicationError
from unmentoring.core.views import bad_link, whole_number
from unmentoring.programmes.enums import MembershipStatus
from unmentoring.programmes.models import Membership
from unmentoring.rounds.calendar import calendar_file
from unmentoring.rounds.enums import Met, RoundState
from unmentoring.rounds.forms import CHECKIN_DEFAULTS, CheckInForm
from unmentoring.rounds.links import CALENDAR, CHECKIN, REMATCH, SKIP
from unmentoring.rounds.models import CheckIn, Round, Seat
from unmentoring.rounds.selectors import round_figures, round_get, seat_by_link, seats_of
from unmentoring.rounds.services.checkins import CheckInAnswer, checkin_record, checkin_unpublish
from unmentoring.rounds.services.lifecycle import round_skip
from unmentoring.rounds.services.rematch import seat_request_rematch
from unmentoring.rounds.sharing import share_post


def detail(request, slug, number):
    rnd = round_get(slug=slug, number=number, count_groups=True)
    groups = seats_of(person=request.user, rnd=rnd) if request.user.is_authenticated else []
    return render(request, "rounds/detail.html", {
        "round": rnd, "programme": rnd.programme, "my_groups": groups,
        "group_count": rnd.group_count if rnd.seed_revealed else None,  # new matches too, as the round-up
        "figures": round_figures(rnd) if rnd.state == RoundState.CLOSED else None,
    })


def _checkin_initial(request, existing: CheckIn | None) -> dict:
    """The form as the member left it, with a one-click start from the email (?met=yes) chosen over it."""
    initial = {name: getattr(existing, name) for name in CheckInForm.base_fields} if existing is not None else {}
    met = request.GET.get("met", "")
    return {**initial, "met": met} if met in Met.values else initial


@require_http_methods(["GET", "POST"])
def checkin(request, token):
    """The check-in: from the emailed link (no sign-in) or the round page. Editable until the round closes;
    after that a published learning can still be taken off the feed."""
    found = seat_by_link(CHECKIN, token)
    if found is None:
        return bad_link(request, "This check-in link is not valid or has expired.")
    seat, others = found
    existing = getattr(seat, "checkin", None)
    rnd = seat.group.round
    if request.method == "POST" and request.POST.get("action") == "unpublish" and existing is not None:
        checkin_unpublish(seat_id=seat.pk)
        messages.success(request, "What you learned is no longer published.")
        return redirect(request.path)
    if rnd.state == RoundState.CLOSED:
        return render(request, "rounds/checkin_closed.html", {"seat": seat, "checkin": existing, "token": token})
    if seat.membership.status == MembershipStatus.LEFT:
        return bad_link(request, "You have left this programme, so there is nothing to check in.", status=409)
    if request.method == "GET" and request.GET.get("saved") and existing is not None:
        # After a check-in is sent (post, then redirect here: reloading the page sends nothing again).
        return render(request, "rounds/checkin_done.html", {"seat": seat, "checkin": existing, "token": token,
                                                            "share": share_post(existing)})
    form = CheckInForm(request.POST if request.method == "POST" else None, initial=_checkin_initial(request, existing))
    if request.method == "POST" and form.is_valid():
        answer = CheckInAnswer(**{name: form.cleaned_data[name] or default
                                  for name, default in CHECKIN_DEFAULTS.items()})
        try:
            checkin_record(seat_id=seat.pk, answer=answer)
        except ApplicationError as error:
            return bad_link(request, error, status=409)
        return redirect(f"{request.path}?saved=1")
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
    seat = get_object_or_404(Seat, group__round=rnd, membership__person=request.user, pk=whole_number(seat_id))
    try:
        seat = seat_request_rematch(seat_id=seat.pk)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(rnd)
    return render(request, "rounds/rematch_done.html", {"seat": seat})


@login_required
@require_POST
def unpublish_signed_in(request, slug, number):
    """From the round page, signed in, whenever: take my learning off every public page."""
    rnd = round_get(slug=slug, number=number)
    seat_id = request.POST.get("seat", "")
    seat = get_object_or_404(Seat, group__round=rnd, membership__person=request.user,
                             pk=whole_number(seat_id))
    if hasattr(seat, "checkin"):
        checkin_unpublish(seat_id=seat.pk)
    messages.success(request, "What you learned is no longer published.")
    return redirect(rnd)


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
    if rnd.state == RoundState.CANCELLED:
        return bad_link(request, f"Round {rnd.number} has been cancelled by the organisers: there is nothing to skip.",
                        status=409)
    return render(request, "rounds/skip.html", {"round": rnd, "token": token})


def calendar(request, token):
    found = seat_by_link(CALENDAR, token)
    if found is None:
        return bad_link(request, "This calendar link is not valid or has expired.")
    seat, others = found
    response = HttpResponse(calendar_file(seat, others), content_type="text/calendar; method=PUBLISH; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="round-{seat.group.round.number}.ics"'
    return response
