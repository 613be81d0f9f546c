"""Reads the case-study pages, the feeds, the snapshots and the annual report share, with their
joins applied: each returns a ready queryset (or row) that costs a fixed number of queries."""

from __future__ import annotations

import datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from programmes.models import LocalAuthority, Region

from .models import CaseStudy, Topic

# Search results: enough to find something, never the whole table.
SEARCH_LIMIT = 50
# The most words of a query the plain fallback turns into conditions.
SEARCH_WORDS = 8


def _with_lists(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    """The region joined, topics and councils prefetched: three queries for any number of rows."""
    return queryset.select_related("region").prefetch_related(
        Prefetch("topics", Topic.objects.order_by("name")),
        Prefetch("councils", LocalAuthority.objects.order_by("name")),
    )


def published_case_studies() -> QuerySet[CaseStudy]:
    """Every region's published case studies, newest publication first."""
    return _with_lists(CaseStudy.objects.published()).order_by("-published_at", "-pk")


def region_case_studies(region: Region) -> QuerySet[CaseStudy]:
    """The region's own list: drafts, published and withdrawn, recently changed first."""
    return _with_lists(CaseStudy.objects.filter(region=region)).select_related("author").order_by("-updated_at", "-pk")


def filter_published(*, topic: Topic | None = None, region: Region | None = None, council=None):
    """The public list's filters; each one optional."""
    queryset = published_case_studies()
    if topic is not None:
        queryset = queryset.filter(topics=topic)
    if region is not None:
        queryset = queryset.filter(region=region)
    if council is not None:
        queryset = queryset.filter(councils=council)
    return queryset


def search_published(text: str) -> QuerySet[CaseStudy]:
    """Published case studies of every region matching `text`, best first.

    PostgreSQL: full-text search, the title weighing most (A), then the summary (B), then the rest
    (C), ranked. Elsewhere (SQLite): every word must appear in one of the same fields, newest first.
    """
    text = " ".join(text.split())
    if not text:
        return CaseStudy.objects.none()
    queryset = published_case_studies()
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("problem", "what_was_done", "impact", weight="C", config="english")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "-published_at", "-pk")[:SEARCH_LIMIT]
        )
    condition = Q()
    for word in text.split()[:SEARCH_WORDS]:
        condition &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(problem__icontains=word)
            | Q(what_was_done__icontains=word)
            | Q(impact__icontains=word)
        )
    return queryset.filter(condition)[:SEARCH_LIMIT]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def published_between(region: Region, start_date: datetime.date, end_date: datetime.date) -> QuerySet[CaseStudy]:
    """The region's case studies published (and still published) from `start_date` to
    `end_date`, both included, in Europe/London days; oldest publication first. For the annual
    report and anyone who lists a period's."""
    return (
        _with_lists(CaseStudy.objects.published())
        .filter(
            region=region,
            published_at__gte=_local_midnight(start_date),
            published_at__lt=_local_midnight(end_date + datetime.timedelta(days=1)),
        )
        .order_by("published_at", "pk")
    )


def _previous_month(month_start: datetime.date) -> datetime.date:
    return (month_start.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _month_end(month_start: datetime.date) -> datetime.date:
    next_month = (month_start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


def case_study_of_the_month(region: Region, month_start: datetime.date) -> CaseStudy | None:
    """The snapshot's suggestion for `month_start`'s issue: the region's latest case study
    published in the month before or in the month itself; None when there is none."""
    month_start = month_start.replace(day=1)
    return (
        published_between(region, _previous_month(month_start), _month_end(month_start))
        .order_by("-published_at", "-pk")
        .first()
    )


def featurable_case_studies(region: Region) -> QuerySet[CaseStudy]:
    """What a snapshot may feature: the region's published case studies, newest first."""
    return CaseStudy.objects.published().filter(region=region).order_by("-published_at", "-pk")
