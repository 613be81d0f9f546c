"""Reads the snapshot pages share, with their joins applied."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import QuerySet

from programmes.models import Region

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
