"""A fixed random record key per row for the cell-key perturbation of the national programme
overview (docs/statistical-disclosure.md); existing rows get a key each."""

from django.db import migrations

from common.record_keys import RecordKeyField, add_record_key_sql, drop_record_key_sql


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_organisation_founded_on")]

    operations = [
        migrations.RunSQL(
            sql=add_record_key_sql("accounts_assistantprofile"),
            reverse_sql=drop_record_key_sql("accounts_assistantprofile"),
            state_operations=[migrations.AddField(model_name="assistantprofile", name="record_key", field=RecordKeyField())],
        ),
    ]
