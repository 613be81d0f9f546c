"""Sending an e-mail once: reminders, digests and bulletins all go through `send_once`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from sli_portal.models import SentNotification


def send_once(*, key: str, to: str, subject: str, body: str) -> bool:
    """Send `body` to `to` unless a message with `key` was sent before; True when sent now.

    The key is claimed in the database before the message goes, so two workers running the
    same reminder job cannot both send it; if sending fails the claim is rolled back and a later
    run tries again.

    The subject is folded onto one line: it is built from titles and names, and a line break in
    a header is refused by Django (and would let text forge headers of its own).
    """
    subject = " ".join(subject.split())
    try:
        with transaction.atomic():
            SentNotification.objects.create(key=key, recipient=to, subject=subject[:200])
            EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()
    except IntegrityError:
        return False
    return True
