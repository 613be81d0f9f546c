"""The Atom feeds of published case studies parse in a feed reader's parser."""

import feedparser
import pytest
from django.urls import reverse

from case_studies.tests.factories import CaseStudyFactory

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return feedparser.parse(response.content)


def test_the_feed_lists_published_case_studies_with_their_topics(client, published, draft):
    feed = parse(client, reverse("case_study_feed"))

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [published.title]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{published.get_absolute_url()}"
    assert entry.summary == published.summary
    assert [tag.term for tag in entry.tags] == ["Tobacco control"]
    assert entry.author == "SW ADPH"
    assert entry.published_parsed[:3] == (2024, 9, 12)


def test_the_regions_feed_holds_only_its_case_studies(client, published, other_region, topic):
    theirs = CaseStudyFactory(region=other_region, title="Their case study", topics=[topic])
    theirs.publish(by=None)
    everyone = parse(client, reverse("case_study_feed"))
    ours = parse(client, reverse("case_study_region_feed", args=["south-west"]))
    assert {entry.title for entry in everyone.entries} == {published.title, theirs.title}
    assert [entry.title for entry in ours.entries] == [published.title]
    assert ours.feed.title == "SW ADPH case studies – SLI Portal"


def test_a_withdrawn_case_study_leaves_the_feed(client, coordinator, published):
    published.withdraw(by=coordinator)
    assert parse(client, reverse("case_study_feed")).entries == []


def test_the_feed_of_an_unknown_region_is_a_404(client):
    assert client.get(reverse("case_study_region_feed", args=["nowhere"])).status_code == 404


def test_the_pages_point_feed_readers_to_the_feed(client, member, published):
    public = client.get(reverse("case_study_list")).content.decode()
    feed = reverse("case_study_feed")
    assert f'type="application/atom+xml" title="Public health case studies" href="{feed}"' in public
    client.force_login(member)
    workspace = client.get(reverse("case_study_region_list", args=["south-west"])).content.decode()
    assert reverse("case_study_region_feed", args=["south-west"]) in workspace
    assert "Follow in a feed reader" in workspace
