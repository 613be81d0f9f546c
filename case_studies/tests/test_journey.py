"""Issue 15's "done when": a member writes a case study, the coordinator publishes it, and it
appears on /case-studies/, in search from another region, in the next snapshot and in the feed."""

import datetime

import feedparser
import pytest
import time_machine
from django.urls import reverse

from case_studies.models import CaseStudy
from snapshots import services as snapshot_services

pytestmark = pytest.mark.django_db

TITLE = "Falls prevention with the fire service"


def test_a_case_study_goes_from_a_members_draft_to_every_public_output(
    client, region, member, coordinator, other_coordinator, topic
):
    with time_machine.travel(datetime.datetime(2024, 9, 10, 10, tzinfo=datetime.UTC)):
        client.force_login(member)
        client.post(
            reverse("case_study_create", args=["south-west"]),
            {
                "title": TITLE,
                "summary": "Fire officers checked homes for trip hazards on their safe-and-well visits.",
                "problem": "Falls are the commonest reason older people are admitted to hospital.",
                "what_was_done": "Training for fire officers; referrals to the falls service.",
                "impact": "Referrals tripled in a year.",
                "contact": "Sam Lee, sam.lee@example.org",
                "topics": [topic.pk],
            },
            follow=True,
        )
        case_study = CaseStudy.objects.get(title=TITLE)
        assert client.get(reverse("case_study_list")).content.decode().count(TITLE) == 0

        client.force_login(coordinator)
        client.post(reverse("case_study_publish", args=["south-west", case_study.pk]))

    client.logout()
    assert TITLE in client.get(reverse("case_study_list")).content.decode()
    assert TITLE in client.get(case_study.get_absolute_url()).content.decode()

    client.force_login(other_coordinator)
    assert TITLE in client.get(reverse("case_study_search"), {"q": "falls fire"}).content.decode()

    snapshot = snapshot_services.create_snapshot(region=region, month=datetime.date(2024, 10, 1))
    assert snapshot.featured_case_study == case_study
    assert TITLE in snapshot_services.build_html(snapshot)

    feed = feedparser.parse(client.get(reverse("case_study_feed")).content)
    assert not feed.bozo and [entry.title for entry in feed.entries] == [TITLE]
