"""A fixed random record key per row for the cell-key perturbation of national statistics
(docs/statistical-disclosure.md); existing rows get a key each."""

from django.db import migrations

from common.record_keys import RecordKeyField, add_record_key_sql, drop_record_key_sql


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_list_order_indexes")]

    operations = [
        migrations.RunSQL(
            sql=add_record_key_sql("cases_case"),
            reverse_sql=drop_record_key_sql("cases_case"),
            state_operations=[migrations.AddField(model_name="case", name="record_key", field=RecordKeyField())],
        ),
        migrations.RunSQL(
            sql=add_record_key_sql("cases_referral"),
            reverse_sql=drop_record_key_sql("cases_referral"),
            state_operations=[migrations.AddField(model_name="referral", name="record_key", field=RecordKeyField())],
        ),
    ]
