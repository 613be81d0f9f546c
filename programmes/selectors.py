"""Reads that pages share, with their joins already applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from .models import ActionPlan, Event, Membership, Region


def public_regions() -> QuerySet[Region]:
    return Region.objects.order_by("name")


@dataclass
class RegionPublicSummary:
    """What anyone may read about a region: never a draft plan or an unpublished snapshot."""

    region: Region
    plan: ActionPlan | None
    priority_areas: list = field(default_factory=list)
    upcoming_events: list = field(default_factory=list)
    published_snapshots: list = field(default_factory=list)


def current_public_plan(region: Region) -> ActionPlan | None:
    """The active plan, else the most recent approved or closed one."""
    plans = ActionPlan.objects.public().filter(region=region)
    return plans.filter(status=ActionPlan.Status.ACTIVE).first() or plans.order_by("-start_date").first()


def region_public_summary(region: Region) -> RegionPublicSummary:
    from priorities.models import PriorityArea
    from snapshots.models import Snapshot

    plan = current_public_plan(region)
    priority_areas = []
    if plan:
        priority_areas = list(
            PriorityArea.objects.filter(plan=plan)
            .select_related("lead", "deputy_lead")
            .prefetch_related("key_objectives")
            .order_by("number")
        )
    events = list(Event.objects.filter(region=region, starts_at__gte=timezone.now()).order_by("starts_at")[:5])
    snapshots = list(Snapshot.objects.published().filter(region=region).order_by("-month")[:6])
    return RegionPublicSummary(region, plan, priority_areas, events, snapshots)


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.for_user(user).select_related("region", "local_authority")
