from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from unmentoring.core.views import bad_link
from unmentoring.outcomes.forms import ReportForm
from unmentoring.outcomes.services import report_submit
from unmentoring.rounds.links import REPORT
from unmentoring.rounds.selectors import seat_by_link


@require_http_methods(["GET", "POST"])
def report(request, token):
    """Report a concern about someone in your group, from the link in the intro."""
    found = seat_by_link(REPORT, token)
    if found is None:
        return bad_link(request, "This link is not valid or has expired.")
    seat, others = found
    form = ReportForm(request.POST if request.method == "POST" else None, others=others)
    if request.method == "POST" and form.is_valid():
        about = next(o for o in others if o.pk == form.cleaned_data["about"])
        report_submit(seat=seat, about=about, what_happened=form.cleaned_data["what_happened"], block=form.cleaned_data["block"])
        return render(request, "outcomes/report_done.html", {"blocked": form.cleaned_data["block"]})
    return render(request, "outcomes/report.html", {"form": form, "seat": seat})
