"""One export in a fresh process, for its time and the process's peak memory (ru_maxrss).

    python -m bench.export_probe \
        national_xlsx|contacts_csv|contacts_xlsx|copy_csv|mpsv_xlsx|mpsv_cards_csv|project_xlsx \
        --organisation ID --user ID --start YYYY-MM-DD --end YYYY-MM-DD --out PATH [--subject ID]

contacts_csv and contacts_xlsx are the real export (reports.jobs.build_report and
reports.writers, as the job runs them but without the encryption of the finished file); copy_csv
is PostgreSQL's bare COPY of the same rows, the yardstick of the CSV. mpsv_xlsx is the MPSV annual
statement of the service `--subject` (reports.funder_reports.mpsv), made as its job makes it: the
subject checked against the requester's choices, the cover page and every table; mpsv_cards_csv
its user cards (one row per user of the year). project_xlsx is the crime-prevention project report
of the project `--subject` (reports.funder_reports.prevention) over the period, as its job makes it.

Prints one JSON line. The environment (DATABASE_URL, ...) is the benchmark's (bench/run.py).
"""

import argparse
import datetime
import json
import os
import resource
import time


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# The same rows as reports.exports.contacts_sheet, written by PostgreSQL itself: the physical
# limit of a contact export (no Python, no Django, one pass over the rows, no cell neutralised).
COPY_SQL = """
COPY (
  SELECT c.id,
         to_char(c.occurred_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI'),
         COALESCE(NULLIF(btrim(u.first_name || ' ' || u.last_name), ''), u.username),
         round(c.duration_minutes / 60.0, 2),
         a.name,
         s.name,
         COALESCE(p.name, ''),
         (SELECT string_agg(at.name || ' ' || ca.minutes || ' min', '; ' ORDER BY ca.id)
            FROM contacts_activity ca JOIN programmes_activitytype at ON at.id = ca.activity_type_id
           WHERE ca.contact_id = c.id),
         (SELECT COALESCE(sum(ca.minutes), 0) FROM contacts_activity ca
           WHERE ca.contact_id = c.id AND ca.work = 'direct'),
         (SELECT COALESCE(sum(ca.minutes), 0) FROM contacts_activity ca
           WHERE ca.contact_id = c.id AND ca.work = 'on_behalf'),
         CASE WHEN l.id IS NULL THEN '' ELSE m.name || ' – ' || l.name END,
         (SELECT string_agg(CASE k.identity
                  WHEN 'named' THEN btrim(k.first_name || ' ' || k.last_name)
                  WHEN 'pseudonym' THEN '„' || k.nickname || '“' || COALESCE(' (' || k.birth_year || ')', '')
                  ELSE %(anonymous_before)s || k.id || %(anonymous_after)s END, '; '
                  ORDER BY k.last_name, k.first_name, k.nickname, k.id)
            FROM contacts_contact_clients cc JOIN clients_client k ON k.id = cc.client_id
           WHERE cc.contact_id = c.id),
         c.anonymous_persons,
         (SELECT string_agg(t.name, '; ' ORDER BY t.name)
            FROM contacts_contact_topics ct JOIN contacts_topic t ON t.id = ct.topic_id
           WHERE ct.contact_id = c.id),
         c.outcome,
         c.case_id
    FROM contacts_contact c
    JOIN accounts_user u ON u.id = c.assistant_id
    LEFT JOIN contacts_authority a ON a.id = c.authority_id
    JOIN programmes_service s ON s.id = c.service_id
    LEFT JOIN programmes_project p ON p.id = c.project_id
    LEFT JOIN accounts_locality l ON l.id = c.locality_id
    LEFT JOIN accounts_municipality m ON m.id = l.municipality_id
   WHERE c.organisation_id = %(organisation)s AND c.occurred_at >= %(start)s AND c.occurred_at < %(end)s
   ORDER BY c.occurred_at, c.id
) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)
"""


