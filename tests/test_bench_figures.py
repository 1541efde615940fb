"""The benchmark never leaves out a figure silently: what it cannot measure is written into the
results and the run fails."""

import argparse

import pytest

from bench import load, pages, results, run
from bench.common import NotMeasured, Results


def test_throughput_without_locust_is_not_measured(monkeypatch, tmp_path):
    monkeypatch.setattr(load, "PY", str(tmp_path / "python"))  # no locust beside this interpreter
    monkeypatch.setattr(load.shutil, "which", lambda name: None)
    with pytest.raises(NotMeasured, match="locust is not installed"):
        load.measure_load({}, {"DJANGO_SETTINGS_MODULE": "liaison.settings"}, 1, 1, Results())


def _run_without_measuring(monkeypatch, tmp_path):
    """run.main() with every stage replaced; the throughput cannot be measured (no locust)."""
    output = tmp_path / "RESULTS.md"
    arguments = argparse.Namespace(
        contacts=1,
        clients=1,
        cases=1,
        database_url="postgres://x/bench",
        redis_url="redis://x/1",
        requests=1,
        load_seconds=1,
        connections=1,
        import_rows=10,
        output=str(output),
        skip_load=False,
        reseed=False,
    )
    monkeypatch.setattr(run, "_arguments", lambda: arguments)
    monkeypatch.setattr(run, "prepare_database", lambda *a: None)
    monkeypatch.setattr(run, "choose_settings", lambda *a: None)
    monkeypatch.setattr(
        run,
        "describe_machine",
        lambda: dict.fromkeys(("cpu", "cores", "ram_gib", "postgresql", "shared_buffers", "python", "os", "date"), "?"),
    )
    monkeypatch.setattr(run, "pick_people", lambda: {"organisation_contacts": 0, "assistant_contacts": 0})
    monkeypatch.setattr(run, "_counts", lambda url: {"contacts": 0, "clients": 0, "cases": 0})
    monkeypatch.setattr(run, "measure_pages", lambda *a: None)
    monkeypatch.setattr(run, "measure_exports", lambda *a: None)

    def import_failed(*args):
        raise NotMeasured("the contact import failed: no coordinator")

    monkeypatch.setattr(run, "measure_import", import_failed)

    def no_locust(*args):
        raise NotMeasured("locust is not installed")

    monkeypatch.setattr(run, "measure_load", no_locust)
    monkeypatch.setattr(run.os.environ, "update", lambda *a, **k: None)  # keep the test's settings
    return output


def test_a_figure_not_measured_is_written_and_fails_the_run(monkeypatch, tmp_path, db):
    output = _run_without_measuring(monkeypatch, tmp_path)
    with pytest.raises(SystemExit) as stopped:
        run.main()
    assert stopped.value.code == 1
    written = output.read_text()
    assert "## Not measured (this run failed)" in written
    assert "- Throughput: locust is not installed" in written
    assert "- Import: the contact import failed: no coordinator" in written
    assert "**Not measured**: locust is not installed" in written


def test_a_database_that_cannot_be_counted_stops_the_run_saying_so(monkeypatch, tmp_path, db):
    output = _run_without_measuring(monkeypatch, tmp_path)
    monkeypatch.setattr(run, "_counts", lambda url: None)
    with pytest.raises(SystemExit) as stopped:
        run.main()
    assert stopped.value.code == "The benchmark database postgres://x/bench cannot be read: nothing measured."
    assert not output.exists()


def test_a_database_without_contacts_cannot_give_the_people_of_the_pages(db):
    with pytest.raises(NotMeasured, match="The benchmark database holds no contacts."):
        pages.pick_people()


def test_the_export_ratio_target_is_at_most_one_point_two():
    done = Results(copy={"ratio": 1.19})
    assert "met (1.19x)" in "\n".join(results.summary(done))
    done.copy["ratio"] = 1.21
    assert "**missed** (1.21x)" in "\n".join(results.summary(done))


def test_the_import_target_is_100_000_rows_in_two_minutes():
    measured = {"rows": 100_000, "file_bytes": 4e6, "check_seconds": 50.0, "import_seconds": 60.0, "peak_rss_mb": 150}
    done = Results(imports=[measured | {"seconds": 110.0}])
    assert "100,000 contact rows imported (check and import) in < 120 s: met (110 s)" in "\n".join(
        results.summary(done)
    )
    done.imports[0]["seconds"] = 121.0
    assert "**missed** (121 s)" in "\n".join(results.summary(done))


def test_flat_import_memory_is_the_long_files_peak_within_a_tenth_of_the_short_files():
    short = {"rows": 10_000, "file_bytes": 4e5, "check_seconds": 5.0, "import_seconds": 6.0, "seconds": 11.0}
    long = {"rows": 100_000, "file_bytes": 4e6, "check_seconds": 50.0, "import_seconds": 60.0, "seconds": 110.0}
    done = Results(imports=[short | {"peak_rss_mb": 106}, long | {"peak_rss_mb": 116}])
    summary = "\n".join(results.summary(done))
    assert "Flat memory: the peak importing 100,000 rows at most 1.1x the peak importing 10,000: met" in summary
    done.imports[1]["peak_rss_mb"] = 117
    assert "**missed** (117 MB against 106 MB, 1.10x)" in "\n".join(results.summary(done))
