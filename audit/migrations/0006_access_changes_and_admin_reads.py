"""Admin list reads, changes of role or organisation and removed second-factor devices are audit
events; changes of role or organisation keep their before and after in an append-only table."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


TABLE = "audit_accesschange"


def append_only(apps, schema_editor):
    # The trigger function of migration 0002 refuses UPDATE and DELETE of any audit table.
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
    )


def drop_append_only(apps, schema_editor):
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_signed_in_sessions'),
        ('audit', '0005_list_reads_and_token_issue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('login', 'Sign-in'), ('login_failed', 'Failed sign-in'), ('logout', 'Sign-out'), ('logout_all', 'Sign-out everywhere'), ('token_revoked', 'API token revoked'), ('forbidden', 'Refused access (403)'), ('not_found', 'Refused access (404)'), ('view', 'View'), ('list', 'List view'), ('export', 'Export'), ('download', 'Download'), ('access_export', 'Data-subject access export'), ('erasure', 'Erasure on request'), ('retention', 'Anonymisation after the retention period'), ('token_issued', 'API token issued'), ('admin_list', 'List in the administration'), ('access_change', 'Change of role or organisation'), ('devices_removed', 'Second-factor devices removed')], max_length=20, verbose_name='action'),
        ),
        migrations.CreateModel(
            name='AccessChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                ('actor_username', models.CharField(blank=True, max_length=150, verbose_name='changed by')),
                ('username', models.CharField(max_length=150, verbose_name='user name')),
                ('old_role', models.CharField(blank=True, choices=[('assistant', 'Assistant'), ('coordinator', 'Coordinator'), ('police', 'Police liaison officer'), ('ministry', 'Ministry analyst'), ('admin', 'Administrator')], max_length=20, verbose_name='previous role')),
                ('new_role', models.CharField(blank=True, choices=[('assistant', 'Assistant'), ('coordinator', 'Coordinator'), ('police', 'Police liaison officer'), ('ministry', 'Ministry analyst'), ('admin', 'Administrator')], max_length=20, verbose_name='new role')),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                ('new_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.organisation', verbose_name='new organisation')),
                ('old_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.organisation', verbose_name='previous organisation')),
                ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'change of role or organisation',
                'verbose_name_plural': 'changes of role or organisation',
                'ordering': ['-occurred_at', '-id'],
                'indexes': [models.Index(fields=['old_organisation', '-occurred_at'], name='audit_access_old_org_idx'), models.Index(fields=['new_organisation', '-occurred_at'], name='audit_access_new_org_idx')],
            },
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]
