"""Jobs survive retries, killed workers and time limits without ever offering a partial file;
the monthly schedule and the clean-up; a real Celery worker on Redis makes a file."""

import datetime
import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.utils import timezone

from accounts.models import Organisation
from reports import jobs, services, storage, tasks
from reports.models import JobState, ReportJob, ReportType

MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all", "format": "xlsx"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _request(user, report_type=ReportType.ACTIVITY) -> ReportJob:
    return services.report_job_request(by=user, report_type=report_type, raw_parameters=MARCH)


def _stored_files() -> list[str]:
    root = storage.reports_root()
    return sorted(path.name for path in root.glob("*")) if root.exists() else []


def test_a_crash_while_writing_leaves_no_file_on_offer(carol, monkeypatch):
    job = _request(carol)

    def crash(report, path):
        path.write_bytes(b"half a file")
        raise MemoryError("worker killed")

    monkeypatch.setitem(jobs.WRITERS, "xlsx", crash)
    with pytest.raises(MemoryError):
        jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.RUNNING and not job.result_file  # the queue gives it again
    assert _stored_files() in ([], ["work"]) and not list((storage.reports_root() / "work").glob("*"))


def test_a_job_whose_worker_keeps_dying_is_given_up(carol):
    job = _request(carol)
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=jobs.MAX_ATTEMPTS)
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not job.result_file and job.error_message


def test_transient_database_errors_are_retried(carol, monkeypatch):
    job = _request(carol)
    real = jobs.run_report_job
    calls = []

    def flaky(job_id):
        calls.append(job_id)
        if len(calls) < 3:
            ReportJob.objects.filter(pk=job_id).update(state=JobState.RUNNING)
            raise OperationalError("server closed the connection unexpectedly")
        return real(job_id)

    monkeypatch.setattr(jobs, "run_report_job", flaky)
    tasks.generate_report.apply(args=(job.pk,))
    job.refresh_from_db()
    assert len(calls) == 3 and job.state == JobState.DONE and job.result_file


# Committed data: the first delivery works in a thread of its own, on a connection of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_delivery_while_the_job_is_being_made_is_dropped(carol, monkeypatch):
    """The broker hands out a job that a worker is still making (its message not acknowledged
    within the visibility timeout, a retry waiting for its countdown, a stranded job sent again).
    The second delivery neither counts an attempt nor makes a file of its own; the first one
    finishes the job with exactly one file."""
    monkeypatch.setattr(services, "enqueue_report_job", lambda job: None)  # no broker here
    job = _request(carol)
    write = jobs.WRITERS["xlsx"]
    writing, may_finish = threading.Event(), threading.Event()
    calls = []

    def first_one_slow(report, path):
        calls.append(path)
        if len(calls) == 1:
            writing.set()
            may_finish.wait(60)
        write(report, path)

    monkeypatch.setitem(jobs.WRITERS, "xlsx", first_one_slow)
    failures: list[BaseException] = []

    def first_delivery():
        try:
            jobs.run_report_job(job.pk)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=first_delivery)
    worker.start()
    try:
        assert writing.wait(60), failures
        jobs.run_report_job(job.pk)  # the second delivery, while the first one writes
        job.refresh_from_db()
        second = (job.state, job.attempts, len(calls), _stored_files())
    finally:
        may_finish.set()
        worker.join(60)
    assert second == (JobState.RUNNING, 1, 1, ["work"]), second
    assert not failures and not worker.is_alive()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1
    assert _stored_files() == sorted(["work", job.result_file])
    # Once the first delivery has let go, the job is handed out normally: done, left alone.
    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 1 and len(calls) == 1


def test_a_failing_task_marks_the_job_failed(carol, monkeypatch):
    job = _request(carol)

    def broken(job_id):
        raise ValueError("a bug")

    monkeypatch.setattr(jobs, "run_report_job", broken)
    tasks.generate_report.apply(args=(job.pk,))
    job.refresh_from_db()
    assert (
        job.state == JobState.FAILED
        and job.error_message == "Sestavu se nepodařilo vytvořit. Zkuste to prosím později."
    )


