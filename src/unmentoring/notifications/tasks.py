from django.tasks import task

from unmentoring.notifications.services import message_deliver_alone, messages_deliver_due


@task
def deliver_message(*, message_id: int) -> None:
    message_deliver_alone(message_id=message_id)


@task
def deliver_due_messages() -> None:
    messages_deliver_due()
