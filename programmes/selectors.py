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
    from snapshots.models import Snapshot

    plan = current_public_plan(region)
    priority_areas = list(_public_priority_areas(plan)) if plan else []
    events = list(upcoming_events(region))
    snapshots = list(Snapshot.objects.published().filter(region=region).select_related("region").order_by("-month")[:6])
    return RegionPublicSummary(region, plan, priority_areas, events, snapshots)


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.for_user(user).select_related("region", "local_authority")


def _public_priority_areas(plan: ActionPlan):
    from priorities.selectors import public_priority_areas

    return public_priority_areas(plan)


# --- Action plans ----------------------------------------------------------------------------


def region_plans(region: Region) -> QuerySet[ActionPlan]:
    """Every plan of the region, newest period first, with the plan each builds on."""
    return ActionPlan.objects.filter(region=region).select_related("builds_on").order_by("-start_date", "title")


@dataclass
class PublicPlan:
    """What anyone may read of a published plan: signed-off objectives and submitted progress."""

    region: Region
    plan: ActionPlan
    priority_areas: list


def public_plan(region: Region) -> PublicPlan | None:
    plan = current_public_plan(region)
    if plan is None:
        return None
    from priorities.selectors import latest_submitted_updates

    areas = list(_public_priority_areas(plan))
    # Submitted updates only: a draft's narrative is the lead's work in progress.
    latest = latest_submitted_updates(plan)
    for area in areas:
        for objective in area.public_objectives:
            objective.latest_update = latest.get(objective.pk)
    return PublicPlan(region, plan, areas)


# --- Events ----------------------------------------------------------------------------------


def region_events(region: Region) -> QuerySet[Event]:
    return Event.objects.filter(region=region).order_by("starts_at", "title")


def upcoming_events(region: Region, *, limit: int = 5) -> QuerySet[Event]:
    return region_events(region).filter(starts_at__gte=timezone.now())[:limit]
