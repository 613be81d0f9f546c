"""Celery tasks of the peer challenges: each calls one service."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task(soft_time_limit=300, time_limit=360)
def send_peer_challenge_reminders() -> int:
    """Monthly (sli_portal.beat). Safe to run twice: send_once claims every event's key before sending.

    Time limits: a few hundred councils take seconds; minutes means a stuck mail server, and the
    hard limit frees the worker.
    """
    return reminders.send_peer_challenge_reminders()
