from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from unmentoring.notifications.models import Message
from unmentoring.notifications.selectors import sent_mail_list
from unmentoring.notifications.services import message_render


def _require_sent_mail_enabled():
    # Only for the demo and development: it shows everyone's sign-in links.
    if not (settings.DEBUG or settings.DEMO_MODE):
        raise Http404("The sent-mail page is only available in demo mode.")


def sent_mail(request):
    _require_sent_mail_enabled()
    return render(request, "notifications/sent_mail.html", {"messages_sent": sent_mail_list()[:200]})


def sent_mail_detail(request, pk):
    _require_sent_mail_enabled()
    return render(request, "notifications/sent_mail_detail.html", {"message": _rendered(pk)})


def _rendered(pk) -> Message:
    message = get_object_or_404(Message, pk=pk)
    if message.rendered_at is None:  # still queued: show what it will say, without keeping it
        message_render(message, save=False)
    return message


def sent_mail_html(request, pk):
    """The HTML part on its own, as a mail client would show it (emails carry inline styles)."""
    _require_sent_mail_enabled()
    response = HttpResponse(_rendered(pk).body_html)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
    return response


def sent_mail_attachment(request, pk, index):
    """An attachment of a kept message, e.g. an intro's calendar hold, to open in a calendar app."""
    _require_sent_mail_enabled()
    attachments = _rendered(pk).attachments
    if not 0 <= index < len(attachments):
        raise Http404("No such attachment.")
    attachment = attachments[index]
    response = HttpResponse(attachment["content"], content_type=attachment["content_type"])
    response["Content-Disposition"] = f'attachment; filename="{attachment["filename"]}"'
    return response
