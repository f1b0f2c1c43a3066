"""CheckIn moves from outcomes to rounds. State only: the table stays as it is until 0005 renames it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("rounds", "0003_seat_is_the_name_of_a_place_in_a_group"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CheckIn",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("met", models.CharField(choices=[("yes", "We met"), ("not_yet", "Not yet"), ("no", "We didn't meet")], max_length=10)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("seat", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="checkin", to="rounds.seat")),
                    ],
                    options={"db_table": "outcomes_checkin"},
                ),
            ],
            database_operations=[],
        ),
    ]
