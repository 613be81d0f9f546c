"""What anyone may read of a region: its page and its published plan, composed from every app.

Never a draft plan, a proposed objective, a draft update or an unpublished snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from priorities.selectors import latest_submitted_updates, public_priority_areas
from programmes.models import ActionPlan, Region
from programmes.selectors import current_public_plan, upcoming_events
from snapshots.models import Snapshot


@dataclass
class RegionPublicSummary:
    """What anyone may read about a region: never a draft plan or an unpublished snapshot."""

    region: Region
    plan: ActionPlan | None
    priority_areas: list = field(default_factory=list)
    upcoming_events: list = field(default_factory=list)
    published_snapshots: list = field(default_factory=list)


def region_public_summary(region: Region) -> RegionPublicSummary:
    plan = current_public_plan(region)
    priority_areas = list(public_priority_areas(plan)) if plan else []
    events = list(upcoming_events(region))
    snapshots = list(Snapshot.objects.published().filter(region=region).select_related("region").order_by("-month")[:6])
    return RegionPublicSummary(region, plan, priority_areas, events, snapshots)


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

    areas = list(public_priority_areas(plan))
    # Submitted updates only: a draft's narrative is the lead's work in progress.
    latest = latest_submitted_updates(plan)
    for area in areas:
        for objective in area.public_objectives:
            objective.latest_update = latest.get(objective.pk)
    return PublicPlan(region, plan, areas)
