"""The coordinators' monthly peer-challenge summary: one e-mail a month per region, grouped by
what to do — milestones running late, councils overdue a corporate or finance peer challenge,
councils due one — with counts and a link to each challenge. Sent once a month: its key names
the region, the month and the recipient, so a later run, or a second worker, sends nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from programmes.models import Membership, Region
from sli_portal.core.notifications import portal_url, send_once

from . import services


@dataclass(frozen=True)
class Item:
    text: str
    url: str


@dataclass
class Summary:
    region: Region
    month: datetime.date
    late: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    due: list[Item] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.late or self.overdue or self.due)

    @property
    def subject(self) -> str:
        counts = [
            f"{len(self.late)} milestone{'s' if len(self.late) != 1 else ''} running late" if self.late else "",
            f"{len(self.overdue)} council{'s' if len(self.overdue) != 1 else ''} overdue" if self.overdue else "",
            f"{len(self.due)} due" if self.due else "",
        ]
        return f"Peer challenges, {self.month:%B %Y}: {', '.join(c for c in counts if c)} – {self.region.short_name}"


def _challenge_url(region: Region, challenge) -> str:
    if challenge is None:
        return portal_url(reverse("peer_challenge_schedule", args=[region.slug]))
    return portal_url(reverse("peer_challenge_detail", args=[region.slug, challenge.pk]))


def region_summary(region: Region, *, today: datetime.date) -> Summary:
    summary = Summary(region=region, month=today.replace(day=1))
    for cycle in services.region_cycle_statuses(region, today=today):
        council, last = cycle.local_authority, cycle.last_challenge
        if cycle.status == services.OVERDUE:
            overdue_from = cycle.due_by + datetime.timedelta(days=1)
            text = (
                f"{council.name}: no peer challenge counting towards the cycle since the visit that ended on "
                f"{cycle.last_visit_end:%-d %B %Y}; overdue since {overdue_from:%-d %B %Y}"
            )
            summary.overdue.append(Item(text, _challenge_url(region, last)))
        elif cycle.status == services.DUE:
            text = (
                f"{council.name}: due from {cycle.due_from:%-d %B %Y}, to be held by {cycle.due_by:%-d %B %Y} "
                f"(last visit ended {cycle.last_visit_end:%-d %B %Y})"
            )
            summary.due.append(Item(text, _challenge_url(region, last)))
    for late in services.late_challenges(region, today=today):
        challenge = late.challenge
        for milestone in late.late:
            text = (
                f"{challenge.local_authority.name}, {challenge.get_kind_display().lower()}: "
                f"{milestone.label.lower()} (expected by {milestone.expected_by:%-d %B %Y})"
            )
            summary.late.append(Item(text, _challenge_url(region, challenge)))
    return summary


def coordinator_addresses(region: Region) -> list[str]:
    """The region's coordinators' e-mail addresses, or the region's coordinator address."""
    emails = sorted({m.user.email for m in region.coordinators if m.user.email and m.user.is_active})
    return emails or ([region.coordinator_email] if region.coordinator_email else [])


def send_peer_challenge_reminders(*, today: datetime.date | None = None) -> int:
    """E-mail every region's coordinators this month's summary, once; return how many were sent."""
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
        summary = region_summary(region, today=today)
        if summary.is_empty:
            continue
        body = render_to_string(
            "peer_challenges/email/monthly_summary.txt",
            {
                "summary": summary,
                "schedule_url": portal_url(reverse("peer_challenge_schedule", args=[region.slug])),
                "planner_url": portal_url(reverse("peer_challenge_planner", args=[region.slug])),
            },
        )
        for address in addresses:
            key = f"peer-challenge-summary:{region.slug}:{summary.month:%Y-%m}:{address}"
            sent += send_once(key=key, to=address, subject=summary.subject, body=body)
    return sent
