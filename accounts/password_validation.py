"""Passwords common in Czech or tied to this service, which Django's English list misses.

No composition rules (digits, capitals): length (12) and these lists are what helps.
"""

from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LIST_FILE = Path(__file__).parent / "data" / "common-passwords-cs.txt"


@cache
def _words() -> frozenset[str]:
    lines = LIST_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _normalise(password: str) -> str:
    # "Heslo2024!" is as weak as "heslo": drop trailing digits and punctuation before comparing.
    return password.lower().rstrip("0123456789!?.,;:-_*#@$%&+ ")


class LocalPasswordListValidator:
    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        if lowered in _words() or _normalise(password) in _words():
            raise ValidationError(_("This password is too common."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Your password can't be a commonly used password.")
