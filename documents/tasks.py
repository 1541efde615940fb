"""Celery task of documents: a PDF made from a filled-in DOCX (documents.services)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import services

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=settings.LIAISON_PDF_TIMEOUT + 30, time_limit=settings.LIAISON_PDF_TIMEOUT + 60)
def render_pdf(render_id: int) -> None:
    try:
        services.pdf_render_run(render_id)
    except SoftTimeLimitExceeded:
        services.pdf_render_fail(render_id, _("Making the PDF took too long. Download the document as DOCX instead."))
        raise


def enqueue_render(render_id: int) -> None:
    try:
        render_pdf.delay(render_id)
    except BrokerUnavailable as error:
        logger.warning("Broker unavailable (%s): PDF of document %s not made.", type(error).__name__, render_id)
        services.pdf_render_fail(render_id, _("The PDF cannot be made just now. Please try again in a while."))


@shared_task
def forget_old_pdfs() -> int:
    return services.renders_clean_up()