def test_task_options_for_lost_workers_and_time_limits():
    task = tasks.generate_report
    assert task.acks_late and task.reject_on_worker_lost
    assert task.soft_time_limit is not None and task.time_limit is not None
    assert task.soft_time_limit < task.time_limit
    # (autoretry_for is an option of the task decorator, not in the stubs' Task.)
    assert set(task.autoretry_for) == {OperationalError, tasks.InterfaceError}  # type: ignore[attr-defined]


def test_monthly_task_enqueues_each_scheduled_job_once(carol, django_capture_on_commit_callbacks):
    # Each job is sent once its transaction commits; a second run the same day sends nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = tasks.schedule_monthly_reports()
        again = tasks.schedule_monthly_reports()
    serving = Organisation.objects.filter(kind__in=["ngo", "municipality"]).count()
    assert made == 1 + serving and again == 0 and len(callbacks) == made


def test_monthly_schedule_makes_each_report_once(carol, oscar, ministry_analyst):
    scheduled = jobs.schedule_monthly_reports(today=datetime.date(2026, 4, 1))
    again = jobs.schedule_monthly_reports(today=datetime.date(2026, 4, 1))
    serving = Organisation.objects.filter(kind__in=["ngo", "municipality"]).count()
    assert len(scheduled) == 1 + serving and again == []
    national = next(job for job in scheduled if job.report_type == ReportType.NATIONAL_STATISTICS)
    assert national.parameters["start"] == "2026-03-01" and national.parameters["end"] == "2026-03-31"
    # Visible to every ministry analyst and to the organisation's coordinators, nobody else.
    from reports.selectors import visible_report_jobs

    assert national in visible_report_jobs(ministry_analyst)
    assert national not in visible_report_jobs(carol)
    drom_activity = ReportJob.objects.get(scheduled=True, organisation=carol.organisation)
    assert drom_activity in visible_report_jobs(carol)
    assert drom_activity not in visible_report_jobs(ministry_analyst)
    assert not visible_report_jobs(oscar).exists()  # an assistant sees no reports


def test_clean_up_deletes_expired_files_and_fails_stuck_jobs(carol):
    done = _request(carol)
    jobs.run_report_job(done.pk)
    done.refresh_from_db()
    path = storage.stored_path(done.result_file)
    assert path.exists()
    stuck = _request(carol)
    ReportJob.objects.filter(pk=stuck.pk).update(
        state=JobState.RUNNING, started_at=timezone.now() - datetime.timedelta(days=1)
    )
    leftover = storage.new_work_path(stuck.pk, "xlsx")
    leftover.write_bytes(b"partial")
    os.utime(leftover, (time.time() - 86400, time.time() - 86400))

    assert done.expires_at is not None
    result = jobs.clean_up_report_jobs(now=done.expires_at + datetime.timedelta(seconds=1))
    assert result == {"expired": 1, "stuck": 1, "work_files": 1}
    done.refresh_from_db()
    stuck.refresh_from_db()
    assert not path.exists() and done.result_file == "" and done.state == JobState.DONE
    assert stuck.state == JobState.FAILED and not leftover.exists()


def test_stored_names_cannot_leave_the_reports_folder():
    with pytest.raises(ValueError):
        storage.stored_path("../../etc/passwd")


# A real worker ---------------------------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# Committed data for the worker's own connection; serialized rollback brings back the reference
# data (regions, authorities) that the flush after a transactional test removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_celery_worker_on_redis_makes_the_file(carol, settings, tmp_path):
    if not django_settings.REDIS_URL:
        pytest.fail("This test needs REDIS_URL, as `make test` sets it.")
    environment = {
        **os.environ,
        "DATABASE_URL": _database_url(),  # the test database, which this test commits to
        "LIAISON_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "DEBUG": "0",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "liaison", "worker", "--pool=solo", "--loglevel=WARNING"],
        env=environment,
        cwd=django_settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        job = _request(carol)  # autocommit here: the task is sent at once
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished or worker.poll() is not None:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert job.state == JobState.DONE, output.decode(errors="replace")[-3000:]
    data = b"".join(storage.read_decrypted(job.result_file))
    assert data.startswith(b"PK") and len(data) == job.result_size  # a complete XLSX (zip) file
