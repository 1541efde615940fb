"""Celery tasks of accounts: plain values in, the work in accounts/password_reset.py."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import password_reset


@shared_task(
    name="accounts.tasks.send_password_reset",
    acks_late=True,
    # A mail server or database briefly away: try again with growing pauses, well within the
    # hour the link is valid.
    autoretry_for=(OperationalError, InterfaceError, smtplib.SMTPException, ConnectionError),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def send_password_reset(user_ids: list[int], domain: str, use_https: bool, language: str) -> int:
    return password_reset.send_reset_mails(user_ids=user_ids, domain=domain, use_https=use_https, language=language)
