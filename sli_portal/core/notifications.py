"""Sending an e-mail once: reminders, digests and bulletins all go through `send_once`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils.html import linebreaks, urlize

from sli_portal.models import SentNotification


def portal_url(path: str) -> str:
    """An absolute link for an e-mail: PORTAL_BASE_URL (scheme and host as the public reaches
    the portal) and `path`. Never the request's host: a publication made on localhost, or over
    plain HTTP behind a proxy, must still send https://the-portal/ links."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def html_alternative(body: str) -> str:
    """The plain-text message as HTML: the same words, paragraphs and clickable links, no images."""
    paragraphs = linebreaks(urlize(body, nofollow=True, autoescape=True), autoescape=False)
    return f'<!DOCTYPE html><html lang="en-GB"><body style="font-family: Arial, sans-serif">{paragraphs}</body></html>'


def send_once(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> bool:
    """Send `body` to `to` unless a message with `key` was sent before; True when sent now.

    The key is claimed in the database before the message goes, so two workers running the
    same reminder job cannot both send it; if sending fails the claim is rolled back and a later
    run tries again.

    The subject is folded onto one line: it is built from titles and names, and a line break in
    a header is refused by Django (and would let text forge headers of its own). `reply_to`
    names who answers the message (the region's coordinator), since the sender is a robot.
    Every message is plain text with an HTML alternative of the same words.
    """
    subject = " ".join(subject.split())
    try:
        with transaction.atomic():
            SentNotification.objects.create(key=key, recipient=to, subject=subject[:200])
            message = EmailMultiAlternatives(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[to],
                reply_to=reply_to or None,
                headers=headers or None,
            )
            message.attach_alternative(html_alternative(body), "text/html")
            message.send()
    except IntegrityError:
        return False
    return True
