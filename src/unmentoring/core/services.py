from unmentoring.core.models import AuditEvent


def audit_record(*, actor, action: str, subject: str, detail: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action, subject=subject, detail=detail or {}
    )
