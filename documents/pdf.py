"""DOCX to PDF with LibreOffice (`soffice --headless --convert-to pdf`), the same layout a
word processor shows. LibreOffice is optional: without it Liaison makes DOCX files only and says
so (Debian: apt-get install libreoffice-writer-nogui). Conversions run in the worker."""

import shutil
import subprocess  # noqa: S404 - a fixed program with fixed arguments, no shell
import tempfile
from pathlib import Path

from django.conf import settings


class PdfUnavailable(Exception):
    """The conversion could not be made; the message is for the user."""


def soffice() -> str | None:
    configured = settings.LIAISON_SOFFICE
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice() is not None


def docx_to_pdf(content: bytes, *, timeout: int | None = None) -> bytes:
    """The PDF of a DOCX document. Each conversion has its own LibreOffice profile in a
    temporary directory, so that two conversions at once do not lock each other out."""
    program = soffice()
    if program is None:
        raise PdfUnavailable("soffice not found")
    with tempfile.TemporaryDirectory(prefix="liaison-pdf-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(content)
        command = [
            program,
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"-env:UserInstallation={Path(work, 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(source),
        ]
        try:
            subprocess.run(  # noqa: S603
                command,
                cwd=work,
                capture_output=True,
                timeout=timeout or settings.LIAISON_PDF_TIMEOUT,
                check=True,
                env={"HOME": work, "PATH": "/usr/bin:/bin"},
            )
        except subprocess.TimeoutExpired as error:
            raise PdfUnavailable("timeout") from error
        except (subprocess.CalledProcessError, OSError) as error:
            raise PdfUnavailable(str(error)) from error
        result = Path(work) / "document.pdf"
        if not result.exists():
            raise PdfUnavailable("no output")
        return result.read_bytes()
