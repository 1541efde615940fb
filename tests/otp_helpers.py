"""A confirmed authenticator for a test user, and its current code."""

from accounts.models import User


def with_authenticator(user: User):
    """Give the user a confirmed TOTP device, as after enrolment; returns the device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
