"""Celery tasks of the priorities: each takes primitives and calls one service."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import leadership, reminders


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(time_limit=300)
def send_update_reminders(today: str | None = None) -> int:
    """Daily. Safe to run twice: `send_once` keys each reminder by quarter, kind and person.
    `today` (ISO date) lets an operator replay a missed day."""
    return reminders.send_update_reminders(today=_day(today))


@shared_task(time_limit=300)
def send_coordinator_digests(today: str | None = None) -> int:
    """Weekly. Safe to run twice: the digest is keyed by ISO week and coordinator."""
    return reminders.send_coordinator_digests(today=_day(today))


@shared_task(time_limit=300)
def apply_due_handovers(today: str | None = None) -> int:
    """Daily, after midnight. Safe to run twice: an applied handover is not applied again."""
    return leadership.apply_due_handovers(today=_day(today))
