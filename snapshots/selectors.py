"""Reads the snapshot pages share, with their joins applied."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.db.models import QuerySet

from priorities.reporting import QuarterProgress, last_due_quarter, reporting_calendar
from priorities.selectors import active_plan
from programmes.models import Region
from sli_portal.core.quarters import Quarter

from .models import Snapshot


def region_snapshots(region: Region) -> QuerySet[Snapshot]:
    """Every snapshot of the region, newest month first; one query."""
    return Snapshot.objects.filter(region=region).select_related("region", "published_by").order_by("-month")


@dataclass
class ArchiveYear:
    year: int
    snapshots: list[Snapshot]


def archive_by_year(region: Region) -> list[ArchiveYear]:
    """The published snapshots, newest first, grouped by calendar year; one query.

    The PDF sizes come from the storage (a stat per file), not the database.
    """
    published = Snapshot.objects.published().filter(region=region).select_related("region").order_by("-month")
    return [ArchiveYear(year, list(group)) for year, group in groupby(published, key=lambda s: s.month.year)]


# How near the next quarter's due date must be for the snapshot page to count its updates.
DUE_SOON = datetime.timedelta(weeks=4)


@dataclass
class RenderTiming:
    """What a snapshot rendered today would report: the last due quarter, and, when the next
    quarter's updates are due soon, how many are in (so the editor can wait for them)."""

    quarter: Quarter
    due_soon: QuarterProgress | None


def render_timing(region: Region, *, today: datetime.date) -> RenderTiming:
    plan = active_plan(region)
    calendar = reporting_calendar(plan, today=today) if plan else None
    collecting = calendar.collecting if calendar else None
    due_soon = collecting if collecting and collecting.due - today <= DUE_SOON else None
    return RenderTiming(quarter=last_due_quarter(region, today), due_soon=due_soon)
