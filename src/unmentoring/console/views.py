"""The organisers' console: pages for the people who run a programme (docs/architecture.md).

Every page needs sign-in, and shows only programmes the person organises (site administrators see all);
any other programme is a 404, the same as one that does not exist.
"""

import base64
import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.console.audit import event_words
from unmentoring.console.exports import FORMATS, TABLES, export_table
from unmentoring.console.forms import (
    AnnouncementForm,
    InviteForm,
    LatecomersForm,
    MemberFilterForm,
    MemberMoveForm,
    MemberPauseForm,
    MemberRemoveForm,
    NetworkFilterForm,
    OrganiserAddForm,
    ProgrammeForm,
    ReportNoteForm,
    RoundCancelForm,
    UploadForm,
    mapping_form,
)
from unmentoring.console.imports import (
    history_import_check,
    history_import_commit,
    people_import_check,
    people_import_commit,
)
from unmentoring.console.selectors import (
    audit_log,
    groups_to_join,
    member_history,
    member_of_programme,
    members_of,
    organisations_of,
    organisers_of,
    people_named,
    programme_organised,
    programme_overview,
    programmes_organised,
    reports_of,
    round_groups,
    round_of_programme,
    round_reports,
    rounds_of_programme,
)
from unmentoring.core.errors import ApplicationError
from unmentoring.core.services import audit_record
from unmentoring.core.spreadsheets import csv_text
from unmentoring.core.views import page_asked, whole_number
from unmentoring.insights.figures import ERASED
from unmentoring.insights.network import (
    MET,
    MOST_PEOPLE_DRAWN,
    legend,
    network,
    network_svg,
    organisation_legend,
    organisation_network,
    organisations_svg,
)
from unmentoring.insights.opendata import open_data
from unmentoring.insights.sections import sections
from unmentoring.insights.selectors import meetings_and_names, programme_insights
from unmentoring.outcomes.selectors import report_for_reader
from unmentoring.outcomes.services import report_resolve
from unmentoring.programmes.imports import MAX_BYTES, PEOPLE_FIELDS, UnreadableFile, guess_mapping, read_table
from unmentoring.programmes.models import Programme
from unmentoring.programmes.selectors import organises
from unmentoring.programmes.services import (
    Invitee,
    announcement_recipients,
    announcement_send,
    invitations_send,
    membership_pause_by_organisers,
    membership_remove,
    organiser_add,
    organiser_remove,
    programme_save,
)
from unmentoring.rounds.enums import RematchOutcome, RoundState
from unmentoring.rounds.history import HISTORY_FIELDS
from unmentoring.rounds.models import Seat
from unmentoring.rounds.schedule import upcoming
from unmentoring.rounds.selectors import draw_preview, latecomers, memberships_due
from unmentoring.rounds.services.rematch import intro_resend
from unmentoring.rounds.services.steering import latecomers_draw, member_move, round_cancel, round_draw_now

AUDIT_PER_PAGE = 50
MEMBERS_PER_PAGE = 50


@login_required
def home(request):
    programmes = list(programmes_organised(person=request.user))
    if not programmes:
        return render(request, "console/not_an_organiser.html", status=403)
    return render(request, "console/home.html", {"programmes": programmes})


