"""Reads that pages share, with their joins already applied."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .models import ActionPlan, Event, Membership, Region


def public_regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")


def current_public_plan(region: Region) -> ActionPlan | None:
    """The active plan, else the most recent approved or closed one."""
    plans = ActionPlan.objects.public().filter(region=region)
    return plans.filter(status=ActionPlan.Status.ACTIVE).first() or plans.order_by("-start_date").first()


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.for_user(user).select_related("region", "local_authority")


# --- Action plans ----------------------------------------------------------------------------


def region_plans(region: Region) -> QuerySet[ActionPlan]:
    """Every plan of the region, newest period first, with the plan each builds on."""
    return ActionPlan.objects.filter(region=region).select_related("builds_on").order_by("-start_date", "title")


# --- Events ----------------------------------------------------------------------------------


def region_events(region: Region) -> QuerySet[Event]:
    return Event.objects.filter(region=region).order_by("starts_at", "title")


def upcoming_events(region: Region, *, today: datetime.date | None = None, limit: int = 5) -> QuerySet[Event]:
    """The region's next events, from the start of `today` (London time)."""
    today = today or timezone.localdate()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return region_events(region).filter(starts_at__gte=start)[:limit]


def reply_to_addresses(region: Region) -> list[str]:
    """Who answers the region's e-mails: its coordinator address, else its coordinators' own."""
    if region.coordinator_email:
        return [region.coordinator_email]
    return list(
        Membership.objects.filter(region=region, role=Membership.Role.COORDINATOR, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
