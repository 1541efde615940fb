"""The production static-file storage (hashed names, compressed) can collect every asset:
a vendored file naming a missing source map would break a deployment."""

import os
import subprocess
import sys


def test_collectstatic_with_production_storage(tmp_path):
    env = {**os.environ, "DEBUG": "0", "STATIC_ROOT": str(tmp_path), "DJANGO_SETTINGS_MODULE": "liaison.settings"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
