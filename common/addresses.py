"""The client's address for the audit trail."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind AUDIT_TRUSTED_PROXY_COUNT reverse proxies the address that the
    outermost trusted proxy put into X-Forwarded-For. Without a trusted proxy the header is
    ignored: anybody can send it."""
    proxies = getattr(settings, "AUDIT_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        # Each trusted proxy appends the address it saw; the last `proxies` entries are theirs.
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
    return _valid(request.META.get("REMOTE_ADDR", ""))


def masked_address(address: str | None) -> str:
    """An address shortened for showing to its own user (their list of sessions): enough to
    tell the office from a phone network, not enough to locate anybody. IPv4 keeps its first
    three parts, IPv6 its first three groups (the /48 of a site)."""
    if not address:
        return ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if parsed.version == 4:
        return ".".join(str(parsed).split(".")[:3]) + ".*"
    return ":".join(parsed.exploded.split(":")[:3]) + ":*"
