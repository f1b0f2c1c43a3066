from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("rounds", "0004_checkins_belong_to_rounds"),
        ("outcomes", "0002_checkins_and_blocks_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="checkin", table=None),  # outcomes_checkin → rounds_checkin
    ]