@login_required
def programme(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    return render(request, "console/programme.html", {"programme": found, "section": "overview",
                                                      **programme_overview(found, reader=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def organisers(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    form = OrganiserAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person = organiser_add(programme=found, email=form.cleaned_data["email"],
                                   full_name=form.cleaned_data["full_name"], actor=request.user)
        except ApplicationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{person.full_name or person.email} is an organiser of {found.name}. "
                                      "We have emailed them.")
            return redirect("console:organisers", slug=found.slug)
    return render(request, "console/organisers.html", {"programme": found, "section": "organisers", "form": form,
                                                       "organisers": organisers_of(found)})


@login_required
@require_POST
def organiser_remove_view(request, slug, pk):
    found = programme_organised(person=request.user, slug=slug)
    person = get_object_or_404(found.organisers.all(), pk=pk)
    try:
        organiser_remove(programme=found, person=person, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person.full_name or person.email} no longer organises {found.name}.")
    if person.pk == request.user.pk and not request.user.is_superuser and not found.organisers.filter(pk=person.pk).exists():
        return redirect("console:home")
    return redirect("console:organisers", slug=found.slug)


@login_required
def audit(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    page = page_asked(request, audit_log(found, reader=request.user), AUDIT_PER_PAGE)
    names = people_named(page.object_list)
    for event in page.object_list:
        event.about = names.get(event.subject, event.subject)
        event.words = event_words(event.action, event.detail)
    return render(request, "console/audit.html", {"programme": found, "section": "audit", "page": page})


@login_required
def rounds(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    return render(request, "console/rounds.html", {"programme": found, "section": "rounds",
                                                   "rounds": list(rounds_of_programme(found))})


def _round_page(request, programme, rnd, *, form=None, status=200):
    # An organiser who was reported is not shown the report (console:report refuses it too).
    reports = [r for r in round_reports(rnd) if r.about_id != request.user.pk]
    context = {"programme": programme, "section": "rounds", "round": rnd, "groups": round_groups(rnd),
               "reports": reports, "can_change": rnd.groups_can_change(timezone.now())}
    if context["can_change"]:
        waiting = latecomers(rnd)
        context["latecomers"] = waiting
        context["form"] = form or (LatecomersForm(latecomers=waiting) if len(waiting) >= 2 else None)
    return render(request, "console/round.html", context, status=status)


@login_required
def round_detail(request, slug, number):
    return _round_page(request, *_programme_round(request, slug, number))


def _back_to_round(programme, rnd):
    return redirect("console:round", slug=programme.slug, number=rnd.number)


def _not_open(request, programme, rnd):
    messages.error(request, f"Round {rnd.number} is not open: groups change only while a round is open.")
    return _back_to_round(programme, rnd)


def _programme_round(request, slug, number):
    """The programme (one the person organises, else 404) and its round by number (else 404)."""
    found = programme_organised(person=request.user, slug=slug)
    return found, round_of_programme(found, number)


@login_required
@require_http_methods(["GET", "POST"])
def round_draw_now_view(request, slug, number):
    """Draw a scheduled round now, after a page that says what that means."""
    found, rnd = _programme_round(request, slug, number)
    if rnd.state != RoundState.SCHEDULED:
        messages.error(request, f"Round {rnd.number} is {rnd.get_state_display().lower()} already.")
        return _back_to_round(found, rnd)
    if request.method == "POST":
        try:
            drawn = round_draw_now(round_id=rnd.pk, actor=request.user)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            groups = drawn.groups.count()
            messages.success(request, drawn.draw_note or f"Round {drawn.number} is drawn: {groups} group"
                                                         f"{'s' if groups != 1 else ''}. Everyone is emailed their match.")
        return _back_to_round(found, rnd)
    return render(request, "console/round_draw.html", {"programme": found, "section": "rounds", "round": rnd,
                                                       "due": len(memberships_due(rnd, on=timezone.localdate(timezone=found.tz)))})


@login_required
@require_http_methods(["GET", "POST"])
def round_cancel_view(request, slug, number):
    found, rnd = _programme_round(request, slug, number)
    if rnd.state != RoundState.SCHEDULED:
        messages.error(request, f"Round {rnd.number} is {rnd.get_state_display().lower()}: only a round that has not "
                                "been drawn can be cancelled.")
        return _back_to_round(found, rnd)
    form = RoundCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_cancel(round_id=rnd.pk, reason=form.cleaned_data["reason"], actor=request.user)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            told = " Members who were told of it are emailed." if rnd.notice_sent_at else ""
            messages.success(request, f"Round {rnd.number} is cancelled.{told}")
        return _back_to_round(found, rnd)
    return render(request, "console/round_cancel.html", {"programme": found, "section": "rounds", "round": rnd,
                                                         "form": form})


@login_required
@require_POST
def latecomers_draw_view(request, slug, number):
    found, rnd = _programme_round(request, slug, number)
    if not rnd.groups_can_change(timezone.now()):
        return _not_open(request, found, rnd)
    form = LatecomersForm(request.POST, latecomers=latecomers(rnd))
    if form.is_valid():
        try:
            groups = latecomers_draw(round_id=rnd.pk, membership_ids=form.cleaned_data["members"], actor=request.user)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            numbers = ", ".join(str(g.number) for g in groups)
            messages.success(request, f"The latecomers are drawn into group{'s' if len(groups) != 1 else ''} {numbers}, "
                                      "and emailed their match.")
            return _back_to_round(found, rnd)
    return _round_page(request, found, rnd, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def member_move_view(request, slug, number, pk):
    """Move a member of an open round into another group, or add a latecomer to one."""
    found, rnd = _programme_round(request, slug, number)
    membership = member_of_programme(found, pk)
    if not rnd.groups_can_change(timezone.now()):
        return _not_open(request, found, rnd)
    groups = round_groups(rnd)
    current = next((g for g in groups for seat in g.seated if seat.membership_id == membership.pk
                    and seat.rematch_outcome != RematchOutcome.REGROUPED), None)
    choices = groups_to_join(rnd, groups, membership=membership)
    form = MemberMoveForm(request.POST or None, groups=choices)
    if current is None:  # a latecomer: nobody is left behind
        form.fields["reason"].help_text = ("Emailed to them with their group. The group they join is told only that "
                                           "they have joined.")
    if request.method == "POST" and form.is_valid():
        try:
            seat = member_move(round_id=rnd.pk, membership_id=membership.pk, to_group_id=form.cleaned_data["group"],
                               reason=form.cleaned_data["reason"], actor=request.user)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{membership.person.full_name} is in group {seat.group.number} now. They and "
                                      "the people in both groups are emailed.")
            return _back_to_round(found, rnd)
    return render(request, "console/member_move.html", {"programme": found, "section": "rounds", "round": rnd,
                                                        "membership": membership, "current": current, "form": form},
                  status=400 if form.errors else 200)


def _programme_form(request, programme, *, creating: bool):
    # The form changes its instance as it validates: the page around it keeps the programme as saved.
    context = {"creating": creating, "programme": None if creating else copy.copy(programme), "section": "settings"}
    form = context["form"] = ProgrammeForm(request.POST if request.method == "POST" else None, instance=programme)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "save":
            saved = programme_save(programme=form.save(commit=False), actor=request.user)
            messages.success(request, f"{saved.name} is {'set up' if creating else 'saved'}.")
            return redirect("console:programme", slug=saved.slug)
        last = None if creating else programme.rounds.exclude(state=RoundState.SCHEDULED).order_by("-number").first()
        context["dates"] = upcoming(form.instance, today=timezone.localdate(timezone=form.instance.tz),
                                    previous=last.draw_at.astimezone(form.instance.tz).date() if last else None)
    return render(request, "console/programme_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    if not organises(person=request.user):
        return render(request, "console/not_an_organiser.html", status=403)
    return _programme_form(request, Programme(), creating=True)


@login_required
@require_http_methods(["GET", "POST"])
def programme_settings(request, slug):
    return _programme_form(request, programme_organised(person=request.user, slug=slug), creating=False)


@login_required
@require_POST
def intro_resend_view(request, slug, number):
    found, rnd = _programme_round(request, slug, number)
    seat_id = request.POST.get("seat", "")
    seat = get_object_or_404(Seat, group__round=rnd, pk=whole_number(seat_id))
    try:
        intro_resend(seat_id=seat.pk, actor=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The intro is on its way to {seat.membership.person.full_name} again.")
    return redirect("console:round", slug=found.slug, number=rnd.number)


@login_required
@require_POST
def round_preview(request, slug, number):
    """A trial draw on today's members, for a round not yet drawn: nothing is stored or sent."""
    found, rnd = _programme_round(request, slug, number)
    if rnd.state != RoundState.SCHEDULED:
        messages.error(request, f"Round {rnd.number} is {rnd.get_state_display().lower()}: only a round still to be "
                                "drawn can be tried.")
        return redirect("console:round", slug=found.slug, number=rnd.number)
    return render(request, "console/round.html", {"programme": found, "section": "rounds", "round": rnd,
                                                  "groups": [], "reports": [], "preview": draw_preview(rnd)})


@login_required
def members(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    form = MemberFilterForm(request.GET or None, organisations=organisations_of(found))
    filters = form.cleaned_data if form.is_valid() else {}  # a bad filter shows its error and filters nothing
    page = page_asked(request, members_of(found, **{k: v for k, v in filters.items() if v}), MEMBERS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/members.html", {"programme": found, "section": "members", "form": form,
                                                    "page": page, "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def member(request, slug, pk):
    found = programme_organised(person=request.user, slug=slug)
    membership = member_of_programme(found, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    pause_form = MemberPauseForm(request.POST if action == "pause" else None, prefix="pause")
    remove_form = MemberRemoveForm(request.POST if action == "remove" else None, prefix="remove")
    form = {"pause": pause_form, "remove": remove_form}.get(action)
    if form is not None and form.is_valid():
        try:
            if action == "pause":
                membership_pause_by_organisers(membership=membership, until=form.cleaned_data["paused_until"],
                                               reason=form.cleaned_data["reason"], actor=request.user)
            else:
                membership_remove(membership=membership, reason=form.cleaned_data["reason"], actor=request.user)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{membership.person.full_name} is {'paused' if action == 'pause' else 'removed'}"
                                      " and has been emailed why.")
            return redirect("console:member", slug=found.slug, pk=membership.pk)
    history = member_history(membership, reader=request.user)  # never a report about the reader
    return render(request, "console/member.html", {"programme": found, "section": "members",
                                                   "membership": membership, "pause_form": pause_form,
                                                   "remove_form": remove_form, **history})


def _insights_of(programme):
    return programme_insights(programme, today=timezone.localdate(timezone=programme.tz))


@login_required
def insights(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    return render(request, "console/insights.html", {"programme": found, "section": "insights",
                                                     "sections": sections(_insights_of(found), public=False)})


NETWORK_ROWS_PER_PAGE = 50


@login_required
def network_map(request, slug):
    """Who has been grouped with whom, and whether they met: a map, and the same as a table."""
    found = programme_organised(person=request.user, slug=slug)
    meetings, names = meetings_and_names(found)
    form = NetworkFilterForm(request.GET or None, rounds=sorted({m.round for m in meetings}))
    chosen = form.cleaned_data["round"] if form.is_valid() else None
    scope = f"round {chosen}" if chosen else "every round"
    people = len({m.person for m in meetings if (chosen is None or m.round == chosen) and not m.person.startswith(ERASED)})
    context = {"programme": found, "section": "insights", "form": form, "scope": scope, "most_people": MOST_PEOPLE_DRAWN,
               "aggregated": people > MOST_PEOPLE_DRAWN}
    if context["aggregated"]:
        net, links = organisation_network(meetings, round_number=chosen)
        page = page_asked(request, links, NETWORK_ROWS_PER_PAGE)
        context.update(
            svg=organisations_svg(net, links=links, title=f"Organisations connected in {scope}",
                                  description=f"{people} members is too many to draw one by one: each organisation is "
                                              "a shape, and a line joins two whose members were grouped."),
            legend=organisation_legend(net), edges=sum(r.met + r.not_met + r.unknown for r in links),
            met_edges=sum(r.met for r in links), pairs=[])
    else:
        net = network(meetings, round_number=chosen)
        everyone = {m.person: m.organisation for m in reversed(meetings) if not m.person.startswith(ERASED)}
        page = page_asked(request, net.edges, NETWORK_ROWS_PER_PAGE)
        context.update(
            svg=network_svg(net, names=names, everyone=everyone, title=f"Who was grouped with whom in {scope}",
                            description=f"{people} members, each a shape in their organisation's colour, clustered "
                                        f"by organisation; {len(net.edges)} lines, one per pair grouped together: "
                                        "solid if they met, dashed if they did not, dotted if nobody said."),
            legend=legend(net.people, everyone=everyone), edges=len(net.edges),
            met_edges=sum(1 for e in net.edges if e.status == MET), pairs=_pairs(net, names, page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/network.html", {**context, "page": page, "people": net.people,
                                                    "query": query.urlencode()})


PAIR_COLUMNS = ["member", "organisation", "member", "organisation", "rounds", "outcome"]


def _pairs(net, names: dict[str, str], edges) -> list[dict]:
    """The network's pairs as the table and its CSV show them, in PAIR_COLUMNS' order."""
    return [{"a_name": names[e.a], "a_organisation": net.people[e.a], "b_name": names[e.b],
             "b_organisation": net.people[e.b], "rounds": ", ".join(str(n) for n in e.rounds), "status": e.status}
            for e in edges]


@login_required
def network_csv(request, slug):
    """The network map's table as CSV: every pair grouped together (in ?round=N, or all rounds)."""
    found = programme_organised(person=request.user, slug=slug)
    meetings, names = meetings_and_names(found)
    form = NetworkFilterForm(request.GET, rounds=sorted({m.round for m in meetings}))
    if not form.is_valid():
        raise Http404("No such round.")
    chosen = form.cleaned_data["round"]
    net = network(meetings, round_number=chosen)
    rows = [list(pair.values()) for pair in _pairs(net, names, net.edges)]
    suffix = f"-round-{chosen}" if chosen else ""
    return _csv_download(csv_text(PAIR_COLUMNS, rows), f"{found.slug}-network{suffix}.csv")


def _csv_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def insights_csv(request, slug, section):
    """One figure's table as CSV, exactly as the page shows it."""
    found = programme_organised(person=request.user, slug=slug)
    wanted = next((s for s in sections(_insights_of(found), public=False) if s.slug == section), None)
    if wanted is None:
        raise Http404("No such figure.")
    return _csv_download(csv_text(wanted.head, wanted.rows), f"{found.slug}-{wanted.slug}.csv")


@login_required
def open_data_download(request, slug, name):
    """rounds.csv or meetings.csv: the open data, with nobody named in it."""
    found = programme_organised(person=request.user, slug=slug)
    files = open_data(found, today=timezone.localdate(timezone=found.tz))
    if f"{name}.csv" not in files:
        raise Http404("No such file.")
    audit_record(actor=request.user, action="export.open_data", subject=f"programme:{found.pk}",
                 detail={"file": f"{name}.csv"}, programme=found)
    return _csv_download(files[f"{name}.csv"], f"{found.slug}-{name}.csv")


@login_required
def export(request, slug, table, fmt):
    """A table of the programme's data, downloaded; audited, as it holds personal data."""
    found = programme_organised(person=request.user, slug=slug)
    if table not in TABLES or fmt not in FORMATS:
        raise Http404("No such table.")
    body = export_table(found, table, fmt)
    audit_record(actor=request.user, action="export.download", subject=f"programme:{found.pk}",
                 detail={"table": table, "format": fmt}, programme=found)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/json")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{table}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def announce(request, slug):
    """Write, preview, then send one message to the programme's active members."""
    found = programme_organised(person=request.user, slug=slug)
    form = AnnouncementForm(request.POST if request.method == "POST" else None)
    context = {"programme": found, "section": "announce", "form": form,
               "recipients": announcement_recipients(found).count(),
               "previous": list(found.announcements.select_related("sent_by")[:5])}
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            try:
                sent = announcement_send(programme=found, subject=form.cleaned_data["subject"],
                                         body=form.cleaned_data["body"], actor=request.user)
            except ApplicationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Sent to {sent.recipients} member{'s' if sent.recipients != 1 else ''}.")
                return redirect("console:announce", slug=found.slug)
        else:
            context["preview"] = {"subject": form.cleaned_data["subject"],
                                  "paragraphs": [p for p in form.cleaned_data["body"].split("\n\n") if p.strip()]}
    return render(request, "console/announce.html", context)


IMPORT_SESSION_KEY = "console-import:{kind}:{pk}"
IMPORTS = {  # what each import maps, checks and writes
    "people": {"fields": PEOPLE_FIELDS, "check": people_import_check, "commit": people_import_commit,
               "template": "console/import_people.html"},
    "history": {"fields": HISTORY_FIELDS, "check": history_import_check, "commit": history_import_commit,
                "template": "console/import_history.html"},
}


def _import(request, slug, kind: str):
    """Upload a CSV, map its columns, see every row's errors, then write the valid rows (only then)."""
    found = programme_organised(person=request.user, slug=slug)
    spec = IMPORTS[kind]
    key = IMPORT_SESSION_KEY.format(kind=kind, pk=found.pk)
    context = {"programme": found, "section": "members"}
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "upload":
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            data = upload.cleaned_data["file"].read(MAX_BYTES + 1)
            try:
                table = read_table(data)
            except UnreadableFile as error:
                upload.add_error("file", str(error))
            else:
                request.session[key] = {"name": upload.cleaned_data["file"].name, "data": base64.b64encode(data).decode()}
                mapping = mapping_form(table.header, spec["fields"], initial=guess_mapping(table.header, spec["fields"]))
                context |= {"mapping": mapping, "file_name": upload.cleaned_data["file"].name, "table": table}
                return render(request, spec["template"], context)
        return render(request, spec["template"], {**context, "upload": upload})
    stored = request.session.get(key)
    if request.method == "POST" and stored and action in ("check", "commit"):
        data = base64.b64decode(stored["data"])
        table = read_table(data)
        mapping = mapping_form(table.header, spec["fields"], data=request.POST)
        context |= {"mapping": mapping, "file_name": stored["name"], "table": table}
        if mapping.is_valid():
            try:
                check, _ = spec["check"](found, data, mapping.cleaned_data)
            except UnreadableFile as error:
                mapping.add_error(None, str(error))
                return render(request, spec["template"], context)
            if action == "commit":
                written = spec["commit"](found, check, actor=request.user)
                del request.session[key]
                messages.success(request, _IMPORTED[kind](written))
                return redirect("console:members", slug=found.slug)
            context["check"] = check
        return render(request, spec["template"], context)
    upload = UploadForm()
    if request.method == "POST" and action in ("check", "commit"):  # the upload is gone (imported, or expired)
        messages.error(request, "Upload the file again: the one you checked has been imported or has expired.")
    return render(request, spec["template"], {**context, "upload": upload})


_IMPORTED = {
    "people": lambda n: (f"Invited {n} {'person' if n == 1 else 'people'}. They join when they confirm; until then "
                         "they are not matched."),
    "history": lambda n: f"Recorded {n} past pair{'' if n == 1 else 's'}: the next draws avoid repeating them.",
}


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, slug):
    """Invite people by address: each gets an email to confirm and join (open and invite-only programmes)."""
    found = programme_organised(person=request.user, slug=slug)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        sent = invitations_send(programme=found, invitees=[Invitee(email=a) for a in form.cleaned_data["addresses"]],
                                actor=request.user)
        skipped = len(form.cleaned_data["addresses"]) - sent
        messages.success(request, f"Invited {sent} {'person' if sent == 1 else 'people'}."
                                  + (f" {skipped} {'is already a member' if skipped == 1 else 'are already members'}."
                                     if skipped else ""))
        return redirect("console:members", slug=found.slug)
    return render(request, "console/invite.html", {"programme": found, "section": "members", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request, slug):
    return _import(request, slug, "people")


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request, slug):
    return _import(request, slug, "history")


@login_required
def exports(request, slug):
    found = programme_organised(person=request.user, slug=slug)
    return render(request, "console/exports.html", {"programme": found, "section": "exports", "tables": TABLES})


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    found = report_for_reader(pk=pk, person=request.user)
    if found is None:
        raise Http404("No such report, or not one of your programme's.")
    if request.method == "POST":
        if request.POST.get("resolved") not in ("yes", "no"):
            return HttpResponseBadRequest("Choose yes or no.")
        form = ReportNoteForm(request.POST)
        if form.is_valid():
            report_resolve(report_id=found.pk, actor=request.user, resolved=request.POST["resolved"] == "yes",
                           note=form.cleaned_data["note"])
            messages.success(request, "Marked as dealt with." if request.POST["resolved"] == "yes" else "Reopened.")
            return redirect("console:report", pk=found.pk)
        return render(request, "console/report.html", {"report": found, "form": form})
    return render(request, "console/report.html", {"report": found, "form": ReportNoteForm()})


@login_required
def reports(request, slug):
    """The programme's reports queue: open ones first, then those dealt with."""
    found = programme_organised(person=request.user, slug=slug)
    return render(request, "console/reports.html", {"programme": found, "section": "reports",
                                                    "reports": reports_of(found, reader=request.user)})
