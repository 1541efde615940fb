"""An uploaded import's file at rest: encrypted, in parts of PART_BYTES (ClientImportUploadPart).

A file of up to 50 MB is stored a part at a time and read back as a seekable file that holds one
decrypted part at a time, so that storing it, checking it and importing it take the same memory
whatever its length (the reading of an XLSX needs to seek: its directory is at the end)."""

import bisect
import io
from collections.abc import Callable
from typing import BinaryIO

from common.crypto import decrypt_bytes, encrypt_bytes

from .import_models import ClientImportUpload, ClientImportUploadPart

PART_BYTES = 256 * 1024


def store(upload: ClientImportUpload, file: BinaryIO) -> int:
    """Stores the file from its start as the upload's parts; answers its size in bytes."""
    file.seek(0)
    size = number = 0
    while chunk := file.read(PART_BYTES):
        ClientImportUploadPart.objects.create(upload=upload, number=number, size=len(chunk), data=encrypt_bytes(chunk))
        size += len(chunk)
        number += 1
    ClientImportUpload.objects.filter(pk=upload.pk).update(size=size)
    upload.size = size
    return size


class StoredFile(io.RawIOBase):
    """The upload's file, read only: each part is fetched and decrypted when a read reaches it."""

    def __init__(self, upload: ClientImportUpload) -> None:
        super().__init__()
        self._parts: list[tuple[int, int, int]] = []  # (part id, first byte, size)
        start = 0
        for part_id, size in upload.parts.order_by("number").values_list("pk", "size"):
            self._parts.append((part_id, start, size))
            start += size
        self._size = start
        self._starts = [first for _pk, first, _size in self._parts]
        self._position = 0
        self._loaded: tuple[int, bytes] | None = None  # (index of the part, its plain content)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def _part(self, index: int) -> bytes:
        if self._loaded is None or self._loaded[0] != index:
            self._loaded = None  # the previous part is freed before the next is read
            token = ClientImportUploadPart.objects.values_list("data", flat=True).get(pk=self._parts[index][0])
            self._loaded = (index, decrypt_bytes(bytes(token)))
        return self._loaded[1]

    def readinto(self, buffer) -> int:
        """Fills the buffer across parts, as a file on disk would (zipfile counts on full reads)."""
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self._position < self._size:
            index = bisect.bisect_right(self._starts, self._position) - 1  # the part the position falls in
            content = self._part(index)
            offset = self._position - self._parts[index][1]
            count = min(len(view) - filled, len(content) - offset)
            view[filled : filled + count] = memoryview(content)[offset : offset + count]
            filled += count
            self._position += count
        return filled


def opener(upload: ClientImportUpload) -> Callable[[], BinaryIO]:
    """Opens the stored file afresh, at its start, for each pass over it."""
    return lambda: StoredFile(upload)  # type: ignore[return-value]
