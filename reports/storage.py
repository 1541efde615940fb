"""Result files under PRIVATE_MEDIA_ROOT/reports, never under a served root.

A report is first written in plain text to a `.part` file in a private work folder, then
encrypted chunk by chunk (Fernet, the project's keys) into another `.part` file, which is
renamed into place in one atomic step. Only a complete file ever has its final name, and only
a final name is ever recorded on a job, so a killed worker leaves no partial file on offer.
An attempt that fails removes its own work files (a full disk leaves nothing behind); a new
attempt removes those that a killed one left (`remove_work_files`).
Each chunk is stored as a 4-byte length and a Fernet token, so that reading back streams too.
"""

import os
import secrets
import struct
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from common.crypto import decrypt_bytes, encrypt_bytes

CHUNK_BYTES = 1024 * 1024
_LENGTH = struct.Struct(">I")


def reports_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "reports"


def work_dir() -> Path:
    path = reports_root() / "work"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def new_work_path(job_id: int, suffix: str) -> Path:
    return work_dir() / f"{job_id}-{secrets.token_hex(8)}.{suffix}.part"


def store_encrypted(plain_path: Path, job_id: int) -> tuple[str, int]:
    """Encrypt `plain_path` into its final place; return the stored name and plain size."""
    root = reports_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{job_id}-{secrets.token_hex(16)}.enc"
    partial = work_dir() / f"{name}.part"
    try:
        with open(plain_path, "rb") as source, open(partial, "wb") as target:
            while chunk := source.read(CHUNK_BYTES):
                token = encrypt_bytes(chunk)
                target.write(_LENGTH.pack(len(token)))
                target.write(token)
            target.flush()
            os.fsync(target.fileno())
        size = plain_path.stat().st_size
        os.replace(partial, root / name)  # atomic on one file system: the work folder is inside root
    except BaseException:
        partial.unlink(missing_ok=True)  # a full disk, a time limit: no half file stays behind
        raise
    return name, size


def stored_path(name: str) -> Path:
    path = (reports_root() / name).resolve()
    if path.parent != reports_root().resolve():
        raise ValueError("A stored report name cannot leave the reports folder.")
    return path


class DecryptedChunks:
    """The plain chunks of a stored file, read as they are asked for. The file is opened at once,
    so that a missing file (a storage restored without it) is known before any answer starts,
    and closed at the end or by close() (a streamed response closes it)."""

    def __init__(self, path: Path) -> None:
        self._handle = open(path, "rb")  # noqa: SIM115 - closed by close(), at the end or by the response

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        header = self._handle.read(_LENGTH.size)
        if not header:
            self.close()
            raise StopIteration
        (length,) = _LENGTH.unpack(header)
        return decrypt_bytes(self._handle.read(length))

    def close(self) -> None:
        self._handle.close()


def read_decrypted(name: str) -> DecryptedChunks:
    """Raises FileNotFoundError at once when the file is missing."""
    return DecryptedChunks(stored_path(name))


def delete_stored(name: str) -> None:
    if name:
        stored_path(name).unlink(missing_ok=True)


def discard(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def remove_work_files(job_id: int) -> int:
    """Delete the work files of a job's earlier attempts (a killed worker cleans up nothing);
    called when a new attempt starts. Their names start with the job's id and a dash."""
    folder = reports_root() / "work"
    if not folder.exists():
        return 0
    removed = 0
    for path in folder.glob(f"{int(job_id)}-*.part"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def remove_stale_work_files(older_than_seconds: int) -> int:
    """Delete work files that a killed worker left behind; return how many."""
    folder = reports_root() / "work"
    if not folder.exists():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.glob("*.part"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
