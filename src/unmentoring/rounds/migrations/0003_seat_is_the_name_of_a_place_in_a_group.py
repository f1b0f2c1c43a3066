"""GroupMember becomes Seat, the name all the code used for it (table rounds_groupmember → rounds_seat)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("rounds", "0002_organisers_only_draw_problem"),
        ("outcomes", "0001_checkins_blocks_and_reports"),
        ("programmes", "0005_membership_resumed_at"),
    ]

    operations = [
        migrations.RenameModel(old_name="GroupMember", new_name="Seat"),
        migrations.AlterField(
            model_name="seat",
            name="group",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="seats", to="rounds.group"),
        ),
        migrations.AlterField(
            model_name="seat",
            name="rematch_outcome",
            field=models.CharField(blank=True, choices=[("waiting", "Nobody else was waiting: first in line next round"),
                                                        ("regrouped", "Moved to a new group this round")], max_length=20),
        ),
    ]
