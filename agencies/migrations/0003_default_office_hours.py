"""Seed the default office hours row (07:00–11:30, 13:30–17:00); admins edit it afterwards."""

import datetime

from django.db import migrations


def create_default(apps, schema_editor):
    OfficeHours = apps.get_model("agencies", "OfficeHours")
    OfficeHours.objects.get_or_create(
        agency=None,
        valid_from=datetime.date(2000, 1, 1),
        defaults={
            "morning_start": datetime.time(7, 0),
            "morning_end": datetime.time(11, 30),
            "afternoon_start": datetime.time(13, 30),
            "afternoon_end": datetime.time(17, 0),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0002_calendar")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