def copy_sql(cursor, *, organisation: int, start, end) -> str:
    """COPY_SQL for one organisation and period, with the labels of the current language."""
    from django.conf import settings
    from django.utils.translation import gettext

    before, _, after = gettext("Anonymous client no. %(id)s").partition("%(id)s")
    sql = COPY_SQL
    return cursor.mogrify(
        sql,
        {
            "tz": settings.TIME_ZONE,
            "organisation": organisation,
            "start": start,
            "end": end,
            "anonymous_before": before,
            "anonymous_after": after,
        },
    ).decode()


def main() -> None:
    parser = argparse.ArgumentParser()
    kinds = [
        "national_xlsx",
        "contacts_csv",
        "contacts_xlsx",
        "copy_csv",
        "mpsv_xlsx",
        "mpsv_cards_csv",
        "project_xlsx",
    ]
    parser.add_argument("kind", choices=kinds)
    parser.add_argument("--user", type=int, required=True)
    parser.add_argument("--organisation", type=int)
    parser.add_argument("--start", required=True)
    parser.add_argument("--end", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--subject", type=int, help="the service or project of a funder's report")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import translation

    from accounts.models import User
    from reports.jobs import build_report
    from reports.models import ReportJob, ReportType
    from reports.parameters import parse_parameters
    from reports.writers import WRITERS

    user = User.objects.select_related("organisation").get(pk=args.user)
    connection.ensure_connection()
    baseline = _rss_mb()
    rows = None
    started = time.perf_counter()
    if args.kind == "copy_csv":
        from reports.parameters import ReportParameters

        params = ReportParameters(
            start=datetime.date.fromisoformat(args.start),
            end=datetime.date.fromisoformat(args.end),
            breakdown="contacts",
            format="csv",
        )
        with connection.cursor() as cursor, open(args.out, "w", encoding="utf-8") as handle:
            with translation.override(settings.LANGUAGE_CODE):
                sql = copy_sql(
                    cursor,
                    organisation=args.organisation,
                    start=params.start_datetime(),
                    end=params.end_datetime_exclusive(),
                )
            cursor.copy_expert(sql, handle)
    else:
        if args.kind == "national_xlsx":
            report_type, raw = ReportType.NATIONAL_STATISTICS, {"breakdown": "all", "format": "xlsx"}
        elif args.kind == "mpsv_xlsx":
            raw = {"breakdown": "all", "format": "xlsx", "subject": args.subject}
            report_type = ReportType.MPSV_STATEMENT
        elif args.kind == "mpsv_cards_csv":
            raw = {"breakdown": "all", "format": "csv", "subject": args.subject}
            report_type = ReportType.MPSV_USER_CARDS
        elif args.kind == "project_xlsx":
            raw = {"breakdown": "all", "format": "xlsx", "subject": args.subject}
            report_type = ReportType.PREVENTION_PROJECT
        else:
            file_format = args.kind.removeprefix("contacts_")
            report_type, raw = ReportType.CASE_CONTACT_EXPORT, {"breakdown": "contacts", "format": file_format}
        raw |= {"start": args.start, "end": args.end}
        params = parse_parameters(report_type, raw)
        job = ReportJob(
            requested_by=user,
            organisation_id=None if report_type == ReportType.NATIONAL_STATISTICS else user.organisation_id,
            report_type=report_type,
            parameters=params.as_json(),
        )
        with translation.override(settings.LANGUAGE_CODE):
            report = build_report(job, params)
            rows = sum(sheet.row_count or 0 for sheet in report.sheets)
            WRITERS[params.format](report, args.out)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "kind": args.kind,
                "seconds": seconds,
                "peak_rss_mb": _rss_mb(),
                "baseline_rss_mb": baseline,
                "rows": rows,
                "bytes": os.path.getsize(args.out),
            }
        )
    )


if __name__ == "__main__":
    main()
