"""Work files of report jobs: a failed attempt removes its own (a full disk leaves nothing
behind, and the job says why), and a retry removes those of an attempt whose worker was killed.
drills/test_storage_full.py fills a real file system."""

import errno

import pytest

from reports import jobs, services, storage, tasks
from reports.models import JobState, ReportJob, ReportType

MARCH = {"start": "2026-03-01", "end": "2026-03-31", "breakdown": "all", "format": "csv"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _request(user) -> ReportJob:
    return services.report_job_request(by=user, report_type=ReportType.ACTIVITY, raw_parameters=MARCH)


def _everything_stored() -> list[str]:
    root = storage.reports_root()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["writing", "encrypting"])
def test_a_full_disk_leaves_no_file_and_says_so(carol, monkeypatch, where):
    job = _request(carol)
    if where == "writing":

        def half_then_full(report, path):
            path.write_text("half a file")
            _disk_full()

        monkeypatch.setitem(jobs.WRITERS, "csv", half_then_full)
    else:
        monkeypatch.setattr(storage, "encrypt_bytes", _disk_full)
    tasks.generate_report.apply(args=(job.pk,))
    job.refresh_from_db()
    assert _everything_stored() == []
    assert job.state == JobState.FAILED and not job.result_file
    assert job.error_message == (
        "Sestavu se nepodařilo uložit: úložiště sestav je plné. Dejte prosím vědět správci systému."
    )


def test_a_retry_removes_the_work_files_of_the_killed_attempt(carol, oscar):
    job = _request(carol)
    other = _request(carol)
    leftovers = [storage.new_work_path(job.pk, "csv"), storage.work_dir() / f"{job.pk}-{'ab' * 16}.enc.part"]
    for path in leftovers:
        path.write_bytes(b"a killed attempt's half")
    someone_elses = storage.new_work_path(other.pk, "csv")  # another job's attempt, still writing
    someone_elses.write_bytes(b"in progress")
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.INTERRUPTED, attempts=1)

    jobs.run_report_job(job.pk)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.attempts == 2
    assert not any(path.exists() for path in leftovers)
    assert someone_elses.exists()
    assert _everything_stored() == sorted([job.result_file, f"work/{someone_elses.name}"])


def test_a_specific_failure_message_is_not_replaced_by_the_general_one(carol):
    job = _request(carol)
    jobs.report_job_fail(job.pk, "Specific.")
    jobs.report_job_fail(job.pk, "General.")
    job.refresh_from_db()
    assert job.error_message == "Specific."
