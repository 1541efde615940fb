"""Filling a DOCX template (docxtpl) and checking an uploaded one before it is kept."""

import io
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .fields import BLANK, FIELD_NAMES
from .models import DocumentKind

DEFAULTS_DIR = Path(__file__).resolve().parent / "default_templates"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def default_template(kind: str) -> bytes:
    """The template shipped with Liaison (built by scripts/build_document_templates.py)."""
    return (DEFAULTS_DIR / f"{DocumentKind(kind).value}.docx").read_bytes()


def _environment() -> SandboxedEnvironment:
    # An uploaded template is code of sorts: the sandbox keeps it from reaching Python's internals.
    return SandboxedEnvironment(autoescape=True)


def fill(template: bytes, context: dict[str, str]) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, jinja_env=_environment())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def check_template(content: bytes) -> None:
    """Refuse what would not make a good document later: not a DOCX, a broken field, or a
    field that is not in the documented list (documents/fields.py)."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("The template is too big: at most 2 MB is allowed."), code="size")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ValidationError(_("This is not a DOCX document. Save the template in Word format (.docx)."))
            # A small file that unpacks to gigabytes is no template (nothing is unpacked to learn it).
            if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ValidationError(_("The template is too big: at most 2 MB is allowed."), code="size")
    except zipfile.BadZipFile as error:
        raise ValidationError(_("This is not a DOCX document. Save the template in Word format (.docx).")) from error
    try:
        document = DocxTemplate(io.BytesIO(content))
        used = document.get_undeclared_template_variables(jinja_env=_environment())
    except TemplateError as error:
        raise ValidationError(
            _("The template has a broken field: %(error)s. Fields are written as {{ name }}.") % {"error": error},
            code="syntax",
        ) from error
    except Exception as error:  # noqa: BLE001 - a damaged file fails in lxml or python-docx in many ways
        raise ValidationError(_("The template could not be read as a DOCX document."), code="damaged") from error
    unknown = sorted(set(used) - FIELD_NAMES)
    if unknown:
        raise ValidationError(
            _("The template uses fields that do not exist: %(fields)s. See the list of available fields.")
            % {"fields": ", ".join(unknown)},
            code="unknown_field",
        )
    # A trial fill: what only fails while filling (a filter that does not exist, an attribute the
    # sandbox refuses) is found now rather than when someone needs the document.
    try:
        fill(content, {name: BLANK for name in FIELD_NAMES})
    except TemplateError as error:
        raise ValidationError(
            _("The template has a broken field: %(error)s. Fields are written as {{ name }}.") % {"error": error},
            code="syntax",
        ) from error
    except Exception as error:  # noqa: BLE001 - as above
        raise ValidationError(_("The template could not be read as a DOCX document."), code="damaged") from error
