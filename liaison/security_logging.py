"""Keeping personal data and secrets out of logs and error reports.

Views that take personal data use `sensitive_post_parameters` so that Django's error reports
leave the form out; this filter is the second line for anything that still reaches a log line.
"""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter as DjangoFilter

MASK = "[masked]"

_PATTERNS = [
    # password=..., "otp_token": "123456", token=... in any message or formatted request data
    re.compile(
        r"(?i)((?:password\d?|passwd|otp_token|token|secret|csrfmiddlewaretoken|sessionid)['\"]?\s*[=:]\s*['\"]?)[^&'\"\s,}]+"
    ),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"(?<!\d)\d{6}/?\d{3,4}(?!\d)"),  # Czech birth numbers (rodné číslo)
    re.compile(r"(?<![\w/])(?:\+|00)?(?:420[ ]?)?\d{3}[ ]?\d{3}[ ]?\d{3}(?!\d)"),  # phone numbers
]


def mask(text: str) -> str:
    for pattern in _PATTERNS:
        if pattern.groups:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        else:
            text = pattern.sub(MASK, text)
    return text


class PersonalDataFilter(logging.Filter):
    """Masks e-mail addresses, phone and birth numbers and secrets in the final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class SafeExceptionReporterFilter(DjangoFilter):
    # Also connection strings (DATABASE_URL, REDIS_URL carry passwords) and e-mail settings.
    hidden_settings = re.compile(r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|URL|DSN|EMAIL_HOST", flags=re.I)
