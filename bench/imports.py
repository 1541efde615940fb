"""A long contact import, in fresh processes (bench/import_probe.py): the XLSX is made by one
process, then checked and imported by another, whose time and peak memory are measured; a file a
tenth as long is measured the same way, so that flat memory shows as the same peak for both."""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .common import PY, NotMeasured, Results, log, run

IMPORT_ROWS = 100_000
IMPORT_TARGET_SECONDS = 120
# Flat memory: the long file's peak at most this much above the peak of a file a tenth as long.
IMPORT_MEMORY_RATIO = 1.1


def _probe(args: list[str], env: dict) -> dict:
    try:
        completed = run([PY, "-m", "bench.import_probe", *args], env, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        raise NotMeasured(f"the contact import failed: {(exc.stderr or exc.stdout or '')[-300:]}") from exc
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure_import(people: dict, env: dict, results: Results, rows: int = IMPORT_ROWS) -> None:
    coordinator = str(people["coordinator"].pk)
    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-import-"))
    try:
        for count in (rows // 10, rows):
            path = workdir / f"contacts-{count}.xlsx"
            log(f"  an XLSX of {count:,} contact rows …")
            made = _probe(["generate", "--user", coordinator, "--rows", str(count), "--out", str(path)], env)
            log(f"  its check and import ({count:,} rows) …")
            measured = _probe(["run", "--user", coordinator, "--file", str(path)], env)
            if measured["imported"] != count:
                raise NotMeasured(f"{measured['imported']:,} of {count:,} rows were imported")
            results.imports.append(measured | {"file_bytes": made["bytes"]})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        _vacuum(env)


def _vacuum(env: dict) -> None:
    """Each import is rolled back: its rows stay as dead tuples (100,000 contacts with their
    activities, client links and summary rows) until a vacuum, and the pages of the next run
    would read through them."""
    import psycopg2

    connection = psycopg2.connect(env["DATABASE_URL"])
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()
