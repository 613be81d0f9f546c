"""An Atom feed of each region's published snapshots, so people follow them in a feed reader."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from programmes.models import Region

from .formatting import render_markdown
from .models import Snapshot

FEED_LENGTH = 24  # two years of monthly snapshots


class PublishedSnapshotsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Region:
        return get_object_or_404(Region, slug=slug)

    def title(self, region: Region) -> str:
        return f"{region.short_name} SLI snapshots"

    def subtitle(self, region: Region) -> str:
        return f"The monthly sector-led improvement snapshots of {region.name}, as they are published."

    def link(self, region: Region) -> str:
        return reverse("snapshot_archive", args=[region.slug])

    def feed_url(self, region: Region) -> str:
        return reverse("snapshot_feed", args=[region.slug])

    def author_name(self, region: Region) -> str:
        return region.network_name or region.name

    def items(self, region: Region):
        # Withdrawn snapshots leave the feed as they leave the archive.
        snapshots = Snapshot.objects.published().filter(region=region).order_by("-published_at")[:FEED_LENGTH]
        for snapshot in snapshots:
            snapshot.region = region
        return snapshots

    def item_title(self, snapshot: Snapshot) -> str:
        return snapshot.title

    def item_description(self, snapshot: Snapshot) -> str:
        if snapshot.introduction:
            return render_markdown(snapshot.introduction)
        return f"The {snapshot.month:%B %Y} SLI snapshot of {snapshot.region.name}, as a web page and a PDF."

    def item_pubdate(self, snapshot: Snapshot):
        return snapshot.published_at

    def item_updateddate(self, snapshot: Snapshot):
        return snapshot.published_at

    def item_guid(self, snapshot: Snapshot) -> str:
        # Stable across re-publication, so a reader never shows the same month twice.
        return f"tag:sli-portal,{snapshot.month:%Y}:snapshots/{snapshot.region.slug}/{snapshot.month_slug}"

    item_guid_is_permalink = False
