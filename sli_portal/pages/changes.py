"""What changed in a region since someone's previous sign-in: the member's landing.

A network member reads rather than writes; what they need first is what is new: updates
submitted, key objectives the network signed off, snapshots published, meetings held. Each list
is bounded (the newest few, with how many in all); four queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from priorities.models import KeyObjective, QuarterlyMeeting, QuarterlyUpdate
from programmes.models import ActionPlan, Region
from snapshots.models import Snapshot

SHOWN = 5
SESSION_KEY = "previous_sign_in"


@dataclass
class Changes:
    since: datetime.datetime
    updates: list[QuarterlyUpdate] = field(default_factory=list)
    updates_count: int = 0
    signed_off: list[KeyObjective] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    meetings: list[QuarterlyMeeting] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.updates or self.signed_off or self.snapshots or self.meetings)


def previous_sign_in(session) -> datetime.datetime | None:
    """The sign-in before this one, kept in the session by the login view."""
    value = session.get(SESSION_KEY)
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        return None


def changes_since(region: Region, plan: ActionPlan | None, since: datetime.datetime) -> Changes:
    changes = Changes(since=since)
    if plan is not None:
        submitted = (
            QuarterlyUpdate.objects.submitted()
            .of_signed_off_objectives()
            .filter(key_objective__plan=plan, submitted_at__gt=since)
            .select_related("key_objective")
            .order_by("-submitted_at")
        )
        changes.updates = list(submitted[: SHOWN + 1])
        changes.updates_count = len(changes.updates)
        if changes.updates_count > SHOWN:
            changes.updates_count = submitted.count()
            changes.updates = changes.updates[:SHOWN]
        changes.signed_off = list(
            KeyObjective.objects.signed_off().filter(plan=plan, signed_off_at__gt=since).order_by("number")[:SHOWN]
        )
        changes.meetings = list(
            QuarterlyMeeting.objects.filter(
                priority_area__plan=plan, starts_at__gt=since, starts_at__lte=timezone.now()
            )
            .select_related("priority_area")
            .order_by("-starts_at")[:SHOWN]
        )
    changes.snapshots = list(
        Snapshot.objects.published().filter(region=region, published_at__gt=since).order_by("-month")[:SHOWN]
    )
    return changes
