"""A fixed random record key per observation, so that the reports that count observations for a
city, a region or the ministry can protect them by the cell-key perturbation as they do
contacts and cases (docs/statistical-disclosure.md); existing rows get a key each."""

from django.db import migrations

from common.record_keys import RecordKeyField, add_record_key_sql, drop_record_key_sql


class Migration(migrations.Migration):
    dependencies = [("observations", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=add_record_key_sql("observations_observation"),
            reverse_sql=drop_record_key_sql("observations_observation"),
            state_operations=[
                migrations.AddField(model_name="observation", name="record_key", field=RecordKeyField())
            ],
        ),
    ]
