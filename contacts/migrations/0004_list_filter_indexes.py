"""Contact list filters: the scoping column, the filter, then the list's order (-occurred_at, -id),
so that a filtered page and its capped count read one index range; the time alone for national
statistics across organisations; no index of the authority alone (it misleads the planner)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_encrypted_notes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_assistant_time_idx",
        ),
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_org_authority_idx",
        ),
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_org_form_idx",
        ),
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_org_locality_idx",
        ),
        migrations.AlterField(
            model_name="contact",
            name="authority",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contacts.authority",
                verbose_name="authority",
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["organisation", "assistant", "-occurred_at", "-id"], name="contact_org_assistant_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["organisation", "authority", "-occurred_at", "-id"], name="contact_org_authority_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["organisation", "form_of_work", "-occurred_at", "-id"], name="contact_org_form_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                fields=["organisation", "locality", "-occurred_at", "-id"], name="contact_org_locality_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["occurred_at"], name="contact_time_idx"),
        ),
    ]
