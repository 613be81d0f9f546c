"""Atom feeds of published case studies, so people follow them in the tools they already use."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from programmes.models import Region

from . import selectors
from .models import CaseStudy

FEED_ITEMS = 50


class CaseStudyFeed(Feed):
    """Every region's published case studies, newest first."""

    feed_type = Atom1Feed
    title = "Public health case studies – SLI Portal"
    subtitle = "Case studies published by the regional networks of Directors of Public Health"

    def link(self) -> str:
        return reverse("case_study_list")

    def feed_url(self) -> str:
        return reverse("case_study_feed")

    def items(self):
        return selectors.published_case_studies()[:FEED_ITEMS]

    def item_title(self, item: CaseStudy) -> str:
        return item.title

    def item_description(self, item: CaseStudy) -> str:
        return item.summary

    def item_link(self, item: CaseStudy) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: CaseStudy):
        return item.published_at

    def item_updateddate(self, item: CaseStudy):
        return item.updated_at

    def item_author_name(self, item: CaseStudy) -> str:
        return item.region.network_name or item.region.name

    def item_categories(self, item: CaseStudy) -> list[str]:
        return [topic.name for topic in item.topics.all()]


class RegionCaseStudyFeed(CaseStudyFeed):
    """One region's published case studies."""

    def get_object(self, request, slug: str) -> Region:
        return get_object_or_404(Region, slug=slug)

    def title(self, region: Region) -> str:
        return f"{region.short_name} case studies – SLI Portal"

    def subtitle(self, region: Region) -> str:
        return f"Case studies published by {region.short_name}"

    def link(self, region: Region) -> str:
        return f"{reverse('case_study_list')}?region={region.slug}"

    def feed_url(self, region: Region) -> str:
        return reverse("case_study_region_feed", args=[region.slug])

    def items(self, region: Region):
        return selectors.published_case_studies().filter(region=region)[:FEED_ITEMS]
