"""This app's part of a person's data: the concerns they reported (reports about them are for the organisers)."""

from unmentoring.core.personal_data import PersonalData, register, when


def _reports_made(person) -> list[dict]:
    return [
        {"about": about or "(deleted account)", "what_happened": text, "at": when(at)}
        for about, text, at in person.reports_made.order_by("pk").values_list("about__full_name", "what_happened", "created_at")
    ]


# Reports stay for the organisers when their reporter is erased, without the reporter (SET_NULL).
register(PersonalData(key="reports_made", export=_reports_made))
