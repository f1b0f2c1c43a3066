"""Every pause has a reason, and only a pause: paused memberships without one were paused by the member,
and memberships that resumed lose the reason they kept (a member who resumed after a silent pause
still read "silent" in their data export)."""

from django.db import migrations, models


def name_the_reasons(apps, schema_editor):
    Membership = apps.get_model("programmes", "Membership")
    Membership.objects.filter(status="paused", pause_reason="").update(pause_reason="asked")
    Membership.objects.exclude(status="paused").exclude(pause_reason="").update(pause_reason="")


class Migration(migrations.Migration):

    dependencies = [
        ("programmes", "0005_membership_resumed_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="pause_reason",
            field=models.CharField(blank=True, choices=[("asked", "Paused by the member"), ("skipped_round", "Skipping one round"),
                                                        ("silent", "Paused after three rounds without an answer")], max_length=20),
        ),
        migrations.RunPython(name_the_reasons, migrations.RunPython.noop),
    ]
