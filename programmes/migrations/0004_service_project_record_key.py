"""A fixed random record key per row for the cell-key perturbation of the national programme
overview (docs/statistical-disclosure.md); existing rows get a key each."""

from django.db import migrations

from common.record_keys import RecordKeyField, add_record_key_sql, drop_record_key_sql


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_reporting_deadlines")]

    operations = [
        migrations.RunSQL(
            sql=add_record_key_sql("programmes_service"),
            reverse_sql=drop_record_key_sql("programmes_service"),
            state_operations=[migrations.AddField(model_name="service", name="record_key", field=RecordKeyField())],
        ),
        migrations.RunSQL(
            sql=add_record_key_sql("programmes_project"),
            reverse_sql=drop_record_key_sql("programmes_project"),
            state_operations=[migrations.AddField(model_name="project", name="record_key", field=RecordKeyField())],
        ),
    ]
