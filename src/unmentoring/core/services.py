from unmentoring.core.models import AuditEvent


def audit_record(*, actor, action: str, subject: str, detail: dict | None = None, programme=None) -> AuditEvent:
    """Record who did what to whose data; ``programme`` (a programme or its id) puts it in that programme's log."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action, subject=subject, detail=detail or {},
        programme_id=getattr(programme, "pk", programme),
    )
