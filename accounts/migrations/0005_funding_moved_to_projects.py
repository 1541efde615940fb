"""Funders and the assistants' funding periods now live in programmes (Funder, Project, Assignment)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_signedinsession_address"),
        ("programmes", "0002_starting_services"),
    ]

    operations = [
        migrations.DeleteModel(name="AssistantFunding"),
        migrations.DeleteModel(name="FundingSource"),
    ]
