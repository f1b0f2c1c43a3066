from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from unmentoring.core.views import bad_link, page_asked, public_page_cache
from unmentoring.outcomes.forms import ReportForm
from unmentoring.outcomes.services import report_submit
from unmentoring.programmes.selectors import programme_get
from unmentoring.rounds.enums import RoundState
from unmentoring.rounds.links import REPORT
from unmentoring.rounds.selectors import learnings_published, round_figures, round_get, seat_by_link

LEARNINGS_PER_PAGE = 20


@public_page_cache
def learning(request, slug):
    """A programme's learning feed: what members chose to publish, newest first, by round if asked."""
    programme = programme_get(slug=slug)
    rounds = list(programme.rounds.filter(state__in=[RoundState.DRAWN, RoundState.CLOSED]).order_by("-number").values_list("number", flat=True))
    chosen = request.GET.get("round", "")
    if chosen and not (chosen.isascii() and chosen.isdigit() and int(chosen) in rounds):
        raise Http404("No such round.")
    learnings = learnings_published(programme=programme, round_number=int(chosen) if chosen else None)
    page = page_asked(request, learnings, LEARNINGS_PER_PAGE)
    return render(request, "outcomes/learning.html", {
        "programme": programme, "page": page, "rounds": rounds, "chosen": int(chosen) if chosen else None,
    })


@public_page_cache
def learning_entry(request, slug, pk):
    """One published learning, at a link that stays put (the Atom feed's entries point here)."""
    programme = programme_get(slug=slug)
    learning = get_object_or_404(learnings_published(programme=programme), pk=pk)
    return render(request, "outcomes/learning_entry.html", {"programme": programme, "learning": learning})


@public_page_cache
def round_up(request, slug, number):
    """A closed round's results: how many met, organisations connected, the challenge median, its learnings."""
    rnd = round_get(slug=slug, number=number)
    if rnd.state != RoundState.CLOSED:
        raise Http404("This round has not closed yet.")
    return render(request, "outcomes/round_up.html", {
        "round": rnd, "programme": rnd.programme, "figures": round_figures(rnd),
        "learnings": learnings_published(programme=rnd.programme, round_number=rnd.number),
    })


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
