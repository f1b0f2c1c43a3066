from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class OutboxOnlyBackend(BaseEmailBackend):
    """The demo mailer (no EMAIL_URL): delivery is a no-op, the outbox row is the record.

    Messages stay readable on the local sent-mail page.
    """

    def send_messages(self, email_messages):
        return len(list(email_messages))


class NotifyEmailBackend(BaseEmailBackend):
    """Deliver through GOV.UK Notify: one email template whose ((subject)) and ((body)) we fill.

    Notify takes no attachments, so messages carry links instead (an intro's
    calendar hold is a signed link as well as an attachment).
    """

    def __init__(self, *, api_key: str, template_id: str, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.api_key, self.template_id, self.base_url = api_key, template_id, base_url

    def send_messages(self, email_messages):
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=20)
        sent = 0
        for message in email_messages:
            unsubscribe = message.extra_headers.get("List-Unsubscribe", "").strip("<>") or None
            for address in message.to:
                client.send_email_notification(
                    email_address=address,
                    template_id=self.template_id,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=message.extra_headers.get("Message-ID"),
                    one_click_unsubscribe_url=unsubscribe,
                )
            sent += 1
        return sent


def notify_send_sms(*, phone_number: str, body: str, reference: str) -> None:
    """Send a text message through GOV.UK Notify's SMS template with one ((body)) field."""
    client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=20)
    client.send_sms_notification(
        phone_number=phone_number, template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
        personalisation={"body": body}, reference=reference,
    )
