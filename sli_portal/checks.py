"""Deploy checks (`manage.py check --deploy`): production refuses what would lose data or lock
people out, before anyone signs in."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that deliver nothing to anyone: fine for `make run` and tests, never for production.
UNDELIVERED = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@register(Tags.security, deploy=True)
def check_email_is_delivered(app_configs, **kwargs):
    """Invitations, password resets and two-factor resets are e-mails: without a mail server
    nobody could join or get back in, and the portal would not say so."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in UNDELIVERED:
        return []
    return [
        Error(
            f"E-mail is not delivered: EMAIL_BACKEND is {settings.EMAIL_BACKEND}.",
            hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@smtp.example.org:587.",
            id="sli_portal.E001",
        )
    ]
