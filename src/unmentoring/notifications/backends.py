from django.core.mail.backends.base import BaseEmailBackend


class OutboxOnlyBackend(BaseEmailBackend):
    """The demo mailer (no EMAIL_URL): delivery is a no-op, the outbox row is the record.

    Messages stay readable on the local sent-mail page.
    """

    def send_messages(self, email_messages):
        return len(list(email_messages))
