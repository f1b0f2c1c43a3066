"""The organisers' console: pages for the people who run a programme (docs/architecture.md).

So far, the report a member raised, which the organisers' email links to. The rest of the console is
issue 10's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from unmentoring.outcomes.selectors import report_for_reader
from unmentoring.outcomes.services import report_resolve


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
