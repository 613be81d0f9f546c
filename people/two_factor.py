"""Two-factor sign-in (TOTP) with django-otp: who must have it, enrolment, recovery codes, the
remembered device, and the coordinator's reset of someone's second factor.

After the password, a user with a confirmed authenticator app is asked for a code (or a
recovery code) before any page; a user whose role needs two factors (coordinators, publishers,
superusers, when REQUIRE_2FA is on) and has none is sent to set one up first. What applies is
decided at sign-in and kept in the session, so pages cost no extra query.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes.models import Membership, Region, SecondFactorReset
from programmes.selectors import reply_to_addresses
from sli_portal.core.notifications import portal_url, send_once

from .services import display_name

SESSION_KEY = "two_factor"
VERIFIED, NEEDS_CODE, NEEDS_SETUP, NOT_NEEDED = "verified", "needs_code", "needs_setup", "not_needed"
REMEMBER_COOKIE = "sli_remembered_device"
_REMEMBER_SALT = "people.two_factor.remembered-device"
RECOVERY_CODES = 10

Role = Membership.Role


def required_for(user) -> bool:
    if not settings.REQUIRE_2FA:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=[Role.COORDINATOR, Role.PUBLISHER]).exists()


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_after_password(request, user) -> str:
    """What the session still needs after a password sign-in (see the module's docstring)."""
    device = authenticator(user)
    if device is not None:
        if _remembered(request, user, device):
            django_otp.login(request, device)
            return VERIFIED
        return NEEDS_CODE
    return NEEDS_SETUP if required_for(user) else NOT_NEEDED


# --- Enrolment -----------------------------------------------------------------------------


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading the
    page does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def typed_secret(device: TOTPDevice) -> str:
    """The secret as an app asks for it when it cannot scan: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code (no script, no external request)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#0b0c0c", light="#ffffff")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))


def confirm_authenticator(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows; returns the new recovery codes, or None for a
    wrong code. The session counts as verified from now."""
    if not device.verify_token(_digits(code)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(device.user)
    django_otp.login(request, device)
    request.session[SESSION_KEY] = VERIFIED
    return codes


def new_recovery_codes(user) -> list[str]:
    """Ten single-use codes replacing any earlier ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Recovery codes")
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# --- Verifying -----------------------------------------------------------------------------


def verify(request, code: str):
    """The device that accepts `code` (the app's six digits or a recovery code), else None.
    django-otp slows repeated wrong codes down, per device."""
    user = request.user
    code = code.strip().replace(" ", "").replace("-", "")
    devices = [authenticator(user)] if code.isdigit() else list(StaticDevice.objects.filter(user=user))
    for device in devices:
        if device is not None and device.verify_token(code.lower() if not code.isdigit() else code):
            django_otp.login(request, device)
            request.session[SESSION_KEY] = VERIFIED
            return device
    return None


def locked_for_seconds(device: TOTPDevice | None) -> int:
    """How long django-otp makes the user wait before the device's next code is tried (0: not
    at all): each wrong code doubles the wait."""
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data:
        return 0
    locked_until = data.get("locked_until")
    if locked_until is None:
        return 0
    return max(1, int((locked_until - timezone.now()).total_seconds()))


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


# --- The remembered device -----------------------------------------------------------------


def remember_days() -> int:
    return max(0, min(settings.TWO_FACTOR_REMEMBER_DAYS, 30))


def _fingerprint(device: TOTPDevice) -> str:
    # Changes when the app is set up again or reset, so a new secret forgets old browsers.
    return hashlib.sha256(f"{device.pk}:{device.key}".encode()).hexdigest()[:16]


def remember(response, user, device: TOTPDevice) -> None:
    days = remember_days()
    if not days:
        return
    value = signing.dumps({"u": user.pk, "d": _fingerprint(device)}, salt=_REMEMBER_SALT)
    response.set_cookie(
        REMEMBER_COOKIE,
        value,
        max_age=days * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _remembered(request, user, device: TOTPDevice) -> bool:
    value = request.COOKIES.get(REMEMBER_COOKIE)
    if not value or not remember_days():
        return False
    try:
        data = signing.loads(value, salt=_REMEMBER_SALT, max_age=remember_days() * 24 * 60 * 60)
    except signing.BadSignature:
        return False
    return data == {"u": user.pk, "d": _fingerprint(device)}


# --- Turning it off, and the coordinator's reset -------------------------------------------


def remove_second_factor(user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def reset_for(*, region: Region, user, reset_by) -> SecondFactorReset:
    """The coordinator's reset for someone who lost their phone: their app and recovery codes go
    (they set a new one up at their next sign-in), the reset is recorded and they are told."""
    with transaction.atomic():
        remove_second_factor(user)
        record = SecondFactorReset.objects.create(user=user, region=region, reset_by=reset_by)
    if user.email:
        body = render_to_string(
            "people/email/second_factor_reset.txt",
            {
                "user": user,
                "region": region,
                "reset_by": display_name(reset_by) if reset_by else "",
                "sign_in": portal_url(reverse("login")),
            },
        )
        send_once(
            key=f"second-factor-reset:{record.pk}",
            to=user.email,
            subject="Your SLI Portal two-factor sign-in has been reset",
            body=body,
            reply_to=reply_to_addresses(region),
        )
    return record
