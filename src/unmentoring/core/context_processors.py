from django.conf import settings


def site(request):
    return {
        "service_name": "Unmentoring",
        "demo_mode": settings.DEMO_MODE,
        "sent_mail_enabled": settings.DEBUG or settings.DEMO_MODE,
    }
