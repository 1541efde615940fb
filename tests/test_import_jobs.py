"""Long imports in the background (clients/import_jobs.py): a file over the row limit of a page is
checked by a job, then imported by a second job after the coordinator confirmed, a batch at a time
inside one transaction (all or nothing), with progress the page polls; a job whose worker died is
taken again or failed clearly. The worker's part is called directly (the queue is not running)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from clients import import_jobs, importing
from clients.models import ClientImportUpload, ImportJob
from contacts.models import Activity, Contact
from programmes.services import starting_service
from tests.factories import ClientFactory, UserFactory

HEADER = ["externí id", "datum", "čas", "trvání (min)", "asistent", "klienti", "typ činnosti"]


@pytest.fixture(autouse=True)
def _small_limits(monkeypatch):
    """Seven rows make a long file here, checked three rows at a time."""
    monkeypatch.setattr(importing, "MAX_ROWS", 5)
    monkeypatch.setattr("clients.import_views.MAX_ROWS", 5)
    monkeypatch.setattr(importing, "BATCH_ROWS", 3)
    with translation.override("cs"):
        yield


@pytest.fixture
def world(carol, alice):
    starting_service(carol.organisation)
    return ClientFactory(organisation=carol.organisation, external_id="K-1")


def _file(rows: int, bad: tuple[int, ...] = ()) -> bytes:
    day = timezone.localdate() - datetime.timedelta(days=3)
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(HEADER)
    for i in range(rows):
        who = "nikdo" if i in bad else "alice"
        sheet.append([f"Z-{i}", day, f"{8 + i % 10}:{i % 60:02}", 30, who, "K-1", "Kontakt"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _upload(client, data: bytes) -> ClientImportUpload:
    response = client.post(reverse("contacts:import_start"), {"file": SimpleUploadedFile("velky.xlsx", data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ClientImportUpload.objects.latest("pk")


def _checked(client, carol, rows: int, bad: tuple[int, ...] = ()) -> tuple[ClientImportUpload, ImportJob]:
    client.force_login(carol)
    upload = _upload(client, _file(rows, bad))
    job = ImportJob.objects.get(upload=upload, phase=ImportJob.Phase.CHECK)
    assert job.state == ImportJob.State.QUEUED
    import_jobs.run_import_job(job.pk)
    job.refresh_from_db()
    return upload, job


def test_a_long_file_is_checked_then_imported_in_the_background(client, carol, world):
    upload, job = _checked(client, carol, 8, bad=(6,))
    assert (job.state, job.rows_total, job.created_count) == (ImportJob.State.DONE, 8, 7)
    assert job.errors == [[8, "„nikdo“ ve sloupci asistent není známý."]]
    assert not Contact.objects.exists()

    page = client.get(reverse("contacts:import_check", args=[upload.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Importovat 7 řádků" in text and "nikdo" in text
    rejected = client.get(reverse("contacts:import_rejected", args=[upload.pk]))
    rows = list(load_workbook(io.BytesIO(rejected.content)).worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["externí id", "Z-6"] and rows[1][
        -1
    ] == "„nikdo“ ve sloupci asistent není známý."

    response = client.post(
        reverse("contacts:import_check", args=[upload.pk]), {"action": "confirm", "summary": job.summary}
    )
    importing_job = ImportJob.objects.get(phase=ImportJob.Phase.IMPORT)
    assert response.url == reverse("contacts:import_job", args=[importing_job.pk])
    waiting = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in waiting  # polled until finished

    import_jobs.run_import_job(importing_job.pk)
    importing_job.refresh_from_db()
    assert (importing_job.state, importing_job.created_count, importing_job.attempts) == ("done", 7, 1)
    assert Contact.objects.filter(imported_from="velky.xlsx", imported_by=carol).count() == 7
    assert Activity.objects.count() == 7
    assert not ClientImportUpload.objects.filter(pk=upload.pk).exists()
    done = client.get(reverse("contacts:import_job", args=[importing_job.pk]), headers={"HX-Request": "true"})
    assert "hx-trigger" not in done.content.decode() and "nových záznamů 7" in done.content.decode()


def test_a_failure_in_a_later_batch_leaves_nothing_saved(client, carol, world, monkeypatch):
    upload, job = _checked(client, carol, 8)
    importing_job = import_jobs.job_request(
        importer=importing.IMPORTERS["contacts"], upload=upload, phase="import", expected_summary=job.summary
    )
    real = Activity.objects.bulk_create
    calls = []

    def failing_third_batch(objs, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise IntegrityError("activity_minutes_positive")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(Activity.objects, "bulk_create", failing_third_batch)
    import_jobs.run_import_job(importing_job.pk)
    importing_job.refresh_from_db()
    assert importing_job.state == ImportJob.State.FAILED
    assert "externí identifikátor" in importing_job.error_message
    assert not Contact.objects.exists() and not Activity.objects.exists()
    assert ClientImportUpload.objects.filter(pk=upload.pk).exists()  # to try again


def test_records_changed_since_the_check_stop_the_import(client, carol, world):
    upload, job = _checked(client, carol, 7)
    # Meanwhile somebody imports one of the rows by hand: the file's result is no longer the checked one.
    Contact.objects.create(
        organisation=carol.organisation,
        assistant=carol,
        occurred_at=timezone.now(),
        duration_minutes=5,
        service=starting_service(carol.organisation),
        external_id="Z-3",
    )
    importing_job = import_jobs.job_request(
        importer=importing.IMPORTERS["contacts"], upload=upload, phase="import", expected_summary=job.summary
    )
    import_jobs.run_import_job(importing_job.pk)
    importing_job.refresh_from_db()
    assert importing_job.state == ImportJob.State.FAILED
    assert importing_job.error_message.startswith("Záznamy se od kontroly změnily")
    assert Contact.objects.count() == 1


def test_a_job_whose_worker_died_is_taken_again_then_given_up(client, carol, world):
    upload, job = _checked(client, carol, 7)
    importing_job = import_jobs.job_request(
        importer=importing.IMPORTERS["contacts"], upload=upload, phase="import", expected_summary=job.summary
    )
    stuck = import_jobs.job_request(importer=importing.IMPORTERS["contacts"], upload=upload, phase="check")
    ImportJob.objects.filter(pk=stuck.pk).update(state="running", attempts=import_jobs.MAX_ATTEMPTS)
    import_jobs.run_import_job(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.state == "failed" and "několikrát" in stuck.error_message

    # The first attempt's process died: the job says running, nobody holds its lock.
    ImportJob.objects.filter(pk=importing_job.pk).update(state="running", attempts=1)
    import_jobs.run_import_job(importing_job.pk)  # the message given back to the queue
    importing_job.refresh_from_db()
    assert (importing_job.state, importing_job.attempts) == ("done", 2)
    assert Contact.objects.count() == 7


def test_the_page_fails_a_running_job_nobody_works_on(client, carol, world):
    upload, job = _checked(client, carol, 7)
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    ImportJob.objects.filter(pk=job.pk).update(state="running", started_at=long_ago, attempts=1)
    page = client.get(reverse("contacts:import_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "program, který jej prováděl, restartoval" in page.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    # While a process holds the job's lock, the job is running.
    ImportJob.objects.filter(pk=job.pk).update(state="running")
    assert import_jobs._hold(job.pk)
    try:
        job.refresh_from_db()
        assert import_jobs.fail_if_abandoned(job).state == "running"
    finally:
        import_jobs._release(job.pk)


def test_a_job_is_only_its_requesters(client, carol, world):
    _upload_, job = _checked(client, carol, 7)
    other = UserFactory(organisation=carol.organisation, role="coordinator")
    client.force_login(other)
    assert client.get(reverse("contacts:import_job", args=[job.pk])).status_code == 404
    client.force_login(carol)
    assert client.get(reverse("cases:import_job", args=[job.pk])).status_code == 404  # another kind
    assert client.get(reverse("contacts:import_job", args=[job.pk])).status_code == 200


def test_a_job_waiting_too_long_is_sent_again_when_its_page_is_seen(client, carol, world, monkeypatch):
    from clients import tasks

    sent = []
    monkeypatch.setattr(tasks.run_import_job, "delay", lambda job_id: sent.append(job_id))
    client.force_login(carol)
    upload = _upload(client, _file(7))
    job = ImportJob.objects.get(upload=upload)
    client.get(reverse("contacts:import_job", args=[job.pk]))
    assert sent == []  # just asked for: its message is on its way
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    client.get(reverse("contacts:import_job", args=[job.pk]))
    assert sent == [job.pk]
