"""Reading annual reports: who sees which versions is decided by the caller's access."""

from __future__ import annotations

from django.db.models import QuerySet

from programmes.models import Region

from .models import AnnualReport


def region_reports(region: Region, *, year: int | None = None, include_drafts: bool) -> QuerySet[AnnualReport]:
    """The region's reports, newest year and version first; drafts only for the region's readers."""
    reports = AnnualReport.objects.filter(region=region).select_related("submitted_by", "acknowledged_by")
    if year is not None:
        reports = reports.filter(year=year)
    if not include_drafts:
        reports = reports.sent()
    return reports.order_by("-year", "-version")


def latest_version(region: Region, year: int, *, include_drafts: bool) -> AnnualReport | None:
    return region_reports(region, year=year, include_drafts=include_drafts).first()


def has_draft(region: Region, year: int) -> bool:
    return AnnualReport.objects.filter(region=region, year=year, state=AnnualReport.State.DRAFT).exists()


def latest_sent_reports(regions: list[Region]) -> dict[int, list[AnnualReport]]:
    """Region id → the latest sent version of each of its years, newest year first; one query."""
    reports = AnnualReport.objects.sent().filter(region__in=regions).order_by("region_id", "-year", "-version")
    by_region: dict[int, list[AnnualReport]] = {}
    for report in reports.select_related("acknowledged_by"):
        years = by_region.setdefault(report.region_id, [])
        if not years or years[-1].year != report.year:
            years.append(report)
    return by_region
