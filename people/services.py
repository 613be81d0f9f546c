"""The people side's rules: throttling password resets, the e-mails they send."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import ResetRequest

# Kept a day: the longest window a throttle looks back over.
RESET_REQUESTS_KEPT = datetime.timedelta(days=1)
RESET_WINDOW = datetime.timedelta(hours=1)


def reset_refusal(email: str, client_address: str | None) -> str | None:
    """Record a password-reset request and say why it is refused, or None when it may go.

    Counted per typed address and per client over the last hour, whether or not the address
    belongs to an account, so the answer tells nothing about who has one.
    """
    now = timezone.now()
    email = email.strip().lower()
    ResetRequest.objects.filter(requested_at__lt=now - RESET_REQUESTS_KEPT).delete()
    recent = ResetRequest.objects.filter(requested_at__gte=now - RESET_WINDOW)
    counts = recent.filter(Q(email=email) | Q(client_address=client_address)).values_list("email", "client_address")
    per_address = per_client = 0
    for typed, client in counts:
        per_address += typed == email
        per_client += client_address is not None and client == client_address
    if per_client >= settings.PASSWORD_RESET_LIMIT_PER_CLIENT:
        return "You have asked for too many password resets. Try again in an hour"
    if per_address >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        return "Too many password resets have been asked for this address. Try again in an hour"
    ResetRequest.objects.create(email=email, client_address=client_address)
    return None
