from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_blocks_belong_to_accounts"),
        ("outcomes", "0002_checkins_and_blocks_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="block", table=None),  # outcomes_block → accounts_block
    ]
