"""Reads the snapshot pages share, with their joins applied."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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
class ArchivePage:
    """One calendar year of the public archive: its published snapshots, newest first, and every
    year that has one, newest first, to page through."""

    years: list[int]
    year: int | None
    snapshots: list[Snapshot]


class NoSuchYear(Exception):
    """The archive has no published snapshot in the year asked for."""


def archive_page(region: Region, year: int | None = None) -> ArchivePage:
    """The archive's page of `year` (the latest year when None); two queries, whatever the
    history. Sizes and page counts are the snapshot's own fields: no storage is asked."""
    published = Snapshot.objects.published().filter(region=region)
    years = [day.year for day in published.dates("month", "year", order="DESC")]
    if year is None:
        year = years[0] if years else None
    elif year not in years:
        raise NoSuchYear(year)
    snapshots = []
    if year is not None:
        snapshots = list(published.filter(month__year=year).order_by("-month"))
        for snapshot in snapshots:
            snapshot.region = region
    return ArchivePage(years, year, snapshots)


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
