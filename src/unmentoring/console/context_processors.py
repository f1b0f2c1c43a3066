from functools import cache

from unmentoring.programmes.selectors import organises


def console(request):
    """Whether the navigation offers the organisers' console: asked only when a page shows it."""

    @cache
    def asked() -> bool:
        return organises(person=request.user)

    return {"organises": asked}
