"""The coordinators' monthly peer-challenge reminders: councils entering due, becoming overdue, and
late milestones. Each event is e-mailed once: its key names the council (or challenge), the event
and its date, so a later run, or a second worker, never sends it again."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from programmes.models import Membership, Region
from sli_portal.core.notifications import send_once

from . import services


@dataclass(frozen=True)
class Reminder:
    key: str  # without the recipient
    subject: str
    body: str


def region_reminders(region: Region, *, today: datetime.date) -> list[Reminder]:
    reminders = []
    for cycle in services.region_cycle_statuses(region, today=today):
        council = cycle.local_authority
        if cycle.status == services.DUE:
            reminders.append(
                Reminder(
                    f"peer-challenge:{council.gss_code}:due:{cycle.due_from.isoformat()}",
                    f"{council.name} is due a peer challenge",
                    f"{council.name}'s last corporate or finance peer challenge visit ended on "
                    f"{cycle.last_visit_end:%-d %B %Y}. It is due a new one from "
                    f"{cycle.due_from:%-d %B %Y} and should have it by {cycle.due_by:%-d %B %Y}.",
                )
            )
        elif cycle.status == services.OVERDUE:
            overdue_from = cycle.due_by + datetime.timedelta(days=1)
            reminders.append(
                Reminder(
                    f"peer-challenge:{council.gss_code}:overdue:{overdue_from.isoformat()}",
                    f"{council.name} is overdue a peer challenge",
                    f"{council.name} has had no corporate or finance peer challenge since the visit that ended "
                    f"on {cycle.last_visit_end:%-d %B %Y}: it has been overdue since "
                    f"{overdue_from:%-d %B %Y}.",
                )
            )
    for late in services.late_challenges(region, today=today):
        challenge = late.challenge
        for milestone in late.late:
            reminders.append(
                Reminder(
                    f"peer-challenge:{challenge.pk}:{milestone.key}-late:{milestone.expected_by.isoformat()}",
                    f"{challenge.local_authority.name}: {milestone.label.lower()}",
                    f"The {challenge}: {milestone.label.lower()} (expected by {milestone.expected_by:%-d %B %Y}).",
                )
            )
    return reminders


def coordinator_addresses(region: Region) -> list[str]:
    """The region's coordinators' e-mail addresses, or the region's coordinator address."""
    emails = sorted({m.user.email for m in region.coordinators if m.user.email and m.user.is_active})
    return emails or ([region.coordinator_email] if region.coordinator_email else [])


def send_peer_challenge_reminders(*, today: datetime.date | None = None, link_for=None) -> int:
    """E-mail every region's coordinators the events not sent before; return how many were sent."""
    today = today or timezone.localdate()
    regions = Region.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(role=Membership.Role.COORDINATOR).select_related("user"),
            to_attr="coordinators",
        )
    )
    sent = 0
    for region in regions:
        addresses = coordinator_addresses(region)
        if not addresses:
            continue
        for reminder in region_reminders(region, today=today):
            body = f"{reminder.body}\n\nSee the {region.name} peer challenge schedule in the SLI Portal."
            if link_for:
                body += f"\n{link_for(region)}"
            for address in addresses:
                sent += send_once(key=f"{reminder.key}:{address}", to=address, subject=reminder.subject, body=body)
    return sent
