"""A fixed random record key per row for the cell-key perturbation of national statistics
(docs/statistical-disclosure.md); existing rows get a key each."""

from django.db import migrations

from common.record_keys import RecordKeyField, add_record_key_sql, drop_record_key_sql


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_name_search_trigram")]

    operations = [
        migrations.RunSQL(
            sql=add_record_key_sql("clients_client"),
            reverse_sql=drop_record_key_sql("clients_client"),
            state_operations=[migrations.AddField(model_name="client", name="record_key", field=RecordKeyField())],
        ),
    ]
