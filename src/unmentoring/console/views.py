"""The organisers' console: pages for the people who run a programme (docs/architecture.md).

Every page needs sign-in, and shows only programmes the person organises (site administrators see all);
any other programme is a 404, the same as one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from unmentoring.console.forms import OrganiserAddForm
from unmentoring.console.selectors import (
    audit_log,
    organisers_of,
    people_named,
    programme_organised,
    programme_overview,
    programmes_organised,
)
from unmentoring.core.errors import ApplicationError
from unmentoring.outcomes.selectors import report_for_reader
from unmentoring.outcomes.services import report_resolve
from unmentoring.programmes.services import organiser_add, organiser_remove

AUDIT_PER_PAGE = 50


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
                                                      **programme_overview(found)})


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
    person = get_object_or_404(get_user_model(), pk=pk)
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
    asked = request.GET.get("page", "1")
    if not (asked.isascii() and asked.isdigit()):
        raise Http404("No such page.")
    try:
        page = Paginator(audit_log(found), AUDIT_PER_PAGE).page(int(asked))
    except InvalidPage as error:
        raise Http404("No such page.") from error
    names = people_named(page.object_list)
    for event in page.object_list:
        event.about = names.get(event.subject, event.subject)
    return render(request, "console/audit.html", {"programme": found, "section": "audit", "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    found = report_for_reader(pk=pk, person=request.user)
    if found is None:
        raise Http404("No such report, or not one of your programme's.")
    if request.method == "POST":
        if request.POST.get("resolved") not in ("yes", "no"):
            return HttpResponseBadRequest("Choose yes or no.")
        report_resolve(report_id=found.pk, actor=request.user, resolved=request.POST["resolved"] == "yes")
        messages.success(request, "Marked as dealt with." if request.POST["resolved"] == "yes" else "Reopened.")
        return redirect("console:report", pk=found.pk)
    return render(request, "console/report.html", {"report": found})
