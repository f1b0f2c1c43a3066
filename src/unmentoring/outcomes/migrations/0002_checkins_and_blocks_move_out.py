"""CheckIn now belongs to rounds and Block to accounts: forget them here (state only) and move their content types,
so permissions and the admin's history follow them."""

import django.db.models.deletion
from django.db import migrations, models

MOVES = {"checkin": "rounds", "block": "accounts"}


def move_content_types(apps, schema_editor, *, backwards=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, new_app in MOVES.items():
        old_label, new_label = ("outcomes", new_app) if not backwards else (new_app, "outcomes")
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue
        # A content type made for the new place already (post_migrate after migrating in stages) has
        # nothing but its own fresh permissions: drop it, so the old one, with the grants and the
        # admin's history that point at it, takes its place.
        ContentType.objects.filter(app_label=new_label, model=model).delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


class Migration(migrations.Migration):

    dependencies = [
        ("outcomes", "0001_checkins_blocks_and_reports"),
        ("rounds", "0004_checkins_belong_to_rounds"),
        ("accounts", "0002_blocks_belong_to_accounts"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CheckIn"), migrations.DeleteModel(name="Block")],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="report",
            name="seat",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="reports", to="rounds.seat"),
        ),
        migrations.RunPython(move_content_types, lambda apps, schema_editor: move_content_types(apps, schema_editor, backwards=True)),
    ]
