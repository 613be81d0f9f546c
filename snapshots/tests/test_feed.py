"""The Atom feed of a region's published snapshots parses in a feed reader and holds only
published ones."""

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from snapshots.tests.factories import SnapshotFactory

pytestmark = pytest.mark.django_db


def test_the_feed_lists_published_snapshots_newest_first_and_parses(client, region, other_region):
    published = datetime.datetime(2024, 10, 3, 9, tzinfo=datetime.UTC)
    SnapshotFactory(
        region=region,
        month=datetime.date(2024, 9, 1),
        state="published",
        published_at=published,
        introduction="Welcome to **September**.",
    )
    SnapshotFactory(
        region=region, month=datetime.date(2024, 10, 1), state="published", published_at=published.replace(month=11)
    )
    SnapshotFactory(region=region, month=datetime.date(2024, 11, 1), state="ready", title="Not yet published")
    SnapshotFactory(region=region, month=datetime.date(2024, 8, 1), state="withdrawn", title="Withdrawn one")
    SnapshotFactory(region=other_region, month=datetime.date(2024, 9, 1), state="published", published_at=published)

    response = client.get(reverse("snapshot_feed", args=[region.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "SW ADPH SLI snapshots"
    assert [entry.link for entry in feed.entries] == [
        "http://testserver/snapshots/south-west/2024-10/",
        "http://testserver/snapshots/south-west/2024-09/",
    ]
    september = feed.entries[1]
    assert "<strong>September</strong>" in september.summary
    assert september.id == "tag:sli-portal,2024:snapshots/south-west/2024-09"
    assert september.published_parsed[:3] == (2024, 10, 3)


def test_the_archive_links_its_feed(client, region):
    SnapshotFactory(region=region, month=datetime.date(2024, 9, 1), state="published", published_at=timezone.now())
    page = client.get(reverse("snapshot_archive", args=[region.slug])).content.decode()
    feed_url = reverse("snapshot_feed", args=[region.slug])
    assert 'rel="alternate" type="application/atom+xml"' in page and f'href="{feed_url}"' in page


def test_an_unknown_region_has_no_feed(client, db):
    assert client.get(reverse("snapshot_feed", args=["nowhere"])).status_code == 404
