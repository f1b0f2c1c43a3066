from django.tasks import task


@task
def send_sign_in_link(*, email: str) -> None:
    from unmentoring.accounts.services import sign_in_link_send  # noqa: PLC0415  (services enqueue this task)

    sign_in_link_send(email=email)
